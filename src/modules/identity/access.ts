// Who may do what, in one place. Routes declare the access they need (a token scope, a signed-in session,
// or any credential) and one hook asks `routeRefusal`; use-cases ask the other questions here. This is
// the start of the single authorization module: "may this actor do this to this resource".
import type { Scope } from '../../contracts/identity.ts';
import { SYSTEM_ACTOR, type Actor } from '../../domain/actor.ts';

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

export function isAdmin(actor: Actor): boolean {
  return actor.roles.includes('admin') && (actor.scopes === null || actor.scopes.includes('users:admin'));
}

/** Admins, change managers and auditors see everyone (roles are evidence); others see themselves. */
export function maySeeUsers(actor: Actor): boolean {
  return actor.roles.some((r) => r === 'admin' || r === 'change_manager' || r === 'auditor');
}

/**
 * Why `actor` may not create a token owned by `owner`, or null. Tokens are created by their owner; an admin
 * may create them for bots (which approve nothing), never for a person: that would let them act as that person.
 */
export function tokenOwnerRefusal(actor: Actor, owner: { username: string; kind: string }): string | null {
  if (owner.username === actor.id || actor === SYSTEM_ACTOR) return null;
  if (owner.kind !== 'bot')
    return `tokens are created by their owner: ${owner.username} creates their own (admins may create tokens for bots only)`;
  if (!isAdmin(actor)) return 'only an admin may create tokens for a bot';
  return null;
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
