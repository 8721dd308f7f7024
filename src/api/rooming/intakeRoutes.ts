import type { Location } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';
import { parseDate } from '../../clinic/flow/visit.js';
import { handoutPdf } from '../../clinic/rooming/education/handoutPdf.js';
import {
  handoutById,
  handouts,
  handoutSummary,
  parseLanguage,
} from '../../clinic/rooming/education/handouts.js';
import { parseGive, patientEducation, recordEducation } from '../../clinic/rooming/education/given.js';
import { assertReadsClinical, patientRecords } from '../../clinic/rooming/gaps/facts.js';
import { huddlePdf, huddleSheet } from '../../clinic/rooming/gaps/huddle.js';
import { careGaps, GAP_RULES } from '../../clinic/rooming/gaps/rules.js';
import { cosignQueue } from '../../clinic/rooming/intake/cosignQueue.js';
import {
  assertMayCosign,
  parseIntake,
  parseSignVersion,
  readIntake,
  saveIntake,
  signIntake,
} from '../../clinic/rooming/intake/intake.js';
import { findById } from '../../clinic/flow/visit.js';
import { badRequest, notFound } from '../../fhir/outcome.js';
import { assertId, Repository } from '../../store/repository.js';
import { auditShown, roomingContext, sendPdf, type RoomingRouteEnv } from './common.js';
import { clinicToday } from '../../clinic/flow/clinicZone.js';

function query(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>;
}

function idOf(request: FastifyRequest): string {
  const id = (request.params as { id?: string }).id ?? '';
  assertId(id, 'id');
  return id;
}

/**
 * Chief complaint and MA notes with co-signature, education handouts, care gaps and the huddle sheet
 * (docs/rooming/intake.md). Each route: authenticate -> clinical reader (403 for the front desk) ->
 * validate -> workflow (src/clinic/rooming/intake, education, gaps) -> audit what was shown -> present.
 */
