import type { Communication, Extension, Observation, Provenance } from '@medplum/fhirtypes';
import type { Role } from '../../../auth/accessMatrix.js';
import { badRequest, conflict, forbidden, notFound } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { assertId, lockCurrent, planCreate, updateIn } from '../../../store/repository.js';
import { applyWrites } from '../../../store/writes.js';
import { findReferencing } from '../../flow/visit.js';
import { authorOf } from '../author.js';
import { EXT, INTAKE_LOINC, LOINC, NOTICE_CATEGORY_SYSTEM } from '../model.js';
import { noticeToProvider } from '../notices.js';
import { roomingVisitOf, type RoomingVisit } from '../visit.js';

/**
 * Chief complaint and MA intake notes (issue 6 item 7; conventions in ../model.ts). One chief complaint
 * (LOINC 8661-1) and one MA note (LOINC 34109-9) per visit, each an Observation with valueString, the visit's
 * Encounter, the author as performer and the author's role in ENTERED_BY_ROLE_URL.
 *
 * Co-signature: an entry written by anyone but a provider is `preliminary` and carries AWAITING_COSIGN_URL
 * (true). The provider signs it: status `final` (or stays `amended`), the marker is removed, and a Provenance
 * records the signature on that exact version, in one transaction. Editing a signed entry writes an
 * `amended` version that is awaiting signature again. A provider's own entries are final at once (they are
 * the performer; nothing to co-sign).
 */
export const ENTERED_BY_ROLE_URL = `${EXT}/entered-by-role`;
export const AWAITING_COSIGN_URL = `${EXT}/awaiting-cosign`;
/** ASTM E1762 signature type "Verification Signature" (FHIR R4 signature-type value set). */
export const VERIFICATION_SIGNATURE = {
  system: 'urn:iso-astm:E1762-95:2013',
  code: '1.2.840.10065.1.12.1.5',
  display: 'Verification Signature',
} as const;
export const PROVENANCE_PARTICIPANT_SYSTEM =
  'http://terminology.hl7.org/CodeSystem/provenance-participant-type';

export const INTAKE_KINDS = {
  chiefComplaint: { code: INTAKE_LOINC.chiefComplaint, display: 'Chief complaint - Reported', max: 500 },
  note: { code: INTAKE_LOINC.note, display: 'Note', max: 4000 },
} as const;
export type IntakeKind = keyof typeof INTAKE_KINDS;

export interface IntakeRequest {
  chiefComplaint?: string;
  note?: string;
}

export function parseIntake(body: unknown): IntakeRequest {
  const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  const out: IntakeRequest = {};
  for (const kind of Object.keys(INTAKE_KINDS) as IntakeKind[]) {
    const value = b[kind];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim().length === 0) {
      throw badRequest(`${kind} must be text`, kind);
    }
    if (value.length > INTAKE_KINDS[kind].max) {
      throw badRequest(`${kind} is at most ${INTAKE_KINDS[kind].max} characters`, kind);
    }
    out[kind] = value.trim();
  }
  if (out.chiefComplaint === undefined && out.note === undefined) {
    throw badRequest('give chiefComplaint, note or both', 'chiefComplaint');
  }
  return out;
}

const ROLE_ORDER: Role[] = ['provider', 'lead-ma', 'medical-assistant'];

/** The role an entry is written in: the caller's clinical role (a provider's entry needs no co-signature). */
function roleOf(ctx: RequestContext): string {
  const roles = ctx.principal?.roles ?? [];
  return ROLE_ORDER.find((r) => roles.includes(r)) ?? (ctx.principal?.kind === 'client' ? 'client' : 'user');
}

export function isProvider(ctx: RequestContext): boolean {
  return ctx.principal?.roles.includes('provider') ?? false;
}

export function kindOf(observation: Observation): IntakeKind | undefined {
  for (const kind of Object.keys(INTAKE_KINDS) as IntakeKind[]) {
    if (observation.code.coding?.some((c) => c.system === LOINC && c.code === INTAKE_KINDS[kind].code)) {
      return kind;
    }
  }
  return undefined;
}

export function awaitsCosign(observation: Observation): boolean {
  return (
    observation.extension?.some((e) => e.url === AWAITING_COSIGN_URL && e.valueBoolean === true) ?? false
  );
}

/** The visit's intake Observations (newest first when there are several of a kind: the first one wins). */
async function intakeOf(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string
): Promise<Observation[]> {
  const found = await findReferencing<Observation>(
    conn,
    ctx,
    'Observation',
    'encounter',
    `Encounter/${encounterId}`
  );
  return found
    .filter((o) => kindOf(o) !== undefined && o.status !== 'entered-in-error')
    .sort((a, b) => (b.meta?.lastUpdated ?? '').localeCompare(a.meta?.lastUpdated ?? ''));
}

