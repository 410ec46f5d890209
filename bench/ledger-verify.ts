// Issue 3 benchmark: time to verify an export of N entries (default 1,000,000) with the offline verifier,
// against the raw SHA-256 rate of node:crypto over the same leaf bytes in the same run.
//   node bench/ledger-verify.ts [--n 1000000] [--runs 3] [--dir DIR]   (an export left in DIR is reused)
// Target: N = 1M verified in <= 5 s, at >= 0.5 x the raw per-leaf SHA-256 rate. Not a test.
import { hash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEntryBundle, tilePath, tilesAtLevel } from '../src/ledger/tile-layout.ts';
import { verifyExport } from '../src/ledger/verifier.ts';
import { makeExport, makeKeys } from '../test/ledger/support.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string' },
  },
});
const n = Number(values.n);
const runs = Number(values.runs);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'ledger-verify-'));
const keys = makeKeys(1, 0xbe); // fixed keys, so an export kept with --dir can be verified again

if (!existsSync(join(dir, 'checkpoint'))) {
  const start = performance.now();
  await makeExport(dir, keys, n);
  console.log(`export of ${n} entries written in ${((performance.now() - start) / 1000).toFixed(2)} s`);
}

// The same leaf bytes, in memory, for the raw rate.
const leaves: Uint8Array[] = [];
let bytes = 0;
for (const ref of tilesAtLevel(n, 'entries')) {
  for (const leaf of parseEntryBundle(readFileSync(join(dir, tilePath(ref))), ref.width)) {
    leaves.push(leaf);
    bytes += leaf.length;
  }
}
// Raw and verify runs alternate, so that load from other processes hits both alike; best of each.
// The raw baseline uses the fastest one-shot output encoding, making it the hardest to meet.
const rawRun = (): number => {
  const start = performance.now();
  for (const leaf of leaves) hash('sha256', leaf, 'hex');
  return (performance.now() - start) / 1000;
};
const options = { keys: [keys.log.verifierKey], witnesses: keys.witnesses.map((w) => w.verifierKey) };
const verifyRun = async (threads?: number): Promise<number> => {
  const start = performance.now();
  const report = await verifyExport(dir, { ...options, threads });
  if (!report.ok) throw new Error(`the export did not verify: ${report.failure?.message}`);
  return (performance.now() - start) / 1000;
};
let raw = Infinity;
let single = Infinity;
let auto = Infinity;
for (let r = 0; r < runs; r++) {
  raw = Math.min(raw, rawRun());
  single = Math.min(single, await verifyRun(1));
  auto = Math.min(auto, await verifyRun());
}
const mb = bytes / 1e6;
const line = (name: string, s: number) =>
  console.log(
    `${name.padEnd(34)} ${s.toFixed(2)} s  ${(mb / s).toFixed(0).padStart(4)} MB/s  ratio ${(raw / s).toFixed(2)}`,
  );
console.log(
  `leaf bytes: ${mb.toFixed(1)} MB in ${n} leaves; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
line('raw SHA-256, one call per leaf', raw);
line('verifyExport, 1 thread', single);
line(`verifyExport, default (${Math.min(availableParallelism(), 4)} threads)`, auto);
console.log('targets: 1M entries in <= 5 s, ratio (verify rate / raw rate) >= 0.5');
if (values.dir === undefined) rmSync(dir, { recursive: true });
