// RFC 6962 / RFC 9162 §2.1 Merkle tree math over stored node hashes.
//
// A node (level, index) is the root of the complete subtree of 2^level leaves starting at leaf
// index * 2^level. Complete nodes never change once their last leaf is appended, so a store keeps them
// forever and every root or proof is assembled from O(log n) of them. Subtrees that are not complete
// yet (the right border of a tree whose size is not a power of two) are never stored: they are folded
// on demand from the complete nodes that cover them.
//
// Everything here is synchronous and pure: a store first fetches the ids from the *NodeIds functions
// in one query, then passes a getter over the rows (see nodeGetter).
import { HASH_SIZE, emptyRoot, nodeHash } from './hash.ts';

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

export interface StoredNode extends NodeId {
  readonly hash: Uint8Array;
}

/** Returns the stored hash of a complete node, or undefined when the store does not have it. */
export type GetNode = (level: number, index: number) => Uint8Array | undefined;

export class MissingNodeError extends Error {
  readonly level: number;
  readonly index: number;
  constructor(level: number, index: number) {
    super(`the tree store has no node at level ${level}, index ${index}`);
    this.name = 'MissingNodeError';
    this.level = level;
    this.index = index;
  }
}

/** A half-open leaf range [start, end) whose start is aligned, as every RFC 6962 subtree is. */
type Range = readonly [start: number, end: number];

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a safe integer >= 0`);
}

function read(getNode: GetNode, id: NodeId): Uint8Array {
  const hash = getNode(id.level, id.index);
  if (hash === undefined) throw new MissingNodeError(id.level, id.index);
  return hash;
}

/** The largest power of two strictly below n (n >= 2): RFC 6962's split point k. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Complete nodes covering [start, end), left to right (one per set bit of end - start). */
function rangeNodeIds([start, end]: Range): NodeId[] {
  const ids: NodeId[] = [];
  let size = end - start;
  let width = 1;
  let level = 0;
  while (width * 2 <= size) {
    width *= 2;
    level++;
  }
  let at = start;
  for (; size > 0; width /= 2, level--) {
    if (size < width) continue;
    ids.push({ level, index: at / width });
    at += width;
    size -= width;
  }
  return ids;
}

/** MTH of a range: its complete nodes folded right to left, as RFC 6962's split recursion does. */
function rangeHash(range: Range, getNode: GetNode): Buffer {
  const hashes = rangeNodeIds(range).map((id) => read(getNode, id));
  const last = hashes.pop();
  if (last === undefined) return emptyRoot();
  return hashes.reduceRight<Buffer>((right, left) => nodeHash(left, right), Buffer.from(last));
}

/** Left siblings that appending leaf number `size` (0-based) hashes with: prefetch these. */
export function appendNodeIds(size: number): NodeId[] {
  assertCount(size, 'size');
  const ids: NodeId[] = [];
  for (let level = 0, index = size; index % 2 === 1; level++, index = (index - 1) / 2) {
    ids.push({ level, index: index - 1 });
  }
  return ids;
}

/**
 * The nodes that become complete when leaf number `size` (0-based) is appended: the leaf itself and one
 * parent per trailing one bit of `size`. Amortised two per append, at most log2(n) + 1; insert them in
 * the transaction that appends the leaf.
 */
export function nodesToStoreOnAppend(size: number, leafHash: Uint8Array, getNode: GetNode): StoredNode[] {
  assertCount(size, 'size');
  if (leafHash.length !== HASH_SIZE) throw new RangeError(`a leaf hash is ${HASH_SIZE} bytes`);
  let hash: Uint8Array = leafHash;
  const nodes: StoredNode[] = [{ level: 0, index: size, hash }];
  for (const left of appendNodeIds(size)) {
    hash = nodeHash(read(getNode, left), hash);
    nodes.push({ level: left.level + 1, index: left.index / 2, hash });
  }
  return nodes;
}

export function rootNodeIds(size: number): NodeId[] {
  assertCount(size, 'size');
  return rangeNodeIds([0, size]);
}

/** Root hash of the tree of the given size; the empty tree's root is SHA-256 of nothing. */
export function rootAt(size: number, getNode: GetNode): Buffer {
  assertCount(size, 'size');
  return rangeHash([0, size], getNode);
}

/** RFC 6962 §2.1.1 PATH(m, D[n]) as leaf ranges, deepest first. */
function inclusionRanges(index: number, size: number): Range[] {
  assertCount(index, 'index');
  assertCount(size, 'size');
  if (index >= size) throw new RangeError(`index ${index} is not below tree size ${size}`);
  const ranges: Range[] = [];
  for (let start = 0, end = size; end - start > 1;) {
    const mid = start + splitPoint(end - start);
    if (index < mid) {
      ranges.push([mid, end]);
      end = mid;
    } else {
      ranges.push([start, mid]);
      start = mid;
    }
  }
  return ranges.reverse();
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as leaf ranges, deepest first. */
function consistencyRanges(m: number, n: number): Range[] {
  assertCount(m, 'size1');
  assertCount(n, 'size2');
  if (m > n) throw new RangeError(`size1 ${m} is above size2 ${n}`);
  if (m === 0 && n > 0) throw new RangeError('a consistency proof from the empty tree is meaningless');
  const ranges: Range[] = [];
  let known = true; // SUBPROOF's b: the verifier already holds the hash of D[start:m].
  for (let start = 0, end = n; ;) {
    if (m === end) {
      if (!known) ranges.push([start, end]);
      break;
    }
    const mid = start + splitPoint(end - start);
    if (m <= mid) {
      ranges.push([mid, end]);
      end = mid;
    } else {
      ranges.push([start, mid]);
      start = mid;
      known = false;
    }
  }
  return ranges.reverse();
}

const flatIds = (ranges: Range[]): NodeId[] => ranges.flatMap(rangeNodeIds);

export function inclusionProofNodeIds(index: number, size: number): NodeId[] {
  return flatIds(inclusionRanges(index, size));
}

export function consistencyProofNodeIds(m: number, n: number): NodeId[] {
  return flatIds(consistencyRanges(m, n));
}

/** Audit path for leaf `index` in the tree of `size` leaves, deepest sibling first. */
export function inclusionProof(index: number, size: number, getNode: GetNode): Buffer[] {
  return inclusionRanges(index, size).map((range) => rangeHash(range, getNode));
}

/** Proof that the tree of size m is a prefix of the tree of size n (0 < m <= n; empty when m = n). */
export function consistencyProof(m: number, n: number, getNode: GetNode): Buffer[] {
  return consistencyRanges(m, n).map((range) => rangeHash(range, getNode));
}

/** A GetNode over fetched rows, for stores that prefetch the ids listed above. */
export function nodeGetter(nodes: Iterable<StoredNode>): GetNode {
  const byId = new Map<string, Uint8Array>();
  for (const node of nodes) byId.set(`${node.level}/${node.index}`, node.hash);
  return (level, index) => byId.get(`${level}/${index}`);
}

/** RFC 6962 MTH straight from the definition, for tests. */
export function naiveRoot(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return emptyRoot();
  if (leafHashes.length === 1) return Buffer.from(leafHashes[0]!);
  const k = splitPoint(leafHashes.length);
  return nodeHash(naiveRoot(leafHashes.slice(0, k)), naiveRoot(leafHashes.slice(k)));
}
