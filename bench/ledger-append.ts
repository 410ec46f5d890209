// Ledger append throughput with the Merkle tree maintained vs the same appends with the tree step turned
// off (in this benchmark only), each on its own fresh SQLite database (synchronous=FULL, as served).
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECTIONS } from '../src/modules/projections.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { LedgerRepository } from '../src/store/ledger.repository.ts';
import { ACTOR, editedEvent } from './ledger-data.ts';

/** Rounds alternate between the two databases, so drift in disk speed or load hits both alike. */
const ROUNDS = 10;

interface Side {
  store: Store;
  ledger: LedgerRepository;
  appended: number;
  ms: number;
}

async function open(dir: string, tree: boolean): Promise<Side> {
  const store = openStore({ dataDir: dir });
  await store.migrate(PROJECTIONS);
  const ledger = new LedgerRepository(store);
  if (!tree) ledger.tree.append = async () => {};
  return { store, ledger, appended: 0, ms: 0 };
}

/**
 * `count` appends of one event each, `perTx` of them at a time: concurrent Store.write calls that group
 * commit runs in one transaction (each in its own savepoint), as concurrent requests would be.
 */
async function run(side: Side, count: number, perTx: number): Promise<void> {
  const start = performance.now();
  for (let done = 0; done < count;) {
    const k = Math.min(perTx, count - done);
    const writes = Array.from({ length: k }, (_, j) => {
      const pending = editedEvent(side.appended + done + j);
      return side.store.write(() => side.ledger.append(ACTOR, new Date().toISOString(), [pending]));
    });
    await Promise.all(writes);
    done += k;
  }
  side.ms += performance.now() - start;
  side.appended += count;
}

export interface AppendResult {
  appends: number;
  perTransaction: number;
  withTree: number;
  withoutTree: number;
  ratio: number;
}

/** Appends/s with and without the tree; checks afterwards that only the first database has nodes. */
export async function appendPair(root: string, appends: number, perTx: number): Promise<AppendResult> {
  const dirs = [mkdtempSync(join(root, 'ledger-append-')), mkdtempSync(join(root, 'ledger-append-'))];
  const sides = [await open(dirs[0]!, true), await open(dirs[1]!, false)];
  try {
    const per = Math.ceil(appends / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      const count = Math.min(per, appends - r * per);
      if (count <= 0) break;
      for (const side of r % 2 === 0 ? sides : [...sides].reverse()) await run(side, count, perTx);
    }
    const [a, b] = sides as [Side, Side];
    const counts = await Promise.all(sides.map((s) => s.ledger.size()));
    const nodes = await Promise.all(
      sides.map((s) =>
        s.store.db
          .selectFrom('ledger_nodes')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
      ),
    );
    if (counts[0] !== appends || counts[1] !== appends || Number(nodes[1]!.n) !== 0)
      throw new Error(`append bench: sizes ${counts.join('/')}, nodes without tree ${nodes[1]!.n}`);
    await a.ledger.tree.root(appends); // every node the root needs was stored
    const withTree = appends / (a.ms / 1000);
    const withoutTree = appends / (b.ms / 1000);
    const result = { appends, perTransaction: perTx, withTree, withoutTree, ratio: withTree / withoutTree };
    console.log(
      `  ${String(perTx).padStart(2)} per transaction, ${appends} appends: with tree ${withTree.toFixed(0)}/s, ` +
        `without ${withoutTree.toFixed(0)}/s, ratio ${result.ratio.toFixed(3)} ` +
        `(${Number(nodes[0]!.n)} nodes stored)`,
    );
    return result;
  } finally {
    for (const s of sides) await s.store.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
