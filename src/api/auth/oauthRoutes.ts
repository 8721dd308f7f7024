import type { FastifyInstance } from 'fastify';
import { issueToken } from '../../auth/clients.js';
import { badRequest, tooManyRequests, unauthorized } from '../../fhir/outcome.js';
import type { AuthEnv } from './authenticate.js';
import { clientAddress } from './authenticate.js';
import { AttemptLimiter } from './rateLimit.js';

/**
 * OAuth 2.0 client credentials (RFC 6749 4.4) for API clients, and the SMART configuration document
 * (SMART App Launch 2.0, conformance.html). Authorization-code with PKCE for SMART apps is not offered yet.
 */
export function registerOAuthRoutes(app: FastifyInstance, env: AuthEnv): void {
  // Failed token requests per address, counted apart from failed sign-ins (authRoutes.ts has its own).
  const limiter = new AttemptLimiter();
  app.post('/oauth2/token', async (request, reply) => {
    const body = typeof request.body === 'string' ? new URLSearchParams(request.body) : new URLSearchParams();
    let clientId = body.get('client_id') ?? '';
    let clientSecret = body.get('client_secret') ?? '';
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      try {
        clientId = decodeURIComponent(decoded.slice(0, i));
        clientSecret = decodeURIComponent(decoded.slice(i + 1));
      } catch {
        // A stray "%" would otherwise be a URIError, answered 500.
        throw unauthorized(
          'the Basic credentials are not valid percent-encoding (RFC 6749 2.3.1)',
          'authorization'
        );
      }
    }
    if (body.get('grant_type') !== 'client_credentials') {
      throw badRequest('grant_type must be client_credentials', 'grant_type');
    }
    if (!clientId || !clientSecret || clientId.length > 100 || clientSecret.length > 200) {
      throw unauthorized('client_id and client_secret are required', 'client_id');
    }
    const token = await limiter.attempt(
      clientAddress(request),
      env.now().getTime(),
      () => tooManyRequests('too many failed token requests from this address'),
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
