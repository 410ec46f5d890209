import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import type { RecordedEvent } from '../../src/domain/events.ts';
import { Recorder } from '../../src/store/recorder.ts';
import { PROJECTIONS } from '../../src/modules/projections.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';

const serviceEvent = (name: string) => ({
  subject: `service:${name}`,
  event: {
    type: 'service.registered' as const,
    data: {
      name,
      attributes: {
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
      },
    },
  },
});

for (const engine of engines()) {
  describe(`ledger table (${engine})`, () => {
    let s: TestStore;
    let recorder: Recorder;
    before(async () => {
      s = await freshStore(engine);
      recorder = new Recorder(s.store, PROJECTIONS);
    });
    after(() => s.cleanup());

    it('refuses to append outside a write transaction', async () => {
      await assert.rejects(
        recorder.ledger.append(SYSTEM_ACTOR, new Date().toISOString(), [serviceEvent('x')]),
        /inside Store.write/,
      );
    });

    it('stores RFC 8785 canonical JSON with its RFC 6962 leaf hash, gapless from 0', async () => {
      for (let i = 0; i < 5; i++)
        await s.store.write(() =>
          recorder.record(SYSTEM_ACTOR, '2026-11-25T10:00:00.000Z', [
            serviceEvent(`svc-${i}a`),
            serviceEvent(`svc-${i}b`),
          ]),
        );
      const rows = await s.store.db.selectFrom('ledger_entries').selectAll().orderBy('seq').execute();
      assert.deepEqual(
        rows.map((r) => Number(r.seq)),
        [...Array(10).keys()],
      );
      for (const row of rows) {
        const parsed = JSON.parse(row.canonical) as RecordedEvent;
        assert.equal(canonicalize(parsed), row.canonical, 'stored text is canonical');
        assert.equal(parsed.seq, Number(row.seq));
        const expected = createHash('sha256')
          .update(Buffer.from([0]))
          .update(row.canonical, 'utf8')
          .digest('hex');
        assert.equal(row.leaf_hash, expected);
      }
    });

    it('rolls back ledger, projection and outbox together when a use-case fails', async () => {
      const before = await counts();
      await assert.rejects(
        s.store.write(async () => {
          await recorder.record(SYSTEM_ACTOR, '2026-11-25T10:00:00.000Z', [serviceEvent('doomed')]);
          throw new Error('fails after recording');
        }),
        /fails after recording/,
      );
      assert.deepEqual(await counts(), before);
      const doomed = await s.store.db
        .selectFrom('services')
        .select('name')
        .where('name', '=', 'doomed')
        .executeTakeFirst();
      assert.equal(doomed, undefined);
    });

    it('writes one outbox row per event with the same sequence and id', async () => {
      const ledger = await s.store.db
        .selectFrom('ledger_entries')
        .select(['seq', 'event_id'])
        .orderBy('seq')
        .execute();
      const outbox = await s.store.db
        .selectFrom('outbox')
        .select(['event_seq', 'event_id'])
        .orderBy('event_seq')
        .execute();
      assert.deepEqual(
        outbox.map((o) => [Number(o.event_seq), o.event_id]),
        ledger.map((l) => [Number(l.seq), l.event_id]),
      );
    });

    it('keeps the sequence contiguous under concurrent writers', async () => {
      const start = (await counts()).ledger;
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          s.store.write(() =>
            recorder.record(SYSTEM_ACTOR, '2026-11-25T10:00:00.000Z', [serviceEvent(`conc-${i}`)]),
          ),
        ),
      );
      const rows = await s.store.db.selectFrom('ledger_entries').select('seq').orderBy('seq').execute();
      assert.equal(rows.length, start + 40);
      rows.forEach((r, i) => assert.equal(Number(r.seq), i));
    });

    it('refuses floats and undefined in events rather than storing a non-canonical leaf', async () => {
      const bad = serviceEvent('floaty');
      (bad.event.data.attributes as unknown as { criticality: number }).criticality = 1.5;
      await assert.rejects(
        s.store.write(() => recorder.record(SYSTEM_ACTOR, '2026-11-25T10:00:00.000Z', [bad])),
        /cannot be stored in the ledger/,
      );
    });

    async function counts() {
      const n = async (table: 'ledger_entries' | 'outbox' | 'services') =>
        Number(
          (
            await s.store.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return { ledger: await n('ledger_entries'), outbox: await n('outbox'), services: await n('services') };
    }
  });
}
