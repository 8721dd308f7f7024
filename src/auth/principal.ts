import type { Permission, Role } from './accessMatrix.js';

/**
 * Who is making a request, after authentication: a signed-in user, an API client with a Bearer token, or
 * medassist itself (the demo loader, a local import). Every audit record names one.
 */
export interface Principal {
  kind: 'user' | 'client' | 'system';
  /** User id, client id, or a fixed name for system work ("demo-loader"). */
  id: string;
  /** Username, client name or a description: what audit reports show. */
  name: string;
  practiceId: string;
  roles: readonly Role[];
  permissions: readonly Permission[];
  /** SMART scopes of an API client (undefined for users: their roles decide). */
  scopes?: readonly string[];
  /** The session a user's request came with (sessions.ts). */
  sessionId?: string;
  /** The Practitioner a user is (clinical records name them as author), when their account is linked to one. */
  practitionerId?: string;
  /** Restricted charts this user may open now (break-glass grants not yet expired). */
  emergencyPatients: readonly string[];
  /** The network address of the request, for the audit record. */
  address?: string;
}

/** medassist acting on its own (demo clinic, a local import): full access, still audited. */
export function systemPrincipal(practiceId: string, name: string): Principal {
  return {
    kind: 'system',
    id: `system:${name}`,
    name: `medassist ${name}`,
    practiceId,
    roles: [],
    permissions: [],
    scopes: ['system/*.cruds'],
    emergencyPatients: [],
  };
}
