// Migration 0010 splits the one projector version into a version per projection. A database whose tables
// projector version 2 built is not replayed at start (its tables are what the projections write now); a
// database built by an earlier projector still is. A row edited behind the application's back tells which:
// a replay repairs it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { serviceAttributes } from '../../src/domain/service.ts';
import { PROJECTION_LIST, PROJECTIONS } from '../../src/modules/projections.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { Recorder } from '../../src/store/recorder.ts';
import { engines, freshStore } from '../support/db.ts';

/** A database at migration 0009 (the last before 0010) with one service, its version row as `version` left it, and an edited row. */
async function builtBy(engine: ReturnType<typeof engines>[number], version: string) {
  const s = await freshStore(engine, { migrate: false });
  const db = s.store.kysely;
  await migrateToLatest(db as never, '0009_outbox_delivery');
  await s.store.write(() =>
    new Recorder(s.store, PROJECTIONS).record(SYSTEM_ACTOR, '2026-11-29T10:00:00.000Z', [
      {
        subject: 'service:payments-api',
        event: {
          type: 'service.registered',
          data: { name: 'payments-api', attributes: serviceAttributes('prod', { criticality: 'high' }) },
        },
      },
    ]),
  );
  await db.insertInto('projection_state').values({ key: 'projector_version', value: version }).execute();
  await sql`update services set criticality = 'low' where name = 'payments-api'`.execute(db);
  return s;
}

const criticality = async (s: Awaited<ReturnType<typeof builtBy>>) =>
  (
    await s.store.kysely
      .selectFrom('services')
      .select('criticality')
      .where('name', '=', 'payments-api')
      .executeTakeFirstOrThrow()
  ).criticality;

const state = async (s: Awaited<ReturnType<typeof builtBy>>) =>
  (await s.store.kysely.selectFrom('projection_state').selectAll().orderBy('key').execute()).map(
    (r) => `${r.key}=${r.value}`,
  );

// 0010 gives each projection version 1; at start each whose version has since risen (changes: 2, for the
// filter columns of 0008) is replayed alone, and its row then says its current version.
const CURRENT_VERSIONS = PROJECTION_LIST.map((p) => `projection:${p.name}=${p.version}`).sort();

for (const engine of engines()) {
  describe(`migration 0010: a version per projection (${engine})`, () => {
    it('carries tables built by projector version 2 over without replaying the ledger', async () => {
      const s = await builtBy(engine, '2');
      try {
        await s.store.migrate(PROJECTIONS);
        assert.deepEqual(await state(s), CURRENT_VERSIONS);
        assert.equal(await criticality(s), 'low', 'not replayed: the edited row is still there');
      } finally {
        await s.cleanup();
      }
    });

    it('replays the ledger into tables an earlier projector built', async () => {
      const s = await builtBy(engine, '1');
      try {
        await s.store.migrate(PROJECTIONS);
        assert.deepEqual(await state(s), CURRENT_VERSIONS);
        assert.equal(await criticality(s), 'high', 'replayed: the row is what the ledger says');
      } finally {
        await s.cleanup();
      }
    });
  });
}
