import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CosignatureError,
  addCosignatures,
  checkCosignatures,
  cosign,
  cosignatureMessage,
  cosignatureTimestamp,
  generateWitnessKey,
  parseWitnessSignerKey,
  parseWitnessVerifierKey,
  verifyCosignature,
  witnessKeyFromSeed,
} from '../../src/ledger/cosignature.ts';
import {
  generateEd25519Key,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '../../src/ledger/note.ts';

const BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
// Published witness keys (type 0x04): remora's from transparency-dev/formats note_cosigv1_test.go, and
// the test witness of project-oak/oak tr/c2sp (whose cosigned checkpoint is in tlog-proof.test.ts).
const REMORA = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
const OAK_WITNESS = 'test-witness+26349ef0+BIQDFTUlktisMqJzWn8qhteWrRr4dLcQ9R37T+8LQyQF';

describe('tlog-cosignature/v1 (Ed25519)', () => {
  it('computes key ids over name, newline, 0x04 and the key, as published witness keys have them', () => {
    for (const vkey of [REMORA, OAK_WITNESS]) {
      const v = parseWitnessVerifierKey(vkey);
      assert.equal(v.verifierKey, vkey);
      assert.equal(v.keyId.toString(16).padStart(8, '0'), vkey.split('+')[1]);
    }
    // The same key with a wrong id, or as an ordinary (0x01) note key, is refused.
    assert.throws(() => parseWitnessVerifierKey(REMORA.replace('da77ade7', 'da77ade8')), CosignatureError);
    assert.throws(() => parseWitnessVerifierKey(generateEd25519Key('w.example').verifierKey), /type 0x04/);
    assert.throws(() => parseWitnessVerifierKey('remora+da77ade7'), /malformed/);
  });

  it('signs the spec message: header line, time line, then the checkpoint body', () => {
    assert.equal(cosignatureMessage(BODY, 1679315147).toString(), `cosignature/v1\ntime 1679315147\n${BODY}`);
    assert.equal(cosignatureMessage(BODY, 0n).toString(), `cosignature/v1\ntime 0\n${BODY}`);
    assert.throws(() => cosignatureMessage(BODY, 2n ** 63n), /bad cosignature time/);
    assert.throws(() => cosignatureMessage(BODY, -1), /bad cosignature time/);
  });

  it('reads the timestamp of the spec example and of transparency-dev/formats', () => {
    // c2sp.org/tlog-cosignature example line for witness.example.com/w1.
    const spec =
      'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
    assert.equal(cosignatureTimestamp(spec), 1679315147n);
    const formats =
      'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';
    assert.equal(cosignatureTimestamp(formats), 1727964367n);
    // An ordinary note signature (key id + 64 bytes) is not a cosignature.
    assert.throws(
      () =>
        cosignatureTimestamp(
          'eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=',
        ),
      /76 bytes/,
    );
  });

  it('round-trips, and rejects another body, time, key or a flipped bit', () => {
    const { signerKey, verifierKey } = generateWitnessKey('witness.example.com/w1');
    const signer = parseWitnessSignerKey(signerKey);
    const verifier = parseWitnessVerifierKey(verifierKey);
    const line = cosign(BODY, signer, 1679315147);
    assert.match(line, /^\u2014 witness\.example\.com\/w1 [A-Za-z0-9+/]{102}==\n$/);
    assert.deepEqual(verifyCosignature(BODY, line, verifier), { time: 1679315147n });
    assert.throws(
      () => verifyCosignature(BODY.replace('20852163', '20852164'), line, verifier),
      /invalid cosignature/,
    );
    const other = parseWitnessVerifierKey(generateWitnessKey('witness.example.com/w1').verifierKey);
    assert.throws(
      () => verifyCosignature(BODY, line, other),
      (e: CosignatureError) => e.code === 'wrong-key',
    );
    const raw = Buffer.from(line.slice(line.lastIndexOf(' ') + 1, -1), 'base64');
    for (let bit = 32; bit < raw.length * 8; bit += 7) {
      const flipped = Buffer.from(raw);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const bad = `\u2014 witness.example.com/w1 ${flipped.toString('base64')}\n`;
      assert.throws(() => verifyCosignature(BODY, bad, verifier), CosignatureError, `bit ${bit}`);
    }
  });

  it('is deterministic from a seed, and key strings round-trip', () => {
    const seed = Buffer.alloc(32, 7);
    const a = witnessKeyFromSeed('w.example', seed);
    assert.deepEqual(witnessKeyFromSeed('w.example', seed), a);
    assert.equal(parseWitnessSignerKey(a.signerKey).keyId, parseWitnessVerifierKey(a.verifierKey).keyId);
    assert.equal(
      cosign(BODY, parseWitnessSignerKey(a.signerKey), 5),
      cosign(BODY, parseWitnessSignerKey(a.signerKey), 5),
    );
    assert.throws(() => parseWitnessSignerKey(a.verifierKey), /malformed signer key/);
  });

  it('works through signed notes: a log signature plus cosignatures, checked per witness', () => {
    const log = generateEd25519Key('example.com/behind-the-sofa');
    const w1 = generateWitnessKey('w1.example');
    const w2 = generateWitnessKey('w2.example');
    const w3 = generateWitnessKey('w3.example');
    const note = signNote(BODY, [parseSignerKey(log.signerKey)]);
    const cosigned = addCosignatures(note, [
      cosign(BODY, parseWitnessSignerKey(w1.signerKey), 100),
      // A witness Signer also plugs into signNote, keeping the log's signature.
      signNote(BODY, [parseWitnessSignerKey(w2.signerKey).noteSigner(200)]).split('\n\n')[1]!,
    ]);
    const opened = openNote(cosigned, [parseVerifierKey(log.verifierKey)]);
    const witnesses = [w1, w2, w3].map((w) => parseWitnessVerifierKey(w.verifierKey));
    assert.deepEqual(
      checkCosignatures(opened.text, opened.unverified, witnesses).map((r) => [r.status, r.time]),
      [
        ['valid', 100n],
        ['valid', 200n],
        ['missing', undefined],
      ],
    );
    // A witness verifier is a note Verifier too: openNote checks the cosignature like any signature.
    assert.equal(openNote(cosigned, [witnesses[1]!]).verified[0]!.name, 'w2.example');
    const forged = cosigned.replace(
      /(\u2014 w1\.example \S{20})(\S)/,
      (_, a: string, c: string) => a + (c === 'A' ? 'B' : 'A'),
    );
    const reopened = openNote(forged, [parseVerifierKey(log.verifierKey)]);
    assert.equal(checkCosignatures(reopened.text, reopened.unverified, witnesses)[0]!.status, 'invalid');
  });
});
