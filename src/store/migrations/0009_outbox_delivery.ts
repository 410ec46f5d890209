// Delivery per subscriber (issue 13). Each named subscriber has a cursor into the outbox with its own
// retries and a lease, so a failing subscriber no longer holds back the others and several servers on one
// PostgreSQL database never deliver one subscriber's events at the same time; rows every cursor has passed
// are pruned. The per-row delivery columns go: the one subscriber there was, the server's event log
// (`log`), starts where the rows were delivered up to. `job_leases` lets once-per-cluster background jobs
// run on one server at a time (ADR 0009).
import { sql, type Kysely } from 'kysely';

/** The subscriber every server had before subscribers had names. */
const LOG_SUBSCRIBER = 'log';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox_cursors')
    .addColumn('subscriber', 'text', (c) => c.primaryKey().notNull())
    // The highest event seq delivered; -1 before the first.
    .addColumn('delivered_seq', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('failing_since', 'text')
    .addColumn('lease_holder', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('job_leases')
    .addColumn('job', 'text', (c) => c.primaryKey().notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // The old dispatcher delivered strictly in order, so the delivered rows are the ones before the first
  // undelivered one.
  const { rows } = await sql<{ first_pending: number | string | null; last: number | string | null }>`
    select (select min(event_seq) from outbox where delivered_at is null) as first_pending,
           (select max(event_seq) from outbox) as last`.execute(db);
  const { first_pending: firstPending, last } = rows[0] ?? { first_pending: null, last: null };
  if (last !== null) {
    const now = new Date().toISOString();
    const deliveredSeq = firstPending === null ? Number(last) : Number(firstPending) - 1;
    await sql`insert into outbox_cursors (subscriber, delivered_seq, attempts, next_attempt_at, updated_at)
              values (${LOG_SUBSCRIBER}, ${deliveredSeq}, 0, ${now}, ${now})`.execute(db);
  }

  await db.schema.dropIndex('outbox_pending').execute();
  // One column per statement: SQLite's ALTER TABLE drops one at a time.
  for (const column of ['attempts', 'next_attempt_at', 'delivered_at', 'last_error'])
    await db.schema.alterTable('outbox').dropColumn(column).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