function entryFor(
  visit: RoomingVisit,
  ctx: RequestContext,
  kind: IntakeKind,
  text: string,
  previous: Observation | undefined,
  now: Date
): Observation {
  const byProvider = isProvider(ctx);
  const wasSigned = previous !== undefined && !awaitsCosign(previous) && previous.status !== 'preliminary';
  const status: Observation['status'] =
    wasSigned || previous?.status === 'amended' ? 'amended' : byProvider ? 'final' : 'preliminary';
  const extension: Extension[] = [
    ...(previous?.extension ?? []).filter(
      (e) => e.url !== ENTERED_BY_ROLE_URL && e.url !== AWAITING_COSIGN_URL
    ),
    { url: ENTERED_BY_ROLE_URL, valueCode: roleOf(ctx) },
    ...(byProvider ? [] : [{ url: AWAITING_COSIGN_URL, valueBoolean: true }]),
  ];
  const def = INTAKE_KINDS[kind];
  return {
    ...(previous ?? {}),
    resourceType: 'Observation',
    extension,
    status,
    code: { coding: [{ system: LOINC, code: def.code, display: def.display }], text: def.display },
    subject: { reference: `Patient/${visit.patient.id}` },
    encounter: { reference: `Encounter/${visit.encounter.id}` },
    effectiveDateTime: previous?.effectiveDateTime ?? now.toISOString(),
    issued: now.toISOString(),
    performer: [authorOf(ctx)],
    valueString: text,
  };
}

/** The visit's open (in-progress) cosign-needed notices. */
async function openCosignNotices(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string
): Promise<Communication[]> {
  const found = await findReferencing<Communication>(
    conn,
    ctx,
    'Communication',
    'encounter',
    `Encounter/${encounterId}`
  );
  return found.filter(
    (c) =>
      c.status === 'in-progress' &&
      (c.category ?? []).some((k) =>
        (k.coding ?? []).some((x) => x.system === NOTICE_CATEGORY_SYSTEM && x.code === 'cosign-needed')
      )
  );
}

/** Saves the chief complaint and/or the MA note of a visit (POST /api/rooming/encounters/:id/intake). */
export function saveIntake(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  req: IntakeRequest,
  now = new Date()
): Promise<Observation[]> {
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    // Saves of one visit's intake take turns (the Encounter row's lock): two first saves at once must not
    // create two chief complaints.
    await lockCurrent(tx, ctx, 'Encounter', encounterId);
    const existing = await intakeOf(tx, ctx, encounterId);
    const saved: Observation[] = [];
    const newlyAwaiting: Observation[] = [];
    for (const kind of Object.keys(INTAKE_KINDS) as IntakeKind[]) {
      const text = req[kind];
      if (text === undefined) continue;
      const previous = existing.find((o) => kindOf(o) === kind);
      if (previous?.valueString === text) {
        saved.push(previous);
        continue;
      }
      const next = entryFor(visit, ctx, kind, text, previous, now);
      let written: Observation;
      if (previous?.id) {
        written = (await updateIn(tx, ctx, 'Observation', previous.id, next)).resource as Observation;
      } else {
        const write = planCreate(next);
        await applyWrites(tx, ctx, [write]);
        written = write.content as Observation;
      }
      saved.push(written);
      if (awaitsCosign(written) && !(previous && awaitsCosign(previous))) newlyAwaiting.push(written);
    }
    // One open "cosign-needed" notice per visit tells the provider (and every flow board) there is
    // something to sign; it closes when the last entry of the visit is signed (signIntake).
    if (newlyAwaiting.length > 0 && visit.providerId) {
      const open = await openCosignNotices(tx, ctx, encounterId);
      if (open.length === 0) {
        await noticeToProvider(
          tx,
          ctx,
          visit,
          {
            kind: 'cosign-needed',
            priority: 'routine',
            text: 'Intake entries await your co-signature',
            about: newlyAwaiting.map((o) => ({ reference: `Observation/${o.id}` })),
          },
          now
        );
      }
    }
    return saved;
  });
}

export interface IntakeEntry {
  id: string;
  kind: IntakeKind;
  text: string;
  status: string;
  version: string;
  awaitingCosign: boolean;
  enteredBy: { name: string; role?: string; practitionerId?: string };
  enteredAt: string;
  signed?: { by: string; at: string };
}

function signedOf(observation: Observation, provenances: Provenance[]): IntakeEntry['signed'] {
  if (awaitsCosign(observation)) return undefined;
  const target = `Observation/${observation.id}/_history/${observation.meta?.versionId}`;
  const p = provenances
    .filter((x) => x.target.some((t) => t.reference === target))
    .sort((a, b) => b.recorded.localeCompare(a.recorded))[0];
  return p ? { by: p.agent[0]?.who?.display ?? '', at: p.recorded } : undefined;
}

