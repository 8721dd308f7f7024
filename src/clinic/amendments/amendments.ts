import type { Annotation, Resource, Task } from '@medplum/fhirtypes';
import type { Principal } from '../../auth/principal.js';
import { badRequest, forbidden, notFound } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database } from '../../store/db.js';
import {
  assertId,
  lockCurrent,
  planCreate,
  referencesPatient,
  Repository,
  updateIn,
} from '../../store/repository.js';
import { applyWrites } from '../../store/writes.js';

/**
 * Amendments (ONC 170.315(d)(4), HIPAA 164.526): a patient asks to correct their record. The request is a
 * FHIR Task tied to the data it concerns (Task.focus, with its version); the decision is recorded on the
 * Task. Accepted: the correction is appended to the data (a new version carrying an Annotation, or the
 * corrected resource) and linked from Task.output. Denied: the denial is on the Task and a note pointing to
 * it is appended to the data, so whoever reads the data sees both.
 */
export const AMENDMENT_CODE = {
  system: 'urn:medassist:task-type',
  code: 'amendment-request',
  display: 'Amendment request',
} as const;

/** Resource types that carry `note` (Annotation[]), so an amendment can be appended to them. */
const WITH_NOTES = new Set([
  'AllergyIntolerance',
  'Condition',
  'Observation',
  'MedicationStatement',
  'MedicationRequest',
  'Immunization',
  'Procedure',
  'DiagnosticReport',
  'Encounter',
  'Goal',
  'CarePlan',
  'FamilyMemberHistory',
]);

export interface AmendmentRequest {
  patientId: string;
  /** "Type/id" of the data the patient wants corrected. */
  focus: string;
  /** What the patient asks to change, in their words. */
  requestedChange: string;
  /** Who asked (the patient, or their representative), as written. */
  requestedBy?: string;
}

function text(value: unknown, field: string, max = 4000): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    throw badRequest(`${field} is required (1-${max} characters)`, field);
  }
  return value.trim();
}

export function parseAmendmentRequest(body: unknown): AmendmentRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const patientId = text(b.patientId, 'patientId', 64);
  assertId(patientId, 'patientId');
  const focus = text(b.focus, 'focus', 200);
  const [type, id, ...rest] = focus.split('/');
  if (!type || !id || rest.length > 0) {
    throw badRequest('focus must be "Type/id" of the data concerned, e.g. AllergyIntolerance/123', 'focus');
  }
  assertId(id, 'focus');
  return {
    patientId,
    focus,
    requestedChange: text(b.requestedChange, 'requestedChange'),
    requestedBy: b.requestedBy === undefined ? undefined : text(b.requestedBy, 'requestedBy', 200),
  };
}

/** Records a request; the focus must exist and belong to the patient. */
export async function requestAmendment(
  db: Database,
  ctx: RequestContext,
  req: AmendmentRequest
): Promise<Task> {
  return db.transaction(async (tx) => {
    const repo = new Repository(tx);
    const patient = await repo.read(ctx, 'Patient', req.patientId);
    const [type, id] = req.focus.split('/');
    const focus = await repo.read(ctx, type, id);
    const belongs =
      (type === 'Patient' && id === patient.id) ||
      (await referencesPatient(tx, ctx, type, id, req.patientId));
    if (!belongs) {
      throw badRequest(`${req.focus} is not part of Patient/${req.patientId}'s record`, 'focus');
    }
    const task: Task = {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      priority: 'routine',
      code: { coding: [AMENDMENT_CODE], text: 'Amendment request' },
      description: req.requestedChange,
      for: { reference: `Patient/${req.patientId}` },
      focus: { reference: `${req.focus}/_history/${focus.meta?.versionId ?? '1'}` },
      authoredOn: new Date().toISOString(),
      requester: { display: req.requestedBy ?? 'the patient' },
      input: [{ type: { text: 'requested change' }, valueString: req.requestedChange }],
    };
    const write = planCreate(task);
    await applyWrites(tx, ctx, [write]);
    return write.content as Task;
  });
}

export interface AmendmentDecision {
  decision: 'accepted' | 'denied';
  /** Why (required for a denial: HIPAA 164.526(d) asks for the basis). */
  reason: string;
  /** For an acceptance: the text appended to the data (or the corrected resource itself). */
  amendment?: string;
  amendedResource?: Resource;
}

