// The identity projection: user profiles and API tokens (their metadata; secrets are written apart by the
// identity repository, never from the ledger).
import type { IdentityEvent, RecordedEvent } from '../../domain/events.ts';
import type { Projection } from '../../store/projection.ts';

export const identityProjection: Projection = {
  name: 'identity',
  version: 1,
  handles: ['user.*', 'token.*'],
  tables: [
    { name: 'users', key: ['username'] },
    { name: 'api_tokens', key: ['id'] },
  ],
  async apply(store, recorded) {
    const event = recorded as RecordedEvent<IdentityEvent>;
    const db = store.db;
    const e = { type: event.type, data: event.data } as IdentityEvent;
    switch (e.type) {
      case 'user.created':
        await db
          .insertInto('users')
          .values({
            username: e.data.username,
            display_name: e.data.displayName,
            email: e.data.email,
            kind: e.data.kind,
            roles: JSON.stringify(e.data.roles),
            groups: JSON.stringify(e.data.groups),
            active: e.data.active ? 1 : 0,
            created_at: event.at,
            updated_at: event.at,
          })
          .execute();
        return;
      case 'user.updated': {
        const f = e.data.fields;
        await db
          .updateTable('users')
          .set({
            ...(f.displayName !== undefined && { display_name: f.displayName }),
            ...(f.email !== undefined && { email: f.email }),
            ...(f.roles !== undefined && { roles: JSON.stringify(f.roles) }),
            ...(f.groups !== undefined && { groups: JSON.stringify(f.groups) }),
            ...(f.active !== undefined && { active: f.active ? 1 : 0 }),
            updated_at: event.at,
          })
          .where('username', '=', event.subject.slice('user:'.length))
          .execute();
        return;
      }
      case 'user.password_set':
        return;
      case 'token.created':
        await db
          .insertInto('api_tokens')
          .values({
            id: e.data.tokenId,
            owner: e.data.owner,
            name: e.data.name,
            scopes: JSON.stringify(e.data.scopes),
            created_at: event.at,
            expires_at: e.data.expiresAt,
            revoked_at: null,
          })
          .execute();
        return;
      case 'token.revoked':
        await db
          .updateTable('api_tokens')
          .set({ revoked_at: event.at })
          .where('id', '=', e.data.tokenId)
          .execute();
        return;
    }
  },
};
