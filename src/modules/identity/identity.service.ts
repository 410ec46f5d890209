// Users, roles, sessions and scoped API tokens. Profile and token changes are ledger events; the secrets
// themselves (Argon2id password hashes, token hashes) stay in the credentials table, out of the ledger.
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { AppError } from '../../contracts/errors.ts';
import {
  SCOPES,
  type CreateTokenBody,
  type CreateUserBody,
  type UpdateUserBody,
  type UserView,
} from '../../contracts/identity.ts';
import { SYSTEM_ACTOR, type Actor } from '../../domain/actor.ts';
import type { IdentityEvent } from '../../domain/events.ts';
import { iso, type Deps } from '../deps.ts';
import { assertMay, may, tokenBoundsRefusal, tokenOwnerRefusal, type Credential } from './access.ts';
import { userNotFound } from './identity.errors.ts';
import { IdentityRepository } from './identity.repository.ts';
import { hashPassword, newPassword, newSecret, secretHash, TOKEN_PREFIX } from './secrets.ts';
import { SessionsService, type Authenticated } from './sessions.service.ts';

export interface IdentitySettings {
  /** Minutes after which an unused session ends. */
  sessionIdleMinutes?: number;
}

export interface TokenInfo {
  id: string;
  name: string;
  owner: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

type TokenRow = {
  id: string;
  name: string;
  owner: string;
  scopes: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
};
const tokenInfo = (r: TokenRow): TokenInfo => ({
  id: r.id,
  name: r.name,
  owner: r.owner,
  scopes: JSON.parse(r.scopes) as string[],
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

export class IdentityService {
  private readonly deps: Deps;
  readonly repo: IdentityRepository;
  readonly sessions: SessionsService;

  constructor(deps: Deps, settings: IdentitySettings = {}) {
    this.deps = deps;
    this.repo = new IdentityRepository(deps.store);
    this.sessions = new SessionsService(deps, this.repo, settings.sessionIdleMinutes);
  }

  /** Creates the first admin with a one-time password and an admin API token, once; null if users exist. */
  async bootstrap(username = 'admin'): Promise<{ username: string; password: string; token: string } | null> {
    return this.deps.commands.execute(SYSTEM_ACTOR, async () => {
      if ((await this.repo.countUsers()) > 0) return null;
      const password = newPassword();
      await this.createUser(SYSTEM_ACTOR, {
        username,
        displayName: 'Administrator',
        email: null,
        kind: 'human',
        roles: ['admin', 'change_manager'],
        groups: [],
        password,
      });
      const token = await this.createToken(SYSTEM_ACTOR, {
        name: 'bootstrap admin token',
        owner: username,
        scopes: [...SCOPES],
        expiresAt: null,
      });
      return { username, password, token: token.token };
    });
  }

  async createUser(actor: Actor, body: z.output<typeof CreateUserBody>): Promise<UserView> {
    assertMay(actor, 'user.create');
    if (body.kind === 'bot' && body.password)
      throw new AppError('validation_failed', 'bots sign in with API tokens only; omit the password');
    // Argon2 takes tens of milliseconds: hash before entering the write transaction, which serialises writers.
    const passwordHash = body.password ? await hashPassword(body.password) : null;
    return this.deps.commands.execute(actor, async ({ at }) => {
      if (await this.repo.user(body.username))
        throw new AppError('conflict', `a user named ${body.username} already exists`);
      const subject = `user:${body.username}`;
      const events: { subject: string; event: IdentityEvent }[] = [
        {
          subject,
          event: {
            type: 'user.created',
            data: {
              username: body.username,
              displayName: body.displayName ?? body.username,
              email: body.email,
              kind: body.kind,
              roles: [...new Set(body.roles)],
              groups: [...new Set(body.groups)],
              active: true,
            },
          },
        },
      ];
      if (passwordHash) {
        await this.repo.setSecret('password', body.username, passwordHash, at);
        events.push({ subject, event: { type: 'user.password_set', data: {} } });
      }
      await this.deps.record(actor, at, events);
      return (await this.repo.user(body.username))!;
    });
  }

  /** Profile, roles, groups and whether the account is active (admin). Passwords change only by their owner. */
  async updateUser(actor: Actor, username: string, body: z.output<typeof UpdateUserBody>): Promise<UserView> {
    const { password: _never, ...fields } = body;
    assertMay(actor, 'user.update');
    if (actor.id === username && fields.active === false)
      throw new AppError('forbidden', 'you cannot disable your own account');
    return this.deps.commands.execute(actor, async ({ at }) => {
      const user = await this.repo.user(username);
      if (!user) throw userNotFound(username);
      await this.deps.record(actor, at, [
        { subject: `user:${username}`, event: { type: 'user.updated', data: { fields } } },
      ]);
      // Disabling ends the account's sessions, so enabling it again revives none of them. Its API tokens are
      // refused while it is disabled and work again after (revoke them to end them).
      if (fields.active === false) await this.repo.deleteSessions(username);
      return (await this.repo.user(username))!;
    });
  }

  async listUsers(actor: Actor): Promise<UserView[]> {
    assertMay(actor, 'user.list');
    return this.repo.users();
  }

  async getUser(actor: Actor, username: string): Promise<UserView> {
    if (actor.id !== username && may(actor, 'user.list') !== null) throw userNotFound(username);
    const user = await this.repo.user(username);
    if (!user) throw userNotFound(username);
    return user;
  }

  async createToken(
    actor: Actor,
    body: z.output<typeof CreateTokenBody>,
    credential: Credential | null = null,
  ): Promise<TokenInfo & { token: string }> {
    const owner = body.owner ?? actor.id;
    if (owner !== actor.id && may(actor, 'token.administer') !== null)
      throw new AppError(
        'forbidden',
        'tokens are created by their owner (admins may create tokens for bots)',
      );
    const beyond = tokenBoundsRefusal(actor, credential, body.scopes, body.expiresAt);
    if (beyond) throw new AppError('forbidden', beyond);
    const now = this.deps.now();
    if (body.expiresAt !== null && body.expiresAt <= iso(now))
      throw new AppError('validation_failed', 'expiresAt is in the past');
    return this.deps.commands.execute(actor, async ({ at }) => {
      const user = await this.repo.user(owner);
      if (!user || !user.active) throw userNotFound(owner);
      const refusal = tokenOwnerRefusal(actor, user);
      if (refusal) throw new AppError('forbidden', refusal);
      const id = `tok_${randomBytes(8).toString('hex')}`;
      const token = newSecret(TOKEN_PREFIX);
      await this.repo.setSecret('token', id, secretHash(token), at);
      const scopes = [...new Set(body.scopes)];
      await this.deps.record(actor, at, [
        {
          subject: `user:${owner}`,
          event: {
            type: 'token.created',
            data: { tokenId: id, name: body.name, owner, scopes, expiresAt: body.expiresAt },
          },
        },
      ]);
      return { ...tokenInfo((await this.repo.token(id))!), token };
    });
  }

  async listTokens(actor: Actor): Promise<TokenInfo[]> {
    return (await this.repo.tokens(may(actor, 'token.administer') === null ? null : actor.id)).map(tokenInfo);
  }

  async revokeToken(actor: Actor, id: string): Promise<TokenInfo> {
    return this.deps.commands.execute(actor, async ({ at }) => {
      const row = await this.repo.token(id);
      if (!row || (row.owner !== actor.id && may(actor, 'token.administer') !== null))
        throw new AppError('not_found', `no token ${id}`);
      if (row.revoked_at) return tokenInfo(row);
      await this.deps.record(actor, at, [
        { subject: `user:${row.owner}`, event: { type: 'token.revoked', data: { tokenId: id } } },
      ]);
      return tokenInfo((await this.repo.token(id))!);
    });
  }

  /** The actor behind a bearer secret and how they proved it, or null. */
  async authenticate(secret: string): Promise<Authenticated | null> {
    return this.sessions.authenticate(secret);
  }
}
