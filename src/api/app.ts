import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { ServerConfig } from '../config.js';
import { badRequest, OutcomeError, outcome } from '../fhir/outcome.js';
import type { Database } from '../store/db.js';
import fastifyCookie from '@fastify/cookie';
import { AuditWriter } from '../auth/audit/writer.js';
import { DEFAULT_SESSION_LIMITS } from '../auth/sessions.js';
import { registerAmendmentRoutes } from './amendmentRoutes.js';
import { registerClinicRoutes } from './clinicRoutes.js';
import { registerPrintRoutes } from './printRoutes.js';
import { registerAdminRoutes } from './auth/adminRoutes.js';
import { authenticate, type AuthEnv } from './auth/authenticate.js';
import { registerAuthRoutes } from './auth/authRoutes.js';
import { registerOAuthRoutes } from './auth/oauthRoutes.js';
import { securityHeaders } from './securityHeaders.js';
import { sendOutcome, toOutcomeError } from './errors.js';
import { presentResource } from './router/respond.js';
import { routeFhirRequest } from './router/router.js';
import { isAppPage, registerWebApp, sendAppPage, WEB_DIST } from './webApp.js';
import type { FhirRequest } from './router/types.js';

export const FHIR_BASE = '/fhir/R4';

export interface AppOptions {
  db: Database;
  config: Pick<ServerConfig, 'practice' | 'bodyLimit' | 'baseUrl' | 'logLevel'> &
    Partial<Pick<ServerConfig, 'idleMinutes'>> & {
      /** Served over TLS: adds HSTS. */
      tls?: boolean;
    };
  /** The built web app to serve at `/` (default web/dist); null serves the API only. */
  webDist?: string | null;
  /** The clock for session time-outs and tokens (tests advance it). */
  now?: () => Date;
  /** Options passed to Fastify itself (the HTTPS key and certificate). */
  https?: HttpsOptions;
}

/** The node:https server options medassist sets: TLS 1.2 or later, and the TLS 1.2 cipher suites allowed. */
export interface HttpsOptions {
  key: Buffer;
  cert: Buffer;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
  honorCipherOrder?: boolean;
}

/**
 * The HTTP layer: turns requests into FhirRequests and FhirResponses into replies. It never writes SQL
 * and holds no FHIR rules (those are in api/router and store).
 */
