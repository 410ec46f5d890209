import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatCheckpoint } from '../../src/ledger/checkpoint.ts';
import { leafHash } from '../../src/ledger/hash.ts';
import { MemoryTree } from '../../src/ledger/memory-tree.ts';
import { generateEd25519Key, parseSignerKey, signNote } from '../../src/ledger/note.ts';
import {
  TlogProofError,
  formatTlogProof,
  parseTlogProof,
  verifyTlogProof,
} from '../../src/ledger/tlog-proof.ts';
import { makeKeys, range, signedCheckpoint, syntheticEntry } from './support.ts';

// project-oak/oak tr/c2sp/testdata/test.tlog-proof (Apache-2.0), transcribed: entry "test entry data" at
// index 3 of a 4-entry log, signed by the log and cosigned (cosignature/v1) by a witness.
const OAK_PROOF = `c2sp.org/tlog-proof@v1
index 3
JBLYbBgEHNZMP9yBly3cVyFLQPqn+z0YdjoHdksDJeY=
R71E/0J8A2l+L5ZFDuy/fy59xnJFGYNDRo6pKoqoihc=

fake.log.origin/log
4
CPv9hH0ShT6k/WU9QZeh1bV7bYeUOkrnBuCLCQG9GgE=

\u2014 fake.log.origin/log Un6ruNthJe4tf267eyOp8N1FYcK5AoY5b6v53qa6uDg33Xn5PqIaP35NSw87oCw+krzzJliWc5C7KqPV0oPyNxQ2awA=
\u2014 test-witness JjSe8AAAAABpmI8+HVh4f06FDH/kr4CtoQ63zVC31E8aT7JHzJMkLcOEIAGPiBG/IatdHdPk1mKe23SDzKi04+Tmzub1qcwuVG78DQ==
`;
const OAK_LOG = 'fake.log.origin/log+527eabb8+AddT9PtBhhNAsDYZ0V0euiRbXuvrLsw4L6vKARfipnmz';
const OAK_WITNESS = 'test-witness+26349ef0+BIQDFTUlktisMqJzWn8qhteWrRr4dLcQ9R37T+8LQyQF';
const OAK_ENTRY = Buffer.from('test entry data');

// The same repository's proof of "hello tesseroak\n" at index 76958 of a 76959-entry tree.
const TESSEROAK = {
  entry: Buffer.from('hello tesseroak\n'),
  index: 76958,
  size: 76959,
  root: 'QYfrD7XAd4qUHbRBs4dDyDZwpZN4M/cccXr2G56pxkY=',
  proof: [
    'fGRlLyuz+L9Jb8+uTSut/2aVc4z7fKFW+clvsb6xjEM=',
    'F6LautOHD5eppkWC0xn/lz00X5g2yLlZAkl2jCI/wdE=',
    'qH7OJxFNup+TDvJuohd2HphKVngfMeMzUK8QChEDcas=',
    '+Y3g758yXtPCRh/eqhLTA3bdcx+cCV1Uah0JdgB0YEs=',
    'vq8cJSjj8dPVmFBRUqDLlaMqW6aAYR2GKugVhgudXLs=',
    'J0z3X5qTb9WFC1gABhVFx0bW1rVZRL+DAoBL2e2h4G4=',
    'NmSbYg25xNFzTRerIsF3HbEMyTIDqW87AQd9ekzopE8=',
    'L8BZipjURnkctkjJtGJs+YyTXMssvNKA7+a8nV2JT/s=',
    'pva4RFzCejMkVMVmYc93As2lbk7WAyrw58TvrzEOjNc=',
  ],
};

const code = (c: string) => (e: unknown) => e instanceof TlogProofError && e.code === c;

