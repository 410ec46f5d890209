// The verifier's streaming pass over an export: entry bundles against level-0 tiles (verifier-leaves.ts,
// spread over worker threads for large exports), every higher tile as soon as the tree below completes
// it, then the partial tiles and the root. Memory: a few chunks of tile roots and one tile per level.
// Results are applied in log order and the pass stops at the first failure, so "first" means first in
// log order whatever the threads did.
import { availableParallelism } from 'node:os';
import { HASH_SIZE } from './hash.ts';
import {
  HASHES_AT,
  foldRoot,
  hashAt,
  hashBuffer,
  partialSubtrees,
  reduceInPlace,
  subtreeRoot,
} from './tile-hash.ts';
import { TILE_HEIGHT, TILE_WIDTH, firstLeafOf, tilePath, type TileRef } from './tile-layout.ts';
import type { NodeId, StoredNode } from './tree.ts';
import { FileReader } from './verifier-files.ts';
import { type ChunkResult, LeafTileChecker, firstDifference, problemText } from './verifier-leaves.ts';
import { type Helper, startPool } from './verifier-pool.ts';
import type { Failure } from './verifier-report.ts';

/** Tiles per unit of work handed to a thread (8,192 entries). */
const CHUNK = 32;
/** A worker takes a few hundred milliseconds to load: below ~130,000 entries one thread is done first. */
const MIN_CHUNKS_FOR_THREADS = 16;

export interface TreePassOptions {
  /** Also compute the root of the first `prefixSize` leaves (0 < prefixSize <= size). */
  readonly prefixSize?: number;
  /** Complete nodes (RFC 6962 level = log2 of their leaves) whose hashes to capture, e.g. for a proof. */
  readonly capture?: readonly NodeId[];
  /** Threads hashing entries, the main one included; default: the cores (at most 4) for large exports. */
  readonly threads?: number;
}

export interface TreePassResult {
  readonly failure?: Failure;
  readonly root?: Buffer;
  readonly prefixRoot?: Buffer;
  readonly captured: StoredNode[];
  /** Entries hashed and matched, and hash tiles above level 0 matched, before any failure. */
  readonly entries: number;
  readonly tiles: number;
}

