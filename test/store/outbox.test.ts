import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import type { RecordedEvent } from '../../src/domain/events.ts';
import { OutboxDispatcher } from '../../src/modules/notifications/outbox-dispatcher.ts';
import { Recorder } from '../../src/store/recorder.ts';
import { PROJECTIONS } from '../../src/modules/projections.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';

for (const engine of engines()) {
  describe(`outbox dispatcher (${engine})`, () => {
    let s: TestStore;
    before(async () => {
      s = await freshStore(engine);
      const recorder = new Recorder(s.store, PROJECTIONS);
      for (let i = 0; i < 5; i++)
        await s.store.write(() =>
          recorder.record(SYSTEM_ACTOR, '2026-11-25T10:00:00.000Z', [
            { subject: `user:u${i}`, event: { type: 'user.password_set', data: {} } },
          ]),
        );
    });
    after(() => s.cleanup());

    it('delivers after commit in ledger order, retries a failure with backoff and never skips ahead', async () => {
      let now = new Date('2026-11-25T10:00:00.000Z');
      const seen: number[] = [];
      let failOnce = true;
      const dispatcher = new OutboxDispatcher(
        s.store,
        [
          async (e: RecordedEvent) => {
            if (e.seq === 2 && failOnce) {
              failOnce = false;
              throw new Error('subscriber down');
            }
            seen.push(e.seq);
          },
        ],
        () => now,
      );
      assert.equal(await dispatcher.drain(), 2);
      assert.deepEqual(seen, [0, 1]);
      assert.equal(await dispatcher.drain(), 0, 'the failed row waits for its backoff');
      now = new Date(now.getTime() + 60_000);
      assert.equal(await dispatcher.drain(), 3);
      assert.deepEqual(seen, [0, 1, 2, 3, 4]);
      const failed = await s.store.db
        .selectFrom('outbox')
        .selectAll()
        .where('event_seq', '=', 2)
        .executeTakeFirstOrThrow();
      assert.equal(failed.attempts, 1);
      assert.match(failed.last_error ?? '', /subscriber down/);
      assert.notEqual(failed.delivered_at, null);
    });
  });
}
