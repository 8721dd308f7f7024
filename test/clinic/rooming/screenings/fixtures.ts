import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createSession, DEFAULT_SESSION_LIMITS, loadSession } from '../../../../src/auth/sessions.js';
import { createUser } from '../../../../src/auth/users.js';
import type { Role } from '../../../../src/auth/accessMatrix.js';
import type { Database } from '../../../../src/store/db.js';
import { TEST_PASSWORD, type TestUser } from '../../../authHarness.js';
import type { TestContext } from '../../../harness.js';
import { clinic, frontDesk, goodCheckIn, MA, post } from '../../flow/fixtures.js';

/**
 * The screenings' clinic: the flow tests' clinic (Maria Delgado, born 1980-04-12, female, with Dr. Nwosu
 * today), checked in by the front desk, and an MA user (Luis Ortega) whose account is linked to his
 * Practitioner, so authorOf names Practitioner/prac-ortega.
 */
export async function userWithPractitioner(
  db: Database,
  ctx: TestContext,
  roles: Role[],
  practitionerId: string | null
): Promise<TestUser> {
  const user = await createUser(db, ctx.practiceId, {
    username: `${roles[0]}-${randomUUID().slice(0, 8)}`,
    displayName: `Test ${roles.join('/')}`,
    roles,
    permissions: [],
    password: TEST_PASSWORD,
    practitionerId,
  });
  const now = new Date();
  const { token, id } = await createSession(db, user, 'signed-in', { now });
  const active = await loadSession(db, token, DEFAULT_SESSION_LIMITS, now, false);
  return { user, token, csrf: active.session.csrf_token, sessionId: id };
}

export async function checkedInVisit(
  app: FastifyInstance,
  db: Database,
  ctx: TestContext
): Promise<{ encounterId: string; ma: TestUser; desk: TestUser }> {
  await clinic(app, ctx);
  const desk = await frontDesk(db, ctx);
  const res = await post(app, desk, '/api/flow/check-in', goodCheckIn());
  expect(res.status, res.text).toBe(201);
  const ma = await userWithPractitioner(db, ctx, ['medical-assistant'], MA);
  return { encounterId: res.body.encounter.id as string, ma, desk };
}
