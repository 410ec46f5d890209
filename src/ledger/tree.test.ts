import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emptyRoot, leafHash, nodeHash } from './hash.ts';
import { MemoryTree } from './memory-tree.ts';
import {
  type GetNode,
  type NodeId,
  MissingNodeError,
  appendNodeIds,
  consistencyProof,
  consistencyProofNodeIds,
  inclusionProof,
  inclusionProofNodeIds,
  naiveRoot,
  nodeGetter,
  nodesToStoreOnAppend,
  rootAt,
  rootNodeIds,
} from './tree.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Buffer => Buffer.from(text, 'hex');

// transparency-dev/merkle testonly/constants.go: leaf inputs, every complete node, and the root at each size.
const LEAF_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const NODE_HASHES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];
const ROOT_HASHES = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const MAX = 2048;
const leaves = Array.from({ length: MAX }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
const big = new MemoryTree();
for (const leaf of leaves) big.append(leaf);

/** A getter that refuses nodes not yet complete at `size` and records what it was asked for. */
function guarded(size: number): { getNode: GetNode; reads: NodeId[] } {
  const reads: NodeId[] = [];
  const getNode: GetNode = (level, index) => {
    assert.ok((index + 1) * 2 ** level <= size, `node ${level}/${index} is not complete at size ${size}`);
    reads.push({ level, index });
    return big.getNode(level, index);
  };
  return { getNode, reads };
}

const ceilLog2 = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));
const bitLength = (n: number): number => (n === 0 ? 0 : n.toString(2).length);
const popcount = (n: number): number => n.toString(2).replaceAll('0', '').length;

describe('RFC 6962 hashing known answers (transparency-dev/merkle rfc6962_test.go)', () => {
  it('hashes the empty tree, leaves and nodes', () => {
    assert.equal(hex(emptyRoot()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(
      hex(leafHash(Buffer.alloc(0))),
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    assert.equal(
      hex(leafHash(Buffer.from('L123456'))),
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
    assert.equal(
      hex(nodeHash(Buffer.from('N123'), Buffer.from('N456'))),
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
    assert.notEqual(hex(nodeHash(leaves[0]!, leaves[1]!)), hex(nodeHash(leaves[1]!, leaves[0]!)));
  });

  it('stores exactly the reference complete nodes and reaches the reference root at every size', () => {
    const tree = new MemoryTree();
    assert.equal(hex(tree.root()), ROOT_HASHES[0]);
    const stored = new Map<string, string>();
    LEAF_INPUTS.forEach((input, i) => {
      for (const node of tree.append(leafHash(unhex(input))))
        stored.set(`${node.level}/${node.index}`, hex(node.hash));
      assert.equal(hex(tree.root()), ROOT_HASHES[i + 1], `root at size ${i + 1}`);
    });
    const expected = new Map(
      NODE_HASHES.flatMap((row, level) => row.map((h, index) => [`${level}/${index}`, h])),
    );
    assert.deepEqual(stored, expected);
    const inputs = LEAF_INPUTS.map((input) => leafHash(unhex(input)));
    for (let size = 0; size <= 8; size++)
      assert.equal(hex(naiveRoot(inputs.slice(0, size))), ROOT_HASHES[size]);
  });
});

describe('appending', () => {
  it('stores the leaf plus one parent per trailing one bit, reading only the listed siblings', () => {
    const nodes = new Map<string, Uint8Array>();
    const get: GetNode = (level, index) => nodes.get(`${level}/${index}`);
    for (let size = 0; size < 300; size++) {
      const reads: string[] = [];
      const added = nodesToStoreOnAppend(size, leaves[size]!, (level, index) => {
        reads.push(`${level}/${index}`);
        return get(level, index);
      });
      assert.deepEqual(
        reads,
        appendNodeIds(size).map((id) => `${id.level}/${id.index}`),
      );
      assert.equal(added.length, 1 + (size.toString(2).match(/1*$/)?.[0].length ?? 0));
      for (const node of added) nodes.set(`${node.level}/${node.index}`, node.hash);
    }
    assert.equal(nodes.size, 2 * 300 - popcount(300));
  });

  it('refuses a missing sibling and a malformed leaf hash', () => {
    assert.throws(() => nodesToStoreOnAppend(1, leaves[1]!, () => undefined), MissingNodeError);
    assert.throws(() => nodesToStoreOnAppend(0, Buffer.alloc(31), () => undefined), RangeError);
    assert.throws(() => nodesToStoreOnAppend(-1, leaves[0]!, () => undefined), RangeError);
  });
});

describe('roots from stored nodes', () => {
  it('equals the naive recursive root for random sizes up to 2048, reading popcount(size) nodes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), (size) => {
        const { getNode, reads } = guarded(size);
        assert.deepEqual(rootAt(size, getNode), naiveRoot(leaves.slice(0, size)));
        assert.equal(reads.length, popcount(size));
        assert.deepEqual(reads, rootNodeIds(size));
      }),
      { numRuns: 150 },
    );
  });

  it('equals the naive root at every size up to 130', () => {
    for (let size = 0; size <= 130; size++)
      assert.deepEqual(big.root(size), naiveRoot(leaves.slice(0, size)));
  });
});

describe('proofs from stored nodes', () => {
  function checkReads(size: number, ids: NodeId[], build: (get: GetNode) => Buffer[]): Buffer[] {
    const { getNode, reads } = guarded(size);
    const proof = build(getNode);
    assert.deepEqual(reads, ids, 'reads exactly the listed ids');
    assert.ok(ids.length <= 2 * ceilLog2(size) + 1, `${ids.length} reads for size ${size}`);
    // A store that fetched only the listed ids in one query builds the same proof.
    const prefetched = nodeGetter(ids.map((id) => ({ ...id, hash: big.getNode(id.level, id.index)! })));
    assert.deepEqual(build(prefetched), proof);
    return proof;
  }

  it('reads O(log n) listed nodes for inclusion proofs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.nat(), (size, seed) => {
        const index = seed % size;
        const ids = inclusionProofNodeIds(index, size);
        const proof = checkReads(size, ids, (get) => inclusionProof(index, size, get));
        // Path length: levels below where the paths to index and size-1 part, plus left border siblings.
        const inner = bitLength(index ^ (size - 1));
        assert.equal(proof.length, inner + popcount(index >> inner));
      }),
      { numRuns: 200 },
    );
  });

  it('reads O(log n) listed nodes for consistency proofs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.nat(), (n, seed) => {
        const m = 1 + (seed % n);
        checkReads(n, consistencyProofNodeIds(m, n), (get) => consistencyProof(m, n, get));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses impossible arguments', () => {
    assert.throws(() => inclusionProofNodeIds(5, 5), RangeError);
    assert.throws(() => consistencyProofNodeIds(6, 5), RangeError);
    assert.throws(() => consistencyProofNodeIds(0, 5), RangeError);
    assert.throws(() => rootNodeIds(2 ** 53), RangeError);
    assert.deepEqual(consistencyProofNodeIds(5, 5), []);
    assert.throws(() => rootAt(3, () => undefined), MissingNodeError);
  });
});