export function parseDecision(body: unknown): AmendmentDecision {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (b.decision !== 'accepted' && b.decision !== 'denied') {
    throw badRequest('decision must be "accepted" or "denied"', 'decision');
  }
  const reason = text(b.reason, 'reason');
  if (b.decision === 'accepted' && b.amendment === undefined && b.amendedResource === undefined) {
    throw badRequest(
      'an accepted amendment needs the amendment text (or the corrected resource)',
      'amendment'
    );
  }
  return {
    decision: b.decision,
    reason,
    amendment: b.amendment === undefined ? undefined : text(b.amendment, 'amendment'),
    amendedResource: b.amendedResource as Resource | undefined,
  };
}

/** Who may decide: providers, the privacy officer, practice administrators. */
export function mayDecide(principal: Principal | undefined): boolean {
  return (
    !!principal &&
    (principal.kind !== 'user' ||
      principal.roles.includes('provider') ||
      principal.roles.includes('practice-admin') ||
      principal.permissions.includes('privacy-officer'))
  );
}

/** Decides a request, in one transaction: the Task and the amended (or annotated) data, linked both ways. */
export async function decideAmendment(
  db: Database,
  ctx: RequestContext,
  taskId: string,
  d: AmendmentDecision
): Promise<Task> {
  if (!mayDecide(ctx.principal)) {
    throw forbidden(
      'only a provider, the privacy officer or a practice administrator decides amendment requests'
    );
  }
  assertId(taskId, 'id');
  return db.transaction(async (tx) => {
    const current = await lockCurrent(tx, ctx, 'Task', taskId);
    const task = current?.content as Task | undefined;
    if (!task || current?.deleted || task.code?.coding?.[0]?.code !== AMENDMENT_CODE.code) {
      throw notFound(`Task/${taskId} is not an amendment request`);
    }
    if (task.status !== 'requested') {
      throw badRequest(`this request was already decided (${task.status})`, 'decision');
    }
    const [type, id] = (task.focus?.reference ?? '').split('/');
    const repo = new Repository(tx);
    const data = await repo.read(ctx, type, id);
    const when = new Date().toISOString();
    const who = ctx.principal?.name ?? 'medassist';
    let amended: Resource | undefined;
    if (d.decision === 'accepted' && d.amendedResource) {
      if (d.amendedResource.resourceType !== type || (d.amendedResource.id && d.amendedResource.id !== id)) {
        throw badRequest(`amendedResource must be ${type}/${id}`, 'amendedResource');
      }
      amended = d.amendedResource;
    } else if (WITH_NOTES.has(type)) {
      const note: Annotation = {
        time: when,
        authorString: who,
        text:
          d.decision === 'accepted'
            ? `Amendment accepted (Task/${taskId}): ${d.amendment ?? ''}`
            : `Amendment requested and denied (Task/${taskId}): request "${task.description ?? ''}"; denial: ${d.reason}`,
      };
      amended = { ...data, note: [...((data as { note?: Annotation[] }).note ?? []), note] } as Resource;
    } else if (d.decision === 'accepted') {
      throw badRequest(
        `a ${type} has no notes to append to: send the corrected resource as amendedResource`,
        'amendedResource'
      );
    }
    // A denial on data without notes (a Patient's demographics) stays linked through the Task, which
    // names the data and its version.
    const version = amended
      ? (await updateIn(tx, ctx, type, id, { ...amended, id }, {})).resource.meta?.versionId
      : data.meta?.versionId;
    const decided: Task = {
      ...task,
      status: d.decision === 'accepted' ? 'completed' : 'rejected',
      businessStatus: { text: d.decision },
      statusReason: { text: d.reason },
      lastModified: when,
      owner: { display: who },
      output: [
        {
          type: { text: d.decision === 'accepted' ? 'amended data' : 'denial appended to' },
          valueReference: { reference: `${type}/${id}/_history/${version ?? ''}` },
        },
      ],
    };
    const updated = await updateIn(tx, ctx, 'Task', taskId, decided, {});
    return updated.resource as Task;
  });
}
