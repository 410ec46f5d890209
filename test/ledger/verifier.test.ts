import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { generateWitnessKey } from '../../src/ledger/cosignature.ts';
import { formatCheckpoint } from '../../src/ledger/checkpoint.ts';
import { generateEd25519Key, parseSignerKey, signNote } from '../../src/ledger/note.ts';
import { checkpointOfNote } from '../../src/ledger/tiles.ts';
import { LeafTileChecker } from '../../src/ledger/verifier-leaves.ts';
import { startPool } from '../../src/ledger/verifier-pool.ts';
import { type Report, formatReport, verifyExport } from '../../src/ledger/verifier.ts';
import { makeExport, makeKeys, range, rootOf, signedCheckpoint } from './support.ts';

const keys = makeKeys(2);
const witnesses = keys.witnesses.map((w) => w.verifierKey);
const base = { keys: [keys.log.verifierKey], witnesses };
const dirs: string[] = [];
const tmp = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'verifier-test-'));
  dirs.push(dir);
  return dir;
};
const exported = async (n: number, k = keys) => {
  const dir = await tmp();
  return { dir, checkpoint: await makeExport(dir, k, n) };
};
const status = (r: Report) => Object.fromEntries(r.checks.map((c) => [c.name, c.status]));

describe('verifyExport', () => {
  let big = '';
  before(async () => {
    big = (await exported(70_000)).dir;
  });
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true }))));

  it('verifies exports of every shape of tree', async () => {
    for (const n of [0, 1, 2, 255, 256, 257, 1000]) {
      const { dir } = await exported(n);
      const report = await verifyExport(dir, base);
      assert.equal(report.ok, true, formatReport(report));
      assert.equal(report.checkpoint!.size, n);
      assert.deepEqual(status(report), {
        inputs: 'ok',
        'checkpoint-signature': 'ok',
        'checkpoint-format': 'ok',
        'witness-cosignatures': 'ok',
        'previous-checkpoint': 'skipped',
        entries: 'ok',
        tiles: 'ok',
        root: 'ok',
        consistency: 'skipped',
        files: 'ok',
      });
      assert.deepEqual(
        report.witnesses.map((w) => w.status),
        ['valid', 'valid'],
      );
    }
  });

  it('gives the same report with worker threads as without, and the same first failure', async () => {
    const one = await verifyExport(big, { ...base, threads: 1 });
    const two = await verifyExport(big, { ...base, threads: 2 });
    assert.equal(one.ok, true);
    assert.equal(formatReport(two), formatReport(one));
    // A flip deep in the part the worker hashes, and one in a level-1 tile.
    for (const [file, at, index] of [
      ['tile/0/200', 32 * 17, 200 * 256 + 17],
      ['tile/1/000', 32 * 3, 3 * 256],
    ] as const) {
      const original = await readFile(join(big, file));
      const bad = Buffer.from(original);
      bad[at]! ^= 0x80;
      await writeFile(join(big, file), bad);
      const a = await verifyExport(big, { ...base, threads: 1 });
      const b = await verifyExport(big, { ...base, threads: 2 });
      await writeFile(join(big, file), original);
      assert.equal(a.failure!.index, index);
      assert.equal(formatReport(b), formatReport(a));
    }
  });

  it('has worker threads compute what the main thread computes, failures included', async () => {
    const pool = startPool(big, 1);
    try {
      const [helper] = pool.helpers;
      while (!helper!.ready) await new Promise((resolve) => setTimeout(resolve, 5));
      const local = new LeafTileChecker(big);
      assert.deepEqual(await helper!.run(10, 42), local.chunk(10, 42));
      const file = join(big, 'tile/entries/050');
      const original = await readFile(file);
      const bad = Buffer.from(original);
      bad[1000]! ^= 1;
      await writeFile(file, bad);
      const remote = await helper!.run(40, 72);
      await writeFile(file, original);
      assert.equal(remote.count, 10);
      assert.equal(remote.failure!.kind, 'leaf-mismatch');
      await writeFile(file, bad);
      assert.deepEqual(remote, new LeafTileChecker(big).chunk(40, 72));
      await writeFile(file, original);
    } finally {
      await pool.close();
    }
  });

  it('prints byte-identical reports for the same export, wherever it lies', async () => {
    const copy = await tmp();
    await cp(big, copy, { recursive: true });
    const texts = [
      formatReport(await verifyExport(big, base)),
      formatReport(await verifyExport(big, base)),
      formatReport(await verifyExport(copy, base)),
    ];
    assert.equal(texts[1], texts[0]);
    assert.equal(texts[2], texts[0]);
    assert.ok(!texts[0]!.includes(big) && !texts[0]!.includes(tmpdir()));
    const fork = signedCheckpoint(keys, 100, rootOf(range(100, () => Buffer.from('other'))));
    const failed = [
      await verifyExport(big, { ...base, previous: fork }),
      await verifyExport(copy, { ...base, previous: fork }),
    ];
    assert.equal(formatReport(failed[1]!), formatReport(failed[0]!));
    assert.match(formatReport(failed[0]!), /failure: not-consistent/);
  });

  it('counts cosignatures against the quorum', async () => {
    const { dir, checkpoint } = await exported(300);
    const extra = generateWitnessKey('witness3.test').verifierKey;
    const withExtra = { ...base, witnesses: [...witnesses, extra] };
    assert.equal((await verifyExport(dir, { ...withExtra, quorum: 2 })).ok, true);
    const short = await verifyExport(dir, withExtra);
    assert.equal(short.failure!.kind, 'witness-quorum');
    assert.deepEqual(
      short.witnesses.map((w) => w.status),
      ['valid', 'valid', 'missing'],
    );
    const noWitnesses = await verifyExport(dir, { keys: base.keys });
    assert.equal(noWitnesses.ok, true);
    assert.equal(status(noWitnesses)['witness-cosignatures'], 'skipped');
    assert.equal((await verifyExport(dir, { keys: base.keys, quorum: 1 })).failure!.kind, 'witness-quorum');
    // A bad cosignature from a known witness rejects the checkpoint, as signed notes require.
    const lines = checkpoint.split('\n');
    const w = lines.findIndex((l) => l.startsWith('\u2014 witness2.test '));
    lines[w] = lines[w]!.slice(0, -6) + (lines[w]!.at(-6) === 'A' ? 'B' : 'A') + lines[w]!.slice(-5);
    await writeFile(join(dir, 'checkpoint'), lines.join('\n'));
    assert.equal((await verifyExport(dir, base)).failure!.kind, 'bad-signature');
    assert.equal((await verifyExport(dir, { ...base, witnesses: [witnesses[0]!], quorum: 1 })).ok, true);
  });

  it('turns bad arguments into failures, never exceptions', async () => {
    const { dir } = await exported(10);
    const checkpoint = await readFile(join(dir, 'checkpoint'), 'utf8');
    const cases: [string, unknown, string][] = [
      [dir, { keys: [] }, 'no log key'],
      [dir, { keys: ['junk'] }, 'log key 1'],
      [dir, { keys: 'x' }, 'list of key strings'],
      [dir, undefined, 'list of key strings'],
      [dir, { ...base, witnesses: [keys.log.verifierKey] }, 'witness key 1'],
      [dir, { ...base, quorum: -1 }, 'bad quorum'],
      [dir, { ...base, quorum: 1.5 }, 'bad quorum'],
      [dir, { ...base, previous: 42 }, 'must be text'],
      [dir, { ...base, previous: 'not a note' }, 'previous checkpoint'],
      [join(dir, 'nowhere'), base, 'checkpoint missing'],
      ['', base, 'no export directory'],
    ];
    for (const [d, options, message] of cases) {
      const report = await verifyExport(d, options as never);
      assert.equal(report.ok, false);
      assert.equal(report.failure!.kind, 'malformed');
      assert.match(report.failure!.message, new RegExp(message));
      assert.doesNotThrow(() => formatReport(report));
    }
    const stranger = generateEd25519Key('changeproof.test/ledger').verifierKey;
    assert.equal((await verifyExport(dir, { keys: [stranger] })).failure!.kind, 'unknown-key');
    const otherLog = signedCheckpoint(
      { log: generateEd25519Key('other.log'), witnesses: [] },
      1,
      rootOf(range(1)),
    );
    assert.equal((await verifyExport(dir, { ...base, previous: otherLog })).failure!.kind, 'unknown-key');
    const otherOrigin = signNote(
      formatCheckpoint({ origin: 'other.log', size: 1, rootHash: rootOf(range(1)) }),
      [parseSignerKey(keys.log.signerKey)],
    );
    const report = await verifyExport(dir, { ...base, previous: otherOrigin });
    assert.equal(report.failure!.kind, 'malformed');
    assert.match(report.failure!.message, /another log/);
    assert.equal(checkpointOfNote(checkpoint).size, 10);
  });

  it('accepts previous checkpoints of size 0, of the same size, and smaller', async () => {
    const { dir, checkpoint } = await exported(600);
    for (const m of [0, 1, 255, 256, 257, 599]) {
      const previous = signedCheckpoint(keys, m, rootOf(range(m)));
      const report = await verifyExport(dir, { ...base, previous });
      assert.equal(report.ok, true, `${m}: ${report.failure?.message}`);
    }
    assert.equal((await verifyExport(dir, { ...base, previous: checkpoint })).ok, true);
    const sameSizeFork = signedCheckpoint(keys, 600, rootOf(range(600, () => Buffer.from('x'))));
    const fork = await verifyExport(dir, { ...base, previous: sameSizeFork });
    assert.equal(fork.failure!.kind, 'not-consistent');
    assert.deepEqual(fork.evidence!.consistencyProof, []);
  });

  it('never throws and never passes a damaged export (fuzz)', async () => {
    const { dir } = await exported(600);
    const files = [
      'checkpoint',
      'tile/0/000',
      'tile/0/002.p/88',
      'tile/1/000.p/2',
      'tile/entries/001',
      'tile/entries/002.p/88',
    ];
    const originals = await Promise.all(files.map((f) => readFile(join(dir, f))));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.oneof(
          fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
          fc.record({
            op: fc.constant('append' as const),
            bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
          }),
          fc.record({
            op: fc.constant('overwrite' as const),
            at: fc.nat(),
            bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
          }),
          fc.record({ op: fc.constant('directory' as const) }),
        ),
        async (f, change) => {
          const path = join(dir, files[f]!);
          const original = originals[f]!;
          let damaged: Buffer | 'directory';
          if (change.op === 'truncate') damaged = original.subarray(0, change.at % original.length);
          else if (change.op === 'append') damaged = Buffer.concat([original, change.bytes]);
          else if (change.op === 'overwrite') {
            damaged = Buffer.from(original);
            damaged.set(
              change.bytes.subarray(0, original.length - (change.at % original.length)),
              change.at % original.length,
            );
          } else damaged = 'directory';
          if (damaged !== 'directory' && damaged.equals(original)) return;
          await rm(path, { recursive: true });
          if (damaged === 'directory') await mkdir(path);
          else await writeFile(path, damaged);
          try {
            const report = await verifyExport(dir, { ...base, threads: 1 });
            assert.equal(report.ok, false);
            assert.ok(
              formatReport(report).startsWith('Changeproof ledger export verification\nresult: FAILED\n'),
            );
          } finally {
            await rm(path, { recursive: true });
            await writeFile(path, original);
          }
        },
      ),
      { numRuns: 300, seed: 3 },
    );
    assert.equal((await verifyExport(dir, base)).ok, true);
  });
});

describe('the offline verifier as a standalone module', () => {
  it('imports only node: modules and files of src/ledger, transitively', async () => {
    const root = new URL('../../src/ledger/', import.meta.url);
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = await readFile(new URL(file, root), 'utf8');
      for (const [, spec] of source.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
        if (spec!.startsWith('node:')) continue;
        assert.match(spec!, /^\.\/[a-z0-9-]+\.ts$/, `${file} imports ${spec}`);
        await visit(spec!.slice(2));
      }
    };
    await visit('verifier.ts');
    await visit('tiles.ts');
    await visit('tlog-proof.ts');
    // Loaded by URL from verifier-pool.ts, not imported.
    await visit('verifier-worker.ts');
    assert.ok(seen.has('verifier-pool.ts'));
    assert.ok(!seen.has('canonical.ts'));
  });
});
