import type { FastifyInstance } from 'fastify';
import { auditRow } from '../auth/audit/events.js';
import { badRequest } from '../fhir/outcome.js';
import { ID_RE } from '../store/repository.js';
import { authenticate, type AuthEnv } from './auth/authenticate.js';

/**
 * The web app tells the server when a user prints patient data (a chart summary, a label), so the print is
 * on the audit trail (ASTM E2147 "print"). Recorded before the app opens the print dialog.
 */
export function registerPrintRoutes(app: FastifyInstance, env: AuthEnv): void {
  app.post('/api/audit/print', async (request, reply) => {
    const { principal } = await authenticate(request, env);
    const b = (request.body ?? {}) as { patientId?: unknown; what?: unknown };
    if (typeof b.patientId !== 'string' || !ID_RE.test(b.patientId)) {
      throw badRequest('patientId must be a Patient id', 'patientId');
    }
    if (typeof b.what !== 'string' || b.what.length === 0 || b.what.length > 200) {
      throw badRequest('what was printed (1-200 characters), e.g. "chart summary"', 'what');
    }
    if (await env.audit.records(env.db, principal.practiceId, 'print')) {
      await env.audit.append(principal.practiceId, [
        auditRow({
          principal,
          action: 'R',
          subtype: 'print',
          patients: [b.patientId],
          category: b.what,
          description: `printed ${b.what}`,
        }),
      ]);
    }
    return reply.status(204).send();
  });
}
