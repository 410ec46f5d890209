// PostgreSQL for the benchmarks: a database of their own, created fresh on the server given by --pg,
// DATABASE_URL or TEST_DATABASE_URL, and a copy of a generated SQLite database's rows into it (so both
// engines are timed on the same data).
import { readdirSync, readFileSync } from 'node:fs';
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

/**
 * CPU time used so far by every `postgres` process on this machine, in ms (utime + stime from /proc), or
 * null where it cannot be read. The difference over a run is what the database's backends cost: on one
 * machine they share the cores with the server and the load generator. A backend that exits during the
 * run takes its time with it, so the figure is a floor; the server's pool keeps its connections open.
 */
export function postgresCpuMs(): number | null {
  let ticks = 0;
  let found = false;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // the process ended meanwhile
      }
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      if (stat.slice(open + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      // After the name: state is field 3 of stat, utime 14 and stime 15, so 11 and 12 here.
      ticks += Number(fields[11]) + Number(fields[12]);
      found = true;
    }
  } catch {
    return null;
  }
  // Linux reports in clock ticks of 1/100 s (USER_HZ) on every platform Node runs on.
  return found ? ticks * 10 : null;
}
