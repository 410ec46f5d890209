// An in-memory node store over tree.ts: what the offline verifier uses to rebuild a log from its
// exported leaves, and what the tests use as the reference store.
import {
  type GetNode,
  type StoredNode,
  consistencyProof,
  inclusionProof,
  nodesToStoreOnAppend,
  rootAt,
} from './tree.ts';

export class MemoryTree {
  readonly #nodes = new Map<string, Uint8Array>();
  #size = 0;

  readonly getNode: GetNode = (level, index) => this.#nodes.get(`${level}/${index}`);

  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash and returns the nodes that became complete. */
  append(leafHash: Uint8Array): StoredNode[] {
    const nodes = nodesToStoreOnAppend(this.#size, leafHash, this.getNode);
    for (const node of nodes) this.#nodes.set(`${node.level}/${node.index}`, node.hash);
    this.#size++;
    return nodes;
  }

  root(size = this.#size): Buffer {
    this.#assertWithin(size);
    return rootAt(size, this.getNode);
  }

  inclusionProof(index: number, size = this.#size): Buffer[] {
    this.#assertWithin(size);
    return inclusionProof(index, size, this.getNode);
  }

  consistencyProof(size1: number, size2 = this.#size): Buffer[] {
    this.#assertWithin(size2);
    return consistencyProof(size1, size2, this.getNode);
  }

  #assertWithin(size: number): void {
    if (size > this.#size) throw new RangeError(`the tree has ${this.#size} leaves, not ${size}`);
  }
}
