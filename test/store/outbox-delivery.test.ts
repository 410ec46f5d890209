// Delivery after commit, per subscriber: each in ledger order, at least once; a failing subscriber backs off
// on its own (1 s, 2 s, 4 s, …) while the others carry on; a subscriber added later starts from the head.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RecordedEvent } from '../../src/domain/events.ts';
import { backoffMs, OutboxDispatcher } from '../../src/modules/notifications/outbox-dispatcher.ts';
import { OutboxCursorRepository } from '../../src/store/outbox-cursors.repository.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';
import { recordEvents } from '../support/events.ts';

describe('backoff', () => {
  it('doubles from a second and stops growing at 15 minutes', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(backoffMs), [1_000, 2_000, 4_000, 8_000, 16_000]);
    assert.equal(backoffMs(10), 512_000);
    assert.equal(backoffMs(11), 900_000);
    assert.equal(backoffMs(40), 900_000);
  });
});

for (const engine of engines()) {
  describe(`outbox delivery per subscriber (${engine})`, () => {
    let s: TestStore;
    let cursors: OutboxCursorRepository;
    before(async () => {
      s = await freshStore(engine);
      cursors = new OutboxCursorRepository(s.store);
    });
    after(() => s.cleanup());

    it('delivers in ledger order; a failing subscriber backs off without delaying another', async () => {
      let now = new Date('2026-11-25T10:00:00.000Z');
      const seen: Record<'fast' | 'flaky', number[]> = { fast: [], flaky: [] };
      let flakyDown = false;
      const failures: string[] = [];
      const dispatcher = new OutboxDispatcher(
        s.store,
        [
          { name: 'fast', deliver: async (e: RecordedEvent) => void seen.fast.push(e.seq) },
          {
            name: 'flaky',
            deliver: async (e: RecordedEvent) => {
              if (flakyDown && e.seq >= 2) throw new Error(`receiver down at ${e.seq}`);
              seen.flaky.push(e.seq);
            },
          },
        ],
        { now: () => now, onFailure: (name) => failures.push(name) },
      );
      assert.equal(await dispatcher.drain(), 0, 'the cursors start at the head of an empty ledger');
      await recordEvents(s.store, 2);
      flakyDown = true;
      await recordEvents(s.store, 3);
      assert.equal(await dispatcher.drain(), 7);
      assert.deepEqual(seen.fast, [0, 1, 2, 3, 4]);
      assert.deepEqual(seen.flaky, [0, 1], 'stops at the event that failed');
      let flaky = (await cursors.get('flaky'))!;
      assert.equal(flaky.deliveredSeq, 1);
      assert.equal(flaky.attempts, 1);
      assert.equal(flaky.failingSince, now.toISOString());
      assert.match(flaky.lastError ?? '', /receiver down at 2/);
      assert.equal(Date.parse(flaky.nextAttemptAt) - now.getTime(), 1_000);
      const firstFailure = now.toISOString();

      // New events reach the working subscriber at once, while the failing one waits out its backoff.
      await recordEvents(s.store, 2);
      assert.equal(await dispatcher.drain(), 2);
      assert.deepEqual(seen.fast, [0, 1, 2, 3, 4, 5, 6]);
      assert.deepEqual(seen.flaky, [0, 1]);
      assert.equal((await cursors.get('flaky'))!.attempts, 1, 'not retried before its time');

      // Each further failure doubles the wait; the run of failures keeps its start.
      const waits: number[] = [];
      for (let attempt = 2; attempt <= 4; attempt++) {
        now = new Date(Date.parse(flaky.nextAttemptAt));
        assert.equal(await dispatcher.drain(), 0);
        flaky = (await cursors.get('flaky'))!;
        assert.equal(flaky.attempts, attempt);
        assert.equal(flaky.failingSince, firstFailure);
        waits.push(Date.parse(flaky.nextAttemptAt) - now.getTime());
      }
      assert.deepEqual(waits, [2_000, 4_000, 8_000]);
      assert.deepEqual(failures, ['flaky', 'flaky', 'flaky', 'flaky']);

      flakyDown = false;
      now = new Date(Date.parse(flaky.nextAttemptAt));
      assert.equal(await dispatcher.drain(), 5);
      assert.deepEqual(seen.flaky, [0, 1, 2, 3, 4, 5, 6], 'in order, none skipped, none twice');
      flaky = (await cursors.get('flaky'))!;
      assert.deepEqual(
        [flaky.deliveredSeq, flaky.attempts, flaky.failingSince, flaky.lastError, flaky.leaseHolder],
        [6, 0, null, null, null],
      );
      assert.equal((await cursors.get('fast'))!.deliveredSeq, 6);
    });

    it('starts a subscriber added later at the head: it gets what is recorded from then on', async () => {
      const seen: number[] = [];
      const late = new OutboxDispatcher(s.store, [
        { name: 'late', deliver: async (e) => void seen.push(e.seq) },
      ]);
      const head = Number(
        (
          await s.store.db
            .selectFrom('ledger_entries')
            .select((eb) => eb.fn.max('seq').as('m'))
            .executeTakeFirstOrThrow()
        ).m,
      );
      assert.ok(head > 0);
      assert.equal(await late.drain(), 0);
      assert.equal((await cursors.get('late'))!.deliveredSeq, head);
      await recordEvents(s.store, 1);
      assert.equal(await late.drain(), 1);
      assert.deepEqual(seen, [head + 1]);
    });

    it('delivers more than a batch in one round, renewing its lease as it goes', async () => {
      const seen: number[] = [];
      const many = new OutboxDispatcher(
        s.store,
        [{ name: 'many', deliver: async (e) => void seen.push(e.seq) }],
        { batch: 3 },
      );
      await many.drain();
      const from = (await cursors.get('many'))!.deliveredSeq;
      await recordEvents(s.store, 8);
      assert.equal(await many.drain(), 8);
      assert.deepEqual(
        seen,
        Array.from({ length: 8 }, (_, i) => from + 1 + i),
      );
      assert.equal((await cursors.get('many'))!.leaseHolder, null, 'released at the end of the round');
    });
  });
}
