import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createContainer, type Container } from '../../src/container.ts';
import { cosign, generateWitnessKey, parseWitnessSignerKey } from '../../src/ledger/cosignature.ts';
import { initialise } from '../../src/server/start.ts';
import { testLedger } from '../support/app.ts';
import { freshStore, type TestStore } from '../support/db.ts';

describe('witness cosignatures', () => {
  const witness = generateWitnessKey('witness.example/w1');
  const stranger = generateWitnessKey('witness.example/w2');
  let s: TestStore;
  let c: Container;
  before(async () => {
    s = await freshStore('sqlite');
    c = createContainer(s.store, { ...testLedger(), witnesses: [witness.verifierKey] });
    await initialise(c);
  });
  after(() => s.cleanup());

  const bodyOf = (note: string) => note.slice(0, note.lastIndexOf('\n\n') + 1);

  it('stores a listed witness cosignature and serves it with the checkpoint note', async () => {
    const cp = await c.checkpoints.issue('demand');
    const line = cosign(bodyOf(cp.note), parseWitnessSignerKey(witness.signerKey), 1_795_000_000);
    const after = await c.checkpoints.addCosignature(cp.id, line);
    assert.deepEqual(after.cosignatures, [
      { witness: 'witness.example/w1', keyId: after.cosignatures[0]!.keyId, signedAt: 1_795_000_000 },
    ]);
    assert.ok(after.note.endsWith(line));
    assert.equal((await c.checkpoints.latest())!.note, after.note);
  });

  it('refuses a cosignature from an unlisted key or over another checkpoint', async () => {
    const cp = await c.checkpoints.issue('demand');
    const unlisted = cosign(bodyOf(cp.note), parseWitnessSignerKey(stranger.signerKey), 1);
    await assert.rejects(
      c.checkpoints.addCosignature(cp.id, unlisted),
      /does not verify against any configured witness/,
    );
    const older = (await c.checkpoints.list(10)).at(-1)!;
    const wrongBody = cosign(bodyOf(older.note), parseWitnessSignerKey(witness.signerKey), 2);
    if (older.note !== cp.note)
      await assert.rejects(c.checkpoints.addCosignature(cp.id, wrongBody), /invalid cosignature/);
    await assert.rejects(c.checkpoints.addCosignature(cp.id, '— not a signature'), /does not verify/);
  });
});
