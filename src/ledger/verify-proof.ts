// Proof verification as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) specify it, plus the
// subtree proofs of transparency-dev/merkle (draft-ietf-plants-merkle-tree-certs). Every function throws
// a ProofError on failure and returns nothing on success, so a caller cannot forget to check a boolean.
//
// Sizes and indices are JavaScript safe integers (< 2^53); anything else is rejected as an argument error.
import { timingSafeEqual } from 'node:crypto';
import { HASH_SIZE, emptyRoot, nodeHash } from './hash.ts';

export type ProofErrorCode =
  | 'invalid-argument' // a size or index is not a safe integer, or the sizes are in the wrong order
  | 'invalid-subtree' // [start, end) is not a subtree: start must be a multiple of bit_ceil(end - start)
  | 'index-out-of-range'
  | 'wrong-hash-size' // a leaf hash or proof node is not 32 bytes
  | 'proof-not-empty' // nothing to prove, yet the proof has nodes
  | 'proof-empty'
  | 'proof-too-long' // RFC 9162: sn reached 0 before the path ended
  | 'proof-too-short' // RFC 9162: sn is not 0 once the path ended
  | 'root-mismatch';

export class ProofError extends Error {
  readonly code: ProofErrorCode;
  constructor(code: ProofErrorCode, message: string) {
    super(message);
    this.name = 'ProofError';
    this.code = code;
  }
}

type Proof = readonly Uint8Array[];

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ProofError('invalid-argument', `${what} must be a safe integer >= 0, got ${value}`);
  }
}

function assertHashes(leafHash: Uint8Array | undefined, proof: Proof): void {
  if (leafHash !== undefined && leafHash.length !== HASH_SIZE) {
    throw new ProofError('wrong-hash-size', `the leaf hash is ${leafHash.length} bytes, not ${HASH_SIZE}`);
  }
  proof.forEach((node, i) => {
    if (node.length !== HASH_SIZE) {
      throw new ProofError('wrong-hash-size', `proof node ${i} is ${node.length} bytes, not ${HASH_SIZE}`);
    }
  });
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);

function assertRoot(calculated: Uint8Array, expected: Uint8Array, which: string): void {
  if (!same(calculated, expected)) {
    throw new ProofError('root-mismatch', `the proof does not lead to the expected ${which}`);
  }
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** RFC 9162 §2.1.3.2 steps 1–4: the root that `proof` leads to from `leafHash`. */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Proof,
): Buffer {
  assertCount(index, 'index');
  assertCount(size, 'size');
  if (index >= size)
    throw new ProofError('index-out-of-range', `index ${index} is not below tree size ${size}`);
  assertHashes(leafHash, proof);
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) throw new ProofError('proof-too-long', `the inclusion proof has more than ${size} levels`);
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // On the right border a left child without a right sibling is promoted as it is.
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) throw new ProofError('proof-too-short', 'the inclusion proof ends below the root');
  return r;
}

/** RFC 9162 §2.1.3.2: leaf `leafHash` is at `index` in the tree of `size` leaves whose root is `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Proof,
  root: Uint8Array,
) {
  assertRoot(rootFromInclusionProof(index, size, leafHash, proof), root, 'root');
}

/** Holds when [start, end) is a node of some tree: start is a multiple of bit_ceil(end - start). */
export function isSubtree(start: number, end: number): boolean {
  if (start > end) return false;
  if (start === 0 || start === end) return true;
  let ceil = 1;
  while (ceil < end - start) ceil *= 2;
  return start % ceil === 0;
}

function assertSubtree(start: number, end: number): void {
  assertCount(start, 'start');
  assertCount(end, 'end');
  if (!isSubtree(start, end)) throw new ProofError('invalid-subtree', `[${start}, ${end}) is not a subtree`);
}

/** Leaf `leafHash` at `index` is in the subtree [start, end) whose root hash is `root`. */
export function verifySubtreeInclusion(
  index: number,
  start: number,
  end: number,
  leafHash: Uint8Array,
  proof: Proof,
  root: Uint8Array,
): void {
  assertSubtree(start, end);
  assertCount(index, 'index');
  if (index < start || index >= end) {
    throw new ProofError('index-out-of-range', `index ${index} is outside [${start}, ${end})`);
  }
  // A subtree is aligned, so its proof is the ordinary proof in a tree of end - start leaves.
  verifyInclusion(index - start, end - start, leafHash, proof, root);
}

