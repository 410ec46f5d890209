// The right edge of a Merkle tree being built leaf by leaf (a compact range over [0, size)): at most one
// complete subtree per level, so a whole log can be re-hashed in O(log n) memory. Each append reports the
// nodes it completes, with the same (level, index) ids as the stored nodes of tree.ts.
import { emptyRoot, nodeHash } from './hash.ts';
import type { StoredNode } from './tree.ts';

export class CompactRange {
  /** Complete subtrees, largest (leftmost) first; levels strictly decrease. */
  readonly #nodes: StoredNode[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash and returns the nodes that became complete: the leaf, then its new parents. */
  append(leafHash: Uint8Array): StoredNode[] {
    let node: StoredNode = { level: 0, index: this.#size, hash: leafHash };
    const completed = [node];
    for (let left = this.#nodes.at(-1); left && left.level === node.level; left = this.#nodes.at(-1)) {
      this.#nodes.pop();
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      completed.push(node);
    }
    this.#nodes.push(node);
    this.#size++;
    return completed;
  }

  /** RFC 6962 root of the leaves appended so far: the subtrees folded right to left. */
  root(): Buffer {
    const last = this.#nodes.at(-1);
    if (!last) return emptyRoot();
    let hash: Buffer = Buffer.from(last.hash);
    for (let i = this.#nodes.length - 2; i >= 0; i--) hash = nodeHash(this.#nodes[i]!.hash, hash);
    return hash;
  }
}
