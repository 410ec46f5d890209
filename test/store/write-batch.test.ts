// Group commit keeps what only the writer changes (the ledger's size, the tree's frontier) in memory for the
// length of a batch, and holds back rows no later unit reads until just before COMMIT. A unit that fails
// must give back what it took, a read must see what earlier units wrote, and a batch must never trust
// memory from an earlier one: another writer (a second instance, the CLI) may have appended in between.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { naiveRoot } from '../../src/ledger/tree.ts';
import { memoKeys } from '../../src/store/memo-keys.ts';
import { Recorder } from '../../src/store/recorder.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';
import { PROJECTIONS } from '../../src/modules/projections.ts';

const event = (name: string) => ({
  subject: `user:${name}`,
  event: {
    type: 'user.created' as const,
    data: {
      username: name,
      displayName: name,
      email: null,
      kind: 'human' as const,
      roles: [],
      groups: [],
      active: true,
    },
  },
});
const AT = '2026-11-29T10:00:00.000Z';
const SERVICE_ATTRIBUTES = {
  description: '',
  environment: 'dev' as const,
  owners: { technical: '', business: '' },
  internetFacing: false,
  dataClasses: [],
  securityControl: false,
  criticality: 'low' as const,
  supplier: null,
  doraCriticalFunction: false,
  nis2Service: false,
  dependencies: [],
  continuityPlanRef: null,
};

for (const engine of engines()) {
  describe(`write batches (${engine})`, () => {
    let s: TestStore;
    let recorder: Recorder;
    before(async () => {
      s = await freshStore(engine);
      recorder = new Recorder(s.store, PROJECTIONS);
    });
    after(() => s.cleanup());

    const ledger = async () => {
      const rows = await s.store.kysely
        .selectFrom('ledger_entries')
        .select(['seq', 'leaf_hash'])
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({ seq: Number(r.seq), leaf: Buffer.from(r.leaf_hash, 'hex') }));
    };
    const checkTree = async () => {
      const rows = await ledger();
      rows.forEach((r, i) => assert.equal(r.seq, i, 'gapless'));
      const leaves = rows.map((r) => r.leaf);
      assert.deepEqual(await recorder.ledger.tree.root(leaves.length), naiveRoot(leaves));
      return rows.length;
    };

    it('gives a failing unit’s sequence numbers and tree nodes to the next unit of its batch', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          s.store.write(async () => {
            await recorder.record(SYSTEM_ACTOR, AT, [event(`u${i}a`), event(`u${i}b`)]);
            if (i % 3 === 1) throw new Error(`unit ${i} fails after recording`);
          }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'rejected').length, 10);
      assert.equal(await checkTree(), 40);
    });

    it('shows a unit the rows earlier units of its batch hold back, as if they were written', async () => {
      const size = await checkTree();
      const seen: number[] = [];
      const key = { actor: 'alice', key: 'k1', method: 'POST', path: '/x', request_hash: 'h' };
      const record = { ...key, status_code: 201, response: '{}', created_at: AT };
      await Promise.all([
        s.store.write(async () => {
          await recorder.record(SYSTEM_ACTOR, AT, [event('held1')]);
          await s.store.insertLater('idempotency_keys', [record]);
        }),
        s.store.write(async () => {
          const entries = await s.store.db.selectFrom('ledger_entries').select('seq').execute();
          const keys = await s.store.db
            .selectFrom('idempotency_keys')
            .select('key')
            .where('actor', '=', 'alice')
            .execute();
          seen.push(entries.length, keys.length);
        }),
      ]);
      assert.deepEqual(seen, [size + 1, 1]);
      assert.equal(await checkTree(), size + 1);
    });

    it('keeps rows of earlier units that a failing unit made it write before rolling back', async () => {
      const size = await checkTree();
      const results = await Promise.allSettled([
        s.store.write(() => recorder.record(SYSTEM_ACTOR, AT, [event('kept1')])),
        s.store.write(async () => {
          // Reading the ledger writes the rows held for it, inside this unit's savepoint.
          await s.store.db.selectFrom('ledger_entries').select('seq').execute();
          await recorder.record(SYSTEM_ACTOR, AT, [event('dropped')]);
          throw new Error('fails after reading and recording');
        }),
        s.store.write(() => recorder.record(SYSTEM_ACTOR, AT, [event('kept2')])),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal(await checkTree(), size + 2);
      const subjects = await s.store.kysely
        .selectFrom('outbox')
        .select('subject')
        .where('subject', 'in', ['user:kept1', 'user:dropped', 'user:kept2'])
        .orderBy('event_seq')
        .execute();
      assert.deepEqual(
        subjects.map((r) => r.subject),
        ['user:kept1', 'user:kept2'],
      );
    });

    it('forgets a remembered record when the projector writes it, and puts it back on rollback', async () => {
      const service = {
        subject: 'service:memo-svc',
        event: {
          type: 'service.registered' as const,
          data: { name: 'memo-svc', attributes: SERVICE_ATTRIBUTES },
        },
      };
      const key = memoKeys.service('memo-svc');
      const seen: unknown[] = [];
      await assert.rejects(
        s.store.write(async () => {
          s.store.memoSet(key, 'stale');
          await s.store.write(async () => {
            // A nested write joins the unit: the same memory.
            seen.push(s.store.memoGet(key));
          });
          await recorder.record(SYSTEM_ACTOR, AT, [service]);
          seen.push(s.store.memoGet(key));
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.deepEqual(seen, ['stale', undefined]);
      assert.equal(s.store.memoGet(key), undefined, 'nothing is remembered outside a batch');
    });

    it('reads the ledger again in each batch, so appends by another writer in between are kept', async () => {
      const size = await checkTree();
      // A second store on the same database: another instance (PostgreSQL) or the CLI (SQLite).
      const other = s.reopen();
      try {
        for (let round = 0; round < 3; round++) {
          await s.store.write(() => recorder.record(SYSTEM_ACTOR, AT, [event(`mine${round}`)]));
          await other.write(() =>
            new Recorder(other, PROJECTIONS).record(SYSTEM_ACTOR, AT, [event(`theirs${round}`)]),
          );
        }
      } finally {
        await other.close();
      }
      assert.equal(await checkTree(), size + 6);
    });
  });
}
