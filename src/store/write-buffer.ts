// Rows that later units of a write batch do not read back (ledger entries, tree nodes, outbox rows,
// idempotency records) are held in memory and written with one statement per table just before the batch
// commits: on PostgreSQL each statement is a round trip made while the writer lock is held. Nothing is
// answered before the commit, so holding them changes nothing a client can see. Should a query in the
// transaction read a table with held rows after all, those rows are written first, so every query sees
// what an unbuffered write would have shown it. Rows belong to their unit: a unit that rolls back drops
// its own and, if the rollback undid rows of earlier units written during it, holds those again.
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, Insertable } from 'kysely';
import type { Store } from './database.ts';
import { insertQuery } from './prepared.ts';
import type { DB } from './schema.ts';

// gate_decisions: the gate's busiest write, read back only by a deployment naming one (which flushes them first).
export const BUFFERED_TABLES = [
  'ledger_entries',
  'ledger_nodes',
  'outbox',
  'idempotency_keys',
  'gate_decisions',
] as const;
export type BufferedTable = (typeof BUFFERED_TABLES)[number];

const MENTIONS = new RegExp(`\\b(${BUFFERED_TABLES.join('|')})\\b`, 'g');
/** Rows per INSERT when flushing: well under either engine's limit on parameters. */
const CHUNK = 200;

interface Held {
  table: BufferedTable;
  row: Record<string, unknown>;
  unit: number;
  /** The unit during which the row was written to the database, or null while it is held. */
  writtenIn: number | null;
}

export class WriteBuffer {
  private held: Held[] = [];
  /** The unit running now (its index in the batch). */
  unit = 0;
  /** The write transaction's connection, while one is open. */
  private connection: DatabaseConnection | null = null;
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  add<T extends BufferedTable>(table: T, rows: readonly Insertable<DB[T]>[]): void {
    for (const row of rows) this.held.push({ table, row: row, unit: this.unit, writtenIn: null });
  }

  /** The unit rolled back to its savepoint: its rows are gone, and earlier ones written during it are held again. */
  rollbackUnit(unit: number): void {
    this.held = this.held.filter((h) => h.unit !== unit);
    for (const h of this.held) if (h.writtenIn === unit) h.writtenIn = null;
  }

  private expecting = false;

  /** Whether a write batch's transaction is open to hold rows for. */
  get active(): boolean {
    return this.connection !== null;
  }

  /** The next transaction to begin is the write batch's (and not, say, a migration's). */
  expectBatch(): void {
    this.expecting = true;
  }

  begin(connection: DatabaseConnection): void {
    if (!this.expecting) return;
    this.expecting = false;
    this.connection = connection;
    this.held = [];
    this.unit = 0;
  }

  /** Before COMMIT of the batch's transaction: write every held row. */
  async beforeCommit(connection: DatabaseConnection): Promise<void> {
    if (connection === this.connection) await this.write(connection, () => true);
  }

  end(connection: DatabaseConnection): void {
    if (connection !== this.connection) return;
    this.connection = null;
    this.held = [];
  }

  /** Before a query on the write transaction: write the held rows of the tables it names. */
  async beforeQuery(connection: DatabaseConnection, query: CompiledQuery): Promise<void> {
    if (connection !== this.connection || !this.held.some((h) => h.writtenIn === null)) return;
    const tables = new Set(query.sql.match(MENTIONS) ?? []);
    if (tables.size > 0) await this.write(connection, (t) => tables.has(t));
  }

  private async write(connection: DatabaseConnection, which: (t: BufferedTable) => boolean) {
    const due = this.held.filter((h) => h.writtenIn === null && which(h.table));
    if (due.length === 0) return;
    for (const h of due) h.writtenIn = this.unit;
    const groups = new Map<string, Held[]>();
    for (const h of due) {
      const key = `${h.table}(${Object.keys(h.row).join(',')})`;
      groups.set(key, [...(groups.get(key) ?? []), h]);
    }
    for (const group of groups.values())
      for (let i = 0; i < group.length; i += CHUNK) {
        const rows = group.slice(i, i + CHUNK);
        const query = insertQuery(
          this.store,
          rows[0]!.table,
          rows.map((h) => h.row),
        );
        if (query) await connection.executeQuery(query);
      }
  }
}

/** The dialect with every query on the write transaction's connection passed by the buffer first. */
export function bufferedDialect(inner: Dialect, buffer: () => WriteBuffer): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createDriver: () => bufferedDriver(inner.createDriver(), buffer),
  };
}

function bufferedDriver(driver: Driver, buffer: () => WriteBuffer): Driver {
  const wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const wrap = (conn: DatabaseConnection): DatabaseConnection => {
    let w = wrapped.get(conn);
    if (!w) {
      w = {
        executeQuery: async (query) => {
          await buffer().beforeQuery(conn, query);
          return conn.executeQuery(query);
        },
        streamQuery: (query, chunkSize) => conn.streamQuery(query, chunkSize),
      };
      wrapped.set(conn, w);
      innerOf.set(w, conn);
    }
    return w;
  };
  const unwrap = (w: DatabaseConnection) => innerOf.get(w) ?? w;
  return {
    init: () => driver.init(),
    destroy: () => driver.destroy(),
    acquireConnection: async () => wrap(await driver.acquireConnection()),
    releaseConnection: (c) => driver.releaseConnection(unwrap(c)),
    beginTransaction: async (c, settings) => {
      await driver.beginTransaction(unwrap(c), settings);
      buffer().begin(unwrap(c));
    },
    commitTransaction: async (c) => {
      // The held rows go in before COMMIT; if they fail, the transaction is rolled back.
      await buffer().beforeCommit(unwrap(c));
      buffer().end(unwrap(c));
      await driver.commitTransaction(unwrap(c));
    },
    rollbackTransaction: async (c) => {
      buffer().end(unwrap(c));
      await driver.rollbackTransaction(unwrap(c));
    },
    ...(driver.savepoint && {
      savepoint: (c, name, compile) => driver.savepoint!(unwrap(c), name, compile),
    }),
    ...(driver.rollbackToSavepoint && {
      rollbackToSavepoint: (c, name, compile) => driver.rollbackToSavepoint!(unwrap(c), name, compile),
    }),
    ...(driver.releaseSavepoint && {
      releaseSavepoint: (c, name, compile) => driver.releaseSavepoint!(unwrap(c), name, compile),
    }),
  };
}
