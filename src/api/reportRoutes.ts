import type { FastifyInstance } from 'fastify';
import { parseWaitTimeQuery, waitTimeReport } from '../clinic/reports/waitTimeReport.js';
import { waitTimeCsv } from '../clinic/reports/waitTimeStats.js';
import { auditRow } from '../auth/audit/events.js';
import { badRequest } from '../fhir/outcome.js';
import { authenticate, type AuthEnv } from './auth/authenticate.js';
import type { BaseUrl } from './clinicRoutes.js';

/**
 * Reports (docs/front-desk-api.md, "Wait-time report"): authenticate -> validate -> report -> present
 * (JSON, or CSV with `format=csv`). Aggregates only: no patient is named in the answer.
 */
export function registerReportRoutes(app: FastifyInstance, env: AuthEnv, baseUrl: BaseUrl): void {
  app.get<{ Querystring: Record<string, unknown> }>('/api/reports/wait-times', async (request, reply) => {
    const { principal } = await authenticate(request, env);
    const ctx = {
      practiceId: principal.practiceId,
      baseUrl: baseUrl(request.host, request.protocol),
      principal,
    };
    const format = request.query.format ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      throw badRequest('format must be json or csv', 'format');
    }
    const query = parseWaitTimeQuery(request.query);
    const report = await waitTimeReport(env.db, ctx, query, env.now());
    // Aggregates of many charts: the audit trail records who ran which report, with no patient listed.
    const kind = format === 'csv' ? 'export' : 'search';
    if (await env.audit.records(env.db, principal.practiceId, kind)) {
      await env.audit.append(principal.practiceId, [
        auditRow({
          principal,
          action: 'E',
          subtype: 'wait-time-report',
          entities: [{ reference: 'Encounter' }, { reference: 'Appointment' }],
          query: `wait-times?${new URLSearchParams({ ...query, format }).toString()}`,
          recorded: env.now(),
        }),
      ]);
    }
    if (format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="wait-times-${report.from}-to-${report.to}.csv"`)
        .send(waitTimeCsv(report.rows));
    }
    return reply.send(report);
  });
}
