// Group commit keeps what only the writer changes (the ledger's size, the tree's frontier) in memory for the
// length of a batch. A unit that fails must give back what it took, and a batch must never trust memory
// from an earlier one: another writer (a second instance, the CLI) may have appended in between.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { naiveRoot } from '../../src/ledger/tree.ts';
import { Recorder } from '../../src/store/recorder.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';

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

for (const engine of engines()) {
  describe(`write batches (${engine})`, () => {
    let s: TestStore;
    let recorder: Recorder;
    before(async () => {
      s = await freshStore(engine);
      recorder = new Recorder(s.store);
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

    it('reads the ledger again in each batch, so appends by another writer in between are kept', async () => {
      const size = await checkTree();
      // A second store on the same database: another instance (PostgreSQL) or the CLI (SQLite).
      const other = s.reopen();
      try {
        for (let round = 0; round < 3; round++) {
          await s.store.write(() => recorder.record(SYSTEM_ACTOR, AT, [event(`mine${round}`)]));
          await other.write(() => new Recorder(other).record(SYSTEM_ACTOR, AT, [event(`theirs${round}`)]));
        }
      } finally {
        await other.close();
      }
      assert.equal(await checkTree(), size + 6);
    });
  });
}
