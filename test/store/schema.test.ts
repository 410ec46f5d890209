import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { engines, freshStore, PG_URL } from '../support/db.ts';
import { PROJECTIONS } from '../../src/modules/projections.ts';
import type { Store } from '../../src/store/database.ts';

// The text-search index is the one engine-specific part (migration 0003): on SQLite an FTS5 table and
// its shadow tables, on PostgreSQL an index, which this column listing does not show.
const SQLITE_SEARCH_INDEX = /^change_search(_(data|idx|content|docsize|config))?$/;

async function columns(store: Store): Promise<string[]> {
  const tables = (await store.kysely.introspection.getTables())
    .filter((t) => !t.name.startsWith('kysely_') && !SQLITE_SEARCH_INDEX.test(t.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  return tables.flatMap((t) =>
    t.columns.map((c) => `${t.name}.${c.name} ${c.isNullable ? 'null' : 'not null'}`).sort(),
  );
}

describe('schema', () => {
  it('migrates to the same tables and columns on every engine, and migrating twice is a no-op', async () => {
    const seen: string[][] = [];
    for (const engine of engines()) {
      const s = await freshStore(engine);
      try {
        await s.store.migrate(PROJECTIONS);
        seen.push(await columns(s.store));
      } finally {
        await s.cleanup();
      }
    }
    assert.ok(seen[0]!.length > 40, 'the schema has its tables');
    if (PG_URL) assert.deepEqual(seen[1], seen[0]);
  });

  it('indexes the text of changes for search on each engine', async () => {
    for (const engine of engines()) {
      const s = await freshStore(engine);
      try {
        const found =
          engine === 'sqlite'
            ? await sql<{
                name: string;
              }>`select name from sqlite_master where name = 'change_search' or (type = 'trigger' and tbl_name = 'changes') order by name`.execute(
                s.store.kysely,
              )
            : await sql<{
                name: string;
              }>`select indexname as name from pg_indexes where indexname = 'changes_search_trgm'`.execute(
                s.store.kysely,
              );
        assert.deepEqual(
          found.rows.map((r) => r.name),
          engine === 'sqlite'
            ? ['change_search', 'change_search_delete', 'change_search_insert', 'change_search_update']
            : ['changes_search_trgm'],
        );
      } finally {
        await s.cleanup();
      }
    }
  });

  it('runs SQLite in WAL mode with synchronous=FULL', async () => {
    const s = await freshStore('sqlite');
    try {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(s.store.kysely);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(s.store.kysely);
      assert.equal(mode.rows[0]?.journal_mode, 'wal');
      assert.equal(sync.rows[0]?.synchronous, 2);
    } finally {
      await s.cleanup();
    }
  });
});
