// An index for the change list's text search (`q`), which otherwise reads every row when the text is rare.
// It is the one part of the schema that differs by engine, because each engine indexes substrings its own
// way: SQLite an FTS5 table with the trigram tokenizer, kept by triggers; PostgreSQL a trigram GIN index
// (pg_trgm, a trusted extension since PostgreSQL 13). Both are maintained by the database, so the
// projector, the ledger replay and the columns stay the same on both.
import { sql, SqliteAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`create virtual table change_search using fts5(search, tokenize = 'trigram', detail = 'none')`.execute(
      db,
    );
    await sql`create trigger change_search_insert after insert on changes begin
      insert into change_search (rowid, search) values (new.number, new.search); end`.execute(db);
    await sql`create trigger change_search_update after update of search on changes begin
      update change_search set search = new.search where rowid = new.number; end`.execute(db);
    await sql`create trigger change_search_delete after delete on changes begin
      delete from change_search where rowid = old.number; end`.execute(db);
    await sql`insert into change_search (rowid, search) select number, search from changes`.execute(db);
    return;
  }
  // Without the extension (a server built without contrib, or a role that may not create it) search still
  // works, by reading the table; the migration must not stop the server for want of an index.
  const available = await sql`select 1 from pg_available_extensions where name = 'pg_trgm'`.execute(db);
  if (available.rows.length === 0) return;
  await sql`savepoint change_search`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index changes_search_trgm on changes using gin (search gin_trgm_ops)`.execute(db);
    await sql`release savepoint change_search`.execute(db);
  } catch {
    await sql`rollback to savepoint change_search`.execute(db);
  }
}
