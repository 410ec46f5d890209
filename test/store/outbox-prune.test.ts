// The outbox keeps only what a subscriber still needs: rows every cursor has passed are deleted, oldest
// first and a bounded batch at a time; with no subscriber at all nothing is kept.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pruneOutbox } from '../../src/jobs/outbox-prune.job.ts';
import { OutboxDispatcher } from '../../src/modules/notifications/outbox-dispatcher.ts';
import { OutboxRepository } from '../../src/store/outbox.repository.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';
import { recordEvents } from '../support/events.ts';

for (const engine of engines()) {
  describe(`outbox pruning (${engine})`, () => {
    let s: TestStore;
    let outbox: OutboxRepository;
    const kept = async () =>
      (await s.store.db.selectFrom('outbox').select('event_seq').orderBy('event_seq').execute()).map((r) =>
        Number(r.event_seq),
      );
    before(async () => {
      s = await freshStore(engine);
      outbox = new OutboxRepository(s.store);
    });
    after(() => s.cleanup());

    it('with no subscriber, keeps nothing', async () => {
      await recordEvents(s.store, 3);
      assert.deepEqual(await kept(), [0, 1, 2]);
      assert.equal(await pruneOutbox(outbox), 3);
      assert.deepEqual(await kept(), []);
    });

    it('deletes only the rows every subscriber has, a bounded batch at a time', async () => {
      let now = new Date('2026-11-25T10:00:00.000Z');
      let failAt: number | null = null;
      const d = new OutboxDispatcher(
        s.store,
        [
          { name: 'all', deliver: async () => undefined },
          {
            name: 'behind',
            deliver: async (e) => {
              if (failAt !== null && e.seq >= failAt) throw new Error('down');
            },
          },
        ],
        { now: () => now },
      );
      await d.drain(); // the cursors start at the head: 2
      await recordEvents(s.store, 10); // 3 … 12
      failAt = 7;
      await d.drain();
      assert.deepEqual(await kept(), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

      assert.equal(await pruneOutbox(outbox, { batch: 2, maxBatches: 1 }), 2);
      assert.deepEqual(await kept(), [5, 6, 7, 8, 9, 10, 11, 12]);
      assert.equal(await pruneOutbox(outbox, { batch: 2 }), 2);
      assert.deepEqual(await kept(), [7, 8, 9, 10, 11, 12], 'what `behind` still needs stays');
      assert.equal(await pruneOutbox(outbox), 0);

      failAt = null;
      now = new Date(now.getTime() + 60_000);
      await d.drain();
      assert.equal(await pruneOutbox(outbox), 6);
      assert.deepEqual(await kept(), []);
      await recordEvents(s.store, 1);
      assert.equal(await pruneOutbox(outbox), 0, 'a new row waits for its subscribers');
      assert.deepEqual(await kept(), [13]);
    });
  });
}
