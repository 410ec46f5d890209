// A database made before migration 0004 (change origin and supplier) upgrades in place: the ledger it holds
// still replays to exactly its tables (`verify --rebuild`), every change keeps the revision hash its
// approvals are bound to, the new columns read as internal with no supplier, and text search reaches the
// supplier impact of changes recorded before. The rows come from the earlier code (test/fixtures).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createContainer, type Container } from '../../src/container.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { contentOf, type Change } from '../../src/domain/change.ts';
import { canonicalJson } from '../../src/ledger/canonical.ts';
import { approvalProgress } from '../../src/domain/quorum.ts';
import { nodesToStoreOnAppend } from '../../src/ledger/tree.ts';
import { revisionHash } from '../../src/domain/revision.ts';
import { PROJECTIONS } from '../../src/modules/projections.ts';
import { formatRebuildReport, rebuildAndCompare } from '../../src/modules/ledger/rebuild.ts';
import { openStore } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import type { DB } from '../../src/store/schema.ts';
import type { Kysely } from 'kysely';
import { testLedger } from '../support/app.ts';
import { cli } from '../cli/support.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';

/** The approval SLA lists are read with; these changes are not waiting for approval. */
const SLA_MINUTES = 2 * 24 * 60;

const ALICE: Actor = {
  id: 'alice',
  kind: 'human',
  roles: ['requester'],
  groups: [],
  scopes: null,
  email: null,
};

