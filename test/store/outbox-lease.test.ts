// Several servers on one database: a subscriber's events are delivered by one of them at a time (the one
// holding its cursor's lease), never twice in one round; a server that stops mid-round is taken over once
// its lease expires, and it cannot move the cursor after that. A subscriber that hangs delays no other.
// On PostgreSQL the two servers are two Store objects (two pools) on the same database.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { RecordedEvent } from '../../src/domain/events.ts';
import { OutboxDispatcher, type Subscriber } from '../../src/modules/notifications/outbox-dispatcher.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { OutboxCursorRepository } from '../../src/store/outbox-cursors.repository.ts';
import { engines, freshStore, PG_URL, type TestStore } from '../support/db.ts';
import { recordEvents } from '../support/events.ts';

/** A second server's store: its own pool on the same PostgreSQL database; SQLite is one process, one store. */
async function secondStore(s: TestStore): Promise<Store> {
  if (s.store.engine === 'sqlite') return s.store;
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(s.store.kysely);
  const url = new URL(PG_URL!);
  url.pathname = `/${rows[0]!.name}`;
  return openStore({ databaseUrl: url.toString(), dataDir: '' });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

for (const engine of engines()) {
  describe(`outbox delivery across servers (${engine})`, () => {
    let s: TestStore;
    let other: Store;
    let cursors: OutboxCursorRepository;
    before(async () => {
      s = await freshStore(engine);
      other = await secondStore(s);
      cursors = new OutboxCursorRepository(s.store);
    });
    after(async () => {
      if (other !== s.store) await other.close();
      await s.cleanup();
    });

    it('never delivers one event to one subscriber twice when two servers run rounds together', async () => {
      const count = new Map<number, number>();
      let firstDelivery = deferred();
      const hook = (): Subscriber => ({
        name: 'hook',
        deliver: async (e: RecordedEvent) => {
          count.set(e.seq, (count.get(e.seq) ?? 0) + 1);
          firstDelivery.resolve();
          await new Promise((resolve) => setTimeout(resolve, 1));
        },
      });
      const a = new OutboxDispatcher(s.store, [hook()], { holder: 'server-a', batch: 20 });
      const b = new OutboxDispatcher(other, [hook()], { holder: 'server-b', batch: 20 });
      await Promise.all([a.drain(), b.drain()]);
      const from = (await cursors.get('hook'))!.deliveredSeq + 1;
      let recorded = 0;
      // Started together, the claims meet (SKIP LOCKED); B started once A delivers, B finds A's lease.
      for (const [n, start] of [
        [70, 'together'],
        [35, 'staggered'],
        [1, 'together'],
        [45, 'staggered'],
      ] as const) {
        await recordEvents(s.store, n);
        recorded += n;
        firstDelivery = deferred();
        const byA = a.drain();
        if (start === 'staggered') await firstDelivery.promise;
        const byB = b.drain();
        assert.equal((await byA) + (await byB), n, 'every new event delivered in this round');
      }
      assert.equal(count.size, recorded);
      for (const [seq, times] of count) {
        assert.ok(seq >= from);
        assert.equal(times, 1, `event ${seq} delivered ${times} times`);
      }
      assert.equal((await cursors.get('hook'))!.deliveredSeq, from + recorded - 1);
    });

    it('hands a subscriber over when its holder stops mid-round and the lease expires', async () => {
      let now = new Date('2026-11-25T12:00:00.000Z');
      const stuck = deferred();
      const called = deferred();
      const byA: number[] = [];
      const byB: number[] = [];
      const a = new OutboxDispatcher(
        s.store,
        [
          {
            name: 'relay',
            deliver: async (e) => {
              byA.push(e.seq);
              called.resolve();
              await stuck.promise;
            },
          },
        ],
        { holder: 'server-a', leaseMs: 30_000, now: () => now },
      );
      const b = new OutboxDispatcher(other, [{ name: 'relay', deliver: async (e) => void byB.push(e.seq) }], {
        holder: 'server-b',
        leaseMs: 30_000,
        now: () => now,
      });
      await a.drain();
      const start = (await cursors.get('relay'))!.deliveredSeq;
      await recordEvents(s.store, 4);
      const roundA = a.deliver('relay');
      await called.promise;
      assert.equal((await cursors.get('relay'))!.leaseHolder, 'server-a');
      assert.equal(await b.deliver('relay'), 0, 'the lease is server A’s');
      assert.deepEqual(byB, []);

      now = new Date(now.getTime() + 30_001);
      assert.equal(await b.deliver('relay'), 4, 'server B takes over once the lease has expired');
      assert.deepEqual(byB, [start + 1, start + 2, start + 3, start + 4]);

      stuck.resolve();
      assert.equal(await roundA, 1, 'server A stops: it delivered only the event it was stuck on');
      assert.deepEqual(byA, [start + 1]);
      const cursor = (await cursors.get('relay'))!;
      assert.equal(cursor.deliveredSeq, start + 4, 'server A could not move the cursor back');
      assert.equal(cursor.leaseHolder, null);
    });

    it('lets a subscriber that hangs delay no other', async () => {
      const hang = deferred();
      const quick: number[] = [];
      const d = new OutboxDispatcher(s.store, [
        { name: 'hangs', deliver: () => hang.promise },
        { name: 'quick', deliver: async (e) => void quick.push(e.seq) },
      ]);
      await d.drain();
      await recordEvents(s.store, 2);
      const hanging = d.deliver('hangs');
      assert.equal(await d.deliver('quick'), 2);
      assert.equal(quick.length, 2);
      hang.resolve();
      assert.equal(await hanging, 2);
    });
  });
}
