// Issue 3 tamper suite, part 1: single-byte flips. One export is written once to a temporary directory;
// every case flips one byte in place, verifies, and restores it. Each flip must be caught with the kind
// and (for entries and tiles) the first failing index that the layout predicts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTilePath } from '../../src/ledger/tile-layout.ts';
import { listFiles } from '../../src/ledger/verifier-files.ts';
import { type FailureKind, verifyExport } from '../../src/ledger/verifier.ts';
import { makeExport, makeKeys } from './support.ts';

const CHECKPOINT_KINDS = new Set<FailureKind>([
  'malformed',
  'bad-signature',
  'unknown-key',
  'witness-quorum',
]);

interface Expected {
  kinds: Set<FailureKind>;
  index?: number;
}

/** A seeded PRNG (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a flip of byte `pos` of `file` (to `value`) must be reported as, from the tlog-tiles layout. */
function expected(file: string, bytes: Buffer, pos: number, value: number): Expected {
  if (file === 'checkpoint') return { kinds: CHECKPOINT_KINDS };
  const ref = parseTilePath(file)!;
  const start = ref.index * 256;
  if (ref.level === 'entries') {
    // Walk the framing to the entry that holds the byte.
    let at = 0;
    for (let i = 0; ; i++) {
      const length = bytes.readUInt16BE(at);
      if (pos < at + 2 + length) {
        if (pos >= at + 2) return { kinds: new Set(['leaf-mismatch']), index: start + i };
        const prefix = Buffer.from(bytes.subarray(at, at + 2));
        prefix[pos - at] = value;
        const overrun = at + 2 + prefix.readUInt16BE(0) > bytes.length;
        return { kinds: new Set([overrun ? 'malformed' : 'leaf-mismatch']), index: start + i };
      }
      at += 2 + length;
    }
  }
  const hash = Math.floor(pos / 32);
  if (ref.level === 0) return { kinds: new Set(['leaf-mismatch']), index: start + hash };
  return { kinds: new Set(['proof-mismatch']), index: (ref.index * 256 + hash) * 256 ** ref.level };
}

function setByte(path: string, pos: number, value: number): number {
  const fd = openSync(path, 'r+');
  try {
    const old = Buffer.alloc(1);
    readSync(fd, old, 0, 1, pos);
    writeSync(fd, Buffer.of(value), 0, 1, pos);
    return old[0]!;
  } finally {
    closeSync(fd);
  }
}

function suite(
  name: string,
  size: number,
  witnesses: number,
  entry: ((i: number) => Buffer) | undefined,
  positions: (files: { file: string; bytes: Buffer }[]) => [number, number][],
) {
  let dir = '';
  const keys = makeKeys(witnesses);
  const options = {
    keys: [keys.log.verifierKey],
    witnesses: keys.witnesses.map((w) => w.verifierKey),
    threads: 1,
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tamper-'));
    await makeExport(dir, keys, size, entry);
  });
  after(() => rm(dir, { recursive: true }));

  it(name, async () => {
    assert.equal((await verifyExport(dir, options)).ok, true);
    const files = (listFiles(dir, 'tile') as string[])
      .concat('checkpoint')
      .map((file) => ({ file, bytes: readFileSync(join(dir, file)) }));
    const rand = random(size);
    const cases = positions(files);
    const seen = new Set<string>();
    for (const [f, pos] of cases) {
      const { file, bytes } = files[f]!;
      const value = bytes[pos]! ^ (1 + Math.floor(rand() * 255));
      const want = expected(file, bytes, pos, value);
      setByte(join(dir, file), pos, value);
      const report = await verifyExport(dir, options);
      setByte(join(dir, file), pos, bytes[pos]!);
      const where = `${file}@${pos} -> ${value}`;
      assert.equal(report.ok, false, `undetected: ${where}`);
      assert.ok(
        want.kinds.has(report.failure!.kind),
        `${where}: ${report.failure!.kind} (${report.failure!.message})`,
      );
      assert.equal(report.failure!.index, want.index, `${where}: ${report.failure!.message}`);
      seen.add(file);
    }
    assert.equal(seen.size, files.length, 'every file was tampered with');
    assert.equal((await verifyExport(dir, options)).ok, true, 'every flip was restored');
  });
}

describe('tamper suite: byte flips', () => {
  describe('10,000-entry export, 1,000 random positions over all bytes plus 2 in every file', () =>
    suite('detects every flip with its kind and first index', 10_000, 2, undefined, (files) => {
      const rand = random(42);
      const total = files.reduce((sum, f) => sum + f.bytes.length, 0);
      const cases: [number, number][] = [];
      for (let k = 0; k < 1000; k++) {
        let pos = Math.floor(rand() * total);
        const f = files.findIndex((x) => (pos < x.bytes.length ? true : ((pos -= x.bytes.length), false)));
        cases.push([f, pos]);
      }
      files.forEach((x, f) => {
        for (let k = 0; k < 2; k++) cases.push([f, Math.floor(rand() * x.bytes.length)]);
      });
      return cases;
    }));

  // Short entries keep every-byte coverage (one verification per byte) within the time budget.
  const small = (i: number) => Buffer.from(`{"i":${i}}`);
  describe('200-entry export, every byte of every file', () =>
    suite('detects every flip of every byte', 200, 1, small, (files) =>
      files.flatMap((x, f) => Array.from({ length: x.bytes.length }, (_, pos): [number, number] => [f, pos])),
    ));
});
