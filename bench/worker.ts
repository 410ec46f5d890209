// Runs one client job (client.ts) in a worker thread and resolves with what it measured.
import { Worker } from 'node:worker_threads';
import type { ClientResult, GetJob, LifecycleJob, PostJob } from './client.ts';

export function runClients(job: LifecycleJob | GetJob | PostJob): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./client.ts', import.meta.url), { workerData: job });
    worker.once('message', (r: ClientResult) => resolve(r));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`client worker exited with ${code}`)));
  });
}
