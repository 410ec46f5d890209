// Who is acting. Passed into every mutating use-case; the domain never looks it up itself.

import type { ActorKind, Role } from './vocabulary.ts';

export { ACTOR_KINDS, ROLES, USER_KINDS, type ActorKind, type Role, type UserKind } from './vocabulary.ts';

export interface Actor {
  /** Username; `system` for the server itself. */
  id: string;
  kind: ActorKind;
  roles: Role[];
  /** Approver groups held now (checked at approval time, not at submit time). */
  groups: string[];
  /** Token scopes when acting through an API token; null for a signed-in session. */
  scopes: string[] | null;
  email: string | null;
}

export const SYSTEM_ACTOR: Actor = {
  id: 'system',
  kind: 'system',
  roles: ['admin'],
  groups: [],
  scopes: null,
  email: null,
};

/**
 * The actor a connector (GitHub, GitLab, Kubernetes) acts as: a system actor whose only role and only scope
 * are the deployment gate's, so it may ask the gate, break glass and record deployments, and nothing else.
 */
export function connectorActor(source: string): Actor {
  return {
    id: `connector:${source}`,
    kind: 'system',
    roles: ['deployer'],
    groups: [],
    scopes: ['gate'],
    email: null,
  };
}
