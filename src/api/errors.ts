import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  badRequest,
  isOutcomeError,
  notFound,
  OutcomeError,
  outcome,
  serverError,
  tooLarge,
} from '../fhir/outcome.js';

/**
 * The one place an error becomes a response: always an OperationOutcome, never a stack trace.
 * Unexpected errors are logged (without request bodies, which may hold patient data) and answered 500.
 */
export function toOutcomeError(err: unknown, request: FastifyRequest): OutcomeError {
  if (isOutcomeError(err)) {
    return err;
  }
  const e = err as { code?: string; statusCode?: number; message?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge('the request body is larger than the configured limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OutcomeError(
        415,
        outcome(
          'error',
          'not-supported',
          'unsupported content type; send application/fhir+json',
          'Content-Type'
        )
      );
    case 'FST_ERR_BAD_URL':
      return badRequest('the URL is not valid percent-encoding', 'url');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('the body is empty; send a FHIR resource', 'body');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest('the body is not valid JSON', 'body');
    default:
      break;
  }
  if (err instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return badRequest('the body is not valid JSON', 'body');
  }
  if (e.statusCode === 404) {
    return notFound('not found');
  }
  // PostgreSQL "data exception" (class 22: a value out of range, an invalid timestamp or number, bad
  // encoding) and "statement too complex" (54001): the request carried a value the database cannot take.
  if (typeof e.code === 'string' && (e.code.startsWith('22') || e.code === '54001')) {
    return badRequest('a value in the request is out of range or malformed for the database', 'body');
  }
  if (err instanceof RangeError && /call stack/i.test(e.message ?? '')) {
    return badRequest('the request is nested too deeply', 'body');
  }
  if (e.code === '40001' || e.code === '40P01') {
    return new OutcomeError(
      409,
      outcome('error', 'transient', 'a concurrent change conflicted with this request; retry it')
    );
  }
  request.log.error(
    { err: { message: e.message, code: e.code, stack: (err as Error)?.stack } },
    'unexpected error'
  );
  return serverError();
}

export function sendOutcome(reply: FastifyReply, err: OutcomeError): FastifyReply {
  return reply
    .status(err.status)
    .header('content-type', 'application/fhir+json; charset=utf-8')
    .send(err.outcome);
}
