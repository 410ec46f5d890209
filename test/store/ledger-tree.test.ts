import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { naiveRoot } from '../../src/ledger/tree.ts';
import { verifyConsistency, verifyInclusion } from '../../src/ledger/verify-proof.ts';
import { FILTER_COLUMNS, PAIRS } from '../../src/store/migrations/0008_change_services_filters.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { Recorder } from '../../src/store/recorder.ts';
import { PROJECTIONS } from '../../src/modules/projections.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';

const event = (i: number) => ({
  subject: `user:u${i}`,
  event: { type: 'user.password_set' as const, data: {} },
});

for (const engine of engines()) {
  describe(`stored Merkle tree (${engine})`, () => {
    let s: TestStore;
    let recorder: Recorder;
    const leaves: Buffer[] = [];
    before(async () => {
      s = await freshStore(engine);
      recorder = new Recorder(s.store, PROJECTIONS);
      // Batches of different sizes, including several appends in one group-committed transaction.
      let i = 0;
      for (const n of [1, 2, 3, 5, 8, 13, 1, 1, 30, 7]) {
        await Promise.all(
          Array.from({ length: n }, () =>
            s.store.write(() => recorder.record(SYSTEM_ACTOR, '2026-11-25T10:00:00.000Z', [event(i++)])),
          ),
        );
      }
      const rows = await s.store.db.selectFrom('ledger_entries').select('leaf_hash').orderBy('seq').execute();
      leaves.push(...rows.map((r) => Buffer.from(r.leaf_hash, 'hex')));
    });
    after(() => s.cleanup());

    it('has the naive RFC 6962 root at every size', async () => {
      assert.equal(leaves.length, 71);
      for (let size = 0; size <= leaves.length; size++)
        assert.deepEqual(
          await recorder.ledger.tree.root(size),
          naiveRoot(leaves.slice(0, size)),
          `size ${size}`,
        );
    });

    it('serves inclusion and consistency proofs that verify', async () => {
      const n = leaves.length;
      const root = naiveRoot(leaves);
      for (let i = 0; i < n; i++)
        verifyInclusion(i, n, leaves[i]!, await recorder.ledger.tree.inclusionProof(i, n), root);
      for (let m = 1; m <= n; m++)
        verifyConsistency(
          m,
          n,
          await recorder.ledger.tree.consistencyProof(m, n),
          naiveRoot(leaves.slice(0, m)),
          root,
        );
    });

    it('back-fills the tree for entries recorded before the tree existed', async () => {
      const db = s.store.kysely;
      await sql`delete from ledger_nodes`.execute(db);
      await sql`drop table ledger_checkpoints`.execute(db);
      await sql`drop table ledger_cosignatures`.execute(db);
      await sql`drop table ledger_meta`.execute(db);
      await sql`drop table ledger_nodes`.execute(db);
      // Later migrations come off too: the database is as 0001 left it.
      if (engine === 'sqlite') {
        for (const t of ['insert', 'update', 'delete'])
          await sql`drop trigger ${sql.raw(`change_search_${t}`)}`.execute(db);
        await sql`drop table change_search`.execute(db);
      } else await sql`drop index if exists changes_search_trgm`.execute(db);
      for (const column of ['origin', 'supplier']) {
        await sql`drop index ${sql.raw(`changes_${column}`)}`.execute(db);
        await sql`alter table changes drop column ${sql.raw(column)}`.execute(db);
      }
      await sql`drop index changes_owing`.execute(db);
      for (const [a, b] of PAIRS) await sql`drop index ${sql.raw(`changes_${a}_${b}`)}`.execute(db);
      for (const column of FILTER_COLUMNS) {
        await sql`drop index ${sql.raw(`change_services_${column}`)}`.execute(db);
        await sql`alter table change_services drop column ${sql.raw(column)}`.execute(db);
      }
      await sql`drop index idempotency_keys_created_at`.execute(db);
      await sql`drop table projection_state`.execute(db);
      await sql`drop index ledger_entries_signed_subject`.execute(db);
      await sql`drop index ledger_entries_signed_id`.execute(db);
      await sql`create index ledger_entries_subject on ledger_entries (subject, seq)`.execute(db);
      await sql`drop table outbox_cursors`.execute(db);
      await sql`drop table job_leases`.execute(db);
      await sql`alter table outbox add column attempts integer not null default 0`.execute(db);
      await sql`alter table outbox add column next_attempt_at text not null default ''`.execute(db);
      await sql`alter table outbox add column delivered_at text`.execute(db);
      await sql`alter table outbox add column last_error text`.execute(db);
      await sql`create index outbox_pending on outbox (delivered_at, next_attempt_at)`.execute(db);
      await sql`drop table follow_ups`.execute(db);
      await sql`drop table gate_decisions`.execute(db);
      await sql`drop table deployments`.execute(db);
      await sql`drop index ledger_entries_service_events`.execute(db);
      await sql`drop table calendar_feeds`.execute(db);
      await sql`drop index changes_state_window`.execute(db);
      await sql`alter table credentials drop column last_used_at`.execute(db);
      await sql`delete from kysely_migration where name <> '0001_initial'`.execute(db);
      await migrateToLatest(db as never);
      assert.deepEqual(await recorder.ledger.tree.root(leaves.length), naiveRoot(leaves));
    });
  });
}
