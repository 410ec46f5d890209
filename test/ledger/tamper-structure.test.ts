// Issue 3 tamper suite, part 2: edits an attacker with write access would make. One 10,000-entry export
// is written once; each case changes files in place, verifies, and restores them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNote, parseVerifierKey } from '../../src/ledger/note.ts';
import { encodeEntryBundle, parseEntryBundle, tilePath } from '../../src/ledger/tile-layout.ts';
import { checkpointOfNote } from '../../src/ledger/tiles.ts';
import { type FailureKind, type Report, formatReport, verifyExport } from '../../src/ledger/verifier.ts';
import { verifyConsistency } from '../../src/ledger/verify-proof.ts';
import { makeExport, makeKeys, rootOf, range, signedCheckpoint, syntheticEntry } from './support.ts';

const N = 10_000;
const keys = makeKeys(2);
const options = {
  keys: [keys.log.verifierKey],
  witnesses: keys.witnesses.map((w) => w.verifierKey),
  threads: 1,
};
let dir = '';
let checkpoint = '';

const bundlePath = (t: number) => tilePath({ level: 'entries', index: t, width: Math.min(256, N - 256 * t) });
const path = (p: string) => join(dir, p);

/** Applies `edit`, verifies, restores every file it touched, and checks the restored export verifies. */
async function tampered(
  files: string[],
  edit: () => Promise<void>,
  extra: Partial<typeof options> & { previous?: string } = {},
): Promise<Report> {
  const saved = await Promise.all(files.map((f) => readFile(path(f)).catch(() => undefined)));
  await edit();
  const report = await verifyExport(dir, { ...options, ...extra });
  await Promise.all(
    files.map((f, i) => (saved[i] ? writeFile(path(f), saved[i]) : unlink(path(f)).catch(() => undefined))),
  );
  return report;
}

/** Rewrites bundle t with its entries passed through `change`. */
async function editBundle(t: number, change: (entries: Uint8Array[]) => Uint8Array[]): Promise<void> {
  const width = Math.min(256, N - 256 * t);
  const entries = parseEntryBundle(await readFile(path(bundlePath(t))), width);
  await writeFile(path(bundlePath(t)), encodeEntryBundle(change(entries)));
}

function assertFailure(report: Report, kind: FailureKind, index?: number): void {
  assert.equal(report.ok, false, formatReport(report));
  assert.equal(report.failure!.kind, kind, report.failure!.message);
  assert.equal(report.failure!.index, index, report.failure!.message);
}

