// RFC 6962 §2.1 hashing: leaves and interior nodes are domain-separated by a one-byte prefix so a leaf can
// never be passed off as a node.
import { createHash, hash } from 'node:crypto';

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // One-shot hashing: proofs hash many 65-byte inputs, where a streaming Hash object costs more than the hash.
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}

/** Root of the empty tree: SHA-256 of the empty string. */
export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}

/** Size in bytes of every leaf, node and root hash in the tree. */
export const HASH_SIZE = 32;