/**
 * RFC 9162 §2.1.4.2 steps 2–7, generalised from the prefix [0, end) to an aligned subtree [start, end)
 * of the tree of `size` leaves (end < size, or start > 0). With start = 0 it is exactly the RFC: every
 * left sibling lies inside [0, end). For start > 0 only left siblings below the subtree's height
 * lie inside it, so only they rebuild its root. Returns [rebuilt subtree root, rebuilt tree root].
 */
function chainConsistency(start: number, end: number, size: number, proof: Proof, subRoot: Uint8Array) {
  const width = end - start;
  let height = 0; // levels of the smallest node that holds the subtree
  while (2 ** height < width) height++;
  const complete = 2 ** height === width;
  let level = 0;
  let path = proof;
  if (complete || end === size) {
    // The verifier already holds this node's hash (RFC step 2 prepends it when `first` is a power of 2).
    level = height;
    path = [subRoot, ...proof];
  } else {
    // Step 4: the proof starts at the largest complete node that ends at `end`.
    while ((width / 2 ** level) % 2 === 0) level++;
  }
  let fn = Math.floor((end - 1) / 2 ** level);
  let sn = Math.floor((size - 1) / 2 ** level);
  const [seed, ...rest] = path;
  if (seed === undefined) throw new ProofError('proof-empty', 'the consistency proof is empty');
  let fr: Buffer = Buffer.from(seed);
  let sr: Buffer = Buffer.from(seed);
  for (const c of rest) {
    if (sn === 0) throw new ProofError('proof-too-long', 'the consistency proof has nodes above the root');
    if (isOdd(fn) || fn === sn) {
      // A left sibling: below `height` it lies inside [start, end) (promotion never crosses height).
      if (level < height) fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) [fn, sn, level] = [half(fn), half(sn), level + 1];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn, level] = [half(fn), half(sn), level + 1];
  }
  if (sn !== 0) throw new ProofError('proof-too-short', 'the consistency proof ends below the root');
  return [fr, sr] as const;
}

/** RFC 9162 §2.1.4.2: the tree of size1 leaves with root1 is a prefix of the one of size2 with root2. */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: Proof,
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  assertCount(size1, 'size1');
  assertCount(size2, 'size2');
  if (size1 > size2) throw new ProofError('invalid-argument', `size1 ${size1} is above size2 ${size2}`);
  // The RFC defines proofs for 0 < first < second. The empty tree is a prefix of every tree, so a
  // proof from it proves nothing, and accepting one would let any root pass for size 0.
  if (size1 === 0)
    throw new ProofError('invalid-argument', 'a consistency proof from the empty tree is meaningless');
  assertHashes(undefined, proof);
  if (size1 === size2) {
    if (proof.length > 0) throw new ProofError('proof-not-empty', 'equal sizes need an empty proof');
    assertRoot(root1, root2, 'second root (equal sizes)');
    return;
  }
  // Step 1.
  if (proof.length === 0) throw new ProofError('proof-empty', 'the consistency proof is empty');
  const [fr, sr] = chainConsistency(0, size1, size2, proof, root1);
  assertRoot(fr, root1, 'first root');
  assertRoot(sr, root2, 'second root');
}

/** The subtree [start, end) with root `subRoot` is part of the tree of `size` leaves with root `root`. */
export function verifySubtreeConsistency(
  start: number,
  end: number,
  size: number,
  proof: Proof,
  subRoot: Uint8Array,
  root: Uint8Array,
): void {
  assertSubtree(start, end);
  assertCount(size, 'size');
  if (end > size) throw new ProofError('invalid-argument', `the subtree ends at ${end}, after size ${size}`);
  assertHashes(undefined, proof);
  if (start === end) {
    // An empty subtree is part of every tree; only its root can be wrong.
    if (proof.length > 0) throw new ProofError('proof-not-empty', 'an empty subtree needs an empty proof');
    assertRoot(subRoot, emptyRoot(), 'empty subtree root');
    return;
  }
  if (start === 0 && end === size) {
    if (proof.length > 0) throw new ProofError('proof-not-empty', 'the subtree is the whole tree');
    assertRoot(subRoot, root, 'root (the subtree is the whole tree)');
    return;
  }
  if (proof.length === 0) throw new ProofError('proof-empty', 'the consistency proof is empty');
  const [fr, sr] = chainConsistency(start, end, size, proof, subRoot);
  assertRoot(fr, subRoot, 'subtree root');
  assertRoot(sr, root, 'tree root');
}
