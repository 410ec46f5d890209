// Worker threads for the verifier's level-0 pass. Hashing is the whole cost of verifying a large export
// and one SHA-256 call cannot be split, so the other cores take whole chunks of tiles. Anything that goes
// wrong with a worker only loses that helper: the main thread then checks the chunk itself.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChunkResult } from './verifier-leaves.ts';

export interface Helper {
  /** Whether the worker has loaded and can take work. */
  readonly ready: boolean;
  /** Checks full tiles [from, to) on the worker; rejects if the worker fails. */
  run(from: number, to: number): Promise<ChunkResult>;
}

export interface Pool {
  readonly helpers: readonly Helper[];
  close(): Promise<void>;
}

function startWorker(dir: string): Worker {
  // The worker file has this module's extension: .ts when run from source, .js once compiled.
  const url = new URL(`./verifier-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  return new Worker(url, { workerData: { dir } });
}

export function startPool(dir: string, size: number): Pool {
  const workers: Worker[] = [];
  for (let i = 0; i < size; i++) {
    try {
      const worker = startWorker(dir);
      // A worker error is handled by the task it fails; this keeps it from becoming an uncaught one.
      worker.on('error', () => undefined);
      workers.push(worker);
    } catch {
      break;
    }
  }
  const helpers = workers.map((worker): Helper => {
    let ready = false;
    worker.once('message', () => (ready = true));
    const run = (from: number, to: number) =>
      new Promise<ChunkResult>((resolve, reject) => {
        const done = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onError);
        };
        const onMessage = (result: ChunkResult) => {
          done();
          resolve(result);
        };
        const onError = (error: unknown) => {
          done();
          reject(error instanceof Error ? error : new Error('the verifier worker stopped'));
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onError);
        worker.postMessage({ from, to });
      });
    return {
      get ready() {
        return ready;
      },
      run,
    };
  });
  return {
    helpers,
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
    },
  };
}
