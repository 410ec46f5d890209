import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { parseCheckpoint } from '../../src/ledger/checkpoint.ts';
import { generateEd25519Key, openNote, parseVerifierKey } from '../../src/ledger/note.ts';
import { parseLedgerKey } from '../../src/modules/ledger/ledger-key.ts';
import { CheckpointService } from '../../src/modules/ledger/checkpoints.service.ts';
import { memorySignedState } from '../../src/modules/ledger/signed-state.ts';
import { registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

for (const engine of engines()) {
  describe(`signed checkpoints (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
      await registerServices(t);
    });
    after(() => t.close());

    it('signs a C2SP checkpoint of the current tree that opens with the log key', async () => {
      const cp = await t.c.checkpoints.issue('demand');
      const opened = openNote(cp.note, [parseVerifierKey(t.c.checkpoints.verifierKey)]);
      const body = parseCheckpoint(opened.text);
      assert.equal(body.origin, t.c.checkpoints.origin);
      assert.equal(body.size, await t.c.ledger.size());
      assert.equal(Buffer.from(body.rootHash).toString('base64'), cp.rootHash);
      assert.match(body.extensions[0] ?? '', /^time \d+$/);
      const res = await t.req('audrey', 'GET', '/api/v1/ledger/checkpoint');
      assert.equal(res.json<{ id: number }>().id, cp.id);
    });

    it('records the log key as the first ledger event and refuses a different key', async () => {
      const first = (await t.c.ledger.entries(0, 1))[0]!;
      assert.match(first.entry, /"type":"ledger.key_activated"/);
      const other = new CheckpointService(
        t.c.deps,
        parseLedgerKey(generateEd25519Key(t.c.checkpoints.origin).signerKey, null),
        memorySignedState(),
        [],
      );
      await assert.rejects(other.ensureKey(), /this ledger is signed by/);
    });

    it('logs a key rotation and signs the next checkpoint with the new key', async () => {
      const next = parseLedgerKey(generateEd25519Key(t.c.checkpoints.origin).signerKey, null);
      const cp = await t.c.checkpoints.rotate(SYSTEM_ACTOR, next);
      assert.equal(cp.reason, 'key-rotation');
      assert.equal(t.c.checkpoints.verifierKey, next.verifierKey);
      openNote(cp.note, [parseVerifierKey(next.verifierKey)]);
      const events = await t.c.ledger.entries(0, 1000);
      assert.equal(events.filter((e) => e.entry.includes('"type":"ledger.key_activated"')).length, 2);
    });

    it('refuses to sign once the stored history no longer matches what it signed', async () => {
      await t.c.checkpoints.issue('demand');
      // Rewrite the node covering the oldest entries, as someone rewriting early history would have to.
      await sql`update ledger_nodes set hash = ${'00'.repeat(32)}
                where idx = 0 and level = (select max(level) from ledger_nodes)`.execute(t.c.store.kysely);
      await assert.rejects(
        t.c.checkpoints.issue('demand'),
        /refusing to sign: the first \d+ entries no longer match/,
      );
      const res = await t.req('admin', 'POST', '/api/v1/ledger/checkpoints');
      // A clear refusal that says what to run, not a 500.
      assert.equal(res.statusCode, 409, res.body);
      const { error } = res.json<{ error: { code: string; message: string } }>();
      assert.equal(error.code, 'conflict');
      assert.match(
        error.message,
        /refusing to sign: .*the ledger was altered \(run `changeproof verify --rebuild`/,
      );
    });
  });
}
