import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertRows } from '../../src/store/prepared.ts';
import type { SqliteTiming } from '../../src/store/sqlite-dialect.ts';
import { freshStore, type TestStore } from '../support/db.ts';

describe('time spent in SQLite (for the benchmarks)', () => {
  let s: TestStore;
  before(async () => {
    s = await freshStore('sqlite');
  });
  after(() => s.cleanup());

  const row = (id: string) => ({
    id,
    owner: 'ann',
    name: id,
    scopes: '[]',
    created_at: '2026-11-25T10:00:00.000Z',
    expires_at: null,
    revoked_at: null,
  });

  it('counts statements and commits apart while asked, and nothing after', async () => {
    const timing: SqliteTiming = { statements: 0, statementMs: 0, commits: 0, commitMs: 0 };
    s.store.sqlite!.timing = timing;
    await s.store.write(() => insertRows(s.store, 'api_tokens', [row('a')]));
    await s.store.write(() => insertRows(s.store, 'api_tokens', [row('b')]));
    s.store.sqlite!.timing = null;
    assert.equal(timing.commits, 2);
    // begin, savepoint, the insert and the release, twice
    assert.equal(timing.statements, 8);
    assert.ok(timing.commitMs > 0 && timing.statementMs > 0);
    await s.store.write(() => insertRows(s.store, 'api_tokens', [row('c')]));
    assert.equal(timing.commits, 2);
    assert.equal(timing.statements, 8);
  });
});
