// Follow-ups become tracked items (issue 14): what a change leaves to do after it, each with an owner, a due
// date and a status. One row per item, its record as canonical JSON plus the columns lists filter on; the
// overdue list walks (status, due_at), and the filters by owner and by change have an index each.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('follow_ups')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('change_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('follow_ups_status_due')
    .on('follow_ups')
    .columns(['status', 'due_at'])
    .execute();
  await db.schema.createIndex('follow_ups_owner').on('follow_ups').columns(['owner', 'number']).execute();
  await db.schema
    .createIndex('follow_ups_change')
    .on('follow_ups')
    .columns(['change_id', 'number'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
