// Migration 0009 carries the delivery state of the days before named subscribers: the server's one
// subscriber, now `log`, continues after the last row the old dispatcher delivered, and the per-row
// delivery columns are gone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { OutboxCursorRepository } from '../../src/store/outbox-cursors.repository.ts';
import { engines, freshStore } from '../support/db.ts';

async function outboxAt0007(
  engine: 'sqlite' | 'postgres',
  rows: { seq: number; delivered: boolean }[],
): Promise<Awaited<ReturnType<typeof freshStore>>> {
  const s = await freshStore(engine, { migrate: false });
  await migrateToLatest(s.store.kysely as never, '0007_projection_state');
  for (const r of rows)
    await sql`insert into outbox (event_seq, event_id, type, subject, payload, created_at, attempts,
                next_attempt_at, delivered_at, last_error)
              values (${r.seq}, ${`e${r.seq}`}, 'user.password_set', 'user:u', '{}', '2026-11-25T10:00:00.000Z',
                ${r.delivered ? 0 : 2}, '2026-11-25T10:00:00.000Z',
                ${r.delivered ? '2026-11-25T10:00:01.000Z' : null}, ${r.delivered ? null : 'down'})`.execute(
      s.store.kysely,
    );
  await migrateToLatest(s.store.kysely as never);
  return s;
}

for (const engine of engines()) {
  describe(`migration 0009 on an outbox delivered the old way (${engine})`, () => {
    it('puts the log subscriber after the last delivered row and drops the per-row columns', async () => {
      const s = await outboxAt0007(engine, [
        { seq: 0, delivered: true },
        { seq: 1, delivered: true },
        { seq: 2, delivered: true },
        { seq: 3, delivered: false },
        { seq: 4, delivered: false },
      ]);
      try {
        const cursors = await new OutboxCursorRepository(s.store).all();
        assert.deepEqual(
          cursors.map((c) => [c.subscriber, c.deliveredSeq, c.attempts, c.leaseHolder]),
          [['log', 2, 0, null]],
        );
        const table = (await s.store.kysely.introspection.getTables()).find((t) => t.name === 'outbox')!;
        assert.deepEqual(table.columns.map((c) => c.name).sort(), [
          'created_at',
          'event_id',
          'event_seq',
          'payload',
          'subject',
          'type',
        ]);
      } finally {
        await s.cleanup();
      }
    });

    it('puts it at the last row when all were delivered, and makes no cursor for an empty outbox', async () => {
      const all = await outboxAt0007(engine, [
        { seq: 0, delivered: true },
        { seq: 1, delivered: true },
      ]);
      const none = await outboxAt0007(engine, []);
      try {
        assert.deepEqual(
          (await new OutboxCursorRepository(all.store).all()).map((c) => [c.subscriber, c.deliveredSeq]),
          [['log', 1]],
        );
        assert.deepEqual(await new OutboxCursorRepository(none.store).all(), []);
      } finally {
        await all.cleanup();
        await none.cleanup();
      }
    });
  });
}
