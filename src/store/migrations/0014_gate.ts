// The deployment gate (issue 15): every recorded decision, and every deployment with the decision it ran
// under. Decisions are found by id (a deployment names the one that allowed it) and listed per change;
// deployments are listed per change and, for the ones no allowing decision covers, on their own index. The
// gate re-assesses a change only when the catalogue moved: when a service event newer than the one it last
// saw is in the ledger, found on a partial index of the service events (few, and only they are indexed).
import { sql, type Kysely } from 'kysely';

/** The condition of the partial index; a query uses it by repeating it word for word. */
export const SERVICE_EVENTS = "type like 'service.%'";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gate_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('change_id', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('gate_decisions_change')
    .on('gate_decisions')
    .columns(['change_id', 'at'])
    .execute();
  await sql`create index ledger_entries_service_events on ledger_entries (seq) where ${sql.raw(SERVICE_EVENTS)}`.execute(
    db,
  );
  await db.schema
    .createTable('deployments')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('change_id', 'text')
    .addColumn('decision_id', 'text')
    .addColumn('unauthorized', 'integer', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('deployments_change')
    .on('deployments')
    .columns(['change_id', 'number'])
    .execute();
  await db.schema
    .createIndex('deployments_unauthorized')
    .on('deployments')
    .columns(['unauthorized', 'number'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
