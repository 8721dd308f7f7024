import { z } from 'zod';
import { parseDatabaseTarget, type DatabaseTarget } from './store/db.js';
import { PRACTICE_ID_RE } from './store/practice.js';

/** The server's configuration, parsed once at start (flags override environment variables). */
export interface ServerConfig {
  host: string;
  port: number;
  database: DatabaseTarget;
  /** The practice served when a request names none (the demo clinic's by default). */
  practice: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Public base URL; defaults to http://host:port. */
  baseUrl?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Minutes a signed-in session may stay idle before the server refuses it (ONC (d)(5): at most 30). */
  idleMinutes: number;
  /** PEM files for HTTPS; both or neither. */
  tlsCert?: string;
  tlsKey?: string;
}

const schema = z.object({
  host: z.string().min(1, 'must not be empty'),
  port: z.coerce.number().int('must be a whole number').min(0).max(65535, 'must be 0-65535'),
  database: z.string().transform((value, ctx) => {
    const parsed = parseDatabaseTarget(value);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  }),
  practice: z.string().regex(PRACTICE_ID_RE, 'must be lower-case letters, digits and "-"'),
  bodyLimit: z.coerce.number().int().min(1024, 'must be at least 1024 bytes'),
  baseUrl: z.url('must be an absolute URL').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']),
  idleMinutes: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(30, 'must be at most 30 (ONC 170.315(d)(5))'),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
});

/** Names of each setting as a user types it, for error messages. */
const SETTING_NAMES: Record<string, string> = {
  host: '--host / MEDASSIST_HOST',
  port: '--port / MEDASSIST_PORT',
  database: '--database / MEDASSIST_DATABASE',
  practice: '--practice / MEDASSIST_PRACTICE',
  bodyLimit: '--body-limit / MEDASSIST_BODY_LIMIT',
  baseUrl: '--base-url / MEDASSIST_BASE_URL',
  logLevel: '--log-level / MEDASSIST_LOG_LEVEL',
  idleMinutes: '--idle-minutes / MEDASSIST_IDLE_MINUTES',
  tlsCert: '--tls-cert / MEDASSIST_TLS_CERT',
  tlsKey: '--tls-key / MEDASSIST_TLS_KEY',
};

export class ConfigError extends Error {}

/** Parses flags over environment over defaults; throws a ConfigError with one line naming the bad setting. */
export function parseServerConfig(
  flags: Partial<Record<keyof ServerConfig, string | undefined>>,
  env: NodeJS.ProcessEnv = process.env
): ServerConfig {
  const raw = {
    host: flags.host ?? env.MEDASSIST_HOST ?? '127.0.0.1',
    port: flags.port ?? env.MEDASSIST_PORT ?? '8080',
    database: flags.database ?? env.MEDASSIST_DATABASE ?? 'pglite:./data',
    practice: flags.practice ?? env.MEDASSIST_PRACTICE ?? 'demo',
    bodyLimit: flags.bodyLimit ?? env.MEDASSIST_BODY_LIMIT ?? String(16 * 1024 * 1024),
    baseUrl: flags.baseUrl ?? env.MEDASSIST_BASE_URL,
    logLevel: flags.logLevel ?? env.MEDASSIST_LOG_LEVEL ?? 'info',
    idleMinutes: flags.idleMinutes ?? env.MEDASSIST_IDLE_MINUTES ?? '15',
    tlsCert: flags.tlsCert ?? env.MEDASSIST_TLS_CERT,
    tlsKey: flags.tlsKey ?? env.MEDASSIST_TLS_KEY,
  };
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw configError(result.error.issues[0], raw);
  }
  if (!result.data.tlsCert !== !result.data.tlsKey) {
    throw new ConfigError(
      'invalid setting --tls-cert / --tls-key: give both files (certificate and key) or neither'
    );
  }
  return result.data;
}

function configError(issue: z.core.$ZodIssue, raw: Record<string, unknown>): ConfigError {
  const key = String(issue.path[0]);
  // A database URL may hold a password: never echo it.
  const shown = key === 'database' ? '' : ` (got "${String(raw[key])}")`;
  return new ConfigError(`invalid setting ${SETTING_NAMES[key] ?? key}: ${issue.message}${shown}`);
}

/**
 * Only --database and --practice (flags over MEDASSIST_DATABASE / MEDASSIST_PRACTICE over pglite:./data and
 * demo), read exactly as `serve` reads them: for the commands that work on a database without serving it.
 */
export function parseDatabaseAndPractice(
  flags: { database?: string; practice?: string },
  env: NodeJS.ProcessEnv = process.env
): Pick<ServerConfig, 'database' | 'practice'> {
  const raw = {
    database: flags.database ?? env.MEDASSIST_DATABASE ?? 'pglite:./data',
    practice: flags.practice ?? env.MEDASSIST_PRACTICE ?? 'demo',
  };
  const result = schema.pick({ database: true, practice: true }).safeParse(raw);
  if (!result.success) {
    throw configError(result.error.issues[0], raw);
  }
  return result.data;
}
