// Sign-in sessions and passwords. A session ends at the latest after SESSION_HOURS, sooner when left idle,
// when its owner revokes it or changes their password elsewhere, and when the account is disabled. Sessions
// are not evidence (they stay out of the ledger); a password change is, as `user.password_set`.
import { randomBytes } from 'node:crypto';
import { AppError } from '../../contracts/errors.ts';
import type { UserView } from '../../contracts/identity.ts';
import type { Actor } from '../../domain/actor.ts';
import { iso, type Deps } from '../deps.ts';
import type { Credential } from './access.ts';
import { badCredentials } from './identity.errors.ts';
import { actorOf, type IdentityRepository } from './identity.repository.ts';
import {
  hashPassword,
  newSecret,
  secretHash,
  SESSION_PREFIX,
  TOKEN_PREFIX,
  verifyPassword,
} from './secrets.ts';

const SESSION_HOURS = 12;
export const DEFAULT_SESSION_IDLE_MINUTES = 30;
/** Last use is written at most this often per session, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

export interface SessionInfo {
  id: string;
  username: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

export interface Authenticated {
  actor: Actor;
  credential: Credential;
}

export class SessionsService {
  private readonly deps: Deps;
  private readonly repo: IdentityRepository;
  private readonly idleMs: number;

  constructor(deps: Deps, repo: IdentityRepository, idleMinutes = DEFAULT_SESSION_IDLE_MINUTES) {
    this.deps = deps;
    this.repo = repo;
    this.idleMs = idleMinutes * 60_000;
  }

  private idleSince(now: Date): string {
    return iso(new Date(now.getTime() - this.idleMs));
  }

  /** Checks the password; callers count the attempt before (see server/login-limits.ts). */
  async login(
    username: string,
    password: string,
  ): Promise<{ token: string; expiresAt: string; user: UserView }> {
    const user = await this.repo.user(username);
    const stored = user?.active && user.kind === 'human' ? await this.repo.passwordHash(username) : null;
    if (!(await verifyPassword(stored, password)) || !user) throw badCredentials();
    const now = this.deps.now();
    const token = newSecret(SESSION_PREFIX);
    const expiresAt = iso(new Date(now.getTime() + SESSION_HOURS * 3_600_000));
    await this.deps.store.write(async () => {
      // Sign-ins are rare next to requests: a good moment to drop sessions nobody can use any more.
      await this.repo.pruneSessions(iso(now), this.idleSince(now));
      await this.repo.createSession({
        idHash: secretHash(token),
        id: `ses_${randomBytes(8).toString('hex')}`,
        username,
        at: iso(now),
        expiresAt,
      });
    });
    return { token, expiresAt, user };
  }

  async logout(token: string): Promise<void> {
    await this.deps.store.write(() => this.repo.deleteSession(secretHash(token)));
  }

  /** The actor behind a bearer secret, or null. Disabled users, idle sessions, revoked or expired tokens get nothing. */
  async authenticate(secret: string): Promise<Authenticated | null> {
    const now = this.deps.now();
    const hash = secretHash(secret);
    if (secret.startsWith(SESSION_PREFIX)) {
      const session = await this.repo.liveSession(hash, iso(now), this.idleSince(now));
      const user = session ? await this.repo.user(session.username) : null;
      if (!session || !user?.active) return null;
      if (now.getTime() - Date.parse(session.last_seen_at) >= TOUCH_EVERY_MS)
        await this.deps.store.write(() => this.repo.touchSession(session.id, iso(now)));
      return {
        actor: actorOf(user, null),
        credential: { kind: 'session', id: session.id, expiresAt: session.expires_at },
      };
    }
    if (secret.startsWith(TOKEN_PREFIX)) {
      const token = await this.repo.tokenBySecret(hash, iso(now));
      const user = token ? await this.repo.user(token.owner) : null;
      if (!token || !user?.active) return null;
      // Like a session's last sight, written at most once a minute so a busy CI token does not write on every call.
      if (token.last_used_at === null || now.getTime() - Date.parse(token.last_used_at) >= TOUCH_EVERY_MS)
        await this.deps.store.write(() => this.repo.touchToken(token.id, iso(now)));
      return {
        actor: actorOf(user, JSON.parse(token.scopes) as string[]),
        credential: { kind: 'token', id: token.id, expiresAt: token.expires_at },
      };
    }
    return null;
  }

  async list(actor: Actor, current: Credential): Promise<SessionInfo[]> {
    const now = this.deps.now();
    const rows = await this.repo.sessions(actor.id, iso(now), this.idleSince(now));
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      expiresAt: r.expires_at,
      current: r.id === current.id,
    }));
  }

  /** Ends one of the actor's own sessions; someone else's is not found. */
  async revoke(actor: Actor, current: Credential, id: string): Promise<SessionInfo> {
    const mine = (await this.list(actor, current)).find((s) => s.id === id);
    if (!mine) throw new AppError('not_found', `you have no session ${id}; see GET /api/v1/auth/sessions`);
    await this.deps.store.write(() => this.repo.deleteSessionById(actor.id, id));
    return mine;
  }

  /**
   * Changes the actor's own password, given the current one, from a signed-in session; every other session
   * of theirs ends. API tokens are separate credentials with their own scopes and stay valid: the owner
   * lists and revokes them (`changeproof tokens`).
   */
  async changePassword(
    actor: Actor,
    current: Credential,
    body: { currentPassword: string; newPassword: string },
  ): Promise<UserView & { endedSessions: number }> {
    if (current.kind !== 'session')
      throw new AppError(
        'forbidden',
        'a password is changed in a signed-in session, never with an API token',
      );
    const stored = await this.repo.passwordHash(actor.id);
    if (!(await verifyPassword(stored, body.currentPassword)))
      throw new AppError('unauthenticated', 'the current password is wrong; nothing was changed');
    if (body.newPassword === body.currentPassword)
      throw new AppError('validation_failed', 'choose a new password that differs from the current one');
    const hash = await hashPassword(body.newPassword);
    return this.deps.commands.execute(actor, async ({ at }) => {
      await this.repo.setSecret('password', actor.id, hash, at);
      await this.deps.record(actor, at, [
        { subject: `user:${actor.id}`, event: { type: 'user.password_set', data: {} } },
      ]);
      const endedSessions = await this.repo.deleteSessions(actor.id, current.id);
      return { ...(await this.repo.user(actor.id))!, endedSessions };
    });
  }
}
