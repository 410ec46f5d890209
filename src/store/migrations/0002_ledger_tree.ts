// The ledger as a transparency log: stored Merkle node hashes (so roots and proofs cost O(log n) reads),
// signed checkpoints, witness cosignatures and log metadata. Existing entries get their nodes here.
import { sql, type Kysely } from 'kysely';
import { nodesToStoreOnAppend, type StoredNode } from '../../ledger/tree.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ledger_nodes')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_nodes_pk', ['level', 'idx'])
    .execute();

  await db.schema
    .createTable('ledger_checkpoints')
    .addColumn('id', 'bigint', (c) => c.primaryKey().notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ledger_checkpoints_size')
    .on('ledger_checkpoints')
    .columns(['size', 'id'])
    .execute();

  await db.schema
    .createTable('ledger_cosignatures')
    .addColumn('checkpoint_id', 'bigint', (c) => c.notNull())
    .addColumn('witness', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'bigint', (c) => c.notNull())
    .addColumn('line', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_cosignatures_pk', ['checkpoint_id', 'witness', 'key_id'])
    .execute();

  await db.schema
    .createTable('ledger_meta')
    .addColumn('key', 'text', (c) => c.primaryKey().notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  // Back-fill the tree for entries recorded before it existed, in order, a batch at a time.
  const known = new Map<string, Uint8Array>();
  const get = (level: number, index: number) => known.get(`${level}/${index}`);
  let size = 0;
  for (;;) {
    const rows = await sql<{ seq: number | string; leaf_hash: string }>`
      select seq, leaf_hash from ledger_entries where seq >= ${size} order by seq limit 1000`.execute(db);
    if (rows.rows.length === 0) break;
    const batch: StoredNode[] = [];
    for (const row of rows.rows) {
      if (Number(row.seq) !== size) throw new Error(`ledger_entries has a gap at ${size}`);
      for (const node of nodesToStoreOnAppend(size, Buffer.from(row.leaf_hash, 'hex'), get)) {
        known.set(`${node.level}/${node.index}`, node.hash);
        batch.push(node);
      }
      size += 1;
    }
    for (let i = 0; i < batch.length; i += 300)
      await db
        .insertInto('ledger_nodes' as never)
        .values(
          batch.slice(i, i + 300).map((n) => ({
            level: n.level,
            idx: n.index,
            hash: Buffer.from(n.hash).toString('hex'),
          })),
        )
        .execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
