// Benchmark 3 (issue 3): the ledger as a transparency log. Append throughput with the Merkle tree vs
// without it; proof and root latency at 1,000,000 entries; offline verification of a 1,000,000-entry
// export against the raw SHA-256 rate of node:crypto over the same leaf bytes. Not a test.
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseEntryBundle, tilePath, tilesAtLevel } from '../src/ledger/tile-layout.ts';
import { verifyExport } from '../src/ledger/verifier.ts';
import { appendPair } from './ledger-append.ts';
import { cachedExport, cachedLedger, exportKeys } from './ledger-data.ts';
import { httpInclusionLatency, proofLatency } from './ledger-proofs.ts';
import { printTable, verdict } from './stats.ts';

const TARGET_PROOF_P99_MS = 2;
const TARGET_VERIFY_SECONDS = 5;
const TARGET_VERIFY_RATIO = 0.5;

export interface LedgerBenchOptions {
  root: string;
  /** Appends per run of the throughput comparison (the 1-per-transaction runs do a tenth). */
  appends: number;
  /** Entries of the cached ledger the proofs and the export are measured on. */
  entries: number;
  regen: boolean;
}

/** Best of `runs` alternating raw-hash and verify runs, so load from other processes hits both alike. */
async function verifyTiming(dir: string, n: number, runs: number) {
  const leaves: Uint8Array[] = [];
  let bytes = 0;
  for (const ref of tilesAtLevel(n, 'entries'))
    for (const leaf of parseEntryBundle(readFileSync(join(dir, tilePath(ref))), ref.width)) {
      leaves.push(leaf);
      bytes += leaf.length;
    }
  const rawRun = () => {
    const start = performance.now();
    for (const leaf of leaves) hash('sha256', leaf, 'hex');
    return (performance.now() - start) / 1000;
  };
  const keys = exportKeys();
  const options = { keys: [keys.log.verifierKey], witnesses: keys.witnesses.map((w) => w.verifierKey) };
  const verifyRun = async (threads?: number) => {
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
  const threads = Math.min(availableParallelism(), 4);
  const line = (name: string, s: number) =>
    console.log(
      `  ${name.padEnd(32)} ${s.toFixed(2).padStart(6)} s  ${(n / s).toFixed(0).padStart(8)} entries/s  ` +
        `${(bytes / 1e6 / s).toFixed(0).padStart(5)} MB/s  ratio ${(raw / s).toFixed(2)}`,
    );
  console.log(`  ${(bytes / 1e6).toFixed(1)} MB of leaf bytes in ${n} entries; best of ${runs} runs each`);
  line('raw SHA-256, one call per leaf', raw);
  line('verifyExport, 1 thread', single);
  line(`verifyExport, default (${threads} threads)`, auto);
  const ratio = raw / auto;
  return {
    entries: n,
    leafBytes: bytes,
    runs,
    threads,
    rawSeconds: raw,
    singleSeconds: single,
    seconds: auto,
    ratio,
  };
}

export async function ledgerBench(opts: LedgerBenchOptions) {
  console.log(
    `append throughput (fresh SQLite databases, synchronous=FULL, change.edited events of ~600 bytes)`,
  );
  const grouped = await appendPair(opts.root, opts.appends, 8);
  const single = await appendPair(opts.root, Math.ceil(opts.appends / 10), 1);

  const n = opts.entries;
  const dataDir = join(opts.root, `ledger-${n}`);
  const meta = await cachedLedger(dataDir, n, opts.regen);
  const samples = 10_000;
  console.log(
    `proof latency at ${n} entries (LedgerTreeRepository, ${samples} random requests each, after 500 warm-up)`,
  );
  const proofs = await proofLatency(dataDir, n, samples);
  // The export is cached before the server runs, since starting it appends a few events after entry n.
  const exportDir = join(dataDir, 'export');
  await cachedExport(dataDir, exportDir, n);
  const httpSamples = 1_000;
  console.log(
    `  HTTP: ${httpSamples} × GET /api/v1/ledger/proofs/inclusion?index=<random>&size=${n}, one at a time`,
  );
  const http = await httpInclusionLatency(dataDir, n, httpSamples);
  printTable([
    ['inclusion proof', proofs.inclusion],
    ['consistency proof (m → n)', proofs.consistency],
    ['root at a random size', proofs.rootAt],
    ['inclusion over HTTP', http.latency],
  ]);
  const proofPass = proofs.inclusion.p99 <= TARGET_PROOF_P99_MS;
  console.log(
    `inclusion proof p99: ${proofs.inclusion.p99.toFixed(3)} ms at ${n} entries (target ≤ ${TARGET_PROOF_P99_MS} ms) ${verdict(proofPass)}` +
      `; over HTTP ${http.latency.p99.toFixed(3)} ms, errors ${http.errors}`,
  );

  console.log(`verifying the export of ${n} entries (${exportDir})`);
  const verify = await verifyTiming(exportDir, n, 3);
  const pass = {
    proofP99: proofPass,
    verifySeconds: verify.seconds <= TARGET_VERIFY_SECONDS,
    verifyRatio: verify.ratio >= TARGET_VERIFY_RATIO,
  };
  console.log(
    `verify time: ${verify.seconds.toFixed(2)} s for ${n} entries (target ≤ ${TARGET_VERIFY_SECONDS} s) ${verdict(pass.verifySeconds)}`,
  );
  console.log(
    `verify/raw rate ratio: ${verify.ratio.toFixed(2)} (target ≥ ${TARGET_VERIFY_RATIO}) ${verdict(pass.verifyRatio)}`,
  );
  return {
    append: { grouped, single },
    ledger: meta,
    proofsMs: { ...proofs, http: http.latency, httpErrors: http.errors },
    verify,
    pass,
  };
}