describe('tlog-proof', () => {
  it('verifies the published proof with its log and witness keys', () => {
    const result = verifyTlogProof(OAK_PROOF, OAK_ENTRY, [OAK_LOG], {
      witnesses: [OAK_WITNESS],
      origin: 'fake.log.origin/log',
    });
    assert.equal(result.index, 3);
    assert.equal(result.checkpoint.size, 4);
    assert.deepEqual(result.witnesses, [{ verifierKey: OAK_WITNESS, status: 'valid', time: 1771605822n }]);
    assert.throws(
      () => verifyTlogProof(OAK_PROOF, Buffer.from('test entry dat'), [OAK_LOG]),
      code('not-included'),
    );
    assert.throws(
      () => verifyTlogProof(OAK_PROOF, OAK_ENTRY, [generateEd25519Key('x').verifierKey]),
      code('unknown-key'),
    );
    assert.throws(
      () => verifyTlogProof(OAK_PROOF, OAK_ENTRY, [OAK_LOG], { origin: 'other' }),
      code('origin-mismatch'),
    );
    const noWitness = OAK_PROOF.slice(0, OAK_PROOF.indexOf('\u2014 test-witness'));
    assert.throws(
      () => verifyTlogProof(noWitness, OAK_ENTRY, [OAK_LOG], { witnesses: [OAK_WITNESS] }),
      code('witness-quorum'),
    );
    assert.equal(
      verifyTlogProof(noWitness, OAK_ENTRY, [OAK_LOG], { witnesses: [OAK_WITNESS], quorum: 0 }).index,
      3,
    );
    assert.throws(
      () => verifyTlogProof(OAK_PROOF.replace('\n4\n', '\n5\n'), OAK_ENTRY, [OAK_LOG]),
      code('bad-signature'),
    );
  });

  it('parses the spec example, keeping the checkpoint verbatim', () => {
    const checkpoint =
      'example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n\u2014 example.com/fancylog hI2DJw[...]1roloI=\n';
    const text = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=

${checkpoint}`;
    const proof = parseTlogProof(text);
    assert.equal(proof.index, 73894);
    assert.equal(proof.proof.length, 2);
    assert.equal(Buffer.from(proof.extra!).toString(), 'age-v1.2.1-darwin-arm64.tar.gz');
    assert.equal(proof.checkpoint, checkpoint);
    assert.equal(formatTlogProof(proof), text);
  });

  it('rejects malformed proofs', () => {
    const good = parseTlogProof(OAK_PROOF);
    const cases = [
      OAK_PROOF.replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v2'),
      OAK_PROOF.replace('index 3', 'index 03'),
      OAK_PROOF.replace('index 3', 'index -3'),
      OAK_PROOF.replace('index 3', 'index  3'),
      OAK_PROOF.replace('index 3', 'idx 3'),
      OAK_PROOF.replace('index 3', `index ${2 ** 53}`),
      OAK_PROOF.replace(
        'JBLYbBgEHNZMP9yBly3cVyFLQPqn+z0YdjoHdksDJeY=',
        'JBLYbBgEHNZMP9yBly3cVyFLQPqn+z0YdjoHdksDJe==',
      ),
      OAK_PROOF.replace(
        'JBLYbBgEHNZMP9yBly3cVyFLQPqn+z0YdjoHdksDJeY=',
        'JBLYbBgEHNZMP9yBly3cVyFLQPqn+z0YdjoHdksDJeY',
      ),
      OAK_PROOF.replace('\n\nfake.log', '\nfake.log'),
      OAK_PROOF.slice(0, OAK_PROOF.indexOf('\n\nfake') + 2),
      OAK_PROOF.replace('c2sp.org/tlog-proof@v1\n', 'c2sp.org/tlog-proof@v1\nextra !!\n'),
      'c2sp.org/tlog-proof@v1',
      '',
    ];
    for (const text of cases)
      assert.throws(() => parseTlogProof(text), code('malformed'), JSON.stringify(text.slice(0, 60)));
    assert.throws(() => formatTlogProof({ ...good, index: -1 }), code('malformed'));
    assert.throws(() => formatTlogProof({ ...good, proof: [Buffer.alloc(31)] }), code('malformed'));
    assert.throws(() => verifyTlogProof(OAK_PROOF, OAK_ENTRY, ['not a key']), code('malformed'));
  });

  it('verifies a third-party inclusion proof, and refuses every flipped bit of it', () => {
    const log = generateEd25519Key('tesseroak.example/log');
    const body = formatCheckpoint({
      origin: 'tesseroak.example/log',
      size: TESSEROAK.size,
      rootHash: Buffer.from(TESSEROAK.root, 'base64'),
    });
    const checkpoint = signNote(body, [parseSignerKey(log.signerKey)]);
    const proof = TESSEROAK.proof.map((h) => Buffer.from(h, 'base64'));
    const text = formatTlogProof({ index: TESSEROAK.index, proof, checkpoint });
    assert.equal(verifyTlogProof(text, TESSEROAK.entry, [log.verifierKey]).index, TESSEROAK.index);
    for (let bit = 0; bit < proof.length * 256; bit += 5) {
      const bad = proof.map((h) => Buffer.from(h));
      bad[bit >> 8]![(bit >> 3) & 31]! ^= 1 << (bit & 7);
      const tampered = formatTlogProof({ index: TESSEROAK.index, proof: bad, checkpoint });
      assert.throws(
        () => verifyTlogProof(tampered, TESSEROAK.entry, [log.verifierKey]),
        code('not-included'),
      );
    }
    const wrongIndex = formatTlogProof({ index: TESSEROAK.index - 1, proof, checkpoint });
    assert.throws(
      () => verifyTlogProof(wrongIndex, TESSEROAK.entry, [log.verifierKey]),
      code('not-included'),
    );
  });

  it('gives every record of a log a proof file that verifies, and only for its own record', () => {
    const keys = makeKeys(2);
    const n = 200;
    const tree = new MemoryTree();
    for (const entry of range(n)) tree.append(leafHash(entry));
    const checkpoint = signedCheckpoint(keys, n, tree.root());
    const witnesses = keys.witnesses.map((w) => w.verifierKey);
    for (let i = 0; i < n; i++) {
      const text = formatTlogProof({ index: i, proof: tree.inclusionProof(i), checkpoint });
      const result = verifyTlogProof(text, syntheticEntry(i), [keys.log.verifierKey], { witnesses });
      assert.equal(result.witnesses.filter((w) => w.status === 'valid').length, 2);
      assert.throws(
        () => verifyTlogProof(text, syntheticEntry((i + 1) % n), [keys.log.verifierKey]),
        code('not-included'),
      );
    }
  });
});
