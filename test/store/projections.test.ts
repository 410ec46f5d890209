// Projections are registered per feature: one owner per event type and table, checked at start; an event
// no projection handles fails its write; and a projection added outside the central list (here, one this
// test defines with a table of its own) is applied live, rebuilt at start when its version rises, and
// replayed and compared by `verify --rebuild` like the built-in ones.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import type { DomainEvent } from '../../src/domain/events.ts';
import { serviceAttributes } from '../../src/domain/service.ts';
import { formatRebuildReport, rebuildAndCompare } from '../../src/modules/ledger/rebuild.ts';
import { PROJECTION_LIST, PROJECTIONS } from '../../src/modules/projections.ts';
import type { Store } from '../../src/store/database.ts';
import { Projections, type Projection } from '../../src/store/projection.ts';
import { Recorder } from '../../src/store/recorder.ts';
import { reprojectIfStale } from '../../src/store/reproject.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';

const AT = '2026-11-29T10:00:00.000Z';

const stub = (name: string, handles: string[], tables: string[] = []): Projection => ({
  name,
  version: 1,
  handles,
  tables: tables.map((t) => ({ name: t, key: ['id'] })),
  apply: async () => undefined,
});

/** A feature this test adds: notes, kept in a table the test creates. Not a DomainEvent: a new feature's. */
const notes = (version = 1): Projection => ({
  name: 'notes',
  version,
  handles: ['note.*'],
  tables: [{ name: 'test_notes', key: ['id'] }],
  async apply(store, event) {
    const d = event.data as unknown as { id: string; body: string };
    await sql`insert into test_notes (id, body, at) values (${d.id}, ${d.body}, ${event.at})`.execute(
      store.db,
    );
  },
});
async function createNotes(store: Store): Promise<void> {
  await sql`create table test_notes (id text primary key, body text not null, at text not null)`.execute(
    store.kysely,
  );
}

/** The notes rows as plain objects (node:sqlite returns them without a prototype). */
async function noteRows(store: Store): Promise<{ id: string; body: string }[]> {
  const { rows } = await sql<{
    id: string;
    body: string;
  }>`select id, body from test_notes order by id`.execute(store.kysely);
  return rows.map((r) => ({ id: r.id, body: r.body }));
}
const note = (id: string, body: string) =>
  ({ type: 'note.added', data: { id, body } }) as unknown as DomainEvent;

describe('the projection list', () => {
  it('gives every built-in event family and table exactly one owner', () => {
    assert.equal(PROJECTIONS.of('change.created').name, 'changes');
    assert.equal(PROJECTIONS.of('token.revoked').name, 'identity');
    assert.equal(PROJECTIONS.of('ledger.key_activated').name, 'ledger');
    assert.deepEqual(
      PROJECTIONS.tables().map((t) => t.name),
      [
        'changes',
        'change_services',
        'services',
        'users',
        'api_tokens',
        'policies',
        'ledger_meta',
        'follow_ups',
        'calendar_feeds',
        'gate_decisions',
        'deployments',
      ],
    );
  });

  it('refuses two projections that claim one event type, however they name it', () => {
    const clash = (a: string[], b: string[]) => () => new Projections([stub('a', a), stub('b', b)]);
    assert.throws(clash(['note.added'], ['note.added']), /a and b both claim event type note\.added/);
    assert.throws(clash(['note.*'], ['note.*']), /a and b both claim event type note\.\*/);
    assert.throws(clash(['note.*'], ['note.added']), /a and b both claim event type note\.added/);
    assert.throws(clash(['note.added'], ['note.*']), /b and a both claim event type note\.added/);
    assert.throws(
      () => new Projections([...PROJECTION_LIST, stub('x', ['policy.activated'])]),
      /policy and x both claim event type policy\.activated/,
    );
    assert.doesNotThrow(clash(['note.added'], ['note.removed']));
  });

  it('refuses two owners of one table, two projections of one name, and patterns it cannot read', () => {
    assert.throws(
      () => new Projections([stub('a', ['a.*'], ['t']), stub('b', ['b.*'], ['t'])]),
      /a and b both claim table t/,
    );
    assert.throws(
      () => new Projections([stub('a', ['a.*']), stub('a', ['b.*'])]),
      /two projections are named a/,
    );
    assert.throws(() => new Projections([stub('a', ['note'])]), /"note" is neither an event type/);
    assert.throws(() => new Projections([stub('a', ['note.*.x'])]), /neither an event type/);
  });

  it('finds no projection for a type outside every family, even one that shares a prefix', () => {
    const p = new Projections([stub('a', ['note.*'])]);
    assert.throws(() => p.of('notes.added'), /no projection for event type notes\.added/);
    assert.throws(() => p.of('notex'), /no projection for event type notex/);
  });
});

