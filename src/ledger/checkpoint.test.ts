import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CheckpointError, formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
import { isNoteText, openNote, parseSignerKey, parseVerifierKey, signNote } from './note.ts';

const ANY = { hashSize: 'any' } as const;
const bytes = (text: string): Buffer => Buffer.from(text);
const VIEW = 'the view from the tree tops is great!';
const VIEW_B64 = 'dGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==';

// transparency-dev/formats log/checkpoint_test.go, TestUnmarshalLogState. Its root hashes are short strings,
// hence hashSize 'any'. Where C2SP tlog-checkpoint is stricter than that Go parser, `formats` records what
// the Go code does and `want` what the spec requires.
const CASES: {
  desc: string;
  text: string;
  want?: { origin: string; size: number; hash: string; extensions: string[] };
  formats?: 'accepts';
}[] = [
  {
    desc: 'valid one',
    text: 'Log\n123\nYmFuYW5hcw==\n',
    want: { origin: 'Log', size: 123, hash: 'bananas', extensions: [] },
  },
  {
    desc: 'valid with different origin',
    text: `Banana\n9944\n${VIEW_B64}\n`,
    want: { origin: 'Banana', size: 9944, hash: VIEW, extensions: [] },
  },
  {
    desc: 'valid with trailing data',
    text: `Log\n9944\n${VIEW_B64}\nHere's some associated data.\n`,
    want: { origin: 'Log', size: 9944, hash: VIEW, extensions: ["Here's some associated data."] },
  },
  {
    desc: 'valid with multiple trailing data lines',
    text: `Log\n9944\n${VIEW_B64}\nlots\nof\nlines\n`,
    want: { origin: 'Log', size: 9944, hash: VIEW, extensions: ['lots', 'of', 'lines'] },
  },
  // The Go parser returns "\n\n\n" as trailing data; the spec says extension lines MUST be non-empty.
  { desc: 'valid with trailing newlines', text: `Log\n9944\n${VIEW_B64}\n\n\n\n`, formats: 'accepts' },
  { desc: 'invalid - insufficient lines', text: 'Head\n9944\n' },
  { desc: 'invalid - empty header', text: `\n9944\n${VIEW_B64}\n` },
  { desc: 'invalid - missing newline on roothash', text: 'Log\n123\nYmFuYW5hcw==' },
  { desc: 'invalid size - not a number', text: `Log\nbananas\n${VIEW_B64}\n` },
  { desc: 'invalid size - negative', text: `Log\n-34\n${VIEW_B64}\n` },
  { desc: 'invalid size - too large', text: `Log\n3438945738945739845734895735\n${VIEW_B64}\n` },
  { desc: 'invalid roothash - not base64', text: "Log\n123\nThisIsn'tBase64\n" },
  // TestExtendCheckpoint: an origin with a space (only a SHOULD) and two extension lines.
  {
    desc: 'moon log',
    text: 'Moon Log\n4027504\naXQncyBhIHJvb3QgaGFzaA==\n6086d1a9\nWaxing gibbous\n',
    want: {
      origin: 'Moon Log',
      size: 4027504,
      hash: "it's a root hash",
      extensions: ['6086d1a9', 'Waxing gibbous'],
    },
  },
  // Spec rules the Go parser does not check (it uses strconv.ParseUint and lenient base64 decoding rules).
  { desc: 'leading zero', text: `Log\n0123\n${VIEW_B64}\n`, formats: 'accepts' },
  { desc: 'unpadded base64', text: 'Log\n123\nYmFuYW5hcw\n' },
  { desc: 'carriage return', text: 'Log\r\n123\nYmFuYW5hcw==\n' },
  { desc: 'empty root hash line', text: 'Log\n123\n\n' },
  { desc: 'size beyond 2^53 - 1', text: `Log\n9007199254740992\n${VIEW_B64}\n`, formats: 'accepts' },
];

describe('parseCheckpoint', () => {
  for (const c of CASES) {
    it(c.formats ? `${c.desc} (the Go parser accepts it, the spec does not)` : c.desc, () => {
      if (c.want) {
        const { origin, size, hash, extensions } = c.want;
        assert.deepEqual(parseCheckpoint(c.text, ANY), { origin, size, rootHash: bytes(hash), extensions });
      } else {
        assert.throws(() => parseCheckpoint(c.text, ANY), CheckpointError);
      }
    });
  }

  it('parses the C2SP example and requires 32-byte roots by default', () => {
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const checkpoint = parseCheckpoint(text);
    assert.equal(checkpoint.origin, 'example.com/behind-the-sofa');
    assert.equal(checkpoint.size, 20852163);
    assert.equal(checkpoint.rootHash.length, 32);
    assert.equal(formatCheckpoint(checkpoint), text);
    assert.throws(() => parseCheckpoint('Log\n123\nYmFuYW5hcw==\n'), /32 bytes/);
    assert.equal(parseCheckpoint(`Log\n0\n${'A'.repeat(43)}=\n`).size, 0);
  });
});

describe('formatCheckpoint', () => {
  it('writes the transparency-dev/formats TestMarshal outputs', () => {
    const log = { origin: 'Log', size: 123, rootHash: bytes('bananas') };
    assert.equal(formatCheckpoint(log, ANY), 'Log\n123\nYmFuYW5hcw==\n');
    const banana = { origin: 'Banana', size: 9944, rootHash: bytes(VIEW) };
    assert.equal(formatCheckpoint(banana, ANY), `Banana\n9944\n${VIEW_B64}\n`);
  });

  it('refuses what it could not parse back', () => {
    const rootHash = Buffer.alloc(32);
    for (const bad of [
      { origin: '', size: 1, rootHash },
      { origin: 'a\nb', size: 1, rootHash },
      { origin: 'log', size: -1, rootHash },
      { origin: 'log', size: 1.5, rootHash },
      { origin: 'log', size: 1, rootHash: Buffer.alloc(31) },
      { origin: 'log', size: 1, rootHash, extensions: [''] },
      { origin: 'log', size: 1, rootHash, extensions: ['a\u0000'] },
    ]) {
      assert.throws(() => formatCheckpoint(bad), CheckpointError, JSON.stringify(bad));
    }
  });

  it('round-trips through a signed note', () => {
    const signer = parseSignerKey(
      'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz',
    );
    const verifier = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    const noNewline = fc.string({ minLength: 1 }).filter((s) => isNoteText(s) && !s.includes('\n'));
    fc.assert(
      fc.property(
        noNewline,
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(noNewline, { maxLength: 3 }),
        (origin, size, rootHash, extensions) => {
          const note = signNote(formatCheckpoint({ origin, size, rootHash, extensions }), [signer]);
          const parsed = parseCheckpoint(openNote(note, [verifier]).text);
          assert.deepEqual(parsed, { origin, size, rootHash: Buffer.from(rootHash), extensions });
        },
      ),
      { numRuns: 200 },
    );
  });
});
