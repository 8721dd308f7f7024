import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `vite build` puts the web app (scripts/build-web.mjs). */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/**
 * Serves the built web app at `/`. Hashed assets are cached for a year (their names change with their
 * content); index.html is never cached, so a new build is picked up at once. Returns false when there is
 * no build (the server then shows a page saying where the API is).
 */
export function registerWebApp(app: FastifyInstance, dist: string): boolean {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    return false;
  }
  void app.register(fastifyStatic, {
    root: dist,
    index: false,
    wildcard: true,
    // Our own Cache-Control below (the plugin's default would overwrite it).
    cacheControl: false,
    setHeaders: (res, filePath) => {
      res.setHeader(
        'cache-control',
        filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'
      );
    },
  });
  return true;
}

/** The app's routes (/patients/...) are client-side: any GET for a page that accepts HTML gets index.html. */
export function isAppPage(request: FastifyRequest): boolean {
  return (
    request.method === 'GET' &&
    !request.url.startsWith('/fhir/') &&
    !request.url.startsWith('/healthz') &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

export function sendAppPage(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
