// Level 0 of the verifier's pass: an entry bundle against its level-0 hash tile. This is where nearly all
// the hashing happens, so it is also what the worker threads run (verifier-worker.ts), a chunk of full
// tiles at a time, returning each tile's root hash for the main thread to build the levels above.
import { HASH_SIZE } from './hash.ts';
import { HASHES_AT, hashBuffer, hashBundleLeaves, reduceInPlace } from './tile-hash.ts';
import { MAX_ENTRY_SIZE, TILE_WIDTH, tilePath } from './tile-layout.ts';
import { FileReader, type ReadProblem } from './verifier-files.ts';
import type { Failure } from './verifier-report.ts';

const MAX_BUNDLE = TILE_WIDTH * (2 + MAX_ENTRY_SIZE);

export const problemText: Record<ReadProblem, string> = {
  missing: 'is missing',
  'not-a-file': 'is not a regular file',
  'too-large': 'is larger than any valid one',
  unreadable: 'cannot be read',
};

/** First differing 32-byte hash between computed hashes (at HASHES_AT) and a tile's bytes, or -1. */
export function firstDifference(computed: Buffer, tile: Buffer, count: number): number {
  const end = count * HASH_SIZE;
  if (computed.compare(tile, 0, end, HASHES_AT, HASHES_AT + end) === 0) return -1;
  for (let i = 0; i < count; i++) {
    const at = i * HASH_SIZE;
    if (computed.compare(tile, at, at + HASH_SIZE, HASHES_AT + at, HASHES_AT + at + HASH_SIZE) !== 0)
      return i;
  }
  return -1;
}

export interface ChunkResult {
  /** Root hashes of the full tiles [from, from + count), 32 bytes each. */
  readonly roots: Uint8Array;
  readonly count: number;
  /** The failure of tile from + count, when the chunk stopped early. */
  readonly failure?: Failure;
}

export class LeafTileChecker {
  readonly #bundles: FileReader;
  readonly #tiles: FileReader;
  readonly #scratch = hashBuffer();

  constructor(dir: string) {
    this.#bundles = new FileReader(dir);
    this.#tiles = new FileReader(dir);
  }

  /** Checks bundle and level-0 tile `t` of `width` entries; on success `out` holds the leaf hashes. */
  check(t: number, width: number, out: Buffer): Failure | undefined {
    const start = t * TILE_WIDTH;
    const bundlePath = tilePath({ level: 'entries', index: t, width });
    const bundle = this.#bundles.read(bundlePath, MAX_BUNDLE);
    if (bundle === 'missing') {
      return { kind: 'missing-entry', index: start, path: bundlePath, message: `${bundlePath} is missing` };
    }
    if (typeof bundle === 'string') {
      const message = `${bundlePath} ${problemText[bundle]}`;
      return { kind: 'malformed', index: start, path: bundlePath, message };
    }
    const scan = hashBundleLeaves(bundle, bundle.length, width, out);
    const path = tilePath({ level: 0, index: t, width });
    const tile = this.#tiles.read(path, TILE_WIDTH * HASH_SIZE);
    if (typeof tile === 'string' || tile.length !== width * HASH_SIZE) {
      const why =
        typeof tile === 'string' ? problemText[tile] : `is ${tile.length} bytes, not ${width * HASH_SIZE}`;
      return { kind: 'malformed', index: start, path, message: `hash tile ${path} ${why}` };
    }
    // Entries that hashed are compared first: a framing fault after them is a later index.
    const bad = firstDifference(out, tile, scan.count);
    if (bad >= 0) {
      const message = `entry ${start + bad} does not hash to hash ${bad} of ${path}`;
      return { kind: 'leaf-mismatch', index: start + bad, path: bundlePath, message };
    }
    const next = start + scan.count;
    if (scan.stop === 'ended') {
      return {
        kind: 'missing-entry',
        index: next,
        path: bundlePath,
        message: `${bundlePath} ends before entry ${next}`,
      };
    }
    if (scan.stop === 'truncated') {
      const message = `entry ${next} runs past the end of ${bundlePath}`;
      return { kind: 'malformed', index: next, path: bundlePath, message };
    }
    if (scan.end !== bundle.length) {
      const message = `${bundle.length - scan.end} extra bytes after entry ${next - 1} in ${bundlePath}`;
      return { kind: 'malformed', index: next - 1, path: bundlePath, message };
    }
    return undefined;
  }

  /** Checks the full tiles [from, to) and returns their root hashes, stopping at the first failure. */
  chunk(from: number, to: number): ChunkResult {
    const roots = new Uint8Array((to - from) * HASH_SIZE);
    for (let t = from; t < to; t++) {
      const failure = this.check(t, TILE_WIDTH, this.#scratch);
      if (failure) return { roots: roots.subarray(0, (t - from) * HASH_SIZE), count: t - from, failure };
      reduceInPlace(this.#scratch, TILE_WIDTH);
      roots.set(this.#scratch.subarray(HASHES_AT, HASHES_AT + HASH_SIZE), (t - from) * HASH_SIZE);
    }
    return { roots, count: to - from };
  }
}
