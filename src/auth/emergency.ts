import { randomUUID } from 'node:crypto';
import type { Communication, Patient } from '@medplum/fhirtypes';
import { badRequest, forbidden, notFound } from '../fhir/outcome.js';
import type { Database } from '../store/db.js';
import { ID_RE, planCreate } from '../store/repository.js';
import { applyWrites } from '../store/writes.js';
import { EMERGENCY_ACCESS_MINUTES } from './accessMatrix.js';
import { auditRow } from './audit/events.js';
import { insertAudit } from './audit/writer.js';
import { isRestrictedPatient } from './policy.js';
import { systemPrincipal, type Principal } from './principal.js';

export const PRIVACY_NOTICE_CATEGORY = {
  system: 'urn:medassist:communication-category',
  code: 'privacy-notice',
} as const;

/**
 * Break-glass (ONC 170.315(d)(6)): a user holding the emergency-access permission opens one restricted
 * chart for EMERGENCY_ACCESS_MINUTES after giving a reason. In one transaction: the grant, a high-priority
 * audit record, and a notice (a FHIR Communication) to the privacy officer.
 */
export async function grantEmergencyAccess(
  db: Database,
  principal: Principal,
  body: unknown,
  now: Date
): Promise<{ patientId: string; expiresAt: string }> {
  if (principal.kind !== 'user' || !principal.permissions.includes('emergency-access')) {
    throw forbidden('emergency access is only for users granted the emergency-access permission');
  }
  const { patientId, reason } = (body ?? {}) as { patientId?: unknown; reason?: unknown };
  if (typeof patientId !== 'string' || !ID_RE.test(patientId)) {
    throw badRequest('patientId must be a Patient id', 'patientId');
  }
  if (typeof reason !== 'string' || reason.trim().length < 10 || reason.length > 1000) {
    throw badRequest('give the reason for emergency access (10 to 1000 characters)', 'reason');
  }
  const expiresAt = new Date(now.getTime() + EMERGENCY_ACCESS_MINUTES * 60_000).toISOString();
  await db.transaction(async (tx) => {
    const found = await tx.query<{ content: Patient }>(
      "SELECT content FROM resource WHERE practice_id = $1 AND resource_type = 'Patient' AND id = $2 AND NOT deleted",
      [principal.practiceId, patientId]
    );
    const patient = found.rows[0]?.content;
    if (!patient) {
      throw notFound(`Patient/${patientId} was not found`);
    }
    if (!isRestrictedPatient(patient)) {
      throw badRequest('this chart is not restricted: open it normally', 'patientId');
    }
    await tx.query(
      'INSERT INTO emergency_access (practice_id, id, user_id, patient_id, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        principal.practiceId,
        randomUUID(),
        principal.id,
        patientId,
        reason.trim(),
        now.toISOString(),
        expiresAt,
      ]
    );
    await insertAudit(tx, principal.practiceId, [
      auditRow({
        principal,
        action: 'E',
        subtype: 'emergency-access',
        patients: [patientId],
        category: 'restricted chart',
        description: `emergency access until ${expiresAt}: ${reason.trim()}`,
        emergency: true,
        recorded: now,
      }),
    ]);
    // The notice names the chart by id only (no reference), so the privacy officer sees it although the
    // chart stays restricted for them.
    const notice: Communication = {
      resourceType: 'Communication',
      status: 'completed',
      priority: 'stat',
      category: [{ coding: [{ ...PRIVACY_NOTICE_CATEGORY, display: 'Privacy notice' }] }],
      sent: now.toISOString(),
      recipient: [{ display: 'Privacy officer' }],
      sender: { display: principal.name },
      payload: [
        {
          contentString: `Emergency access: ${principal.name} opened restricted chart Patient/${patientId} until ${expiresAt}. Reason: ${reason.trim()}`,
        },
      ],
    };
    await applyWrites(
      tx,
      {
        practiceId: principal.practiceId,
        baseUrl: '',
        principal: systemPrincipal(principal.practiceId, 'emergency-access'),
      },
      [planCreate(notice)]
    );
  });
  return { patientId, expiresAt };
}
