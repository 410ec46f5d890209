// An insider with database access edits the ledger tables directly (SQL), on both engines. Each attack
// must stay visible: the change's history and proofs read what was signed, `verify --rebuild` names the
// entry and the column, checkpoint signing refuses with a clear error, and an export made from the
// tampered database fails the offline verifier.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { canonicalJson } from '../../src/ledger/canonical.ts';
import { leafHash } from '../../src/ledger/hash.ts';
import { MemoryTree } from '../../src/ledger/memory-tree.ts';
import { writeTlogTiles } from '../../src/ledger/tiles.ts';
import { verifyExport } from '../../src/ledger/verifier.ts';
import { formatRebuildReport, rebuildAndCompare } from '../../src/modules/ledger/rebuild.ts';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { events, ledgerSize, ok } from '../support/http.ts';

/** Creates and submits CHG-1, then records alice's refused attempt to approve her own change. */
async function refusedSelfApproval(t: TestApp): Promise<{ seq: number; eventId: string }> {
  await registerServices(t);
  const { id } = ok<{ id: string }>(
    await t.req('alice', 'POST', '/api/v1/changes', {
      title: 'Tamper target',
      services: ['payments-api'],
      ...COMPLETE_RECORD,
    }),
    201,
  );
  ok(await t.req('alice', 'POST', `/api/v1/changes/${id}/submit`));
  const refused = await t.req('alice', 'POST', `/api/v1/changes/${id}/approve`);
  assert.equal(refused.statusCode, 403, refused.body);
  const last = (await events(t, 'CHG-1')).at(-1)! as Awaited<ReturnType<typeof events>>[number] & {
    id: string;
  };
  assert.equal(last.type, 'change.command_refused');
  return { seq: last.seq, eventId: last.id };
}

async function rows(t: TestApp) {
  return t.c.store.kysely
    .selectFrom('ledger_entries')
    .select(['seq', 'canonical', 'leaf_hash'])
    .orderBy('seq')
    .execute();
}

/** Rewrites entry `seq`'s text and its leaf hash together, as a careful insider would. */
async function rewriteEntry(t: TestApp, seq: number, edit: (entry: Record<string, unknown>) => void) {
  const row = (await rows(t)).find((r) => Number(r.seq) === seq)!;
  const entry = JSON.parse(row.canonical) as Record<string, unknown>;
  edit(entry);
  const canonical = canonicalJson(entry);
  await sql`update ledger_entries set canonical = ${canonical}, leaf_hash = ${leafHash(Buffer.from(canonical)).toString('hex')} where seq = ${seq}`.execute(
    t.c.store.kysely,
  );
}

/** Recomputes every stored tree node from the stored leaf hashes, so the tree agrees with the entries. */
async function rewriteNodes(t: TestApp) {
  const tree = new MemoryTree();
  const nodes = (await rows(t)).flatMap((r) => tree.append(Buffer.from(r.leaf_hash, 'hex')));
  await sql`delete from ledger_nodes`.execute(t.c.store.kysely);
  for (const n of nodes)
    await sql`insert into ledger_nodes (level, idx, hash) values (${n.level}, ${n.index}, ${Buffer.from(n.hash).toString('hex')})`.execute(
      t.c.store.kysely,
    );
}

/**
 * Exports the database's entries under the latest signed checkpoint, as `ledger export` does, and runs the
 * offline verifier on it. The exporter itself refuses entries that do not hash to the checkpoint.
 */
