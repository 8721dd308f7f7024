import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.js';
import { typeAccess } from '../../auth/policy.js';
import { BODY_SITES, LATERALITIES, PROCEDURE_CATALOG } from '../../clinic/rooming/procedures/catalog.js';
import {
  consentPdfOf,
  consentViewOf,
  parseProcedureConsent,
  procedureConsentsOf,
  recordProcedureConsent,
} from '../../clinic/rooming/procedures/consent.js';
import { roomingVisitOf } from '../../clinic/rooming/visit.js';
import { parseProcedureInput, recordProcedure } from '../../clinic/rooming/procedures/procedure.js';
import { mediaBytes, parseWound, recordWound, woundSeries } from '../../clinic/rooming/procedures/wounds.js';
import { forbidden } from '../../fhir/outcome.js';
import { assertId } from '../../store/repository.js';
import { auditShown, roomingContext, sendPdf, type RoomingRouteEnv } from './common.js';

/** Two signatures (PNG, 200 KB each) as base64 in JSON, with room for the text. */
const CONSENT_BODY_LIMIT = 1024 * 1024;
/** Up to three photos of 768 KB each as base64 (1 MB each), with room for a larger photo to be refused by name. */
const WOUND_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Procedure consent, procedures and wounds are clinical records: the front desk (which may otherwise write
 * administrative consents) gets 403 on every route here. The check asks the access matrix whether the role
 * may write Procedures at all (MAs, lead MAs, providers may; the front desk and billers may not).
 */
function assertClinical(principal: Principal): void {
  if (typeAccess(principal, 'create', 'Procedure').kind === 'none') {
    throw forbidden(
      'procedure consents, procedures and wounds are clinical records your role may not use',
      'Procedure'
    );
  }
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** Procedure consent with signatures and PDF, procedure assistance, wounds with photos (docs/rooming/procedures.md). */
export function registerProcedureRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  const clinical = async (request: FastifyRequest) => {
    const ctx = await roomingContext(request, env, baseUrl);
    assertClinical(ctx.principal);
    return ctx;
  };

  app.post(
    '/api/rooming/encounters/:id/consents',
    { bodyLimit: CONSENT_BODY_LIMIT },
    async (request: IdRequest, reply) => {
      const ctx = await clinical(request);
      assertId(request.params.id, 'id');
      const input = parseProcedureConsent(request.body);
      const recorded = await recordProcedureConsent(env.db, ctx, request.params.id, input, env.now());
      return reply.status(201).send({
        consent: recorded.consent,
        documentId: recorded.document.id,
        pdfUrl: `/api/rooming/consents/${recorded.consent.id}/pdf`,
      });
    }
  );

  app.get('/api/rooming/procedure-catalog', async (request) => {
    await clinical(request);
    return { procedures: PROCEDURE_CATALOG, bodySites: BODY_SITES, lateralities: LATERALITIES };
  });

  app.get('/api/rooming/encounters/:id/consents', async (request: IdRequest) => {
    const ctx = await clinical(request);
    const visit = await roomingVisitOf(env.db, ctx, request.params.id, env.now());
    const consents = await procedureConsentsOf(env.db, ctx, visit.patient.id as string, request.params.id);
    await auditShown(
      env,
      ctx.principal,
      [visit.patient.id as string],
      'consent',
      `procedure consents of Encounter/${request.params.id}`
    );
    return { consents: consents.map(consentViewOf) };
  });

  app.get('/api/rooming/consents/:id/pdf', async (request: IdRequest, reply) => {
    const ctx = await clinical(request);
    assertId(request.params.id, 'id');
    const { pdf, patientId, refused } = await consentPdfOf(env.db, ctx, request.params.id);
    await auditShown(
      env,
      ctx.principal,
      [patientId],
      'consent',
      `procedure consent Consent/${request.params.id} printed`,
      'print'
    );
    return sendPdf(reply, pdf, refused ? 'procedure-refusal.pdf' : 'procedure-consent.pdf');
  });

  app.post('/api/rooming/encounters/:id/procedures', async (request: IdRequest, reply) => {
    const ctx = await clinical(request);
    assertId(request.params.id, 'id');
    const input = parseProcedureInput(request.body, env.now());
    const procedure = await recordProcedure(env.db, ctx, request.params.id, input, env.now());
    return reply.status(201).send({ procedure });
  });

  app.post(
    '/api/rooming/encounters/:id/wounds',
    { bodyLimit: WOUND_BODY_LIMIT },
    async (request: IdRequest, reply) => {
      const ctx = await clinical(request);
      assertId(request.params.id, 'id');
      const input = parseWound(request.body);
      const recorded = await recordWound(env.db, ctx, request.params.id, input, env.now());
      // The answer leaves out the photo bytes the caller just sent: it names the Media to fetch them by.
      return reply.status(201).send({
        woundId: recorded.woundId,
        observation: recorded.observation,
        photos: recorded.media.map((m) => m.id),
      });
    }
  );

  app.get('/api/rooming/patients/:id/wounds', async (request: IdRequest) => {
    const ctx = await clinical(request);
    const wounds = await woundSeries(env.db, ctx, request.params.id);
    await auditShown(
      env,
      ctx.principal,
      [request.params.id],
      'wound documentation',
      `wound series of Patient/${request.params.id}`
    );
    return { wounds };
  });

  app.get('/api/rooming/media/:id', async (request: IdRequest, reply) => {
    const ctx = await clinical(request);
    const media = await mediaBytes(env.db, ctx, request.params.id);
    await auditShown(env, ctx.principal, [media.patientId], 'wound photo', `Media/${request.params.id}`);
    // Only a JPEG or PNG gets here (wounds.ts mediaBytes). nosniff is set for every answer too
    // (securityHeaders.ts), but this route depends on it; the disposition names no file.
    return reply
      .header('content-type', media.contentType)
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', 'inline')
      .send(media.bytes);
  });
}
