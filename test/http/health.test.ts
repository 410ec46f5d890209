// GET /health shows delivery per subscriber — how far behind, attempts, the last error (without the
// secrets a URL carries), failing since — and says `degraded` while one is stuck: failing for more than
// five minutes or more than 10,000 events behind. The status code stays 200 (ADR 0009).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OutboxDispatcher } from '../../src/modules/notifications/outbox-dispatcher.ts';
import { publicError } from '../../src/modules/notifications/delivery.read-model.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { recordEvents } from '../support/events.ts';
import { noServerErrors, ok } from '../support/http.ts';

interface Health {
  status: 'ok' | 'degraded';
  database: string;
  delivery: {
    subscribers: {
      name: string;
      behind: number;
      attempts: number;
      lastError: string | null;
      failingSince: string | null;
      stuck: boolean;
    }[];
  };
}

describe('public error text', () => {
  it('keeps one line of at most 200 characters and cuts URLs to their origin', () => {
    assert.equal(
      publicError(
        'Error: POST https://user:pw@hooks.example.test/services/T0/B0/s3cret?token=abc failed\n  at x',
      ),
      'Error: POST https://hooks.example.test/… failed',
    );
    assert.equal(publicError('x'.repeat(500))!.length, 200);
    assert.equal(publicError(null), null);
  });
});

for (const engine of engines()) {
  describe(`health shows delivery (${engine})`, () => {
    let t: TestApp;
    let down = true;
    let dispatcher: OutboxDispatcher;
    const health = async () => ok<Health>(await t.req(null, 'GET', '/api/v1/health'));
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      dispatcher = new OutboxDispatcher(
        t.c.store,
        [
          { name: 'mail', deliver: async () => undefined },
          {
            name: 'webhook',
            deliver: async () => {
              if (down) throw new Error('POST https://hooks.example.test/T0/s3cret answered 502');
            },
          },
        ],
        { now: () => t.clock.now },
      );
    });
    after(() => t.close());

    it('says ok with every subscriber and how far behind each is', async () => {
      assert.deepEqual((await health()).delivery.subscribers, [], 'no subscriber has run yet');
      await dispatcher.drain();
      await recordEvents(t.c.store, 3);
      const h = await health();
      assert.equal(h.status, 'ok');
      assert.deepEqual(
        h.delivery.subscribers.map((s) => [s.name, s.behind, s.attempts, s.stuck]),
        [
          ['mail', 3, 0, false],
          ['webhook', 3, 0, false],
        ],
      );
    });

    it('shows a failing subscriber, and calls it stuck after five minutes of failing', async () => {
      await dispatcher.drain();
      const failedAt = t.clock.now.toISOString();
      let h = await health();
      assert.equal(h.status, 'ok', 'a fresh failure is retried, not yet stuck');
      const [mail, webhook] = h.delivery.subscribers;
      assert.deepEqual([mail!.behind, mail!.stuck], [0, false]);
      assert.deepEqual(
        [webhook!.behind, webhook!.attempts, webhook!.failingSince, webhook!.stuck],
        [3, 1, failedAt, false],
      );
      assert.equal(webhook!.lastError, 'Error: POST https://hooks.example.test/… answered 502');

      t.clock.now = new Date(t.clock.now.getTime() + 5 * 60_000 + 1);
      await dispatcher.drain();
      const res = await t.req(null, 'GET', '/api/v1/health');
      assert.equal(res.statusCode, 200);
      h = ok<Health>(res);
      assert.equal(h.status, 'degraded');
      assert.deepEqual(
        h.delivery.subscribers.map((s) => [s.name, s.stuck]),
        [
          ['mail', false],
          ['webhook', true],
        ],
      );
      assert.equal(h.delivery.subscribers[1]!.attempts, 2);

      down = false;
      t.clock.now = new Date(t.clock.now.getTime() + 60 * 60_000);
      await dispatcher.drain();
      h = await health();
      assert.equal(h.status, 'ok');
      const w = h.delivery.subscribers[1]!;
      assert.deepEqual(
        [w.behind, w.attempts, w.lastError, w.failingSince, w.stuck],
        [0, 0, null, null, false],
      );
    });

    it('calls a subscriber stuck when more than 10,000 events behind, failing or not', async () => {
      const head = Number(
        (
          await t.c.store.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.max('event_seq').as('m'))
            .executeTakeFirstOrThrow()
        ).m,
      );
      // As if the subscriber had not run for a long while.
      await t.c.store.kysely
        .updateTable('outbox_cursors')
        .set({ delivered_seq: head - 10_001 })
        .where('subscriber', '=', 'mail')
        .execute();
      const h = await health();
      assert.equal(h.status, 'degraded');
      assert.deepEqual(
        h.delivery.subscribers.map((s) => [s.name, s.behind, s.stuck]),
        [
          ['mail', 10_001, true],
          ['webhook', 0, false],
        ],
      );
    });
  });
}
