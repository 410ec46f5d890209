// Concurrency (issue 3): two server processes on the same PostgreSQL database, sharing the log's key, take
// 10,000 appends from 8 writers split between them while both are asked for checkpoints over and over.
// Afterwards there are exactly 10,000 new entries, contiguous, in one tree, and every signed checkpoint is
// valid and consistent with every earlier one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { dropDatabase, PG_URL } from '../support/db.ts';
import {
  checkLedger,
  descriptionCounts,
  fetchProofs,
  listCheckpoints,
  postgresRows,
  verifyProofs,
  type LedgerRows,
  type ProofCheck,
} from './ledger-check.ts';
import { appendLoad, checkpointLoop, descriptionOf, type AppendStats, type CheckpointStats } from './load.ts';
import {
  call,
  initInstance,
  killAllServers,
  registerServices,
  ServerProcess,
  type Exit,
  type InitResult,
} from './support.ts';

const APPENDS = Number(process.env.DURABILITY_APPENDS ?? 10_000);
const WORKERS = 8;
const TAG = `conc${Date.now()}`;
const service = (w: number) => `conc-svc-${w}`;

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

if (!PG_URL)
  process.stdout.write(
    '# notice: TEST_DATABASE_URL is not set; the two-server PostgreSQL suite is skipped\n',
  );

describe('concurrency: two servers on one PostgreSQL database, 8 writers', { skip: !PG_URL }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'changeproof-concurrency-'));
  const name = `changeproof_durability_${process.pid}_${Date.now()}`;
  const url = new URL(PG_URL ?? 'postgres://unused');
  url.pathname = `/${name}`;
  const shared = {
    DATABASE_URL: url.toString(),
    CHANGEPROOF_LEDGER_KEY_FILE: join(dir, 'keys', 'ledger.key'),
    CHANGEPROOF_LOG_LEVEL: 'warn',
  };
  const servers = [1, 2].map(
    (i) => new ServerProcess({ ...shared, CHANGEPROOF_DATA: join(dir, `data${i}`) }),
  );
  let init: InitResult;
  let before0 = 0;
  let load: AppendStats;
  let cps: CheckpointStats;
  let proofs: ProofCheck[];
  let rows: LedgerRows;
  let exits: Exit[];
  let seconds = 0;

  before(
    async () => {
      const started = Date.now();
      await admin(`create database ${name}`);
      init = await initInstance({ ...shared, CHANGEPROOF_DATA: join(dir, 'data1') });
      await Promise.all(servers.map((s) => s.start()));
      const token = init.admin.token;
      for (const s of servers) {
        const key = await call<{ verifierKey: string }>(s.url, token, 'GET', '/api/v1/ledger/key');
        assert.equal(key.body.verifierKey, init.ledger.verifierKey);
      }
      await registerServices(
        servers[0]!.url,
        token,
        Array.from({ length: WORKERS }, (_, w) => service(w)),
      );
      const entries = await call<{ size: number }>(
        servers[1]!.url,
        token,
        'GET',
        '/api/v1/ledger/entries?limit=1',
      );
      before0 = entries.body.size;

      const stopCheckpoints = new AbortController();
      const checkpoints = checkpointLoop(token, () => servers.map((s) => s.url), 300, stopCheckpoints.signal);
      load = await appendLoad({
        total: APPENDS,
        workers: WORKERS,
        tag: TAG,
        token,
        url: (w) => servers[w % 2]!.url,
        service,
        signal: new AbortController().signal,
      });
      stopCheckpoints.abort();
      cps = await checkpoints;
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        // Proofs between everything signed so far, from the other server than the one listing them.
        const signed = await listCheckpoints(servers[0]!.url, token);
        proofs = await fetchProofs(servers[1]!.url, token, (await postgresRows(client)).checkpoints);
        assert.ok(signed.length > 0);
        exits = await Promise.all(servers.map((s) => s.stop()));
        rows = await postgresRows(client);
      } finally {
        await client.end();
      }
      seconds = (Date.now() - started) / 1000;
    },
    { timeout: 15 * 60_000 },
  );

  after(async () => {
    killAllServers();
    rmSync(dir, { recursive: true, force: true });
    if (PG_URL) await dropDatabase(name);
  });

  it('acknowledged every append without a server error, both servers stopping cleanly', (t) => {
    assert.deepEqual(load.rejected, []);
    assert.deepEqual(load.serverErrors, [], 'writes answered 5xx under concurrency');
    assert.equal(load.connectionErrors, 0);
    assert.equal(load.acks.length, APPENDS);
    for (const ack of load.acks) assert.equal(ack.description, descriptionOf(TAG, ack.n));
    for (const [i, exit] of exits.entries())
      assert.deepEqual({ ...exit }, { code: 0, signal: null }, servers[i]!.output());
    t.diagnostic(
      `appends: ${load.acks.length} from ${WORKERS} writers on 2 servers, retries: ${load.retries}, ` +
        `checkpoints signed on demand: ${cps.signed}, refused: ${cps.refused.length}, ` +
        `stored checkpoints: ${rows.checkpoints.length}, duration: ${seconds.toFixed(1)} s`,
    );
  });

  it(`holds exactly ${APPENDS} new entries, each once, after the setup ones`, () => {
    const counts = descriptionCounts(rows.entries, TAG);
    // Said in full when it fails: which acknowledged appends are missing, and what the other entries are.
    const missing = load.acks.filter((a) => !counts.has(a.description)).map((a) => a.n);
    const others = rows.entries
      .map(
        (e) =>
          JSON.parse(e.canonical) as {
            seq: number;
            type: string;
            data: { fields?: { description?: string } };
          },
      )
      .filter((e) => !e.data.fields?.description?.startsWith(`${TAG}:`))
      .map((e) => `${e.seq}:${e.type}`);
    assert.equal(
      rows.entries.length,
      before0 + APPENDS,
      `size before the load ${before0}; appends acknowledged but absent: [${missing.slice(0, 20).join(', ')}] ` +
        `(${missing.length}); entries not from the load: ${others.length} [${others.slice(0, 40).join(', ')}]`,
    );
    assert.equal(counts.size, APPENDS);
    assert.deepEqual(
      [...counts].filter(([, n]) => n !== 1),
      [],
    );
  });

  it('keeps one gapless tree, every checkpoint signed by the log key and extending every earlier one', () => {
    const ledger = checkLedger(rows, init.ledger.verifierKey);
    assert.equal(ledger.latest.size, ledger.size, 'the last shutdown checkpoint covers the whole ledger');
    assert.ok(cps.signed > 10, `only ${cps.signed} checkpoints signed on demand`);
  });

  it('serves consistency proofs between the checkpoints that verify against their signed roots', () => {
    assert.ok(proofs.length >= cps.signed, `${proofs.length} proofs for ${cps.signed} checkpoints`);
    verifyProofs(proofs);
  });
});