async function exportAndVerify(t: TestApp): Promise<{ ok: boolean; why: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'changeproof-tamper-'));
  try {
    const cp = (await t.c.checkpoints.latest())!;
    const entries = (await rows(t)).map((r) => Buffer.from(r.canonical, 'utf8'));
    try {
      await writeTlogTiles(dir, { entries, checkpoint: cp.note });
    } catch (err) {
      return { ok: false, why: `export refused: ${(err as Error).message}` };
    }
    const report = await verifyExport(dir, { keys: [t.c.checkpoints.verifierKey], threads: 1 });
    return { ok: report.ok, why: report.failure?.message ?? 'verified' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function signNow(t: TestApp) {
  return t.req('admin', 'POST', '/api/v1/ledger/checkpoints');
}

for (const engine of engines()) {
  describe(`ledger tampering in the database (${engine})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await startTestApp(engine);
    });
    afterEach(() => t.close());

    it('a refused self-approval moved to another subject and actor stays in the history and its proofs', async () => {
      const refused = await refusedSelfApproval(t);
      ok(await signNow(t), 201);
      await sql`update ledger_entries set subject = 'CHG-999', actor = 'tom', event_id = 'forged' where seq = ${refused.seq}`.execute(
        t.c.store.kysely,
      );

      const history = await events(t, 'CHG-1');
      assert.ok(
        history.some((e) => e.seq === refused.seq && e.type === 'change.command_refused'),
        'the refused approval is still in the history of CHG-1',
      );
      const other = await t.req('audrey', 'GET', '/api/v1/changes/CHG-999/events');
      assert.equal(other.statusCode, 404, 'nor does it make up the history of another subject');
      const proof = ok<{ index: number }>(
        await t.req('audrey', 'GET', `/api/v1/ledger/proofs/inclusion?eventId=${refused.eventId}`),
      );
      assert.equal(proof.index, refused.seq, 'the inclusion proof finds the event by its signed id');

      const report = await rebuildAndCompare(t.c.store);
      const text = formatRebuildReport(report);
      assert.equal(report.ok, false, text);
      assert.equal(report.firstBadIndex, refused.seq, text);
      for (const [column, live, signed] of [
        ['subject', 'CHG-999', 'CHG-1'],
        ['actor', 'tom', 'alice'],
        ['event_id', 'forged', refused.eventId],
      ])
        assert.ok(
          text.includes(
            `entry ${refused.seq}: column ${column} is "${live}" but the signed entry says "${signed}"`,
          ),
          text,
        );
    });

    it('names every column of an entry that differs from its signed text', async () => {
      await refusedSelfApproval(t);
      await sql`update ledger_entries set type = 'change.approved', recorded_at = '2020-01-01T00:00:00.000Z' where seq = 2`.execute(
        t.c.store.kysely,
      );
      const text = formatRebuildReport(await rebuildAndCompare(t.c.store));
      assert.match(text, /entry 2: column type is "change\.approved" but the signed entry says "/);
      assert.match(text, /entry 2: column recorded_at is "2020-01-01T00:00:00\.000Z" but the signed entry/);
    });

    it('reports the newest entries deleted below the last signed checkpoint, and signing refuses with a 409', async () => {
      await refusedSelfApproval(t);
      const size = await ledgerSize(t);
      const signed = ok<{ id: number }>(await signNow(t), 201);
      const cut = size - 3;
      await sql`delete from ledger_entries where seq >= ${cut}`.execute(t.c.store.kysely);
      for (let level = 0; level < 12; level++)
        await sql`delete from ledger_nodes where level = ${level} and (idx + 1) * ${2 ** level} > ${cut}`.execute(
          t.c.store.kysely,
        );

      const report = await rebuildAndCompare(t.c.store);
      const text = formatRebuildReport(report);
      assert.equal(report.ok, false, text);
      assert.equal(report.firstBadIndex, cut, text);
      assert.ok(
        text.includes(
          `the ledger has ${cut} entries but checkpoint ${signed.id} signed ${size}: entries ${cut} to ${size - 1} were deleted`,
        ),
        text,
      );

      const res = await signNow(t);
      assert.equal(res.statusCode, 409, res.body);
      assert.match(res.json<{ error: { message: string } }>().error.message, /rolled back|deleted/);
    });

    it('names an entry deleted from the middle of the ledger', async () => {
      const refused = await refusedSelfApproval(t);
      await sql`delete from ledger_entries where seq = ${refused.seq - 1}`.execute(t.c.store.kysely);
      const report = await rebuildAndCompare(t.c.store);
      const text = formatRebuildReport(report);
      assert.equal(report.firstBadIndex, refused.seq - 1, text);
      assert.ok(
        text.includes(`entry ${refused.seq - 1}: missing (the next entry in the table is ${refused.seq})`),
        text,
      );
    });

    it('names an entry whose text and leaf hash were rewritten together', async () => {
      const refused = await refusedSelfApproval(t);
      const cp = ok<{ id: number }>(await signNow(t), 201);
      await rewriteEntry(t, refused.seq, (e) => {
        e.type = 'change.approved';
      });

      const report = await rebuildAndCompare(t.c.store);
      const text = formatRebuildReport(report);
      assert.equal(report.ok, false, text);
      assert.equal(report.firstBadIndex, refused.seq, text);
      assert.ok(text.includes(`entry ${refused.seq}: its leaf hash is not the one the tree stored`), text);
      assert.ok(
        text.includes(`checkpoint ${cp.id} (size ${refused.seq + 1}) does not match the entries`),
        text,
      );
      assert.ok(text.includes(`entry ${refused.seq}: cannot be replayed`), text);

      // The stored tree still holds the hash that was signed, so a new checkpoint signs the original entry
      // and an export of the rewritten one is refused.
      ok(await signNow(t), 201);
      const verified = await exportAndVerify(t);
      assert.equal(verified.ok, false);
      assert.match(verified.why, /do not hash to the checkpoint's root/);
    });

    it('names an entry rewritten with its leaf hash and every tree node, from the signed checkpoints', async () => {
      await registerServices(t);
      ok(await t.req('alice', 'POST', '/api/v1/changes', { title: 'One', services: ['reports-batch'] }), 201);
      ok(await signNow(t), 201);
      const target = await ledgerSize(t);
      ok(await t.req('alice', 'POST', '/api/v1/changes', { title: 'Two', services: ['reports-batch'] }), 201);
      assert.equal(await ledgerSize(t), target + 1, 'one event between the two checkpoints');
      ok(await signNow(t), 201);
      ok(
        await t.req('alice', 'POST', '/api/v1/changes', { title: 'Three', services: ['reports-batch'] }),
        201,
      );
      ok(await signNow(t), 201);

      await rewriteEntry(t, target, (e) => {
        (e.data as { content: { title: string } }).content.title = 'Forged';
      });
      await rewriteNodes(t);

      const report = await rebuildAndCompare(t.c.store);
      const text = formatRebuildReport(report);
      assert.equal(report.ok, false, text);
      assert.equal(report.firstBadIndex, target, text);
      assert.ok(text.includes(`entry ${target} was rewritten after checkpoint`), text);
      assert.doesNotMatch(text, /leaf hash is not the one the tree stored/);

      const res = await signNow(t);
      assert.equal(res.statusCode, 409, res.body);

      const verified = await exportAndVerify(t);
      assert.equal(verified.ok, false);
    });

    it('narrows a rewrite to the entries between the last good and the first bad checkpoint', async () => {
      await registerServices(t);
      ok(await signNow(t), 201);
      const from = await ledgerSize(t);
      for (const title of ['One', 'Two', 'Three'])
        ok(await t.req('alice', 'POST', '/api/v1/changes', { title, services: ['reports-batch'] }), 201);
      const to = await ledgerSize(t);
      const cp = ok<{ id: number }>(await signNow(t), 201);
      await rewriteEntry(t, from + 1, (e) => {
        e.at = '2020-01-01T00:00:00.000Z';
      });
      await rewriteNodes(t);

      const report = await rebuildAndCompare(t.c.store);
      const text = formatRebuildReport(report);
      assert.equal(report.ok, false, text);
      assert.ok(
        text.includes(
          `an entry from ${from} to ${to - 1} was rewritten after checkpoint ${cp.id} (size ${to}) was signed`,
        ),
        text,
      );
    });

    it('reports a checkpoint row whose size or root was edited to match a rewritten ledger', async () => {
      await refusedSelfApproval(t);
      const cp = ok<{ id: number; size: number }>(await signNow(t), 201);
      await sql`update ledger_checkpoints set size = 1 where id = ${cp.id}`.execute(t.c.store.kysely);
      const text = formatRebuildReport(await rebuildAndCompare(t.c.store));
      assert.ok(
        text.includes(`checkpoint ${cp.id}: its size column says 1 but its signed note says ${cp.size}`),
        text,
      );
    });

    it('finds an untouched ledger consistent with every signed checkpoint', async () => {
      await refusedSelfApproval(t);
      ok(await signNow(t), 201);
      ok(
        await t.req('alice', 'POST', '/api/v1/changes', { title: 'Later', services: ['reports-batch'] }),
        201,
      );
      ok(await signNow(t), 201);
      const report = await rebuildAndCompare(t.c.store);
      assert.equal(report.ok, true, formatRebuildReport(report));
      assert.equal(report.firstBadIndex, null);
      assert.ok(report.checkpoints >= 2, formatRebuildReport(report));
      assert.deepEqual(await exportAndVerify(t), { ok: true, why: 'verified' });
    });
  });
}