describe('tamper suite: structural edits of a 10,000-entry export', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tamper-structure-'));
    checkpoint = await makeExport(dir, keys, N);
  });
  after(() => rm(dir, { recursive: true }));

  it('verifies untouched', async () => assert.equal((await verifyExport(dir, options)).ok, true));

  it('catches a deleted, a swapped and a duplicated entry at the first index they move', async () => {
    const i = 10 * 256 + 5;
    assertFailure(
      await tampered([bundlePath(10)], () => editBundle(10, (e) => e.toSpliced(5, 1))),
      'leaf-mismatch',
      i,
    );
    assertFailure(
      await tampered([bundlePath(10)], () => editBundle(10, (e) => e.toSpliced(255, 1))),
      'missing-entry',
      10 * 256 + 255,
    );
    const swapInBundle = (e: Uint8Array[]) => e.toSpliced(5, 2, e[6]!, e[5]!);
    assertFailure(await tampered([bundlePath(10)], () => editBundle(10, swapInBundle)), 'leaf-mismatch', i);
    const swapAcross = async () => {
      const a = parseEntryBundle(await readFile(path(bundlePath(3))), 256)[7]!;
      const b = parseEntryBundle(await readFile(path(bundlePath(30))), 256)[9]!;
      await editBundle(3, (e) => e.toSpliced(7, 1, b));
      await editBundle(30, (e) => e.toSpliced(9, 1, a));
    };
    assertFailure(await tampered([bundlePath(3), bundlePath(30)], swapAcross), 'leaf-mismatch', 3 * 256 + 7);
    assertFailure(
      await tampered([bundlePath(10)], () => editBundle(10, (e) => e.toSpliced(5, 0, e[5]!))),
      'leaf-mismatch',
      i + 1,
    );
  });

  it('catches truncation: missing bundles, short bundles, missing or short tiles', async () => {
    const last = bundlePath(39);
    assertFailure(await tampered([last], () => unlink(path(last))), 'missing-entry', 39 * 256);
    assertFailure(
      await tampered([bundlePath(7)], () => unlink(path(bundlePath(7)))),
      'missing-entry',
      7 * 256,
    );
    assertFailure(
      await tampered([last], () => editBundle(39, (e) => e.slice(0, -3))),
      'missing-entry',
      N - 3,
    );
    const cut = async () => writeFile(path(last), (await readFile(path(last))).subarray(0, -10));
    assertFailure(await tampered([last], cut), 'malformed', N - 1);
    const tile5 = tilePath({ level: 0, index: 5, width: 256 });
    assertFailure(await tampered([tile5], () => unlink(path(tile5))), 'malformed', 5 * 256);
    const shortTile = async () => writeFile(path(tile5), (await readFile(path(tile5))).subarray(32));
    assertFailure(await tampered([tile5], shortTile), 'malformed', 5 * 256);
    const top = tilePath({ level: 1, index: 0, width: 39 });
    assertFailure(await tampered([top], () => unlink(path(top))), 'malformed', 0);
    const grown = async () =>
      writeFile(
        path(bundlePath(2)),
        Buffer.concat([await readFile(path(bundlePath(2))), Buffer.of(0, 1, 65)]),
      );
    assertFailure(await tampered([bundlePath(2)], grown), 'malformed', 3 * 256 - 1);
  });

  it('catches extra files', async () => {
    const stale = tilePath({ level: 'entries', index: 39, width: 10 });
    const report = await tampered([stale], () => writeFile(path(stale), 'x'));
    assertFailure(report, 'malformed', 39 * 256);
    assert.equal(report.failure!.path, stale);
    const junk = await tampered(['tile/notes.txt'], () => writeFile(path('tile/notes.txt'), 'x'));
    assertFailure(junk, 'malformed', undefined);
  });

  it('catches a checkpoint re-signed with another key, edited, or missing', async () => {
    const other = makeKeys(0);
    const resigned = signedCheckpoint(
      { ...other, witnesses: keys.witnesses },
      N,
      checkpointOfNote(checkpoint).rootHash,
    );
    assertFailure(
      await tampered(['checkpoint'], () => writeFile(path('checkpoint'), resigned)),
      'unknown-key',
    );
    const edited = checkpoint.replace(`\n${N}\n`, `\n${N - 1}\n`);
    assertFailure(
      await tampered(['checkpoint'], () => writeFile(path('checkpoint'), edited)),
      'bad-signature',
    );
    assertFailure(await tampered(['checkpoint'], () => unlink(path('checkpoint'))), 'malformed');
  });

  it('catches history rewritten with every tile recomputed: the signed root no longer matches', async () => {
    // An attacker edits entry 1234 and rebuilds every tile, but cannot sign the new root.
    const forged = await mkdtemp(join(tmpdir(), 'forged-'));
    await makeExport(forged, keys, N, (i) => syntheticEntry(i, i === 1234 ? 'forged' : ''));
    await writeFile(join(forged, 'checkpoint'), checkpoint);
    assertFailure(await verifyExport(forged, options), 'root-mismatch');
    await rm(forged, { recursive: true });
  });

  it('accepts an older consistent checkpoint and reports a fork and a rollback with self-contained evidence', async () => {
    const older = signedCheckpoint(keys, 6000, rootOf(range(6000)));
    const ok = await verifyExport(dir, { ...options, previous: older });
    assert.equal(ok.ok, true, formatReport(ok));
    assert.equal(ok.checks.find((c) => c.name === 'consistency')!.status, 'ok');

    const fork = signedCheckpoint(
      keys,
      6000,
      rootOf(range(6000, (i) => syntheticEntry(i, i === 100 ? 'fork' : ''))),
    );
    const forked = await verifyExport(dir, { ...options, previous: fork });
    assertFailure(forked, 'not-consistent');
    // The evidence stands alone: two checkpoints signed by the log, and a proof that this log's tree at
    // size 6000 has a root other than the one the log signed for size 6000.
    const key = parseVerifierKey(keys.log.verifierKey);
    const { evidence } = forked;
    const previous = checkpointOfNote(evidence!.previous);
    const current = checkpointOfNote(evidence!.checkpoint);
    assert.ok(openNote(evidence!.previous, [key]) && openNote(evidence!.checkpoint, [key]));
    const prefixRoot = Buffer.from(evidence!.prefixRoot!, 'base64');
    const proof = evidence!.consistencyProof!.map((h) => Buffer.from(h, 'base64'));
    verifyConsistency(previous.size, current.size, proof, prefixRoot, current.rootHash);
    assert.notDeepEqual(prefixRoot, Buffer.from(previous.rootHash));
    assert.ok(formatReport(forked).includes(evidence!.previous.split('\n')[2]!));

    const newer = signedCheckpoint(keys, 12_000, rootOf(range(12_000)));
    const shrank = await verifyExport(dir, { ...options, previous: newer });
    assertFailure(shrank, 'size-shrank', N);
    assert.equal(shrank.evidence!.previous, newer);
    assert.equal(shrank.evidence!.checkpoint, checkpoint);
  });
});
