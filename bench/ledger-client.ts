// The HTTP client of the proof benchmark, in a worker thread so its own CPU does not share the server's
// event loop: GETs the paths one at a time over a keep-alive connection, timing all but the first few.
import { parentPort, workerData } from 'node:worker_threads';

export interface HttpJob {
  url: string;
  token: string;
  paths: string[];
  /** Leading requests not timed (connection set-up, JIT). */
  warmUp: number;
}

export interface HttpResult {
  latencies: number[];
  errors: number;
  firstErrors: string[];
}

const job = workerData as HttpJob;
const result: HttpResult = { latencies: [], errors: 0, firstErrors: [] };
for (const [i, path] of job.paths.entries()) {
  const t0 = performance.now();
  const res = await fetch(job.url + path, { headers: { authorization: `Bearer ${job.token}` } });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (i >= job.warmUp) result.latencies.push(ms);
  // An answer counts only with a proof in it.
  const proof = res.status === 200 ? (JSON.parse(text) as { proof?: unknown[] }).proof : undefined;
  if (!Array.isArray(proof) || proof.length === 0) {
    result.errors += 1;
    if (result.firstErrors.length < 5)
      result.firstErrors.push(`GET ${path} → ${res.status}: ${text.slice(0, 200)}`);
  }
}
parentPort!.postMessage(result);
