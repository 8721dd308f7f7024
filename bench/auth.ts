/**
 * The bench signs in like any API client: `medassist client create` before the server starts (a PGlite
 * folder has one owner), then the client-credentials grant, refreshed every 3 minutes (tokens live 5). For
 * the audit-cost comparison it also signs in a practice-admin (with TOTP enrolment) to switch read auditing.
 */
import { spawnSync } from 'node:child_process';
import { totpCode } from '../src/auth/totp.js';

/** The practice the bench works in. */
export const BENCH_PRACTICE = 'bench';

let token = '';
let credentials: { client_id: string; client_secret: string } | undefined;
let refresher: NodeJS.Timeout | undefined;
const ADMIN = { username: 'bench-admin', password: 'Quiet-lantern-orchard-77' };

function cli(args: string[], input?: string): string {
  const run = spawnSync(process.execPath, ['bin/medassist.js', ...args], { input, encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`medassist ${args.slice(0, 2).join(' ')} failed: ${run.stderr}`);
  }
  return run.stdout;
}

/** Makes the bench's API client and admin user in a database no server holds yet. */
export function prepareAuth(database: string): void {
  const common = ['--database', database, '--practice', BENCH_PRACTICE];
  credentials = JSON.parse(
    cli(['client', 'create', '--name', 'bench', '--scope', 'system/*.cruds', ...common])
  ) as { client_id: string; client_secret: string };
  cli(
    [
      'user',
      'create',
      '--username',
      ADMIN.username,
      '--role',
      'practice-admin',
      '--password-stdin',
      ...common,
    ],
    `${ADMIN.password}\n`
  );
}

async function fetchToken(origin: string): Promise<void> {
  if (!credentials) {
    throw new Error('prepareAuth first');
  }
  const res = await fetch(`${origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...credentials }).toString(),
  });
  if (!res.ok) {
    throw new Error(`token request answered ${res.status}: ${await res.text()}`);
  }
  token = ((await res.json()) as { access_token: string }).access_token;
}

/** Gets a token now and keeps it fresh while the bench runs against `origin`. */
export async function startAuth(origin: string): Promise<void> {
  await fetchToken(origin);
  clearInterval(refresher);
  refresher = setInterval(() => void fetchToken(origin).catch(() => undefined), 180_000);
  refresher.unref();
}

export function stopAuth(): void {
  clearInterval(refresher);
}

/** The Authorization header of the bench client (autocannon takes it at the start of each run). */
export function authHeader(): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Turns the auditing of reads and searches on or off, as the practice-admin (docs/security/auth-api.md). */
export async function setReadAuditing(origin: string, on: boolean): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const signIn = await fetch(`${origin}/auth/sign-in`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(ADMIN),
  });
  let cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
  const first = (await signIn.json()) as { stage: string; session: { csrfToken: string } };
  let csrf = first.session.csrfToken;
  if (first.stage === 'enrol') {
    const enrol = (await (
      await fetch(`${origin}/auth/mfa/enrol`, { method: 'POST', headers: { ...json, cookie }, body: '{}' })
    ).json()) as { secret: string };
    const confirm = await fetch(`${origin}/auth/mfa/enrol/confirm`, {
      method: 'POST',
      headers: { ...json, cookie },
      body: JSON.stringify({ code: totpCode(enrol.secret) }),
    });
    cookie = (confirm.headers.get('set-cookie') ?? '').split(';')[0];
    csrf = ((await confirm.json()) as { session: { csrfToken: string } }).session.csrfToken;
    process.env.BENCH_ADMIN_TOTP = enrol.secret;
  } else if (first.stage === 'mfa') {
    // A code from the next time step: the enrolment used this one, and a code is good once.
    const verify = await fetch(`${origin}/auth/mfa/verify`, {
      method: 'POST',
      headers: { ...json, cookie },
      body: JSON.stringify({ code: totpCode(process.env.BENCH_ADMIN_TOTP ?? '', Date.now() + 30_000) }),
    });
    cookie = (verify.headers.get('set-cookie') ?? '').split(';')[0];
    csrf = ((await verify.json()) as { session: { csrfToken: string } }).session.csrfToken;
  }
  const res = await fetch(`${origin}/admin/audit-settings`, {
    method: 'PUT',
    headers: { ...json, cookie, 'x-csrf-token': csrf },
    body: JSON.stringify({ read: on, search: on, export: true, print: true }),
  });
  if (!res.ok) {
    throw new Error(`audit settings answered ${res.status}: ${await res.text()}`);
  }
  // The server caches the settings for up to 5 s in each process (src/auth/audit/writer.ts).
  await new Promise((r) => setTimeout(r, 5500));
}
