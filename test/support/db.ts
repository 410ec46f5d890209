// Test databases: SQLite always (a real file in a temp dir, WAL and all), PostgreSQL when TEST_DATABASE_URL
// is set — each test store gets a database of its own, dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECTIONS } from '../../src/modules/projections.ts';
import pg from 'pg';
import { openStore, type Engine, type Store } from '../../src/store/database.ts';

export const PG_URL = process.env.TEST_DATABASE_URL;
let noticePrinted = false;

/** The engines to run a suite on. */
export function engines(): Engine[] {
  if (!PG_URL && !noticePrinted) {
    noticePrinted = true;
    process.stdout.write(
      '# notice: TEST_DATABASE_URL is not set; PostgreSQL tests are skipped (SQLite only)\n',
    );
  }
  return PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestStore {
  store: Store;
  /** A second store on the same database, as another instance or the CLI would open it. */
  reopen: () => Store;
  cleanup: () => Promise<void>;
}

let counter = 0;

/** A store on a database of its own; `migrate: false` leaves it empty, for tests of the migrations. */
export async function freshStore(engine: Engine, { migrate = true } = {}): Promise<TestStore> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'changeproof-test-'));
    const store = openStore({ dataDir: dir });
    if (migrate) await store.migrate(PROJECTIONS);
    return {
      store,
      reopen: () => openStore({ dataDir: dir }),
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!PG_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `changeproof_test_${process.pid}_${Date.now()}_${counter++}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const store = openStore({ databaseUrl: url.toString(), dataDir: '' });
  if (migrate) await store.migrate(PROJECTIONS);
  return {
    store,
    reopen: () => openStore({ databaseUrl: url.toString(), dataDir: '' }),
    cleanup: async () => {
      await store.close();
      await dropDatabase(name);
    },
  };
}

/**
 * Drops a test database once its connections have gone. Not `with (force)`: that kills sessions a closed
 * pool is still ending, and their "terminating connection" errors then surface in whichever test runs next.
 */
export async function dropDatabase(name: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`drop database if exists ${name}`);
        return;
      } catch (err) {
        // 55006: object_in_use — a connection is still closing.
        if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await c.end();
  }
}
