// Opens the embedded SQLite database or PostgreSQL behind one Kysely interface, and runs every write in
// one serialised transaction. The current transaction travels in AsyncLocalStorage, so repositories never
// receive a connection by hand and a nested use-case joins the transaction already open.
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql, type Dialect, type Insertable, type Transaction } from 'kysely';
import pg from 'pg';
import { NodeSqliteDatabase, nodeSqliteDialect } from './sqlite-dialect.ts';
import { migrateToLatest } from './migrate.ts';
import { insertRows } from './prepared.ts';
import type { Projections } from './projection.ts';
import { reprojectIfStale } from './reproject.ts';
import type { DB } from './schema.ts';
import { bufferedDialect, WriteBuffer, type BufferedTable } from './write-buffer.ts';
import type { DatabaseEngine } from '../domain/vocabulary.ts';

export type Engine = DatabaseEngine;

// int8 columns (the ledger sequence) come back as strings by default; sequences stay below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

/** Arbitrary constant: the advisory lock every PostgreSQL write transaction holds, one writer at a time. */
const WRITE_LOCK_KEY = 8320;

/** Most writes one transaction (one fsync) carries; bounds the latency a batch adds to its last member. */
const MAX_BATCH = 64;

interface QueuedWrite {
  fn: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface StoreOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** For tests: an in-memory SQLite database. */
  memory?: boolean;
}

export class Store {
  readonly engine: Engine;
  readonly kysely: Kysely<DB>;
  readonly sqlite: NodeSqliteDatabase | null;
  private readonly current = new AsyncLocalStorage<Transaction<DB>>();
  readonly buffer: WriteBuffer;

  /** `dialect` is wrapped so that the write buffer sees the write transaction's queries. */
  constructor(engine: Engine, dialect: Dialect, sqlite: NodeSqliteDatabase | null) {
    this.engine = engine;
    this.buffer = new WriteBuffer(this);
    this.kysely = new Kysely<DB>({ dialect: bufferedDialect(dialect, () => this.buffer) });
    this.sqlite = sqlite;
  }

  /**
   * Inserts rows that no later unit of the batch reads back, with one statement per table for the whole
   * batch (see write-buffer.ts); outside a write transaction, at once.
   */
  async insertLater<T extends BufferedTable>(table: T, rows: readonly Insertable<DB[T]>[]): Promise<void> {
    if (this.inTransaction && this.buffer.active) this.buffer.add(table, rows);
    else await insertRows(this, table, rows);
  }

  /** The open transaction if there is one, else the pool: what every repository query runs on. */
  get db(): Kysely<DB> {
    return this.current.getStore() ?? this.kysely;
  }

  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  /**
   * Runs `fn` in the write transaction, joining the one already open. Writers are serialised (SQLite has one
   * connection; PostgreSQL takes an advisory lock first), so a use-case reads state that cannot change
   * before it commits, and ledger sequence numbers are allocated without gaps or forks.
   *
   * Group commit: writes that arrive while a transaction is running are queued and run together in the
   * next one, each inside its own savepoint, so one failing use-case rolls back only itself. The batch
   * commits once (one fsync) and only then is any caller answered, so nothing is acknowledged before it is
   * durable. This is what lets a synchronous=FULL database keep up with many concurrent clients.
   */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.current.getStore()) return fn();
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      // Start on the next turn of the event loop, not now: node:sqlite is synchronous, so a transaction
      // started here would run to its commit before any other request is even read, and every batch
      // would hold one write. Waiting until the current I/O callbacks are done lets them join.
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private readonly queue: QueuedWrite[] = [];
  private draining = false;

  private async drain(): Promise<void> {
    try {
      for (let first = true; this.queue.length > 0; first = false) {
        // Between batches, let the event loop send the answers and read the requests that arrived meanwhile.
        if (!first) await new Promise((resolve) => setImmediate(resolve));
        const batch = this.queue.splice(0, MAX_BATCH);
        this.memo = new Map();
        this.buffer.expectBatch();
        const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
        try {
          await this.kysely.transaction().execute(async (trx) => {
            for (const [i, item] of batch.entries())
              results.push(await this.runInSavepoint(trx, item.fn, i === 0));
          });
        } catch (error) {
          // The commit itself failed: nothing in the batch happened.
          for (const item of batch) item.reject(error);
          continue;
        }
        batch.forEach((item, i) => {
          const r = results[i]!;
          if (r.ok) item.resolve(r.value);
          else item.reject(r.error);
        });
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Runs one unit of a batch in a savepoint of its own. On PostgreSQL every statement is a round trip made
   * while the lock is held, so the savepoint commands travel together as one multi-statement query: the
   * first unit's with the lock, each next one's with the release of the one before (sent when it starts),
   * and the last unit's release is left to the commit. SQLite runs them in-process, one by one.
   */
  private async runInSavepoint(
    trx: Transaction<DB>,
    fn: () => Promise<unknown>,
    first: boolean,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
    const pg = this.engine === 'postgres';
    if (pg && first)
      await sql.raw(`select pg_advisory_xact_lock(${WRITE_LOCK_KEY}); savepoint write_unit`).execute(trx);
    else if (pg) await sql.raw('release savepoint write_unit; savepoint write_unit').execute(trx);
    else await sql`savepoint write_unit`.execute(trx);
    const undo: (() => void)[] = [];
    this.unitUndo = undo;
    const unit = this.buffer.unit;
    try {
      const value = await this.current.run(trx, fn);
      // On PostgreSQL the next unit's query or the commit releases it.
      if (!pg) await sql`release savepoint write_unit`.execute(trx);
      return { ok: true, value };
    } catch (error) {
      for (const u of undo.reverse()) u();
      this.buffer.rollbackUnit(unit);
      // Kept, so the next unit's release finds it (PostgreSQL); SQLite releases it at once.
      await sql`rollback to savepoint write_unit`.execute(trx);
      if (!pg) await sql`release savepoint write_unit`.execute(trx);
      return { ok: false, error };
    } finally {
      this.unitUndo = null;
      this.buffer.unit = unit + 1;
    }
  }

  private memo = new Map<string, unknown>();
  private unitUndo: (() => void)[] | null = null;

  /**
   * Memory for state that only the writer changes, such as the ledger's size: kept for the current write
   * transaction (a batch), so later units need not read it again, forgotten when the transaction ends, and
   * put back as it was when a unit rolls back. Outside a write transaction it remembers nothing.
   */
  memoGet<T>(key: string): T | undefined {
    return this.inTransaction ? (this.memo.get(key) as T | undefined) : undefined;
  }

  memoSet(key: string, value: unknown): void {
    if (!this.inTransaction) return;
    const had = this.memo.has(key);
    const old = this.memo.get(key);
    this.memo.set(key, value);
    this.unitUndo?.push(() => {
      if (had) this.memo.set(key, old);
      else this.memo.delete(key);
    });
  }

  /** Runs pending migrations, then rebuilds from the ledger each projection another version of it built. */
  async migrate(projections: Projections): Promise<void> {
    await migrateToLatest(this.kysely as Kysely<unknown>);
    await reprojectIfStale(this, projections);
  }

  async close(): Promise<void> {
    await this.kysely.destroy();
  }
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    return new Store('postgres', new PostgresDialect({ pool }), null);
  }
  let path = ':memory:';
  if (!options.memory) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    path = join(options.dataDir, 'changeproof.sqlite');
  }
  const sqlite = new NodeSqliteDatabase(path);
  return new Store('sqlite', nodeSqliteDialect(sqlite), sqlite);
}
