// Writes and reads a log export in the C2SP tlog-tiles layout: `checkpoint`, `tile/<L>/<N>[.p/<W>]` hash
// tiles and `tile/entries/<N>[.p/<W>]` entry bundles. The writer streams: it holds one bundle and one
// tile per level (the tree's right frontier), never the whole log.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import { HASH_SIZE } from './hash.ts';
import {
  HASHES_AT,
  foldRoot,
  hashBuffer,
  hashBundleLeaves,
  partialSubtrees,
  reduceInPlace,
} from './tile-hash.ts';
import {
  TILE_WIDTH,
  assertEntrySize,
  parseEntryBundle,
  tilePath,
  tilesAtLevel,
  type TileLevel,
} from './tile-layout.ts';

const MAX_WRITES_IN_FLIGHT = 16;

export interface WriteTlogTilesOptions {
  /** Leaves 0, 1, … of the log; reading stops at the checkpoint's size. */
  readonly entries: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** The signed checkpoint note, with any cosignature lines, written verbatim. */
  readonly checkpoint: string;
  /** Called after every bundle with the number of entries written so far. */
  readonly onProgress?: (written: number) => void;
}

/** The checkpoint body of a signed note, without checking any signature (the writer has no keys). */
export function checkpointOfNote(note: string): Checkpoint {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('the checkpoint is not a signed note: no blank line before the signatures');
  return parseCheckpoint(note.slice(0, split + 1));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes `dir/checkpoint` and every full and partial tile and bundle of the checkpoint's tree. */
export async function writeTlogTiles(
  dir: string,
  { entries, checkpoint, onProgress }: WriteTlogTilesOptions,
): Promise<{ size: number; rootHash: Buffer }> {
  const { size, rootHash } = checkpointOfNote(checkpoint);
  // Stale partial tiles of an older export would sit next to the new ones: start from an empty place.
  for (const name of ['checkpoint', 'tile']) {
    if (await exists(join(dir, name)))
      throw new Error(`${join(dir, name)} exists: export into an empty directory`);
  }
  // Writes overlap with hashing, a bounded number at a time; each gets its own copy of the bytes, since
  // the bundle and tile buffers are reused.
  const made = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let writeError: Error | undefined;
  const put = async (level: TileLevel, index: number, width: number, data: Uint8Array) => {
    const path = join(dir, tilePath({ level, index, width }));
    if (!made.has(dirname(path))) await mkdir(dirname(path), { recursive: true });
    made.add(dirname(path));
    const write: Promise<void> = writeFile(path, Buffer.from(data)).catch((error: unknown) => {
      writeError ??= error instanceof Error ? error : new Error(String(error));
    });
    inFlight.add(write);
    void write.finally(() => inFlight.delete(write));
    if (inFlight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(inFlight);
    if (writeError !== undefined) throw writeError;
  };
  const drain = async () => {
    await Promise.all(inFlight);
    if (writeError !== undefined) throw writeError;
  };

  // Builds every tile and returns the root; on any error, waits for the writes already started.
  const build = async (): Promise<Buffer> => {
    // levels[l] holds the hashes of the level-l tile being filled (l = 0: the leaf hashes of the bundle).
    const levels: { buf: Buffer; count: number; index: number }[] = [];
    const level = (l: number) => (levels[l] ??= { buf: hashBuffer(), count: 0, index: 0 });
    const tileBytes = (l: number) => level(l).buf.subarray(HASHES_AT, HASHES_AT + level(l).count * HASH_SIZE);

    // A full tile at level l is written, then its root becomes the next hash of level l + 1.
    const completeTile = async (l: number): Promise<void> => {
      const tile = level(l);
      await put(l, tile.index, TILE_WIDTH, tileBytes(l));
      reduceInPlace(tile.buf, TILE_WIDTH);
      const up = level(l + 1);
      tile.buf.copy(up.buf, HASHES_AT + up.count * HASH_SIZE, HASHES_AT, HASHES_AT + HASH_SIZE);
      tile.count = 0;
      tile.index++;
      if (++up.count === TILE_WIDTH) await completeTile(l + 1);
    };

    let bundle = Buffer.alloc(1 << 18);
    let bundleLength = 0;
    let inBundle = 0;
    let written = 0;
    const flushBundle = async (): Promise<void> => {
      const leaves = level(0);
      hashBundleLeaves(bundle, bundleLength, inBundle, leaves.buf, true);
      leaves.count = inBundle;
      await put('entries', leaves.index, inBundle, bundle.subarray(0, bundleLength));
      written += inBundle;
      if (inBundle === TILE_WIDTH) await completeTile(0);
      bundleLength = 0;
      inBundle = 0;
      onProgress?.(written);
    };

    if (size > 0) {
      for await (const entry of entries) {
        if (!(entry instanceof Uint8Array)) throw new TypeError(`entry ${written + inBundle} is not bytes`);
        assertEntrySize(entry.length, written + inBundle);
        if (bundleLength + 2 + entry.length > bundle.length) {
          const grown = Buffer.alloc(Math.max(bundle.length * 2, bundleLength + 2 + entry.length));
          bundle.copy(grown, 0, 0, bundleLength);
          bundle = grown;
        }
        bundleLength = bundle.writeUInt16BE(entry.length, bundleLength);
        bundle.set(entry, bundleLength);
        bundleLength += entry.length;
        if (++inBundle === TILE_WIDTH) await flushBundle();
        if (written + inBundle === size) break;
      }
    }
    if (written + inBundle < size) {
      throw new Error(`the entries end after ${written + inBundle}, but the checkpoint has size ${size}`);
    }
    if (inBundle > 0) await flushBundle();

    // The partial tiles, and the root: the partial tiles' subtrees, highest level first.
    const subtrees: Buffer[] = [];
    for (let l = levels.length - 1; l >= 0; l--) {
      const tile = levels[l]!;
      if (tile.count === 0) continue;
      await put(l, tile.index, tile.count, tileBytes(l));
      subtrees.push(...partialSubtrees(tile.buf, tile.count));
    }
    await drain();
    return foldRoot(subtrees);
  };
  let root: Buffer;
  try {
    root = await build();
  } finally {
    await Promise.allSettled([...inFlight]);
  }
  if (!root.equals(rootHash)) {
    throw new Error(`the entries do not hash to the checkpoint's root hash (size ${size}): not exported`);
  }
  await writeFile(join(dir, 'checkpoint'), checkpoint);
  return { size, rootHash: root };
}

/** Reads entries [0, size) back from an export, bundle by bundle; throws on a missing or broken bundle. */
export async function* readEntries(dir: string, size: number): AsyncGenerator<Uint8Array> {
  for (const ref of tilesAtLevel(size, 'entries')) {
    const bundle = await readFile(join(dir, tilePath(ref)));
    yield* parseEntryBundle(bundle, ref.width);
  }
}

/** Reads one hash tile, returning its hashes. */
export async function readHashTile(
  dir: string,
  level: number,
  index: number,
  width: number,
): Promise<Buffer[]> {
  const tile = await readFile(join(dir, tilePath({ level, index, width })));
  if (tile.length !== width * HASH_SIZE)
    throw new Error(`tile ${level}/${index} is not ${width} hashes long`);
  const hashes: Buffer[] = [];
  for (let i = 0; i < width; i++) hashes.push(Buffer.from(tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)));
  return hashes;
}
