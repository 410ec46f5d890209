import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactRange } from './compact-range.ts';
import { leafHash } from './hash.ts';
import { MemoryTree } from './memory-tree.ts';
import { naiveRoot } from './tree.ts';

describe('CompactRange', () => {
  it('has the RFC 6962 root and completes the same nodes as the stored tree, at every size', () => {
    const range = new CompactRange();
    const tree = new MemoryTree();
    const leaves: Buffer[] = [];
    assert.deepEqual(range.root(), naiveRoot([]));
    for (let i = 0; i < 70; i++) {
      const leaf = leafHash(Buffer.from(`entry ${i}`));
      leaves.push(leaf);
      assert.deepEqual(range.append(leaf), tree.append(leaf), `nodes completed by leaf ${i}`);
      assert.deepEqual(range.root(), naiveRoot(leaves), `root of ${i + 1} leaves`);
    }
    assert.equal(range.size, 70);
  });
});
