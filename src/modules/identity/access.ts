// Who may do what, in one place: "may this actor do this to this resource". Routes declare the access they
// need (a token scope, a signed-in session, or any credential) and one hook asks `routeRefusal`; use-cases,
// the routes that act beyond their scope, jobs and adapters ask `may` (or `assertMay`), which reads the
// permission table in `domain/permissions.ts` that the domain's own decisions read too.
import { AppError } from '../../contracts/errors.ts';
import type { Scope } from '../../contracts/identity.ts';
import { SYSTEM_ACTOR, type Actor } from '../../domain/actor.ts';
import { roleAllows, scopeAllows, type Action } from '../../domain/permissions.ts';

export type { Action } from '../../domain/permissions.ts';

/** What a refusal tells the caller, per action: which role it needs. */
const NEEDS: Record<Action, string> = {
  'change.create': 'raising changes needs the requester, implementer, change_manager or admin role',
  'change.work': 'acting on changes needs a role other than auditor or viewer',
  'change.manage': "looking after other people's changes needs the change_manager or admin role",
  'change.implement': 'implementing changes needs the implementer, change_manager or admin role',
  'change.approve': 'approving needs a signed-in person or a token with the changes:approve scope',
  'service.register': 'registering services needs the change_manager or admin role',
  'service.update': 'changing services needs the change_manager or admin role',
  'user.create': 'only an admin may create users',
  'user.update': "only an admin may change a user's profile, roles or groups",
  'user.list': 'listing users needs the admin, change_manager or auditor role',
  'token.administer': 'only an admin may create tokens for a bot',
  'checkpoint.issue': 'asking for a checkpoint needs the admin, change_manager or auditor role',
  'follow_up.open': 'opening follow-ups needs a role other than auditor or viewer',
  'follow_up.close': 'closing follow-ups needs a role other than auditor or viewer',
  'gate.decide':
    'asking the deployment gate needs the deployer, implementer, change_manager or admin role (tokens: the gate scope)',
  'gate.break_glass':
    'breaking glass needs the deployer, implementer, change_manager or admin role (tokens: the gate scope)',
  'deployment.record':
    'recording deployments needs the deployer, implementer, change_manager or admin role (tokens: the gate scope)',
};

/**
 * Why `actor` may not do `action`, or null if they may: one of their roles must grant it and, through an API
 * token, the token must carry the action's scope. `resource` is for rules that will depend on it (a change's
 * services, a team); today every rule is by role and scope.
 */
export function may(actor: Actor, action: Action, _resource?: unknown): string | null {
  return roleAllows(actor, action) && scopeAllows(actor, action) ? null : NEEDS[action];
}

/** Throws the 403 for `may`'s refusal. */
export function assertMay(actor: Actor, action: Action, resource?: unknown): void {
  const refusal = may(actor, action, resource);
  if (refusal) throw new AppError('forbidden', refusal);
}

/**
 * What a route needs: `public` (no credential), `any` (any session or token), `session` (a signed-in
 * person, never an API token), or the token scope it needs (sessions carry all of their user's rights).
 */
export type Access = 'public' | 'any' | 'session' | Scope;

/** How the caller proved who they are. */
export interface Credential {
  kind: 'session' | 'token';
  /** The session's or token's public id. */
  id: string;
  /** When the credential stops working at the latest (null: a token without expiry). */
  expiresAt: string | null;
}

/** Why this caller may not use a route declaring `access`, or null if they may. Undeclared means sessions only. */
export function routeRefusal(
  access: Access | undefined,
  credential: Credential,
  actor: Actor,
): string | null {
  if (access === 'public' || access === 'any') return null;
  if (credential.kind === 'session') return null;
  if (access === undefined)
    return 'this route declares no scope, so API tokens may not use it; sign in with a session';
  if (access === 'session')
    return 'this needs a signed-in session, not an API token: sign in with POST /api/v1/auth/login (changeproof login)';
  if (!actor.scopes?.includes(access)) return `this API token lacks the ${access} scope`;
  return null;
}

/**
 * Why `actor` may not create a token owned by `owner`, or null. Tokens are created by their owner; an admin
 * may create them for bots (which approve nothing), never for a person: that would let them act as that person.
 */
export function tokenOwnerRefusal(actor: Actor, owner: { username: string; kind: string }): string | null {
  if (owner.username === actor.id || actor === SYSTEM_ACTOR) return null;
  if (owner.kind !== 'bot')
    return `tokens are created by their owner: ${owner.username} creates their own (admins may create tokens for bots only)`;
  return may(actor, 'token.administer');
}

/** A new token carries no more than the credential that creates it: no wider scopes, no later expiry. */
export function tokenBoundsRefusal(
  actor: Actor,
  credential: Credential | null,
  scopes: string[],
  expiresAt: string | null,
): string | null {
  if (actor.scopes !== null) {
    const beyond = scopes.filter((s) => !actor.scopes!.includes(s));
    if (beyond.length > 0) return `your token cannot grant scopes it lacks: ${beyond.join(', ')}`;
  }
  if (credential?.kind === 'token' && credential.expiresAt !== null) {
    if (expiresAt === null || expiresAt > credential.expiresAt)
      return `your token expires at ${credential.expiresAt}; a token it creates must expire no later (set expiresAt)`;
  }
  return null;
}
