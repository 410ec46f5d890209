// History and proofs find entries by the subject and event id written in the signed entry (`canonical`),
// not by the plain columns beside it: an UPDATE of `ledger_entries.subject` must not move an event out of
// a change's history. These expression indexes keep those lookups indexed; `src/store/ledger-fields.ts`
// writes the same expressions in queries, which is what lets each engine use them. The column index on
// `subject` is no longer read and is dropped (one index less to write per event).
import { sql, SqliteAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`create index ledger_entries_signed_subject on ledger_entries (json_extract(canonical, '$.subject'), seq)`.execute(
      db,
    );
    await sql`create index ledger_entries_signed_id on ledger_entries (json_extract(canonical, '$.id'))`.execute(
      db,
    );
  } else {
    await sql`create index ledger_entries_signed_subject on ledger_entries (((canonical::jsonb) ->> 'subject'), seq)`.execute(
      db,
    );
    await sql`create index ledger_entries_signed_id on ledger_entries (((canonical::jsonb) ->> 'id'))`.execute(
      db,
    );
  }
  await sql`drop index ledger_entries_subject`.execute(db);
}
