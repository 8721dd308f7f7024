import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditRow } from '../../auth/audit/events.js';
import type { Principal } from '../../auth/principal.js';
import type { RequestContext } from '../../store/context.js';
import { authenticate, type AuthEnv } from '../auth/authenticate.js';
import type { BaseUrl } from '../clinicRoutes.js';

/** A route's request context: the authenticated caller and the practice (authenticate checks CSRF on writes). */
export type RoomingContext = RequestContext & { principal: Principal };

/** What every rooming route file is given (src/api/roomingRoutes.ts). */
export interface RoomingRouteEnv {
  app: FastifyInstance;
  env: AuthEnv;
  baseUrl: BaseUrl;
}

export async function roomingContext(
  request: FastifyRequest,
  env: AuthEnv,
  baseUrl: BaseUrl
): Promise<RoomingContext> {
  const { principal } = await authenticate(request, env);
  return { practiceId: principal.practiceId, baseUrl: baseUrl(request.host, request.protocol), principal };
}

/**
 * Records that a workflow route showed or printed patient data (writes are audited by the store itself, in
 * the same statement). `category` is the ASTM E2147 data category ("vital signs", "medication list").
 */
export async function auditShown(
  env: AuthEnv,
  principal: Principal,
  patients: readonly string[],
  category: string,
  description: string,
  kind: 'read' | 'search' | 'print' = 'read'
): Promise<void> {
  if (patients.length === 0 || !(await env.audit.records(env.db, principal.practiceId, kind))) {
    return;
  }
  await env.audit.append(principal.practiceId, [
    auditRow({
      principal,
      action: kind === 'search' ? 'E' : 'R',
      subtype: kind === 'print' ? 'print' : 'rooming',
      patients: [...patients],
      category,
      description,
    }),
  ]);
}

/** Sends PDF bytes inline (printouts: consent, handouts, huddle sheet). */
export function sendPdf(reply: FastifyReply, bytes: Uint8Array, filename: string): FastifyReply {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `inline; filename="${filename}"`)
    .send(Buffer.from(bytes));
}
