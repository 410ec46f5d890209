// A worker thread of the offline verifier: checks chunks of full level-0 tiles (verifier-leaves.ts) and
// returns their root hashes.
import { parentPort, workerData } from 'node:worker_threads';
import { LeafTileChecker } from './verifier-leaves.ts';

const checker = new LeafTileChecker((workerData as { dir: string }).dir);
// Work is handed out only once a worker says it is ready: a thread that is still loading must not hold
// up the chunk the main thread needs next.
parentPort?.postMessage('ready');
parentPort?.on('message', ({ from, to }: { from: number; to: number }) => {
  const result = checker.chunk(from, to);
  parentPort?.postMessage(result, [result.roots.buffer as ArrayBuffer]);
});