for (const engine of engines()) {
  describe(`projections registered per feature (${engine})`, () => {
    let s: TestStore;
    let projections: Projections;
    let recorder: Recorder;
    before(async () => {
      s = await freshStore(engine);
      await createNotes(s.store);
      projections = new Projections([...PROJECTION_LIST, notes()]);
      await reprojectIfStale(s.store, projections);
      recorder = new Recorder(s.store, projections);
    });
    after(() => s.cleanup());

    const size = () => recorder.ledger.size();
    const outboxRows = async () =>
      Number(
        (
          await s.store.kysely
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('fails the whole write for an event no projection handles: no entry, no row, no outbox', async () => {
      const [entries, queued] = [await size(), await outboxRows()];
      await assert.rejects(
        s.store.write(() =>
          recorder.record(SYSTEM_ACTOR, AT, [
            { subject: 'note:n0', event: note('n0', 'kept') },
            { subject: 'gadget:g1', event: { type: 'gadget.made', data: {} } as unknown as DomainEvent },
          ]),
        ),
        /no projection for event type gadget\.made/,
      );
      assert.equal(await size(), entries);
      assert.equal(await outboxRows(), queued);
      assert.deepEqual(await noteRows(s.store), [], 'the note recorded before it is rolled back too');
    });

    it('applies a registered feature projection live, in the write that records the event', async () => {
      await s.store.write(() =>
        recorder.record(SYSTEM_ACTOR, AT, [
          { subject: 'note:n1', event: note('n1', 'first') },
          { subject: 'note:n2', event: note('n2', 'second') },
          { subject: 'service:notes-api', event: serviceRegistered('notes-api') },
        ]),
      );
      assert.deepEqual(await noteRows(s.store), [
        { id: 'n1', body: 'first' },
        { id: 'n2', body: 'second' },
      ]);
    });

    it('is replayed and compared by verify --rebuild, which names its tampered rows', async () => {
      const options = { projections, prepare: createNotes };
      const clean = await rebuildAndCompare(s.store, options);
      assert.equal(clean.ok, true, formatRebuildReport(clean));
      assert.deepEqual(
        clean.tables.find((t) => t.table === 'test_notes'),
        { table: 'test_notes', live: 2, rebuilt: 2 },
      );
      const db = s.store.kysely;
      await sql`update test_notes set body = 'forged' where id = 'n1'`.execute(db);
      await sql`delete from test_notes where id = 'n2'`.execute(db);
      await sql`insert into test_notes (id, body, at) values ('n9', 'planted', ${AT})`.execute(db);
      const report = await rebuildAndCompare(s.store, options);
      const text = formatRebuildReport(report);
      assert.equal(report.ok, false);
      assert.match(text, /DIFF {2}test_notes n1\.body: live "forged", ledger says "first"/);
      assert.match(text, /DIFF {2}test_notes n2: in the ledger but missing from the table/);
      assert.match(text, /DIFF {2}test_notes n9: in the table but no ledger event made it/);
      assert.equal(report.differences.length, 3, text);
    });

    it('rebuilds at start only the projection whose version rose', async () => {
      const db = s.store.kysely;
      await sql`update services set criticality = 'low' where name = 'notes-api'`.execute(db);
      assert.equal(await reprojectIfStale(s.store, projections), 0, 'nothing is stale yet');
      const raised = new Projections([...PROJECTION_LIST, notes(2)]);
      assert.equal(await reprojectIfStale(s.store, raised), await size());
      assert.deepEqual(await noteRows(s.store), [
        { id: 'n1', body: 'first' },
        { id: 'n2', body: 'second' },
      ]);
      const service = await db
        .selectFrom('services')
        .select('criticality')
        .where('name', '=', 'notes-api')
        .executeTakeFirstOrThrow();
      assert.equal(service.criticality, 'low', 'the services projection kept its version: not rebuilt');
      const state = await db
        .selectFrom('projection_state')
        .select('value')
        .where('key', '=', 'projection:notes')
        .executeTakeFirstOrThrow();
      assert.equal(state.value, '2');
      assert.equal(await reprojectIfStale(s.store, raised), 0);
    });
  });
}

function serviceRegistered(name: string): DomainEvent {
  return {
    type: 'service.registered',
    data: { name, attributes: serviceAttributes('prod', { criticality: 'high' }) },
  };
}