export function registerIntakeRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  const context = async (request: FastifyRequest) => {
    const ctx = await roomingContext(request, env, baseUrl);
    assertReadsClinical(ctx);
    return ctx;
  };

  app.post('/api/rooming/encounters/:id/intake', async (request, reply) => {
    const ctx = await context(request);
    const id = idOf(request);
    const req = parseIntake(request.body);
    await saveIntake(env.db, ctx, id, req, env.now());
    const view = await readIntake(env.db, ctx, id, env.now());
    // The answer shows the visit's whole intake (the other entry too), not only what was written.
    await auditShown(
      env,
      ctx.principal,
      [view.patientId],
      'clinical notes',
      `intake of Encounter/${view.encounterId}`
    );
    return reply.code(200).send(view);
  });

  app.get('/api/rooming/encounters/:id/intake', async (request, reply) => {
    const ctx = await context(request);
    const view = await readIntake(env.db, ctx, idOf(request), env.now());
    await auditShown(
      env,
      ctx.principal,
      [view.patientId],
      'clinical notes',
      `intake of Encounter/${view.encounterId}`
    );
    return reply.send(view);
  });

  app.get('/api/rooming/cosign', async (request, reply) => {
    const ctx = await context(request);
    const scope = query(request).scope;
    if (scope !== undefined && scope !== 'mine' && scope !== 'all') {
      throw badRequest('scope must be mine or all', 'scope');
    }
    const queue = await cosignQueue(env.db, ctx, scope);
    await auditShown(
      env,
      ctx.principal,
      [...new Set(queue.items.flatMap((i) => (i.patient ? [i.patient.id] : [])))],
      'clinical notes',
      `co-signature queue (${queue.scope})`,
      'search'
    );
    return reply.send(queue);
  });

  app.post('/api/rooming/cosign/:id/sign', async (request, reply) => {
    const ctx = await context(request);
    const id = idOf(request);
    assertMayCosign(ctx);
    const version = parseSignVersion(request.body);
    const signed = await signIntake(env.db, ctx, id, version, env.now());
    return reply.send(signed);
  });

  app.get('/api/rooming/handouts', async (request, reply) => {
    await context(request);
    const language = parseLanguage(query(request).language);
    return reply.send({ language, handouts: handouts().map((h) => handoutSummary(h, language)) });
  });

  app.get('/api/rooming/handouts/:id/pdf', async (request, reply) => {
    const ctx = await context(request);
    const id = (request.params as { id: string }).id;
    const handout = handoutById(id);
    if (!handout) throw notFound(`handout ${id} was not found`);
    const language = parseLanguage(query(request).language);
    const location = query(request).location;
    let clinic: string | undefined;
    if (location !== undefined) {
      if (typeof location !== 'string') throw badRequest('location must be a site Location id', 'location');
      assertId(location, 'location');
      clinic = ((await new Repository(env.db).read(ctx, 'Location', location)) as Location).name;
    }
    if (!clinic) {
      const practice = await env.db.query<{ name: string }>('SELECT name FROM practice WHERE id = $1', [
        ctx.practiceId,
      ]);
      clinic = practice.rows[0]?.name ?? 'Your clinic';
    }
    return sendPdf(reply, await handoutPdf(handout, language, clinic), `${handout.id}-${language}.pdf`);
  });

  app.post('/api/rooming/encounters/:id/education', async (request, reply) => {
    const ctx = await context(request);
    const id = idOf(request);
    const given = await recordEducation(env.db, ctx, id, parseGive(request.body), env.now());
    return reply.code(201).send(given);
  });

  app.get('/api/rooming/patients/:id/education', async (request, reply) => {
    const ctx = await context(request);
    const id = idOf(request);
    const language =
      query(request).language === undefined ? undefined : parseLanguage(query(request).language);
    const education = await patientEducation(env.db, ctx, id, language);
    await auditShown(env, ctx.principal, [id], 'patient education', 'education given and problems');
    return reply.send(education);
  });

  app.get('/api/rooming/patients/:id/care-gaps', async (request, reply) => {
    const ctx = await context(request);
    const id = idOf(request);
    const date =
      query(request).date === undefined
        ? await clinicToday(env.db, ctx.practiceId, env.now())
        : parseDate(query(request).date, 'date');
    const patient = await findById<{ resourceType: 'Patient'; birthDate?: string }>(
      env.db,
      ctx,
      'Patient',
      id
    );
    if (!patient) throw notFound(`Patient/${id} was not found`);
    const records = await patientRecords(env.db, ctx, [{ id, birthDate: patient.birthDate }]);
    const gaps = careGaps(
      records.get(id)?.facts ?? { conditions: [], observations: [], immunizations: [], procedures: [] },
      date
    );
    await auditShown(env, ctx.principal, [id], 'care gaps', `care gaps on ${date}`);
    return reply.send({ patientId: id, date, gaps, rules: GAP_RULES });
  });

  const huddleParams = (request: FastifyRequest): { location: string; date?: string } => {
    const location = query(request).location;
    if (typeof location !== 'string' || location.length === 0) {
      throw badRequest('location (the site Location id) is required', 'location');
    }
    assertId(location, 'location');
    const date = query(request).date === undefined ? undefined : parseDate(query(request).date, 'date');
    return { location, ...(date ? { date } : {}) };
  };

  app.get('/api/rooming/huddle', async (request, reply) => {
    const ctx = await context(request);
    const { location, date } = huddleParams(request);
    const sheet = await huddleSheet(env.db, ctx, location, date, env.now());
    await auditShown(
      env,
      ctx.principal,
      sheet.rows.flatMap((r) => (r.patient ? [r.patient.id] : [])),
      'care gaps',
      `huddle sheet of Location/${location} on ${sheet.date}`,
      'search'
    );
    return reply.send(sheet);
  });

  app.get('/api/rooming/huddle/pdf', async (request, reply) => {
    const ctx = await context(request);
    const { location, date } = huddleParams(request);
    const sheet = await huddleSheet(env.db, ctx, location, date, env.now());
    const printedAt = new Intl.DateTimeFormat('en-US', {
      timeZone: sheet.timeZone,
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(env.now());
    const bytes = await huddlePdf(sheet, printedAt);
    await auditShown(
      env,
      ctx.principal,
      sheet.rows.flatMap((r) => (r.patient ? [r.patient.id] : [])),
      'care gaps',
      `huddle sheet of Location/${location} on ${sheet.date} printed`,
      'print'
    );
    return sendPdf(reply, bytes, `huddle-${sheet.date}.pdf`);
  });
}