export function entryView(observation: Observation, provenances: Provenance[]): IntakeEntry {
  const performer = observation.performer?.[0];
  return {
    id: observation.id as string,
    kind: kindOf(observation) as IntakeKind,
    text: observation.valueString ?? '',
    status: observation.status,
    version: observation.meta?.versionId ?? '1',
    awaitingCosign: awaitsCosign(observation),
    enteredBy: {
      name: performer?.display ?? '',
      role: observation.extension?.find((e) => e.url === ENTERED_BY_ROLE_URL)?.valueCode,
      practitionerId: performer?.reference?.startsWith('Practitioner/')
        ? performer.reference.slice('Practitioner/'.length)
        : undefined,
    },
    enteredAt: observation.issued ?? observation.meta?.lastUpdated ?? '',
    ...(signedOf(observation, provenances) ? { signed: signedOf(observation, provenances) } : {}),
  };
}

export interface IntakeView {
  encounterId: string;
  patientId: string;
  provider?: { id: string };
  chiefComplaint?: IntakeEntry;
  note?: IntakeEntry;
}

/** The visit's intake as the screen shows it (GET /api/rooming/encounters/:id/intake). */
export async function readIntake(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string,
  now = new Date()
): Promise<IntakeView> {
  const visit = await roomingVisitOf(conn, ctx, encounterId, now);
  const entries = await intakeOf(conn, ctx, encounterId);
  const view: IntakeView = {
    encounterId,
    patientId: visit.patient.id as string,
    ...(visit.providerId ? { provider: { id: visit.providerId } } : {}),
  };
  for (const kind of Object.keys(INTAKE_KINDS) as IntakeKind[]) {
    const observation = entries.find((o) => kindOf(o) === kind);
    if (!observation) continue;
    const provenances = await findReferencing<Provenance>(
      conn,
      ctx,
      'Provenance',
      'target',
      `Observation/${observation.id}`
    );
    view[kind] = entryView(observation, provenances);
  }
  return view;
}

/** Only a provider co-signs (403 for anyone else). */
export function assertMayCosign(ctx: RequestContext): void {
  if (!isProvider(ctx)) {
    throw forbidden('only a provider co-signs intake entries', 'id');
  }
}

/**
 * The version the provider read, from the body of POST /api/rooming/cosign/:id/sign: required (400 naming
 * `version`), so a signature always covers the text the provider saw and never a later edit.
 */
export function parseSignVersion(body: unknown): string {
  const version =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>).version
      : undefined;
  if (typeof version !== 'string' || !/^\d{1,9}$/.test(version)) {
    throw badRequest(
      'version is required: the version id of the entry as you read it (the text you are signing)',
      'version'
    );
  }
  return version;
}

/**
 * The provider signs an intake entry (POST /api/rooming/cosign/:id/sign): providers only (403). The entry
 * must still be the `version` the provider read (409 naming `version` otherwise: the text changed since).
 */
export function signIntake(
  db: Database,
  ctx: RequestContext,
  observationId: string,
  version: string,
  now = new Date()
): Promise<{ observation: Observation; provenance: Provenance }> {
  assertId(observationId, 'id');
  assertMayCosign(ctx);
  return db.transaction(async (tx) => {
    const row = await lockCurrent(tx, ctx, 'Observation', observationId);
    const current = row?.content as Observation | undefined;
    if (!current || row?.deleted || kindOf(current) === undefined) {
      throw notFound(`intake entry Observation/${observationId} was not found`);
    }
    if (current.meta?.versionId !== version) {
      throw conflict(
        `the entry changed since you read it (now version ${current.meta?.versionId}): read it again`,
        'version'
      );
    }
    if (!awaitsCosign(current)) {
      throw conflict('this entry is already signed', 'id');
    }
    const signed = (
      await updateIn(tx, ctx, 'Observation', observationId, {
        ...current,
        status: current.status === 'amended' ? 'amended' : 'final',
        extension: (current.extension ?? []).filter((e) => e.url !== AWAITING_COSIGN_URL),
      })
    ).resource as Observation;
    const who = authorOf(ctx);
    const at = now.toISOString();
    const provenance: Provenance = {
      resourceType: 'Provenance',
      target: [{ reference: `Observation/${observationId}/_history/${signed.meta?.versionId}` }],
      recorded: at,
      agent: [
        {
          type: {
            coding: [{ system: PROVENANCE_PARTICIPANT_SYSTEM, code: 'verifier', display: 'Verifier' }],
          },
          who,
        },
      ],
      signature: [{ type: [{ ...VERIFICATION_SIGNATURE }], when: at, who }],
    };
    const write = planCreate(provenance);
    await applyWrites(tx, ctx, [write]);
    const encounterId = signed.encounter?.reference?.startsWith('Encounter/')
      ? signed.encounter.reference.slice('Encounter/'.length)
      : undefined;
    if (encounterId && (await intakeOf(tx, ctx, encounterId)).every((o) => !awaitsCosign(o))) {
      for (const notice of await openCosignNotices(tx, ctx, encounterId)) {
        await updateIn(tx, ctx, 'Communication', notice.id as string, {
          ...notice,
          status: 'completed',
          received: at,
        });
      }
    }
    return { observation: signed, provenance: write.content as Provenance };
  });
}
