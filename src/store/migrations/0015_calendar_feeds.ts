// Personal iCalendar feeds (issue 15): one row per feed token, its owner and when it was created and
// revoked. The secret's hash is in `credentials` (kind `calendar_feed`), never here nor in the ledger; the
// feed looks a token up by that hash, then its live row here, by id.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calendar_feeds')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('calendar_feeds_owner')
    .on('calendar_feeds')
    .columns(['owner', 'revoked_at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