export function buildApp({
  db,
  config,
  webDist = WEB_DIST,
  now = () => new Date(),
  https,
}: AppOptions): FastifyInstance {
  const app = Fastify({
    ...(https ? { https } : {}),
    bodyLimit: config.bodyLimit,
    // Request logs carry no query strings or bodies: they may name patients (see onResponse below).
    logController: new LogController({ disableRequestLogging: true }),
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    return503OnClosing: true,
    // Errors Fastify raises before routing (a malformed URL) are OperationOutcomes too.
    frameworkErrors: (err, request, reply) => {
      void sendOutcome(reply, toOutcomeError(err, request));
    },
  });

  const jsonParser = (
    _req: unknown,
    body: string,
    done: (err: Error | null, value?: unknown) => void
  ): void => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      done(badRequest('the body is not valid JSON', 'body'));
      return;
    }
    const problem = jsonProblem(value, MAX_JSON_DEPTH);
    if (problem) {
      done(badRequest(problem, 'body'));
      return;
    }
    done(null, value);
  };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/fhir+json', 'application/json', 'application/json-patch+json'],
    { parseAs: 'string' },
    jsonParser
  );
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body)
  );

  app.setErrorHandler((err, request, reply) => sendOutcome(reply, toOutcomeError(err, request)));
  void app.register(fastifyCookie);
  app.addHook('onSend', async (request, reply, payload) => {
    securityHeaders(request, reply, config.tls === true);
    return payload;
  });
  const auditWriter = new AuditWriter(db);
  const authEnv: AuthEnv = {
    db,
    limits: { ...DEFAULT_SESSION_LIMITS, idleSeconds: (config.idleMinutes ?? 15) * 60 },
    now,
    audit: auditWriter,
  };
  registerAuthRoutes(app, authEnv, 'medassist');
  registerOAuthRoutes(app, authEnv);
  registerAdminRoutes(app, authEnv);
  registerPrintRoutes(app, authEnv);
  const baseUrl = (host: string, protocol: string) => config.baseUrl ?? `${protocol}://${host}${FHIR_BASE}`;
  registerAmendmentRoutes(app, authEnv, baseUrl);
  registerClinicRoutes(app, authEnv, baseUrl);
  const hasWebApp = webDist !== null && registerWebApp(app, webDist);
  app.setNotFoundHandler((request, reply) =>
    hasWebApp && isAppPage(request)
      ? sendAppPage(reply)
      : sendOutcome(
          reply,
          new OutcomeError(
            404,
            outcome(
              'error',
              'not-found',
              `nothing is served at ${request.method} ${request.url.split('?')[0]}`
            )
          )
        )
  );
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request'
    );
  });

  // Without a built web app, / says what is running and where the API is.
  app.get('/', async (_request, reply) =>
    hasWebApp
      ? sendAppPage(reply)
      : reply
          .type('text/html; charset=utf-8')
          .send(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>medassist</title></head>' +
              '<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5">' +
              '<h1>medassist is running</h1><p>The FHIR R4 API is at <a href="/fhir/R4/metadata">/fhir/R4</a> ' +
              '(capability statement at <code>/fhir/R4/metadata</code>). Health: <a href="/healthz">/healthz</a>.</p>' +
              '<p>The web app for medical assistants comes next.</p></body></html>'
          )
  );

  app.get('/healthz', async (_request, reply) => {
    try {
      await db.query('SELECT 1');
      return reply.send({ status: 'ok', engine: db.engine });
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });

  const fhirHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const isMetadata = request.method === 'GET' && /^\/fhir\/R4\/metadata(\?|$)/.test(request.url);
    // The capability statement is public (FHIR R4 http.html#capabilities); everything else authenticates.
    const principal = isMetadata ? undefined : (await authenticate(request, authEnv)).principal;
    const practiceId = principal?.practiceId ?? config.practice;
    const baseUrl = config.baseUrl ?? `${request.protocol}://${request.host}${FHIR_BASE}`;
    const url = request.url;
    const q = url.indexOf('?');
    const path = (q >= 0 ? url.slice(0, q) : url).slice(FHIR_BASE.length).replace(/^\//, '');
    const method = request.method as FhirRequest['method'];
    if (
      (method === 'POST' || method === 'PUT' || method === 'PATCH') &&
      request.body === undefined &&
      !path.endsWith('_search')
    ) {
      throw badRequest('the request has no body', 'body');
    }
    if (method === 'PATCH' && !/json-patch\+json/.test(request.headers['content-type'] ?? '')) {
      throw new OutcomeError(
        415,
        outcome('error', 'not-supported', 'PATCH takes application/json-patch+json', 'Content-Type')
      );
    }
    const response = await routeFhirRequest(
      {
        db,
        ctx: { practiceId, baseUrl, principal },
        audit: auditWriter,
        onError: (err) =>
          request.log.error(
            { err: { message: (err as Error)?.message, stack: (err as Error)?.stack } },
            'unexpected error in a batch entry'
          ),
      },
      {
        method,
        path: decodePath(path),
        query: q >= 0 ? [...new URLSearchParams(url.slice(q + 1)).entries()] : [],
        headers: request.headers as Record<string, string | undefined>,
        body: request.body,
      }
    );
    reply.status(response.status).headers(response.headers);
    if (response.body === undefined || method === 'HEAD') {
      return reply.send();
    }
    return reply
      .header('content-type', 'application/fhir+json; charset=utf-8')
      .send(JSON.stringify(presentResource(response.body)));
  };
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
  app.route({ method: [...methods], url: FHIR_BASE, handler: fhirHandler });
  app.route({ method: [...methods], url: `${FHIR_BASE}/*`, handler: fhirHandler });
  return app;
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw badRequest('the URL path is not valid percent-encoding', 'url');
  }
}

/** An unpaired UTF-16 surrogate (what String.prototype.isWellFormed rejects). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Far deeper than any FHIR resource (a deep Questionnaire is ~20 levels), far shallower than the stack. */
const MAX_JSON_DEPTH = 100;

/**
 * What the database or our recursive walks cannot take although JSON.parse accepted it: nesting deeper than
 * `max`, or a lone UTF-16 surrogate (valid JSON escapes, invalid Unicode: PostgreSQL's jsonb refuses it).
 */
function jsonProblem(value: unknown, max: number): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item === 'string') {
      if (LONE_SURROGATE.test(item)) {
        return 'the body contains text that is not valid Unicode (a lone surrogate)';
      }
    } else if (typeof item === 'object' && item !== null) {
      if (depth >= max) {
        return `the body is nested more than ${max} levels deep`;
      }
      for (const [k, child] of Array.isArray(item) ? item.entries() : Object.entries(item)) {
        if (typeof k === 'string' && LONE_SURROGATE.test(k)) {
          return 'the body contains text that is not valid Unicode (a lone surrogate)';
        }
        stack.push([child, depth + 1]);
      }
    }
  }
  return undefined;
}
