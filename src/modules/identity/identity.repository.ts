// Reads and the secret writes of identity. Profile rows are projection tables, written by identity.projection.ts.
import type { Actor, Role } from '../../domain/actor.ts';
import type { UserProfile } from '../../domain/events.ts';
import type { Store } from '../../store/database.ts';
import { Prepared } from '../../store/prepared.ts';
import type { UserTable } from '../../store/schema.ts';
import type { UserView } from '../../contracts/identity.ts';

export function userView(row: UserTable): UserView {
  return {
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    kind: row.kind as UserProfile['kind'],
    roles: JSON.parse(row.roles) as Role[],
    groups: JSON.parse(row.groups) as string[],
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function actorOf(user: UserView, scopes: string[] | null): Actor {
  return {
    id: user.username,
    kind: user.kind,
    roles: user.roles,
    groups: user.groups,
    scopes,
    email: user.email,
  };
}

// Every authenticated request runs these.
const userByName = new Prepared((db, p: { username: string }) =>
  db.selectFrom('users').selectAll().where('username', '=', p.username),
);
const liveSession = new Prepared((db, p: { idHash: string; now: string; idleSince: string }) =>
  db
    .selectFrom('sessions')
    .select(['id', 'username', 'last_seen_at', 'expires_at'])
    .where('id_hash', '=', p.idHash)
    .where('expires_at', '>', p.now)
    .where('last_seen_at', '>', p.idleSince),
);
const liveToken = new Prepared((db, p: { hash: string; now: string }) =>
  db
    .selectFrom('credentials')
    .innerJoin('api_tokens', 'api_tokens.id', 'credentials.subject')
    .select([
      'api_tokens.id',
      'api_tokens.owner',
      'api_tokens.scopes',
      'api_tokens.expires_at',
      'credentials.last_used_at',
    ])
    .where('credentials.kind', '=', 'token')
    .where('credentials.secret_hash', '=', p.hash)
    .where('api_tokens.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', p.now)])),
);

export class IdentityRepository {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async user(username: string): Promise<UserView | null> {
    const row = await userByName.first(this.store, { username });
    return row ? userView(row) : null;
  }

  async users(): Promise<UserView[]> {
    const rows = await this.store.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(userView);
  }

  async countUsers(): Promise<number> {
    const row = await this.store.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async setSecret(
    kind: 'password' | 'token',
    subject: string,
    secretHash: string,
    at: string,
  ): Promise<void> {
    await this.store.db
      .insertInto('credentials')
      .values({ kind, subject, secret_hash: secretHash, updated_at: at })
      .onConflict((oc) =>
        oc.columns(['kind', 'subject']).doUpdateSet({ secret_hash: secretHash, updated_at: at }),
      )
      .execute();
  }

  async passwordHash(username: string): Promise<string | null> {
    const row = await this.store.db
      .selectFrom('credentials')
      .select('secret_hash')
      .where('kind', '=', 'password')
      .where('subject', '=', username)
      .executeTakeFirst();
    return row?.secret_hash ?? null;
  }

  /** The live token with this hash, with its owner, or null. */
  async tokenBySecret(hash: string, now: string) {
    return liveToken.first(this.store, { hash, now });
  }

  /** Tokens with when each was last used (from its credential row, outside the projection). */
  private tokenRows() {
    return this.store.db
      .selectFrom('api_tokens')
      .leftJoin('credentials', (j) =>
        j.onRef('credentials.subject', '=', 'api_tokens.id').on('credentials.kind', '=', 'token'),
      )
      .selectAll('api_tokens')
      .select('credentials.last_used_at');
  }

  async tokens(owner: string | null) {
    let q = this.tokenRows().orderBy('api_tokens.created_at');
    if (owner !== null) q = q.where('api_tokens.owner', '=', owner);
    return q.execute();
  }

  async token(id: string) {
    return this.tokenRows().where('api_tokens.id', '=', id).executeTakeFirst();
  }

  /** Notes that a token authenticated a request at `at`. */
  async touchToken(id: string, at: string): Promise<void> {
    await this.store.db
      .updateTable('credentials')
      .set({ last_used_at: at })
      .where('kind', '=', 'token')
      .where('subject', '=', id)
      .execute();
  }

  async createSession(session: {
    idHash: string;
    id: string;
    username: string;
    at: string;
    expiresAt: string;
  }): Promise<void> {
    await this.store.db
      .insertInto('sessions')
      .values({
        id_hash: session.idHash,
        id: session.id,
        username: session.username,
        created_at: session.at,
        last_seen_at: session.at,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  /** The session with this secret hash, unless it expired or was left idle since `idleSince`. */
  async liveSession(idHash: string, now: string, idleSince: string) {
    return liveSession.first(this.store, { idHash, now, idleSince });
  }

  async touchSession(id: string, at: string): Promise<void> {
    await this.store.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async sessions(username: string, now: string, idleSince: string) {
    return this.store.db
      .selectFrom('sessions')
      .select(['id', 'username', 'created_at', 'last_seen_at', 'expires_at'])
      .where('username', '=', username)
      .where('expires_at', '>', now)
      .where('last_seen_at', '>', idleSince)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.store.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends a user's sessions (all but `keepId`, if given); returns how many ended. */
  async deleteSessions(username: string, keepId: string | null = null): Promise<number> {
    let q = this.store.db.deleteFrom('sessions').where('username', '=', username);
    if (keepId !== null) q = q.where('id', '!=', keepId);
    const result = await q.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteSessionById(username: string, id: string): Promise<boolean> {
    const result = await this.store.db
      .deleteFrom('sessions')
      .where('username', '=', username)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Removes sessions that can no longer be used. */
  async pruneSessions(now: string, idleSince: string): Promise<void> {
    await this.store.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
      .execute();
  }
}