export async function verifyTree(
  dir: string,
  size: number,
  options: TreePassOptions = {},
): Promise<TreePassResult> {
  const leafChecker = new LeafTileChecker(dir);
  const tiles = new FileReader(dir);
  const levels: { buf: Buffer; count: number; index: number }[] = [];
  const level = (l: number) => (levels[l] ??= { buf: hashBuffer(), count: 0, index: 0 });
  const captured: StoredNode[] = [];
  const capture = options.capture ?? [];
  const prefix = options.prefixSize;
  let entries = 0;
  let tilesMatched = 0;
  let prefixRoot: Buffer | undefined;

  // Hashes of a tile at level l sit in `buf`: keep the captured nodes that lie inside it.
  const captureFrom = (l: number, index: number, buf: Buffer, count: number) => {
    for (const node of capture) {
      if (node.level < TILE_HEIGHT * l || node.level >= TILE_HEIGHT * (l + 1)) continue;
      const span = 2 ** (node.level - TILE_HEIGHT * l);
      const first = node.index * span - index * TILE_WIDTH;
      if (first < 0 || first + span > count) continue;
      const slice = Array.from({ length: span }, (_, i) => hashAt(buf, first + i));
      captured.push({ ...node, hash: subtreeRoot(slice) });
    }
  };

  // Compares a computed tile at level >= 1 with its file.
  const checkTile = (ref: TileRef, buf: Buffer, count: number): Failure | undefined => {
    const path = tilePath(ref);
    const file = tiles.read(path, TILE_WIDTH * HASH_SIZE);
    if (typeof file === 'string' || file.length !== count * HASH_SIZE) {
      const why =
        typeof file === 'string' ? problemText[file] : `is ${file.length} bytes, not ${count * HASH_SIZE}`;
      return { kind: 'malformed', index: firstLeafOf(ref), path, message: `hash tile ${path} ${why}` };
    }
    const bad = firstDifference(buf, file, count);
    if (bad >= 0) {
      const index = firstLeafOf(ref, bad);
      return { kind: 'proof-mismatch', index, path, message: `hash ${bad} of ${path} differs from the tree` };
    }
    tilesMatched++;
    captureFrom(ref.level as number, ref.index, buf, count);
    return undefined;
  };

  // The root of a full tile at level l - 1 becomes the next hash of level l, which may complete in turn.
  const push = (l: number, hash: Uint8Array): Failure | undefined => {
    const tile = level(l);
    tile.buf.set(hash, HASHES_AT + tile.count * HASH_SIZE);
    if (++tile.count < TILE_WIDTH) return undefined;
    const failure = checkTile({ level: l, index: tile.index, width: TILE_WIDTH }, tile.buf, TILE_WIDTH);
    if (failure) return failure;
    reduceInPlace(tile.buf, TILE_WIDTH);
    tile.count = 0;
    tile.index++;
    return push(l + 1, tile.buf.subarray(HASHES_AT, HASHES_AT + HASH_SIZE));
  };

  // Tiles the main thread checks itself: those holding captured low nodes, the prefix's last leaf, and the
  // partial tile. Their leaf hashes are needed, not just their roots.
  const special = new Set(
    capture
      .filter((n) => n.level < TILE_HEIGHT)
      .map((n) => Math.floor((n.index * 2 ** n.level) / TILE_WIDTH)),
  );
  if (prefix !== undefined) special.add(Math.floor((prefix - 1) / TILE_WIDTH));
  const leaves = level(0);
  const checkLocally = (t: number, width: number): Failure | undefined => {
    const failure = leafChecker.check(t, width, leaves.buf);
    if (failure) return failure;
    const start = t * TILE_WIDTH;
    entries += width;
    captureFrom(0, t, leaves.buf, width);
    if (prefix !== undefined && prefix > start && prefix <= start + width) {
      // The levels above hold exactly the complete tiles before this one: the prefix's frontier.
      const subtrees = levels
        .slice(1)
        .reverse()
        .flatMap((lv) => partialSubtrees(lv.buf, lv.count));
      prefixRoot = foldRoot([...subtrees, ...partialSubtrees(leaves.buf, prefix - start)]);
    }
    if (width < TILE_WIDTH) {
      leaves.count = width;
      return undefined;
    }
    reduceInPlace(leaves.buf, TILE_WIDTH);
    return push(1, leaves.buf.subarray(HASHES_AT, HASHES_AT + HASH_SIZE));
  };
  const apply = (from: number, result: ChunkResult): Failure | undefined => {
    for (let i = 0; i < result.count; i++) {
      let failure: Failure | undefined;
      if (special.has(from + i)) failure = checkLocally(from + i, TILE_WIDTH);
      else {
        entries += TILE_WIDTH;
        failure = push(1, result.roots.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
      }
      if (failure) return failure;
    }
    return result.failure;
  };

  const full = Math.floor(size / TILE_WIDTH);
  const chunks = Math.ceil(full / CHUNK);
  // Threads asked for explicitly are used for any export of a few chunks; by default only when it pays.
  const threads = options.threads ?? Math.min(availableParallelism(), 4);
  const worthIt = chunks >= (options.threads === undefined ? MIN_CHUNKS_FOR_THREADS : 2);
  const pool = worthIt && threads > 1 ? startPool(dir, threads - 1) : undefined;
  const fail = (failure: Failure): TreePassResult => ({ failure, captured, entries, tiles: tilesMatched });
  let stopped = false;
  try {
    const results = new Map<number, ChunkResult>();
    const idle: Helper[] = [...(pool?.helpers ?? [])];
    const running = new Set<Promise<void>>();
    const range = (k: number) => [k * CHUNK, Math.min((k + 1) * CHUNK, full)] as const;
    let next = 0;
    for (let applied = 0; applied < chunks;) {
      for (
        let h = idle.findIndex((x) => x.ready);
        h >= 0 && next < chunks;
        h = idle.findIndex((x) => x.ready)
      ) {
        const helper = idle.splice(h, 1)[0]!;
        const k = next++;
        const task: Promise<void> = helper.run(...range(k)).then(
          (result) => void (results.set(k, result), idle.push(helper)),
          () => void (stopped || results.set(k, leafChecker.chunk(...range(k)))),
        );
        running.add(task);
        void task.finally(() => running.delete(task));
      }
      if (next < chunks) {
        const k = next++;
        results.set(k, leafChecker.chunk(...range(k)));
      } else if (!results.has(applied)) await Promise.race(running);
      // Let workers report (results, or that they are ready) before applying what is ready, in order.
      if (running.size > 0 || idle.some((x) => !x.ready)) await new Promise(setImmediate);
      for (let r = results.get(applied); r; r = results.get(applied)) {
        results.delete(applied);
        const failure = apply(range(applied)[0], r);
        if (failure) return fail(failure);
        applied++;
      }
    }
  } finally {
    stopped = true;
    await pool?.close();
  }
  if (size % TILE_WIDTH > 0) {
    const failure = checkLocally(full, size % TILE_WIDTH);
    if (failure) return fail(failure);
  }

  // The partial tiles above level 0, then the root from every level's partial subtrees, highest first.
  const subtrees: Buffer[] = [];
  for (let l = levels.length - 1; l >= 0; l--) {
    const tile = levels[l]!;
    if (tile.count === 0) continue;
    if (l > 0) {
      const failure = checkTile({ level: l, index: tile.index, width: tile.count }, tile.buf, tile.count);
      if (failure) return fail(failure);
    }
    subtrees.push(...partialSubtrees(tile.buf, tile.count));
  }
  const result = { captured, entries, tiles: tilesMatched, root: foldRoot(subtrees) };
  return prefixRoot === undefined ? result : { ...result, prefixRoot };
}
