// Personal iCalendar feeds (issue 15): one row per feed token, its owner and when it was created and
// revoked. The secret's hash is in `credentials` (kind `calendar_feed`), never here nor in the ledger; the
// feed looks a token up by that hash, then its live row here, by id. The calendar and scheduling read the
// changes holding a window by state and window start: an index on (state, window_start) serves both.
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
  await db.schema
    .createIndex('changes_state_window')
    .on('changes')
    .columns(['state', 'window_start'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
