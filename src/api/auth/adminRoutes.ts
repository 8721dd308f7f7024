import type { FastifyInstance, FastifyRequest } from 'fastify';
import { auditRow, AUDIT_CLASSES, type AuditSettings } from '../../auth/audit/events.js';
import { auditCsv, parseAuditQuery, queryAudit } from '../../auth/audit/report.js';
import { insertAudit, readAuditSettings } from '../../auth/audit/writer.js';
import type { Principal } from '../../auth/principal.js';
import { hashPassword, checkPasswordPolicy } from '../../auth/passwords.js';
import {
  createUser,
  getUserRow,
  listUsers,
  parseNewUser,
  parsePermissions,
  parseRoles,
  toUser,
  type UserRow,
} from '../../auth/users.js';
import { badRequest, forbidden } from '../../fhir/outcome.js';
import { ID_RE } from '../../store/repository.js';
import { authenticate, type AuthEnv } from './authenticate.js';

const isAdmin = (p: Principal): boolean => p.kind === 'user' && p.roles.includes('practice-admin');
const mayReadAudit = (p: Principal): boolean =>
  isAdmin(p) ||
  (p.kind === 'user' && p.permissions.includes('privacy-officer')) ||
  (p.kind === 'client' && (p.scopes ?? []).some((s) => /^system\/AuditEvent\.(c?r|read|\*)/.test(s)));

/**
 * Administration: user accounts (practice-admin), the audit report and settings (practice-admin; the
 * report also the privacy officer). Every change here is itself audited.
 */
