// Kysely's SQLite dialect speaks to a better-sqlite3-shaped object; this adapts Node's built-in
// node:sqlite to that shape so the embedded default needs no native addon.
import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

const STATEMENT_CACHE_SIZE = 256;

/** Time spent inside SQLite, statements and commits apart; collected only when a benchmark asks. */
export interface SqliteTiming {
  statements: number;
  statementMs: number;
  commits: number;
  commitMs: number;
}

class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;
  private readonly stmt: StatementSync;
  private readonly owner: NodeSqliteDatabase;
  private readonly commit: boolean;

  constructor(stmt: StatementSync, owner: NodeSqliteDatabase) {
    this.stmt = stmt;
    this.owner = owner;
    this.reader = stmt.columns().length > 0;
    this.commit = stmt.sourceSQL.trim().toLowerCase() === 'commit';
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.timed(() => this.stmt.all(...toInputs(parameters)));
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.timed(() => this.stmt.run(...toInputs(parameters)));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.stmt.iterate(...toInputs(parameters));
  }

  private timed<T>(call: () => T): T {
    const timing = this.owner.timing;
    if (!timing) return call();
    const start = performance.now();
    try {
      return call();
    } finally {
      const ms = performance.now() - start;
      if (this.commit) {
        timing.commits += 1;
        timing.commitMs += ms;
      } else {
        timing.statements += 1;
        timing.statementMs += ms;
      }
    }
  }
}

function toInputs(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : (p as SQLInputValue)));
}

/** A node:sqlite database with the pragmas Changeproof relies on and a small prepared-statement cache. */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly raw: DatabaseSync;
  private readonly cache = new Map<string, NodeSqliteStatement>();
  /** Set to an object to have the time spent in SQLite added to it (the benchmarks do). */
  timing: SqliteTiming | null = null;

  constructor(path: string) {
    this.raw = new DatabaseSync(path);
    // WAL lets readers proceed during a write; synchronous=FULL makes every commit durable before we
    // acknowledge it, which the ledger's "nothing acknowledged is lost" promise needs.
    this.raw.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
    );
  }

  prepare(sql: string): SqliteStatement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.clear();
      stmt = new NodeSqliteStatement(this.raw.prepare(sql), this);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  close(): void {
    this.cache.clear();
    if (this.raw.isOpen) this.raw.close();
  }
}

export function nodeSqliteDialect(database: NodeSqliteDatabase): SqliteDialect {
  return new SqliteDialect({ database });
}
