// What the projection tables were built by. When the projector's output for the same events changes (a new
// field on the change record, say), the tables an earlier version built no longer equal a replay of the
// ledger; recording the projector's version lets `Store.migrate` rebuild them from the ledger once.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('projection_state')
    .addColumn('key', 'text', (c) => c.primaryKey().notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
