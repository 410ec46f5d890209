// The hot loops of the tile writer and the offline verifier: RFC 6962 leaf and node hashes computed in
// place in reusable buffers.
//
// Why it looks like this: a million leaves mean two million SHA-256 calls, so per-call overhead is what
// counts. crypto.hash() with a string output is several times faster than with a Buffer output (which
// allocates a backing store per call), and the digest is copied back into a preallocated buffer with
// latin1 (one byte per char). The hash prefix byte is written into the buffer just before the data instead
// of concatenating: before an entry in a bundle sits the low byte of its length (already read), and before
// a pair of hashes sits the tail of the pair already reduced.
import { hash } from 'node:crypto';
import { HASH_SIZE, emptyRoot } from './hash.ts';
import { TILE_WIDTH } from './tile-layout.ts';

const ENC = 'binary'; // latin1: one byte per char
/** Hash buffers keep one spare byte in front of hash 0 for the node prefix. */
export const HASHES_AT = 1;

/** A buffer for up to 256 hashes: hash i sits at HASHES_AT + 32·i. */
export function hashBuffer(): Buffer {
  return Buffer.alloc(HASHES_AT + TILE_WIDTH * HASH_SIZE);
}

// A plain Uint8Array view costs less to make than a Buffer subarray, and crypto.hash takes any view.
const view = (buf: Buffer, start: number, end: number) =>
  new Uint8Array(buf.buffer, buf.byteOffset + start, end - start);

export interface BundleScan {
  /** Entries framed and hashed. */
  readonly count: number;
  /** Bytes consumed by them. */
  readonly end: number;
  /** Why scanning stopped before `width` entries: the bundle ended cleanly, or mid-entry. */
  readonly stop?: 'ended' | 'truncated';
}

/**
 * Hashes up to `width` length-prefixed entries of bundle[0, length) as RFC 6962 leaves into `out`.
 * Destroys the low length byte of every entry it hashes (it becomes the 0x00 leaf prefix), and
 * restores it when `restore` is set.
 */
export function hashBundleLeaves(
  bundle: Buffer,
  length: number,
  width: number,
  out: Buffer,
  restore = false,
): BundleScan {
  let at = 0;
  for (let i = 0; i < width; i++) {
    if (at === length) return { count: i, end: at, stop: 'ended' };
    if (at + 2 > length) return { count: i, end: at, stop: 'truncated' };
    const low = bundle[at + 1]!;
    const size = (bundle[at]! << 8) | low;
    const end = at + 2 + size;
    if (end > length) return { count: i, end: at, stop: 'truncated' };
    bundle[at + 1] = 0x00;
    out.write(hash('sha256', view(bundle, at + 1, end), ENC), HASHES_AT + HASH_SIZE * i, ENC);
    if (restore) bundle[at + 1] = low;
    at = end;
  }
  return { count: width, end: at };
}

/** RFC 6962 leaf hash of one entry (allocates; for the cold paths). */
export function leafHashOf(entry: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(entry.length + 1);
  buf[0] = 0x00;
  buf.set(entry, 1);
  return Buffer.from(hash('sha256', buf, ENC), ENC);
}

/**
 * Root of the complete subtree over `count` hashes (a power of two) held in `buf` from HASHES_AT on.
 * Reduces in place: the hashes are overwritten, the root ends up in slot 0.
 */
export function reduceInPlace(buf: Buffer, count: number): void {
  for (let width = count; width > 1; width >>= 1) {
    for (let i = 0; i < width >> 1; i++) {
      // Pair i is hashes 2i and 2i+1 at HASHES_AT + 64i; results before it never overlap it.
      const at = HASHES_AT + 2 * HASH_SIZE * i;
      buf[at - 1] = 0x01;
      buf.write(
        hash('sha256', buf.subarray(at - 1, at + 2 * HASH_SIZE), ENC),
        HASHES_AT + HASH_SIZE * i,
        ENC,
      );
    }
  }
}

/** Copy of hash `i` of a hash buffer. */
export function hashAt(buf: Buffer, i: number): Buffer {
  return Buffer.from(buf.subarray(HASHES_AT + HASH_SIZE * i, HASHES_AT + HASH_SIZE * (i + 1)));
}

/** RFC 6962 interior node hash (allocates; for the cold paths). */
export function nodeHashOf(left: Uint8Array, right: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_SIZE);
  return Buffer.from(hash('sha256', buf, ENC), ENC);
}

/** Root hash of a complete subtree of 2^k hashes, not modifying the input. */
export function subtreeRoot(hashes: readonly Uint8Array[]): Buffer {
  const buf = Buffer.alloc(HASHES_AT + hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => buf.set(h, HASHES_AT + HASH_SIZE * i));
  reduceInPlace(buf, hashes.length);
  return hashAt(buf, 0);
}

/**
 * RFC 6962 MTH of a tree given as its complete subtrees left to right, largest first (one per set bit
 * of the size): the subtree hashes folded right to left. The empty list is the empty tree.
 */
export function foldRoot(subtrees: readonly Uint8Array[]): Buffer {
  if (subtrees.length === 0) return emptyRoot();
  let root: Buffer = Buffer.from(subtrees[subtrees.length - 1]!);
  for (let i = subtrees.length - 2; i >= 0; i--) root = nodeHashOf(subtrees[i]!, root);
  return root;
}

/**
 * The complete subtrees (largest first) that the first `count` hashes of one tile level contribute to a
 * root: one per set bit of `count`, each the root of consecutive hashes in the buffer.
 */
export function partialSubtrees(buf: Buffer, count: number): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let bit = TILE_WIDTH; bit >= 1; bit >>= 1) {
    if ((count & bit) === 0) continue;
    const slice: Buffer[] = [];
    for (let i = at; i < at + bit; i++) slice.push(hashAt(buf, i));
    out.push(subtreeRoot(slice));
    at += bit;
  }
  return out;
}
