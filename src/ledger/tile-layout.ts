// C2SP tlog-tiles (c2sp.org/tlog-tiles) layout: where every hash tile and entry bundle of a tree lives, how
// wide it is, and how entries are framed in a bundle. Pure arithmetic on safe integers; no I/O.

/** Tiles are subtrees of height 8: 256 hashes (8,192 bytes) when full. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** Entries in a bundle carry a big-endian uint16 length prefix, so no entry can be longer than this. */
export const MAX_ENTRY_SIZE = 0xffff;
/** Levels are 0..63 in tile paths. */
export const MAX_LEVEL = 63;

export type TileLevel = number | 'entries';

export interface TileRef {
  /** A hash tile level (0 = leaf hashes), or 'entries' for an entry bundle. */
  readonly level: TileLevel;
  readonly index: number;
  /** Hashes (or entries) in the tile: 256 for a full tile, 1..255 for a partial one. */
  readonly width: number;
}

/** `<N>` as zero-padded 3-digit path elements, all but the last prefixed with `x`: 1234067 → x001/x234/067. */
export function encodeTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad tile index ${index}`);
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** Path of a tile or bundle relative to the log prefix, with `.p/<W>` for partial ones. */
export function tilePath({ level, index, width }: TileRef): string {
  if (level !== 'entries' && (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL)) {
    throw new RangeError(`bad tile level ${level}`);
  }
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`bad width ${width}`);
  const partial = width < TILE_WIDTH ? `.p/${width}` : '';
  return `tile/${level}/${encodeTileIndex(index)}${partial}`;
}

const LEVEL = /^(?:entries|0|[1-9][0-9]?)$/;
const WIDTH = /^[1-9][0-9]{0,2}$/;

/** The tile a relative path names, or undefined when it is not a canonical tile path. */
export function parseTilePath(path: string): TileRef | undefined {
  const m = /^tile\/([^/]+)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([^/]+))?$/.exec(path);
  if (!m || !LEVEL.test(m[1]!)) return undefined;
  const level: TileLevel = m[1] === 'entries' ? 'entries' : Number(m[1]);
  if (level !== 'entries' && level > MAX_LEVEL) return undefined;
  const index = Number(m[2]!.replaceAll('x', '').replaceAll('/', ''));
  if (!Number.isSafeInteger(index)) return undefined;
  const width = m[3] === undefined ? TILE_WIDTH : WIDTH.test(m[3]) ? Number(m[3]) : 0;
  if (width < 1 || width > TILE_WIDTH || (m[3] !== undefined && width === TILE_WIDTH)) return undefined;
  const ref: TileRef = { level, index, width };
  // Only one spelling per tile: no redundant leading groups such as x000/005.
  return tilePath(ref) === path ? ref : undefined;
}

/** Leaves covered by one hash at `level`: 256^level. */
export function leavesPerHash(level: number): number {
  return TILE_WIDTH ** level;
}

/** Hashes the tree of `size` leaves has at `level` (the number of complete 256^level-leaf subtrees). */
export function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / leavesPerHash(level));
}

/** Every tile (full, then the partial one) of a level for a tree of `size` leaves, in index order. */
export function* tilesAtLevel(size: number, level: TileLevel): Generator<TileRef> {
  const count = hashesAtLevel(size, level === 'entries' ? 0 : level);
  const full = Math.floor(count / TILE_WIDTH);
  for (let index = 0; index < full; index++) yield { level, index, width: TILE_WIDTH };
  if (count % TILE_WIDTH > 0) yield { level, index: full, width: count % TILE_WIDTH };
}

/** The hash tile levels a tree of `size` leaves has: 0 up to the last level with at least one hash. */
export function levelCount(size: number): number {
  let levels = 0;
  while (hashesAtLevel(size, levels) > 0) levels++;
  return levels;
}

/** Whether a tree of `size` leaves has exactly this tile (same index and width). */
export function isTileOf(size: number, { level, index, width }: TileRef): boolean {
  const count = hashesAtLevel(size, level === 'entries' ? 0 : level);
  const full = Math.floor(count / TILE_WIDTH);
  return index < full ? width === TILE_WIDTH : index === full && width === count % TILE_WIDTH;
}

/** First leaf covered by hash `offset` of the tile: (index·256 + offset)·256^level. */
export function firstLeafOf(ref: TileRef, offset = 0): number {
  const level = ref.level === 'entries' ? 0 : ref.level;
  return (ref.index * TILE_WIDTH + offset) * leavesPerHash(level);
}

/** Frames entries as a bundle: each one as a big-endian uint16 length, then its bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  const out = Buffer.alloc(entries.reduce((sum, e) => sum + 2 + e.length, 0));
  let at = 0;
  entries.forEach((entry, i) => {
    assertEntrySize(entry.length, i);
    at = out.writeUInt16BE(entry.length, at);
    out.set(entry, at);
    at += entry.length;
  });
  return out;
}

export class EntryBundleError extends Error {
  /** Position of the entry in the bundle that breaks the framing. */
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.name = 'EntryBundleError';
    this.offset = offset;
  }
}

/** Splits a bundle into exactly `width` entries; throws EntryBundleError on any framing fault. */
export function parseEntryBundle(bundle: Uint8Array, width: number): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < width; i++) {
    if (at === bundle.length) throw new EntryBundleError(i, `the bundle ends after ${i} of ${width} entries`);
    if (at + 2 > bundle.length) throw new EntryBundleError(i, `entry ${i} has a truncated length`);
    const length = (bundle[at]! << 8) | bundle[at + 1]!;
    if (at + 2 + length > bundle.length) throw new EntryBundleError(i, `entry ${i} is truncated`);
    entries.push(bundle.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (at !== bundle.length) throw new EntryBundleError(width, `extra bytes after entry ${width - 1}`);
  return entries;
}

export function assertEntrySize(length: number, index: number): void {
  if (length > MAX_ENTRY_SIZE) {
    throw new RangeError(
      `entry ${index} is ${length} bytes; tlog-tiles entry bundles frame entries with a 16-bit length, ` +
        `so an entry can be at most ${MAX_ENTRY_SIZE} bytes`,
    );
  }
}
