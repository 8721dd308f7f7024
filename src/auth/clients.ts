import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { badRequest, notFound, unauthorized } from '../fhir/outcome.js';
import type { SqlConnection } from '../store/db.js';
import type { Principal } from './principal.js';
import { parseScopes, scopeWithin } from './scopes.js';

/** Access tokens live 5 minutes (SMART Backend Services recommends at most 5). */
export const TOKEN_SECONDS = 300;
const ISSUER = 'medassist';

export interface ClientRow {
  practice_id: string;
  id: string;
  name: string;
  secret_hash: string;
  scopes: string[];
  revoked_at: Date | string | null;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Registers an API client; the secret is shown once and only its hash kept (it is 256 random bits). */
export async function createClient(
  conn: SqlConnection,
  practiceId: string,
  name: string,
  scopeText: string
): Promise<{ client_id: string; client_secret: string; scope: string; practice: string }> {
  if (!name || name.length > 200) {
    throw badRequest('a client needs a name (at most 200 characters)', 'name');
  }
  const scopes = parseScopes(scopeText, 'scope');
  const id = `cl-${randomBytes(9).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  await conn.query(
    'INSERT INTO api_client (practice_id, id, name, secret_hash, scopes) VALUES ($1, $2, $3, $4, $5)',
    [practiceId, id, name, sha256(secret), scopes]
  );
  return { client_id: id, client_secret: secret, scope: scopes.join(' '), practice: practiceId };
}

export async function revokeClient(conn: SqlConnection, practiceId: string, id: string): Promise<void> {
  const result = await conn.query(
    'UPDATE api_client SET revoked_at = now() WHERE practice_id = $1 AND id = $2 RETURNING id',
    [practiceId, id]
  );
  if (result.rows.length === 0) {
    throw notFound(`client ${id} was not found`);
  }
  clientCache.delete(id);
}

/** The token signing key, made once per installation and shared by every process through the database. */
async function signingKey(conn: SqlConnection): Promise<Uint8Array> {
  await conn.query(
    "INSERT INTO server_secret (name, value) VALUES ('jwt-hs256', $1) ON CONFLICT (name) DO NOTHING",
    [randomBytes(32).toString('base64')]
  );
  const result = await conn.query<{ value: string }>(
    "SELECT value FROM server_secret WHERE name = 'jwt-hs256'"
  );
  return new Uint8Array(Buffer.from(result.rows[0].value, 'base64'));
}

/**
 * Holds the signing key and a short cache of client status: a revoked client is refused by this process at
 * once, and by other processes within CLIENT_CACHE_MS.
 */
const CLIENT_CACHE_MS = 2000;
const clientCache = new Map<string, { row: ClientRow | undefined; at: number }>();
/** Per database: a process serving (or testing) two databases keeps each one's key. */
const keys = new WeakMap<SqlConnection, Promise<Uint8Array>>();

function key(conn: SqlConnection): Promise<Uint8Array> {
  let found = keys.get(conn);
  if (!found) {
    found = signingKey(conn).catch((err: unknown) => {
      keys.delete(conn);
      throw err;
    });
    keys.set(conn, found);
  }
  return found;
}

async function clientRow(conn: SqlConnection, id: string): Promise<ClientRow | undefined> {
  const cached = clientCache.get(id);
  if (cached && Date.now() - cached.at < CLIENT_CACHE_MS) {
    return cached.row;
  }
  const result = await conn.query<ClientRow>('SELECT * FROM api_client WHERE id = $1', [id]);
  clientCache.set(id, { row: result.rows[0], at: Date.now() });
  return result.rows[0];
}

/** The client-credentials grant (RFC 6749 4.4): a Bearer JWT carrying the granted scopes. */
export async function issueToken(
  conn: SqlConnection,
  clientId: string,
  clientSecret: string,
  requestedScope: string | undefined,
  now = new Date()
): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }> {
  const result = await conn.query<ClientRow>('SELECT * FROM api_client WHERE id = $1', [clientId]);
  const row = result.rows[0];
  const given = Buffer.from(sha256(clientSecret));
  const expected = Buffer.from(row?.secret_hash ?? sha256('no-such-client'));
  if (!row || row.revoked_at || !timingSafeEqual(given, expected)) {
    throw unauthorized('invalid client_id or client_secret (or the client was revoked)');
  }
  let scopes = row.scopes;
  if (requestedScope) {
    const asked = parseScopes(requestedScope, 'scope');
    // A client may ask for less than it was granted, never more.
    for (const s of asked) {
      if (!scopeWithin(row.scopes, s)) {
        throw badRequest(
          `scope "${s}" is more than this client was granted (${row.scopes.join(' ')})`,
          'scope'
        );
      }
    }
    scopes = asked;
  }
  const token = await new SignJWT({ scope: scopes.join(' '), practice: row.practice_id })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setSubject(clientId)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + TOKEN_SECONDS)
    .sign(await key(conn));
  return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_SECONDS, scope: scopes.join(' ') };
}

/** The principal of a Bearer token, or 401 (bad signature, expired, or a revoked client). */
export async function verifyToken(
  conn: SqlConnection,
  token: string,
  address?: string,
  now = new Date()
): Promise<Principal> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, await key(conn), {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: now,
    }));
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw unauthorized(
      code === 'ERR_JWT_EXPIRED' ? 'the access token has expired' : 'the access token is not valid'
    );
  }
  const clientId = payload.sub ?? '';
  const row = await clientRow(conn, clientId);
  if (!row || row.revoked_at || row.practice_id !== payload.practice) {
    throw unauthorized('the access token belongs to a client that was revoked');
  }
  return {
    kind: 'client',
    id: clientId,
    name: row.name,
    practiceId: row.practice_id,
    roles: [],
    permissions: [],
    scopes: String(payload.scope ?? '')
      .split(' ')
      .filter(Boolean),
    emergencyPatients: [],
    address,
  };
}
