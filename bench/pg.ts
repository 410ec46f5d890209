// PostgreSQL for the benchmarks: a database of their own, created fresh on the server given by --pg,
// DATABASE_URL or TEST_DATABASE_URL, and a copy of a generated SQLite database's rows into it (so both
// engines are timed on the same data).
import { sql } from 'kysely';
import pg from 'pg';
import { openStore, type Store } from '../src/store/database.ts';
import type { DB } from '../src/store/schema.ts';
import { PROJECTIONS } from '../src/modules/projections.ts';

export type BenchEngine = 'sqlite' | 'postgres';

/** The engines a run covers: --engine if given, else both when a PostgreSQL URL is known, else SQLite. */
export function benchEngines(engine: string | undefined, pgUrl: string | undefined): BenchEngine[] {
  const chosen = engine ?? (pgUrl ? 'both' : 'sqlite');
  if (!['sqlite', 'postgres', 'both'].includes(chosen))
    throw new Error(`--engine must be sqlite, postgres or both, not ${chosen}`);
  if (chosen !== 'sqlite' && !pgUrl)
    throw new Error('PostgreSQL needs --pg <url> (or DATABASE_URL / TEST_DATABASE_URL)');
  return chosen === 'both' ? ['sqlite', 'postgres'] : [chosen as BenchEngine];
}

/** Drops and creates database `name` on the server of `url`; returns its URL. */
export async function freshPgDatabase(url: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Every table but SQLite's text index (PostgreSQL indexes the column itself) and the migration records. */
const TABLES: (keyof DB)[] = [
  'ledger_entries',
  'ledger_nodes',
  'ledger_checkpoints',
  'ledger_cosignatures',
  'ledger_meta',
  'outbox',
  'idempotency_keys',
  'services',
  'users',
  'credentials',
  'api_tokens',
  'sessions',
  'policies',
  'changes',
  'change_services',
  'projection_state',
];

/** Copies every row of a migrated SQLite store into a freshly migrated PostgreSQL store. */
export async function copyToPg(from: Store, pgUrl: string): Promise<Store> {
  const to = openStore({ databaseUrl: pgUrl, dataDir: '' });
  await to.migrate(PROJECTIONS);
  const raw = from.sqlite!.raw;
  await to.kysely.transaction().execute(async (trx) => {
    for (const table of [...TABLES].reverse()) await trx.deleteFrom(table).execute();
    for (const table of TABLES) {
      const rows = raw.prepare(`select * from ${table}`).all() as Record<string, unknown>[];
      if (rows.length === 0) continue;
      const chunk = Math.max(1, Math.floor(30_000 / Object.keys(rows[0]!).length));
      for (let i = 0; i < rows.length; i += chunk)
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + chunk))
          .execute();
    }
  });
  // As autovacuum would leave a live database: statistics, and a visibility map for index-only scans.
  await sql`vacuum analyze`.execute(to.kysely);
  return to;
}

/**
 * Counts the queries sent to PostgreSQL from this process until `stop()`: each is one round trip, made
 * while the writer holds the lock, so this is what bounds PostgreSQL's write rate.
 */
export function countPgRoundTrips(): { queries: number; stop: () => void } {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const counter = {
    queries: 0,
    stop: () => {
      proto.query = original;
    },
  };
  proto.query = function (this: unknown, ...args: unknown[]) {
    counter.queries += 1;
    return original.apply(this, args);
  };
  return counter;
}
