// One prepared world per engine, copied for every sequence: creating the cast hashes a dozen passwords with
// Argon2, which would dominate a short sequence. SQLite copies the database file; PostgreSQL creates each
// run's database from the prepared one as a template.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createContainer } from '../../src/container.ts';
import { SCOPES } from '../../src/contracts/identity.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { PROJECTIONS } from '../../src/modules/projections.ts';
import { memorySignedState } from '../../src/modules/ledger/signed-state.ts';
import { buildApp } from '../../src/server/app.ts';
import { initialise } from '../../src/server/start.ts';
import { openStore, type Engine, type Store } from '../../src/store/database.ts';
import { CAST, testLedger, type TestApp } from '../support/app.ts';
import { dropDatabase, PG_URL } from '../support/db.ts';

export const T0 = '2026-11-25T10:00:00.000Z';
const DB_FILE = 'changeproof.sqlite';

export interface Base {
  engine: Engine;
  /** The signing key of the prepared log, so that every copy continues it. */
  ledger: ReturnType<typeof testLedger>;
  location: string;
  tokens: Record<string, string>;
}

let counter = 0;
const pgUrl = (name: string) => {
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  return url.toString();
};

async function pgQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function storeAt(engine: Engine, location: string): Store {
  return engine === 'sqlite'
    ? openStore({ dataDir: location })
    : openStore({ databaseUrl: pgUrl(location), dataDir: '' });
}

/** A running application over a store, with the given clock; `dispose` runs after the app and store close. */
async function appOver(
  store: Store,
  ledger: Base['ledger'],
  tokens: Record<string, string>,
  dispose: () => Promise<void>,
): Promise<TestApp & { init: Awaited<ReturnType<typeof initialise>> }> {
  const clock = { now: new Date(T0) };
  const c = createContainer(store, { key: ledger.key, state: memorySignedState() }, () => clock.now);
  const init = await initialise(c);
  const app = await buildApp(c);
  return {
    app,
    c,
    tokens,
    clock,
    init,
    req: (as, method, url, body, headers = {}) =>
      app.inject({
        method,
        url,
        headers: { ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}), ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      }),
    close: async () => {
      await app.close();
      await store.close();
      await dispose();
    },
  };
}

/** Creates the prepared database with the cast of test/support/app.ts and returns its running app. */
export async function prepareBase(engine: Engine): Promise<{ base: Base; t: TestApp }> {
  let location: string;
  if (engine === 'sqlite') location = mkdtempSync(join(tmpdir(), 'changeproof-adversary-'));
  else {
    location = `changeproof_adv_${process.pid}_${Date.now()}_${counter++}`;
    await pgQuery(`create database ${location}`);
  }
  const store = storeAt(engine, location);
  await store.migrate(PROJECTIONS);
  const ledger = testLedger('changeproof.test/adversary');
  const tokens: Record<string, string> = {};
  const t = await appOver(store, ledger, tokens, async () => {});
  tokens.admin = t.init.admin!.token;
  for (const u of CAST) {
    await t.c.identity.createUser(SYSTEM_ACTOR, {
      username: u.username,
      email: `${u.username}@example.test`,
      kind: u.kind ?? 'human',
      roles: u.roles,
      groups: u.groups,
      password: u.kind === 'bot' ? undefined : `${u.username}-password-123`,
    });
    const token = await t.c.identity.createToken(SYSTEM_ACTOR, {
      name: 'test',
      owner: u.username,
      scopes: [...SCOPES],
      expiresAt: null,
    });
    tokens[u.username] = token.token;
  }
  return { base: { engine, ledger, location, tokens }, t };
}

/** A running application over a fresh copy of the prepared database. */
export async function openCopy(base: Base): Promise<TestApp> {
  if (base.engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'changeproof-adversary-run-'));
    for (const suffix of ['', '-wal'])
      if (existsSync(join(base.location, DB_FILE + suffix)))
        copyFileSync(join(base.location, DB_FILE + suffix), join(dir, DB_FILE + suffix));
    return appOver(storeAt('sqlite', dir), base.ledger, base.tokens, async () =>
      rmSync(dir, { recursive: true, force: true }),
    );
  }
  const name = `${base.location}_r${counter++}`;
  await pgQuery(`create database ${name} template ${base.location}`);
  return appOver(storeAt('postgres', name), base.ledger, base.tokens, () => dropDatabase(name));
}

export async function disposeBase(base: Base): Promise<void> {
  if (base.engine === 'sqlite') rmSync(base.location, { recursive: true, force: true });
  else await dropDatabase(base.location);
}
