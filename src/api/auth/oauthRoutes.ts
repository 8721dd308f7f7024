import type { FastifyInstance } from 'fastify';
import { issueToken } from '../../auth/clients.js';
import { OutcomeError, outcome } from '../../fhir/outcome.js';
import type { AuthEnv } from './authenticate.js';
import { clientAddress } from './authenticate.js';
import type { AttemptLimiter } from './rateLimit.js';

const oauthError = (status: number, code: string, text: string, field?: string): OutcomeError =>
  new OutcomeError(status, {
    ...outcome('error', status === 401 ? 'login' : 'invalid', text, field),
    id: code,
  });

/**
 * OAuth 2.0 client credentials (RFC 6749 4.4) for API clients, and the SMART configuration document
 * (SMART App Launch 2.0, conformance.html). Authorization-code with PKCE for SMART apps is not offered yet.
 */
export function registerOAuthRoutes(app: FastifyInstance, env: AuthEnv, limiter: AttemptLimiter): void {
  app.post('/oauth2/token', async (request, reply) => {
    const body = typeof request.body === 'string' ? new URLSearchParams(request.body) : new URLSearchParams();
    let clientId = body.get('client_id') ?? '';
    let clientSecret = body.get('client_secret') ?? '';
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, i));
      clientSecret = decodeURIComponent(decoded.slice(i + 1));
    }
    if (body.get('grant_type') !== 'client_credentials') {
      throw oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials', 'grant_type');
    }
    if (!clientId || !clientSecret || clientId.length > 100 || clientSecret.length > 200) {
      throw oauthError(401, 'invalid_client', 'client_id and client_secret are required', 'client_id');
    }
    const token = await limiter.attempt(
      clientAddress(request),
      env.now().getTime(),
      () =>
        new OutcomeError(
          429,
          outcome('error', 'throttled', 'too many failed token requests from this address')
        ),
      () => issueToken(env.db, clientId, clientSecret, body.get('scope') ?? undefined, env.now())
    );
    return reply.header('cache-control', 'no-store').send(token);
  });

  app.get('/.well-known/smart-configuration', async (request, reply) => {
    const base = `${request.protocol}://${request.host}`;
    return reply.send({
      issuer: 'medassist',
      token_endpoint: `${base}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      grant_types_supported: ['client_credentials'],
      scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/Patient.rs', 'system/Observation.cruds'],
      capabilities: ['client-confidential-symmetric', 'permission-v2', 'permission-v1'],
      code_challenge_methods_supported: [],
    });
  });
}
