// Opens the embedded SQLite database or PostgreSQL behind one Kysely interface, and runs every write in
// one serialised transaction. The current transaction travels in AsyncLocalStorage, so repositories never
// receive a connection by hand and a nested use-case joins the transaction already open.
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { NodeSqliteDatabase, nodeSqliteDialect } from './sqlite-dialect.ts';
import { migrateToLatest } from './migrate.ts';
import type { DB } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';

// int8 columns (the ledger sequence) come back as strings by default; sequences stay below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

/** Arbitrary constant: the advisory lock every PostgreSQL write transaction holds, one writer at a time. */
const WRITE_LOCK_KEY = 8320;

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

  constructor(engine: Engine, kysely: Kysely<DB>, sqlite: NodeSqliteDatabase | null) {
    this.engine = engine;
    this.kysely = kysely;
    this.sqlite = sqlite;
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
   */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.current.getStore()) return fn();
    return this.kysely.transaction().execute(async (trx) =>
      this.current.run(trx, async () => {
        if (this.engine === 'postgres')
          await sql`select pg_advisory_xact_lock(${WRITE_LOCK_KEY})`.execute(trx);
        return fn();
      }),
    );
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.kysely as Kysely<unknown>);
  }

  async close(): Promise<void> {
    await this.kysely.destroy();
  }
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    return new Store('postgres', new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), null);
  }
  let path = ':memory:';
  if (!options.memory) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    path = join(options.dataDir, 'changeproof.sqlite');
  }
  const sqlite = new NodeSqliteDatabase(path);
  return new Store('sqlite', new Kysely<DB>({ dialect: nodeSqliteDialect(sqlite) }), sqlite);
}
