import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Headers on every answer (OWASP ASVS 14.4, ONC (d)(9)): a strict CSP for the web app (scripts and styles
 * from medassist only; Mantine sets inline styles, hence 'unsafe-inline' for style-src alone), no MIME
 * sniffing, no framing, no referrer, HSTS under TLS, and no caching of anything that may carry patient data.
 */
export function securityHeaders(request: FastifyRequest, reply: FastifyReply, tls: boolean): void {
  reply.header(
    'content-security-policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
      "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
  );
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  if (tls) {
    reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  }
  // API answers may carry patient data: never stored by the browser or a proxy. App pages and assets keep
  // the caching the web app layer gave them (they hold no patient data).
  if (/^\/(fhir|auth|admin|oauth2|api)\b/.test(request.url) || !reply.hasHeader('cache-control')) {
    reply.header('cache-control', 'no-store');
  }
}
