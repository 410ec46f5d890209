// A list filtered by a service and something else walked the service's changes newest first and looked each
// one up to test the other filter: at 100,000 changes a service with a few thousand of them took 60–90 ms
// when the other filter matched few. The filter columns are copied onto each change_services row and indexed
// as (service, column, number), so every "service + filter" list walks one index in change-number order and
// stops after a page, as single filters already do on `changes`. The projector writes the copies; the
// projection version rises with this migration, so the rows are rebuilt from the ledger at the next start.
// The overdue list, which read every change when few are overdue, gets a partial index of the changes that
// owe a record or a review, and the pairs of few-valued filters an index each.
import { sql, type Kysely } from 'kysely';

/**
 * Changes that owe a record or a review, whether or not it is late yet: few, so the overdue list walks a
 * partial index of them. A query uses it by repeating this condition word for word (both engines match a
 * partial index's condition to the query's textually).
 */
export const OWES_RECORD_OR_REVIEW =
  '((record_completed_at is null and record_due_at is not null) or (reviewed = 0 and review_due_at is not null))';

/**
 * Pairs of the few-valued filters, indexed together: a pair that matches few changes (or none, such as a
 * standard change rated high) would otherwise walk all changes of the first value.
 */
export const PAIRS = [
  ['type', 'risk_rating'],
  ['type', 'state'],
  ['risk_rating', 'state'],
] as const;

export const FILTER_COLUMNS = ['state', 'type', 'risk_rating', 'requester', 'origin', 'supplier'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['state', 'type', 'requester', 'origin'])
    await db.schema
      .alterTable('change_services')
      .addColumn(column, 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  for (const column of ['risk_rating', 'supplier'])
    await db.schema.alterTable('change_services').addColumn(column, 'text').execute();
  // Filled here too, so the table is right even before the replay (one statement, quick on any size).
  await sql`update change_services set
      state = c.state, type = c.type, risk_rating = c.risk_rating, requester = c.requester,
      origin = c.origin, supplier = c.supplier
    from changes c where c.number = change_services.number`.execute(db);
  for (const column of FILTER_COLUMNS)
    await db.schema
      .createIndex(`change_services_${column}`)
      .on('change_services')
      .columns(['service', column, 'number'])
      .execute();
  await sql`create index changes_owing on changes (number) where ${sql.raw(OWES_RECORD_OR_REVIEW)}`.execute(
    db,
  );
  for (const [a, b] of PAIRS)
    await db.schema.createIndex(`changes_${a}_${b}`).on('changes').columns([a, b, 'number']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
