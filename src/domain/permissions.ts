// Who may do what: the one table of actions, the roles that grant each, and the API token scope each needs.
// Pure data and two questions; `modules/identity/access.ts` answers "may this actor do this" from it for
// routes, use-cases, the command runner and jobs, and the domain asks it for the role part of its
// decisions. Rules about the change itself (segregation of duties, quorum, who is its implementer) stay in
// the domain's decisions: they depend on the record, not on the role.
import type { Actor, Role } from './actor.ts';

export const ACTIONS = [
  'change.create',
  /** Any command on an existing change; holders of read-only roles alone are refused. */
  'change.work',
  /** Look after any change as if its requester or implementer (edit, submit, start someone else's). */
  'change.manage',
  'change.implement',
  /** Give or refuse an approval; which groups count is the domain's quorum rule. */
  'change.approve',
  'service.register',
  'service.update',
  'user.create',
  'user.update',
  /** See every user, not only oneself. */
  'user.list',
  /** Create tokens for bots, list and revoke anyone's tokens. */
  'token.administer',
  'checkpoint.issue',
  /** Open a follow-up on a change; closing one is for its owner, or anyone who may manage changes. */
  'follow_up.open',
  'follow_up.close',
  /** Ask the deployment gate (dry runs included). */
  'gate.decide',
  /** Force a deployment past the gate: recorded, and raised as an emergency change that owes its record. */
  'gate.break_glass',
  /** Record a deployment's start and result. */
  'deployment.record',
] as const;
export type Action = (typeof ACTIONS)[number];

export interface Permission {
  /** Any one of these roles grants the action. */
  roles: readonly Role[];
  /** The scope an API token must carry for it (sessions carry all of their user's rights). */
  scope: string;
}

const MANAGERS = ['admin', 'change_manager'] as const;
const WORKERS = [...MANAGERS, 'requester', 'implementer', 'approver'] as const;
const DEPLOYERS = [...MANAGERS, 'implementer', 'deployer'] as const;

export const PERMISSIONS: Readonly<Record<Action, Permission>> = {
  'change.create': { roles: [...MANAGERS, 'requester', 'implementer'], scope: 'changes:write' },
  'change.work': { roles: WORKERS, scope: 'changes:write' },
  'change.manage': { roles: MANAGERS, scope: 'changes:write' },
  'change.implement': { roles: [...MANAGERS, 'implementer'], scope: 'changes:write' },
  'change.approve': { roles: WORKERS, scope: 'changes:approve' },
  'service.register': { roles: MANAGERS, scope: 'services:write' },
  'service.update': { roles: MANAGERS, scope: 'services:write' },
  'user.create': { roles: ['admin'], scope: 'users:admin' },
  'user.update': { roles: ['admin'], scope: 'users:admin' },
  'user.list': { roles: [...MANAGERS, 'auditor'], scope: 'users:read' },
  'token.administer': { roles: ['admin'], scope: 'users:admin' },
  'checkpoint.issue': { roles: [...MANAGERS, 'auditor'], scope: 'changes:write' },
  'follow_up.open': { roles: WORKERS, scope: 'changes:write' },
  'follow_up.close': { roles: WORKERS, scope: 'changes:write' },
  'gate.decide': { roles: DEPLOYERS, scope: 'gate' },
  'gate.break_glass': { roles: DEPLOYERS, scope: 'gate' },
  'deployment.record': { roles: DEPLOYERS, scope: 'gate' },
};

/** Whether one of the actor's roles grants `action` (the token's scopes aside). */
export function roleAllows(actor: Pick<Actor, 'roles'>, action: Action): boolean {
  const { roles } = PERMISSIONS[action];
  return actor.roles.some((r) => roles.includes(r));
}

/** Whether the actor's credential covers `action`: a session always, an API token with the scope. */
export function scopeAllows(actor: Pick<Actor, 'scopes'>, action: Action): boolean {
  return actor.scopes === null || actor.scopes.includes(PERMISSIONS[action].scope);
}

/** The roles that grant `action`, for messages. */
export function rolesFor(action: Action): readonly Role[] {
  return PERMISSIONS[action].roles;
}
