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
import { Prepared } from './prepared.ts';

const key = (level: number, index: number) => `${level}/${index}`;
/** Store memo key of the nodes the next append needs (see Store.memoGet). */
const NODES = 'ledger.frontier';
const CHUNK = 100;

type NodeParams = Record<string, number>;
/** The select for k node ids, one prepared query per k (appends and proofs ask for a few at a time). */
const nodeQueries = new Map<number, Prepared<NodeParams, { level: number; idx: number; hash: string }>>();
function nodeQuery(k: number) {
  let q = nodeQueries.get(k);
  if (!q) {
    q = new Prepared((db, p: NodeParams) =>
      db
        .selectFrom('ledger_nodes')
        .select(['level', 'idx', 'hash'])
        .where((eb) =>
          eb.or(
            Array.from({ length: k }, (_, i) =>
              eb.and([eb('level', '=', p[`l${i}`]!), eb('idx', '=', p[`i${i}`]!)]),
            ),
          ),
        ),
    );
    nodeQueries.set(k, q);
  }
  return q;
}

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
      if (chunk.length === 0) continue;
      const params: NodeParams = {};
      chunk.forEach((id, j) => {
        params[`l${j}`] = id.level;
        params[`i${j}`] = id.index;
      });
      const rows = await nodeQuery(chunk.length).execute(this.store, params);
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
    // Nodes read or written earlier in this write transaction are remembered: usually all of them.
    const known = this.store.memoGet<Map<string, Uint8Array>>(NODES) ?? new Map<string, Uint8Array>();
    const missing = [...wanted.entries()].filter(([k]) => !known.has(k)).map(([, id]) => id);
    const stored = missing.length > 0 ? await this.nodes(missing) : () => undefined;
    const fresh = new Map<string, Uint8Array>();
    const get: GetNode = (level, index) =>
      fresh.get(key(level, index)) ?? known.get(key(level, index)) ?? stored(level, index);
    const rows: StoredNode[] = [];
    leafHashes.forEach((leaf, i) => {
      for (const node of nodesToStoreOnAppend(size + i, leaf, get)) {
        fresh.set(key(node.level, node.index), node.hash);
        rows.push(node);
      }
    });
    await this.store.insertLater(
      'ledger_nodes',
      rows.map((n) => ({ level: n.level, idx: n.index, hash: Buffer.from(n.hash).toString('hex') })),
    );
    // What later appends hash with: the roots of the tree's perfect subtrees (one per bit of its size),
    // and the nodes written after them.
    const next = new Map<string, Uint8Array>();
    const n = size + leafHashes.length;
    for (let level = 0; 2 ** level <= n; level++)
      if (Math.floor(n / 2 ** level) % 2 === 1) {
        const index = Math.floor(n / 2 ** level) - 1;
        const hash = get(level, index);
        if (hash) next.set(key(level, index), hash);
      }
    this.store.memoSet(NODES, next);
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