const FIXTURE = JSON.parse(
  readFileSync(new URL('../fixtures/ledger-before-0004.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, unknown>[]>;

/** The tables the fixture holds: the ledger and the projection tables of that time. */
const FIXTURE_TABLES = [
  'ledger_entries',
  'changes',
  'change_services',
  'services',
  'users',
  'api_tokens',
  'policies',
  'ledger_meta',
] as const;

/**
 * Lays the rows of a database at migration 0003: the fixture's entries and tables, and the tree nodes the
 * code of that time kept as it appended (the fixture holds only entries, so they are computed here).
 */
async function loadFixture(db: Kysely<DB>): Promise<void> {
  for (const table of FIXTURE_TABLES)
    for (const row of FIXTURE[table]!) await db.insertInto(table).values(row).execute();
  const known = new Map<string, Uint8Array>();
  for (const [i, row] of FIXTURE.ledger_entries!.entries()) {
    const leaf = Buffer.from(String(row.leaf_hash), 'hex');
    for (const n of nodesToStoreOnAppend(i, leaf, (level, index) => known.get(`${level}/${index}`))) {
      known.set(`${n.level}/${n.index}`, n.hash);
      const hash = Buffer.from(n.hash).toString('hex');
      await db.insertInto('ledger_nodes').values({ level: n.level, idx: n.index, hash }).execute();
    }
  }
}

for (const engine of engines()) {
  describe(`migration 0004 on a database made before it (${engine})`, () => {
    let s: TestStore;
    let c: Container;
    const now = '2026-11-26T09:00:00.000Z';
    const load = async (id: string) => (await c.changesRead.load(id))!;

    before(async () => {
      s = await freshStore(engine, { migrate: false });
      const db = s.store.kysely;
      await migrateToLatest(db as never, '0003_change_search');
      await loadFixture(db);
      await s.store.migrate(PROJECTIONS);
      c = createContainer(s.store, testLedger(), () => new Date(now));
    });
    after(() => s.cleanup());

    it('replays the old ledger to exactly the migrated tables', async () => {
      const report = await rebuildAndCompare(s.store);
      assert.equal(report.entries, FIXTURE.ledger_entries!.length);
      assert.equal(report.ok, true, formatRebuildReport(report));
    });

    it('keeps every revision hash, so approvals given before the upgrade still count', async () => {
      const changes = FIXTURE.changes!.map((r) => JSON.parse(r.doc as string) as Change);
      assert.equal(changes.length, 5);
      for (const old of changes) {
        const now = await load(old.id);
        assert.equal(now.revisionHash, old.revisionHash, old.id);
        assert.equal(revisionHash(contentOf(now)), old.revisionHash, `${old.id}: recomputed`);
        assert.equal(now.origin, 'internal', old.id);
        assert.equal(now.supplier, null, old.id);
      }
      const approved = await load('CHG-1');
      assert.equal(approved.state, 'approved');
      assert.equal(approvalProgress(approved).satisfied, true);
    });

    it('fills the filter columns and the text index for the changes already there', async () => {
      const ids = async (query: Record<string, string>) =>
        (await c.changesRead.list({ order: 'newest', limit: 50, ...query }, now, SLA_MINUTES)).items.map(
          (x) => x.id,
        );
      assert.deepEqual(await ids({ origin: 'internal' }), ['CHG-5', 'CHG-4', 'CHG-3', 'CHG-2', 'CHG-1']);
      assert.deepEqual(await ids({ origin: 'supplier' }), []);
      assert.deepEqual(await ids({ q: 'retires the v2 gateway' }), ['CHG-1']);
      assert.deepEqual(await ids({ q: 'none really' }), ['CHG-5']);
      assert.deepEqual(await ids({ q: 'über-routine' }), ['CHG-2'], 'text other than ASCII as before');
    });

    it('records new supplier changes on top, and still replays exactly', async () => {
      const edited = await c.changes.command(ALICE, 'CHG-5', {
        type: 'edit',
        fields: { origin: 'supplier', supplier: 'PayCo', supplierReference: 'PAYCO-1' },
      });
      assert.equal((edited as Change).origin, 'supplier');
      const ids = (
        await c.changesRead.list({ order: 'newest', limit: 50, supplier: 'payco' }, now, SLA_MINUTES)
      ).items;
      assert.deepEqual(
        ids.map((x) => x.id),
        ['CHG-5'],
      );
      const report = await rebuildAndCompare(s.store);
      assert.equal(report.ok, true, formatRebuildReport(report));
    });
  });
}

describe('migration 0004 rewrites each record as canonical JSON', () => {
  it('also when a key looks like an array index, which JavaScript would otherwise order first', async () => {
    const s = await freshStore('sqlite', { migrate: false });
    try {
      const db = s.store.kysely;
      await migrateToLatest(db as never, '0003_change_search');
      const row = FIXTURE.changes!.find((r) => r.id === 'CHG-5')!;
      const doc = JSON.parse(row.doc as string) as Change;
      doc.riskAnswers = { '10': true, '9': false, dbMigration: true };
      await db
        .insertInto('changes')
        .values({ ...row, doc: canonicalJson(doc) } as never)
        .execute();
      await s.store.migrate(PROJECTIONS);
      const after = await db.selectFrom('changes').select('doc').executeTakeFirstOrThrow();
      const parsed = JSON.parse(after.doc) as Change;
      assert.equal(after.doc, canonicalJson(parsed));
      assert.match(after.doc, /"riskAnswers":\{"10":true,"9":false,"dbMigration":true\}/);
      assert.equal(parsed.origin, 'internal');
    } finally {
      await s.cleanup();
    }
  });
});

describe('changeproof verify --rebuild on a data directory made before migration 0004', () => {
  it('asks for the migration first, then passes once it has run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'changeproof-upgrade-'));
    try {
      const store = openStore({ dataDir: dir });
      await migrateToLatest(store.kysely as never, '0003_change_search');
      await loadFixture(store.kysely);
      await store.close();
      const env = { CHANGEPROOF_DATA: dir };
      const early = await cli(['verify', '--rebuild'], env);
      assert.equal(early.code, 2, early.stdout + early.stderr);
      assert.match(early.stderr, /0004_change_origin.*changeproof migrate/);
      const migrated = await cli(['migrate'], env);
      assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
      const verified = await cli(['verify', '--rebuild'], env);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      assert.match(verified.stdout, /OK: the tables are exactly what the ledger says/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
