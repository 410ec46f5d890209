import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { leafHash } from './hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { type GetNode, inclusionProof, naiveRoot } from './tree.ts';
import {
  ProofError,
  isSubtree,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeConsistency,
  verifySubtreeInclusion,
} from './verify-proof.ts';

const MAX = 2048;
const leaves = Array.from({ length: MAX }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
const tree = new MemoryTree();
for (const leaf of leaves) tree.append(leaf);

function accepts(verify: () => void): boolean {
  // Tampering tests throw hundreds of thousands of errors: skip the stack traces nobody reads.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    verify();
    return true;
  } catch (error) {
    if (error instanceof ProofError) return false;
    throw error;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function flipBit(bytes: Uint8Array, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

const flipNumber = (n: number, bit: number): number => Number(BigInt(n) ^ (1n << BigInt(bit)));
const bitLength = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);
const popcount = (n: bigint): number => n.toString(2).replaceAll('0', '').length;
const sides = (index: bigint, from: number, to: number): string =>
  Array.from({ length: to - from }, (_, i) => ((index >> BigInt(from + i)) & 1n ? 'L' : 'R')).join('');

// What an RFC 9162 verifier computes is fixed by the order in which it combines the path: which side each
// node joins on (transparency-dev's inner/border decomposition). A changed index or size with the same
// shape makes the verifier run the same hashes, so it must accept; with another shape it must refuse.
// Size flips can keep the shape (e.g. index 0 in sizes 5 and 7): the proof does not bind the size, the
// signed checkpoint that pairs the size with the root does.
function inclusionShape(index: number, size: number): string | undefined {
  if (index < 0 || index >= size || !Number.isSafeInteger(size)) return undefined;
  const i = BigInt(index);
  const inner = bitLength(i ^ BigInt(size - 1));
  return sides(i, 0, inner) + 'L'.repeat(popcount(i >> BigInt(inner)));
}

function consistencyShape(m: number, n: number): string | undefined {
  if (m <= 0 || m > n || !Number.isSafeInteger(n)) return undefined;
  if (m === n) return '=';
  const last = BigInt(m - 1);
  const inner = bitLength(last ^ BigInt(n - 1));
  const shift = bitLength(BigInt(m) & -BigInt(m)) - 1; // trailing zeros of m
  const seed = shift === bitLength(BigInt(m)) - 1 ? 'root1' : 'node';
  return seed + sides(last, shift, inner) + 'L'.repeat(popcount(last >> BigInt(inner)));
}

function checkInclusion(
  index: number,
  size: number,
  bits: readonly number[],
  nodeBits: (n: number) => number[],
) {
  const proof = tree.inclusionProof(index, size);
  const root = tree.root(size);
  const leaf = leaves[index]!;
  verifyInclusion(index, size, leaf, proof, root);
  assert.deepEqual(rootFromInclusionProof(index, size, leaf, proof), root);
  assert.equal(
    accepts(() => verifyInclusion(index, size, flipBit(leaf, index % 256), proof, root)),
    false,
  );
  assert.equal(
    accepts(() => verifyInclusion(index, size, leaf, proof, flipBit(root, size % 256))),
    false,
  );
  proof.forEach((node, k) => {
    for (const bit of nodeBits(k)) {
      const bad = proof.map((p, j) => (j === k ? flipBit(p, bit) : p));
      assert.equal(
        accepts(() => verifyInclusion(index, size, leaf, bad, root)),
        false,
        `node ${k} bit ${bit}`,
      );
    }
  });
  const shape = inclusionShape(index, size);
  for (const bit of bits) {
    const i2 = flipNumber(index, bit);
    const s2 = flipNumber(size, bit);
    assert.equal(
      accepts(() => verifyInclusion(i2, size, leaf, proof, root)),
      inclusionShape(i2, size) === shape,
    );
    const sameShape = inclusionShape(index, s2) === shape;
    assert.equal(
      accepts(() => verifyInclusion(index, s2, leaf, proof, root)),
      sameShape,
      `size ${s2}`,
    );
    if (sameShape && s2 <= MAX) assert.notDeepEqual(tree.root(s2), root);
  }
}

function checkConsistency(m: number, n: number, bits: readonly number[], nodeBits: (n: number) => number[]) {
  const proof = tree.consistencyProof(m, n);
  const [root1, root2] = [tree.root(m), tree.root(n)];
  verifyConsistency(m, n, proof, root1, root2);
  assert.equal(
    accepts(() => verifyConsistency(m, n, proof, flipBit(root1, 7), root2)),
    false,
  );
  assert.equal(
    accepts(() => verifyConsistency(m, n, proof, root1, flipBit(root2, 200))),
    false,
  );
  proof.forEach((node, k) => {
    for (const bit of nodeBits(k)) {
      const bad = proof.map((p, j) => (j === k ? flipBit(p, bit) : p));
      assert.equal(
        accepts(() => verifyConsistency(m, n, bad, root1, root2)),
        false,
        `node ${k} bit ${bit}`,
      );
    }
  });
  const shape = consistencyShape(m, n);
  for (const bit of bits) {
    const [m2, n2] = [flipNumber(m, bit), flipNumber(n, bit)];
    assert.equal(
      accepts(() => verifyConsistency(m2, n, proof, root1, root2)),
      consistencyShape(m2, n) === shape,
    );
    assert.equal(
      accepts(() => verifyConsistency(m, n2, proof, root1, root2)),
      consistencyShape(m, n2) === shape,
    );
  }
}

describe('transparency-dev/merkle conformance vectors', () => {
  const base = new URL('../../test/vectors/transparency-dev-merkle/testdata/', import.meta.url);
  const b64 = (text: string): Buffer => Buffer.from(text, 'base64');
  const nodes = (list: string[] | null): Buffer[] => (list ?? []).map(b64);
  interface Vector {
    leafIdx: number;
    treeSize: number;
    size1: number;
    size2: number;
    start: number;
    end: number;
    size: number;
    leafHash: string;
    root: string;
    root1: string;
    root2: string;
    proof: string[] | null;
    wantErr: boolean;
  }
  const run: Record<string, (t: Vector) => void> = {
    inclusion: (t) => verifyInclusion(t.leafIdx, t.treeSize, b64(t.leafHash), nodes(t.proof), b64(t.root)),
    consistency: (t) => verifyConsistency(t.size1, t.size2, nodes(t.proof), b64(t.root1), b64(t.root2)),
    subtreeinclusion: (t) =>
      verifySubtreeInclusion(t.leafIdx, t.start, t.end, b64(t.leafHash), nodes(t.proof), b64(t.root)),
    subtreeconsistency: (t) =>
      verifySubtreeConsistency(t.start, t.end, t.size, nodes(t.proof), b64(t.root1), b64(t.root2)),
  };
  for (const [dir, verify] of Object.entries(run)) {
    it(`agrees with every ${dir} file`, () => {
      const files = (readdirSync(new URL(dir, base), { recursive: true }) as string[]).filter((f) =>
        f.endsWith('.json'),
      );
      assert.ok(files.length >= 90, `${files.length} files in ${dir}`);
      const disagreements = files.filter((file) => {
        const t = JSON.parse(readFileSync(new URL(`${dir}/${file}`, base), 'utf8')) as Vector;
        return accepts(() => verify(t)) === t.wantErr;
      });
      assert.deepEqual(disagreements, []);
    });
  }
});

describe('generated proofs, every tree up to 100 leaves', () => {
  const lowBits = [0, 1, 2, 3, 4, 5, 6]; // higher flips leave 0..100 and are covered below
  it('every inclusion proof verifies; tampered ones only where the shape allows', () => {
    for (let size = 1; size <= 100; size++) {
      for (let index = 0; index < size; index++)
        checkInclusion(index, size, lowBits, (k) => [(k * 37) % 256]);
    }
  });
  it('every consistency proof verifies; tampered ones only where the shape allows', () => {
    for (let n = 1; n <= 100; n++) {
      for (let m = 1; m <= n; m++) checkConsistency(m, n, lowBits, (k) => [(k * 37 + m) % 256]);
    }
  });
});

describe('generated proofs, random trees up to 2048 leaves', () => {
  const allBits = Array.from({ length: 53 }, (_, i) => i);
  const every = (): number[] => Array.from({ length: 256 }, (_, i) => i);
  it('inclusion: any flipped index or size bit (accepted only with the same shape), a random proof bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.nat(), fc.nat(255), (size, seed, bit) => {
        checkInclusion(seed % size, size, allBits, () => [bit]);
      }),
      { numRuns: 100 },
    );
  });
  it('consistency: any flipped size bit (accepted only with the same shape), a random proof bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.nat(), fc.nat(255), (n, seed, bit) => {
        checkConsistency(1 + (seed % n), n, allBits, () => [bit]);
      }),
      { numRuns: 100 },
    );
  });
  it('rejects every one of the 256 single-bit flips of every proof node', () => {
    checkInclusion(1234, 2047, [], every);
    checkInclusion(2046, 2047, [], every);
    checkConsistency(1000, 2047, [], every);
    checkConsistency(1024, 1999, [], every);
  });
});

