// Stored Merkle nodes. Appends write the nodes that become complete in the same transaction as the
// entries; roots and proofs read the O(log n) nodes they need in one query.
import {
  appendNodeIds,
  consistencyProof,
  consistencyProofNodeIds,
  inclusionProof,
  inclusionProofNodeIds,
  nodesToStoreOnAppend,
  rootAt,
  rootNodeIds,
  type GetNode,
  type NodeId,
  type StoredNode,
} from '../ledger/tree.ts';
import type { Store } from './database.ts';

const key = (level: number, index: number) => `${level}/${index}`;
const CHUNK = 100;

export class LedgerTreeRepository {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** One query (per hundred ids) for the nodes, as a getter. */
  async nodes(ids: readonly NodeId[]): Promise<GetNode> {
    const found = new Map<string, Uint8Array>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const rows = await this.store.db
        .selectFrom('ledger_nodes')
        .select(['level', 'idx', 'hash'])
        .where((eb) =>
          eb.or(chunk.map((id) => eb.and([eb('level', '=', id.level), eb('idx', '=', id.index)]))),
        )
        .execute();
      for (const r of rows) found.set(key(r.level, Number(r.idx)), Buffer.from(r.hash, 'hex'));
    }
    return (level, index) => found.get(key(level, index));
  }

  /** Stores the nodes completed by appending `leafHashes` to a tree of `size` leaves. */
  async append(size: number, leafHashes: readonly Uint8Array[]): Promise<void> {
    if (leafHashes.length === 0) return;
    // Left siblings of every leaf in the batch; those the batch itself completes are simply not found.
    const wanted = new Map<string, NodeId>();
    leafHashes.forEach((_, i) => {
      for (const id of appendNodeIds(size + i))
        if (id.index * 2 ** id.level < size) wanted.set(key(id.level, id.index), id);
    });
    const stored = await this.nodes([...wanted.values()]);
    const fresh = new Map<string, Uint8Array>();
    const get: GetNode = (level, index) => fresh.get(key(level, index)) ?? stored(level, index);
    const rows: StoredNode[] = [];
    leafHashes.forEach((leaf, i) => {
      for (const node of nodesToStoreOnAppend(size + i, leaf, get)) {
        fresh.set(key(node.level, node.index), node.hash);
        rows.push(node);
      }
    });
    await this.store.db
      .insertInto('ledger_nodes')
      .values(rows.map((n) => ({ level: n.level, idx: n.index, hash: Buffer.from(n.hash).toString('hex') })))
      .execute();
  }

  async root(size: number): Promise<Buffer> {
    return rootAt(size, await this.nodes(rootNodeIds(size)));
  }

  async inclusionProof(index: number, size: number): Promise<Buffer[]> {
    return inclusionProof(index, size, await this.nodes(inclusionProofNodeIds(index, size)));
  }

  async consistencyProof(m: number, n: number): Promise<Buffer[]> {
    return consistencyProof(m, n, await this.nodes(consistencyProofNodeIds(m, n)));
  }
}
