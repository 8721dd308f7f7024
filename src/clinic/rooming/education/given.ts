import type { Patient, Procedure } from '@medplum/fhirtypes';
import { badRequest, notFound } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { assertId, planCreate } from '../../../store/repository.js';
import { applyWrites } from '../../../store/writes.js';
import { SYSTEM } from '../../demo/codes.js';
import { findById, findReferencing } from '../../flow/visit.js';
import { reminderLanguage } from '../../reminders/patientContact.js';
import { authorOf } from '../author.js';
import { EXT } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import { patientRecords } from '../gaps/facts.js';
import {
  handoutById,
  handouts,
  handoutSummary,
  medlinePlusUrl,
  parseLanguage,
  suggestedFor,
  type Language,
} from './handouts.js';

/**
 * What was given to whom and when: a Procedure SNOMED CT 311401005 "Patient education" (category 409073007
 * "Education"), status completed, with the visit, the author (performer and recorder), the handout's problem
 * codes as reasonCode and the handout (id, title, language) in EDUCATION_HANDOUT_URL. A Procedure rather
 * than a Communication: Procedures are clinical data the front desk does not read, and a handout's title
 * names a diagnosis (docs/rooming/intake.md).
 */
export const EDUCATION_HANDOUT_URL = `${EXT}/education-handout`;
export const PATIENT_EDUCATION = { system: SYSTEM.snomed, code: '311401005', display: 'Patient education' };
export const EDUCATION_CATEGORY = { system: SYSTEM.snomed, code: '409073007', display: 'Education' };

export interface GiveRequest {
  handoutId: string;
  language: Language;
}

export function parseGive(body: unknown): GiveRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.handoutId !== 'string' || !handoutById(b.handoutId)) {
    throw badRequest('handoutId must name a handout of the library', 'handoutId');
  }
  if (b.language === undefined) {
    throw badRequest('language is required (en or es)', 'language');
  }
  return { handoutId: b.handoutId, language: parseLanguage(b.language) };
}

/** Records that a handout was given at a visit (POST /api/rooming/encounters/:id/education). */
export function recordEducation(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  req: GiveRequest,
  now = new Date()
): Promise<Procedure> {
  const handout = handoutById(req.handoutId);
  if (!handout) throw badRequest('handoutId must name a handout of the library', 'handoutId');
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    const author = authorOf(ctx);
    const title = handout[req.language].title;
    const procedure: Procedure = {
      resourceType: 'Procedure',
      extension: [
        {
          url: EDUCATION_HANDOUT_URL,
          extension: [
            { url: 'handout', valueCode: handout.id },
            { url: 'title', valueString: title },
            { url: 'language', valueCode: req.language },
          ],
        },
      ],
      status: 'completed',
      category: { coding: [EDUCATION_CATEGORY], text: EDUCATION_CATEGORY.display },
      code: { coding: [PATIENT_EDUCATION], text: `Patient education: ${handout.en.title}` },
      subject: { reference: `Patient/${visit.patient.id}` },
      encounter: { reference: `Encounter/${visit.encounter.id}` },
      performedDateTime: now.toISOString(),
      recorder: author,
      performer: [{ actor: author }],
      reasonCode: [{ coding: handout.codes.map(({ system, code, display }) => ({ system, code, display })) }],
      note: [{ text: `Handout "${title}" (${req.language}) given` }],
    };
    const write = planCreate(procedure);
    await applyWrites(tx, ctx, [write]);
    return write.content as Procedure;
  });
}

export interface GivenHandout {
  id: string;
  handoutId: string;
  title: string;
  language: string;
  givenAt: string;
  givenBy: string;
  encounterId?: string;
}

function givenView(p: Procedure): GivenHandout | undefined {
  const ext = p.extension?.find((e) => e.url === EDUCATION_HANDOUT_URL);
  if (
    !p.code?.coding?.some((c) => c.system === PATIENT_EDUCATION.system && c.code === PATIENT_EDUCATION.code)
  ) {
    return undefined;
  }
  const sub = (url: string) => ext?.extension?.find((e) => e.url === url);
  return {
    id: p.id as string,
    handoutId: sub('handout')?.valueCode ?? '',
    title: sub('title')?.valueString ?? p.code?.text ?? 'Patient education',
    language: sub('language')?.valueCode ?? '',
    givenAt: p.performedDateTime ?? '',
    givenBy: p.performer?.[0]?.actor.display ?? p.recorder?.display ?? '',
    ...(p.encounter?.reference?.startsWith('Encounter/')
      ? { encounterId: p.encounter.reference.slice('Encounter/'.length) }
      : {}),
  };
}

export interface PatientEducation {
  patientId: string;
  preferredLanguage: Language;
  given: GivenHandout[];
  /** The patient's active problems, each with its MedlinePlus Connect links and the handouts that fit it. */
  problems: {
    display: string;
    codes: { system: string; code: string }[];
    medlinePlus: { en?: string; es?: string };
    handouts: string[];
  }[];
  /** Handout ids that fit the patient's problems (shown first). */
  suggested: string[];
  library: ReturnType<typeof handoutSummary>[];
}

/** A patient's education (GET /api/rooming/patients/:id/education). */
export async function patientEducation(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string,
  language?: Language
): Promise<PatientEducation> {
  assertId(patientId, 'id');
  const patient = await findById<Patient>(conn, ctx, 'Patient', patientId);
  if (!patient) throw notFound(`Patient/${patientId} was not found`);
  const records = await patientRecords(conn, ctx, [{ id: patientId, birthDate: patient.birthDate }]);
  const problems = records.get(patientId)?.problems ?? [];
  const procedures = await findReferencing<Procedure>(
    conn,
    ctx,
    'Procedure',
    'patient',
    `Patient/${patientId}`
  );
  const preferredLanguage = reminderLanguage(patient);
  const lang = language ?? preferredLanguage;
  const problemViews = problems.map((c) => {
    const codings = (c.code?.coding ?? []).filter((k) => k.system && k.code);
    const preferred =
      codings.find((k) => k.system === SYSTEM.icd10cm) ?? codings.find((k) => k.system === SYSTEM.snomed);
    return {
      display: c.code?.text ?? codings[0]?.display ?? 'Problem',
      codes: codings.map((k) => ({ system: k.system as string, code: k.code as string })),
      medlinePlus: preferred
        ? { en: medlinePlusUrl(preferred, 'en'), es: medlinePlusUrl(preferred, 'es') }
        : {},
      handouts: suggestedFor(codings).map((h) => h.id),
    };
  });
  const suggested = suggestedFor(problems.flatMap((c) => c.code?.coding ?? []));
  return {
    patientId,
    preferredLanguage,
    given: procedures
      .map(givenView)
      .filter((g): g is GivenHandout => g !== undefined)
      .sort((a, b) => b.givenAt.localeCompare(a.givenAt)),
    problems: problemViews,
    suggested: suggested.map((h) => h.id),
    library: [...suggested, ...handouts().filter((h) => !suggested.includes(h))].map((h) =>
      handoutSummary(h, lang)
    ),
  };
}