describe('subtree proofs', () => {
  const memo = new Map<string, Buffer>();
  const mth = (start: number, end: number): Buffer => {
    const key = `${start}/${end}`;
    let hash = memo.get(key);
    if (hash === undefined) memo.set(key, (hash = naiveRoot(leaves.slice(start, end))));
    return hash;
  };
  // The subtree consistency proof as a recursion over ranges, written from the definition: like RFC 6962
  // SUBPROOF, with the subtree in place of the prefix D[0:m].
  function subtreeProof(start: number, end: number, lo: number, hi: number, known: boolean): Buffer[] {
    if (start === lo && end === hi) return known ? [] : [mth(lo, hi)];
    let k = 1;
    while (k * 2 < hi - lo) k *= 2;
    if (end <= lo + k) return [...subtreeProof(start, end, lo, lo + k, known), mth(lo + k, hi)];
    if (start >= lo + k) return [...subtreeProof(start, end, lo + k, hi, known), mth(lo, lo + k)];
    assert.equal(start, lo);
    return [...subtreeProof(lo + k, end, lo + k, hi, false), mth(lo, lo + k)];
  }

  it('verifies every subtree inclusion proof up to 64 leaves and rejects wrong indices', () => {
    for (let end = 1; end <= 64; end++) {
      for (let start = 0; start < end; start++) {
        if (!isSubtree(start, end)) continue;
        const shifted: GetNode = (level, index) => tree.getNode(level, index + start / 2 ** level);
        const root = mth(start, end);
        for (let index = start; index < end; index++) {
          const proof = inclusionProof(index - start, end - start, shifted);
          verifySubtreeInclusion(index, start, end, leaves[index]!, proof, root);
          assert.equal(
            accepts(() => verifySubtreeInclusion(index ^ 1, start, end, leaves[index]!, proof, root)),
            false,
          );
        }
      }
    }
    assert.throws(() => verifySubtreeInclusion(2, 2, 5, leaves[2]!, [], mth(2, 5)), {
      code: 'invalid-subtree',
    });
  });

  it('verifies every subtree consistency proof up to 40 leaves and rejects any flipped bit', () => {
    for (let size = 1; size <= 40; size++) {
      for (let end = 1; end <= size; end++) {
        for (let start = 0; start < end; start++) {
          if (!isSubtree(start, end)) continue;
          const proof = start === 0 && end === size ? [] : subtreeProof(start, end, 0, size, true);
          if (start === 0 && end < size) assert.deepEqual(proof, tree.consistencyProof(end, size));
          const [sub, root] = [mth(start, end), mth(0, size)];
          verifySubtreeConsistency(start, end, size, proof, sub, root);
          assert.equal(
            accepts(() => verifySubtreeConsistency(start, end, size, proof, flipBit(sub, end), root)),
            false,
          );
          proof.forEach((node, k) => {
            const bad = proof.map((p, j) => (j === k ? flipBit(p, (k + size) % 256) : p));
            assert.equal(
              accepts(() => verifySubtreeConsistency(start, end, size, bad, sub, root)),
              false,
            );
          });
        }
      }
    }
  });
});
