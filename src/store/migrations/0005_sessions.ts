// Sessions people can see and end, with an idle timeout: each gets a public id (the secret's hash stays
// the key it is found by) and the time it was last used. Sessions are sign-ins, not evidence, so the table
// is recreated rather than altered and everyone signs in again once. Idempotency records now expire, so
// they get an index on their age for pruning.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sessions').execute();
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey().notNull())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_username').on('sessions').columns(['username']).execute();
  await db.schema
    .createIndex('idempotency_keys_created_at')
    .on('idempotency_keys')
    .columns(['created_at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
