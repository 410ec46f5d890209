// Crash suite (issue 3): a real server on SQLite is killed with SIGKILL at random moments while clients
// append through the HTTP API, retrying with the same Idempotency-Key until acknowledged, and is restarted
// after each kill. Afterwards nothing acknowledged is lost or duplicated, the sequence is gapless, the tree
// and every signed checkpoint verify, and SQLite's integrity check passes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkLedger,
  descriptionCounts,
  fetchProofs,
  listCheckpoints,
  sqliteRows,
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
import { random } from './random.ts';

const APPENDS = Number(process.env.DURABILITY_APPENDS ?? 10_000);
const WORKERS = 6;
/** Kills while appends are being acknowledged, spread over the run with random jitter. */
const KILLS = 25;
/** Extra kills of a server that is still starting up. */
const STARTUP_KILLS = 2;
const TAG = `crash${Date.now()}`;
const service = (w: number) => `crash-svc-${w}`;

describe(`crash suite: kill -9 during ${APPENDS} HTTP appends (SQLite, real server)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'changeproof-crash-'));
  const env = { CHANGEPROOF_DATA: dir, CHANGEPROOF_LOG_LEVEL: 'warn' };
  const server = new ServerProcess(env);
  let init: InitResult;
  let load: AppendStats;
  let cps: CheckpointStats;
  let proofs: ProofCheck[];
  let rows: LedgerRows;
  let integrity: unknown[];
  let stopped: Exit;
  const killExits: Exit[] = [];
  let seconds = 0;

  before(
    async () => {
      const started = Date.now();
      init = await initInstance(env);
      await server.start();
      const token = init.admin.token;
      const key = await call<{ verifierKey: string }>(server.url, token, 'GET', '/api/v1/ledger/key');
      assert.equal(key.body.verifierKey, init.ledger.verifierKey);
      await registerServices(
        server.url,
        token,
        Array.from({ length: WORKERS }, (_, w) => service(w)),
      );

      // Kill points: evenly spaced acknowledgement counts, each moved by up to a third of the spacing.
      const gap = APPENDS / (KILLS + 1);
      const points = Array.from({ length: KILLS }, (_, k) =>
        Math.round(gap * (k + 1) + (random() - 0.5) * (gap / 1.5)),
      );
      let acked = 0;
      const abort = new AbortController();
      const stopCheckpoints = new AbortController();
      const startFailures: string[] = [];
      const killer = (async () => {
        for (const [k, point] of points.entries()) {
          while (acked < point && !abort.signal.aborted) await sleep(2);
          if (abort.signal.aborted) return;
          // A random moment within the next few requests, so kills land anywhere in a request's life.
          await sleep(random() * 30);
          killExits.push(await server.kill9());
          try {
            if (k % Math.ceil(KILLS / STARTUP_KILLS) === 1) {
              killExits.push(await server.startAndKillAfter(100 + random() * 1500));
            }
            await server.start();
          } catch (error) {
            startFailures.push((error as Error).message);
            abort.abort();
          }
        }
      })();
      const checkpoints = checkpointLoop(token, () => [server.url], 300, stopCheckpoints.signal);
      load = await appendLoad({
        total: APPENDS,
        workers: WORKERS,
        tag: TAG,
        token,
        url: () => server.url,
        service,
        signal: abort.signal,
        onAck: (n) => (acked = n),
      });
      abort.abort();
      await killer;
      stopCheckpoints.abort();
      cps = await checkpoints;
      if (startFailures.length > 0)
        throw new Error(`the server did not start after a kill:\n${startFailures[0]}`);

      proofs = await fetchProofs(server.url, token, await listCheckpoints(server.url, token));
      stopped = await server.stop();
      const db = new DatabaseSync(join(dir, 'changeproof.sqlite'));
      try {
        rows = sqliteRows(db);
        integrity = db
          .prepare('pragma integrity_check')
          .all()
          .map((r) => ({ ...r }));
      } finally {
        db.close();
      }
      seconds = (Date.now() - started) / 1000;
    },
    { timeout: 15 * 60_000 },
  );

  after(() => {
    killAllServers();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`killed the server at least 25 times, and it started again after every kill`, (t) => {
    assert.ok(killExits.length >= 25, `only ${killExits.length} kills`);
    for (const exit of killExits)
      assert.equal(exit.signal, 'SIGKILL', `a server exited on its own: ${exit.code}`);
    assert.deepEqual(
      { code: stopped.code, signal: stopped.signal },
      { code: 0, signal: null },
      server.output(),
    );
    t.diagnostic(
      `kills: ${killExits.length}, server starts: ${server.starts}, appends: ${load.acks.length}, ` +
        `retries: ${load.retries} (connection errors ${load.connectionErrors}, 5xx ${load.serverErrors.length}), ` +
        `replayed acknowledgements: ${load.acks.filter((a) => a.replayed).length}, ` +
        `checkpoints asked and signed: ${cps.signed}, duration: ${seconds.toFixed(1)} s`,
    );
  });

  it('acknowledged every append, and the ledger holds each exactly once', () => {
    assert.deepEqual(load.rejected, [], 'requests answered with neither 2xx nor 5xx');
    assert.equal(load.acks.length, APPENDS);
    for (const ack of load.acks) assert.equal(ack.description, descriptionOf(TAG, ack.n));
    const counts = descriptionCounts(rows.entries, TAG);
    const lost = load.acks.filter((a) => !counts.has(a.description)).map((a) => a.n);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([d]) => d);
    assert.deepEqual(lost, [], `acknowledged appends missing from the ledger`);
    assert.deepEqual(duplicated, [], `appends recorded more than once`);
    assert.equal(counts.size, APPENDS, 'the ledger holds appends nobody asked for');
  });

  it('keeps a gapless sequence, one tree, and signed checkpoints that all extend each other', () => {
    const ledger = checkLedger(rows, init.ledger.verifierKey);
    assert.ok(ledger.size >= APPENDS + WORKERS);
    // The clean stop signed a checkpoint of the whole ledger.
    assert.equal(ledger.latest.size, ledger.size);
    assert.deepEqual(Buffer.from(ledger.latest.root_hash, 'base64'), ledger.root);
    assert.ok(ledger.checkpoints.length > KILLS, `only ${ledger.checkpoints.length} checkpoints`);
  });

  it('signed every checkpoint asked for, and its consistency proofs verify', () => {
    assert.deepEqual(cps.refused, [], 'checkpoints refused after a crash');
    assert.ok(cps.signed > 0);
    assert.ok(proofs.length > 0);
    verifyProofs(proofs);
  });

  it('passes SQLite integrity_check', () => {
    assert.deepEqual(integrity, [{ integrity_check: 'ok' }]);
  });
});