export function registerAdminRoutes(app: FastifyInstance, env: AuthEnv): void {
  const guard = async (
    request: FastifyRequest,
    allowed: (p: Principal) => boolean,
    what: string
  ): Promise<Principal> => {
    const { principal } = await authenticate(request, env);
    if (!allowed(principal)) {
      throw forbidden(`only a practice administrator may ${what}`);
    }
    return principal;
  };
  const record = (
    principal: Principal,
    subtype: string,
    description: string,
    action: 'C' | 'U' | 'E' | 'R' = 'E',
    patients: string[] = []
  ) =>
    insertAudit(env.db, principal.practiceId, [
      auditRow({
        principal,
        action,
        subtype,
        category: subtype.startsWith('audit') ? 'audit trail' : 'user accounts',
        description,
        patients,
        recorded: env.now(),
      }),
    ]);

  app.get('/admin/users', async (request, reply) => {
    const principal = await guard(request, isAdmin, 'list users');
    return reply.send({ users: await listUsers(env.db, principal.practiceId) });
  });

  app.post('/admin/users', async (request, reply) => {
    const principal = await guard(request, isAdmin, 'create users');
    const user = await createUser(env.db, principal.practiceId, parseNewUser(request.body));
    await record(
      principal,
      'user-create',
      `created user ${user.username} with roles ${user.roles.join(', ')}`,
      'C'
    );
    return reply.status(201).send({ user });
  });

  app.patch<{ Params: { id: string } }>('/admin/users/:id', async (request, reply) => {
    const principal = await guard(request, isAdmin, 'change users');
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('the body must be a JSON object', 'body');
    }
    const b = body as Record<string, unknown>;
    const row = await getUserRow(env.db, principal.practiceId, request.params.id);
    const sets: string[] = [];
    const values: unknown[] = [principal.practiceId, row.id];
    const changes: string[] = [];
    const set = (column: string, value: unknown, change: string): void => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
      changes.push(change);
    };
    if (b.displayName !== undefined) {
      if (typeof b.displayName !== 'string' || !b.displayName.trim() || b.displayName.length > 200) {
        throw badRequest('displayName must be 1-200 characters', 'displayName');
      }
      set('display_name', b.displayName.trim(), 'name changed');
    }
    if (b.roles !== undefined) {
      const roles = parseRoles(b.roles);
      if (row.id === (principal.kind === 'user' ? principal.id : '') && !roles.includes('practice-admin')) {
        throw badRequest('you cannot take the practice-admin role from yourself', 'roles');
      }
      set('roles', roles, `roles ${row.roles.join(', ')} -> ${roles.join(', ')}`);
    }
    if (b.permissions !== undefined) {
      const permissions = parsePermissions(b.permissions);
      set(
        'permissions',
        permissions,
        `permissions [${row.permissions.join(', ')}] -> [${permissions.join(', ')}]`
      );
    }
    if (b.status !== undefined) {
      if (b.status !== 'active' && b.status !== 'disabled') {
        throw badRequest('status must be active or disabled', 'status');
      }
      if (b.status === 'disabled' && principal.kind === 'user' && row.id === principal.id) {
        throw badRequest('you cannot disable your own account', 'status');
      }
      set('status', b.status, `status ${row.status} -> ${b.status}`);
    }
    if (b.mfaRequired !== undefined) {
      if (typeof b.mfaRequired !== 'boolean')
        throw badRequest('mfaRequired must be true or false', 'mfaRequired');
      set('mfa_required', b.mfaRequired, `MFA required: ${b.mfaRequired}`);
    }
    if (b.unlock === true) {
      set('locked_until', null, 'unlocked');
      set('failed_sign_ins', 0, 'failed sign-ins reset');
    }
    if (b.resetMfa === true) {
      set('mfa_secret', null, 'MFA reset');
      set('mfa_enrolled_at', null, 'MFA enrolment cleared');
      set('recovery_codes', [], 'recovery codes cleared');
    }
    if (b.password !== undefined) {
      set('password_hash', await hashPassword(checkPasswordPolicy(b.password, row.username)), 'password set');
      set('password_changed_at', env.now().toISOString(), 'password date');
    }
    if (sets.length === 0) {
      throw badRequest(
        'nothing to change (displayName, roles, permissions, status, mfaRequired, unlock, resetMfa, password)',
        'body'
      );
    }
    const updated = await env.db.transaction(async (tx) => {
      const result = await tx.query<UserRow>(
        `UPDATE app_user SET ${sets.join(', ')}, updated_at = now() WHERE practice_id = $1 AND id = $2 RETURNING *`,
        values
      );
      if (b.status === 'disabled' || b.resetMfa === true || b.password !== undefined) {
        // A disabled account, or changed credentials, end the user's sessions at once.
        await tx.query(
          "UPDATE user_session SET ended_at = now(), end_reason = 'account-changed' WHERE practice_id = $1 AND user_id = $2 AND ended_at IS NULL",
          [principal.practiceId, row.id]
        );
      }
      await insertAudit(tx, principal.practiceId, [
        auditRow({
          principal,
          action: 'U',
          subtype: 'user-update',
          category: 'user accounts',
          description: `${row.username}: ${changes.filter((c) => !c.startsWith('password date')).join('; ')}`,
          recorded: env.now(),
        }),
      ]);
      return result.rows[0];
    });
    return reply.send({ user: toUser(updated) });
  });

  app.get('/admin/audit', async (request, reply) => {
    const principal = await guard(request, mayReadAudit, 'read the audit trail');
    const query = parseAuditQuery(request.query as Record<string, unknown>);
    const format = (request.query as Record<string, unknown>).format ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      throw badRequest('format must be json or csv', 'format');
    }
    const page = await queryAudit(env.db, principal.practiceId, query);
    await record(
      principal,
      'audit-report',
      `audit report ${JSON.stringify({ ...query, format })}`,
      'R',
      query.patient ? [query.patient] : []
    );
    if (format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="medassist-audit.csv"')
        .send(auditCsv(page.events));
    }
    return reply.send(page);
  });

  app.get<{ Params: { id: string } }>('/admin/patients/:id/access-history', async (request, reply) => {
    const principal = await guard(request, mayReadAudit, 'read a chart’s access history');
    if (!ID_RE.test(request.params.id)) {
      throw badRequest('not a Patient id', 'id');
    }
    const page = await queryAudit(env.db, principal.practiceId, {
      patient: request.params.id,
      sort: '-recorded',
      count: 200,
    });
    await record(principal, 'audit-report', `access history of Patient/${request.params.id}`, 'R', [
      request.params.id,
    ]);
    return reply.send(page);
  });

  app.get('/admin/audit-settings', async (request, reply) => {
    const principal = await guard(request, mayReadAudit, 'read audit settings');
    return reply.send(await readAuditSettings(env.db, principal.practiceId));
  });

  app.put('/admin/audit-settings', async (request, reply) => {
    const principal = await guard(request, isAdmin, 'change what is audited');
    const body = request.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null) {
      throw badRequest('send {read, search, export, print} as true or false', 'body');
    }
    const settings = {} as AuditSettings;
    for (const k of AUDIT_CLASSES) {
      if (typeof body[k] !== 'boolean') {
        throw badRequest(`${k} must be true or false`, k);
      }
      settings[k] = body[k];
    }
    const before = await readAuditSettings(env.db, principal.practiceId);
    await env.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO audit_setting (practice_id, settings, updated_at, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (practice_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [principal.practiceId, JSON.stringify(settings), env.now().toISOString(), principal.id]
      );
      await insertAudit(tx, principal.practiceId, [
        auditRow({
          principal,
          action: 'U',
          subtype: 'audit-settings',
          category: 'audit trail',
          description: `audit settings ${JSON.stringify(before)} -> ${JSON.stringify(settings)}`,
          recorded: env.now(),
        }),
      ]);
    });
    env.audit.forgetSettings(principal.practiceId);
    return reply.send(settings);
  });
}
