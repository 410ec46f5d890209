// Proof latency on a large ledger: inclusion and consistency proofs and roots read from the stored nodes
// through LedgerTreeRepository, and inclusion proofs over HTTP from a real server on the same data dir.
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config.ts';
import { SCOPES } from '../src/contracts/identity.ts';
import { SYSTEM_ACTOR } from '../src/domain/actor.ts';
import { leafHash } from '../src/ledger/hash.ts';
import { verifyConsistency, verifyInclusion } from '../src/ledger/verify-proof.ts';
import { startServer } from '../src/server/start.ts';
import { openStore } from '../src/store/database.ts';
import { LedgerTreeRepository } from '../src/store/ledger-tree.repository.ts';
import type { HttpResult } from './ledger-client.ts';
import { summarise, type Summary } from './stats.ts';

/** Deterministic (mulberry32), so every run asks for the same indexes. */
export function random(seed: number): (below: number) => number {
  let a = seed >>> 0;
  return (below) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * below);
  };
}

async function time(samples: number, warmUp: number, op: (k: number) => Promise<unknown>): Promise<Summary> {
  for (let k = 0; k < warmUp; k++) await op(-1 - k);
  const ms: number[] = [];
  for (let k = 0; k < samples; k++) {
    const t0 = performance.now();
    await op(k);
    ms.push(performance.now() - t0);
  }
  return summarise(ms);
}

/** Repository-level latencies at `size` entries; every proof is checked (outside the timing). */
export async function proofLatency(dataDir: string, size: number, samples: number) {
  const store = openStore({ dataDir });
  try {
    const tree = new LedgerTreeRepository(store);
    const root = await tree.root(size);
    const leafOf = store.sqlite!.raw.prepare('select leaf_hash from ledger_entries where seq = ?');
    const next = random(1);
    const checks: (() => void)[] = [];
    const inclusion = await time(samples, 500, async (k) => {
      const index = next(size);
      const proof = await tree.inclusionProof(index, size);
      if (k % 10 === 0) {
        const leaf = Buffer.from((leafOf.get(index) as { leaf_hash: string }).leaf_hash, 'hex');
        checks.push(() => verifyInclusion(index, size, leaf, proof, root));
      }
    });
    const consistency = await time(samples, 500, async (k) => {
      const m = 1 + next(size);
      const proof = await tree.consistencyProof(m, size);
      if (k % 10 === 0) {
        const old = await tree.root(m);
        checks.push(() => verifyConsistency(m, size, proof, old, root));
      }
    });
    const rootAt = await time(samples, 500, () => tree.root(1 + next(size)));
    for (const check of checks) check();
    // The leaf hashes stored are the ones the entries hash to.
    const row = store.sqlite!.raw.prepare('select canonical, leaf_hash from ledger_entries where seq = ?');
    const probe = row.get(next(size)) as { canonical: string; leaf_hash: string };
    if (leafHash(Buffer.from(probe.canonical)).toString('hex') !== probe.leaf_hash)
      throw new Error('a stored leaf hash does not match its entry');
    console.log(`  ${checks.length} of the proofs verified against the root of size ${size}`);
    return { inclusion, consistency, rootAt };
  } finally {
    await store.close();
  }
}

/**
 * GET /api/v1/ledger/proofs/inclusion for random indexes at `size`, one request at a time from a worker
 * thread. Starting the server appends its own few events (key, policy, admin, token) after entry `size`.
 */
export async function httpInclusionLatency(dataDir: string, size: number, samples: number) {
  const server = await startServer(
    loadConfig({ CHANGEPROOF_DATA: dataDir, CHANGEPROOF_PORT: '0', CHANGEPROOF_HOST: '127.0.0.1' }),
    { log: false },
  );
  try {
    const { token } = await server.container.identity.createToken(SYSTEM_ACTOR, {
      name: 'bench',
      owner: 'admin',
      scopes: [...SCOPES],
      expiresAt: null,
    });
    const next = random(2);
    const paths = Array.from(
      { length: samples + 100 },
      () => `/api/v1/ledger/proofs/inclusion?index=${next(size)}&size=${size}`,
    );
    const r = await new Promise<HttpResult>((resolve, reject) => {
      const worker = new Worker(new URL('./ledger-client.ts', import.meta.url), {
        workerData: { url: server.url, token, paths, warmUp: 100 },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`client worker exited with ${code}`)));
    });
    for (const e of r.firstErrors) console.log(`  error: ${e}`);
    return { latency: summarise(r.latencies), errors: r.errors };
  } finally {
    await server.close();
  }
}
