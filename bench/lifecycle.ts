// Benchmark 1: complete normal-change lifecycles through the HTTP API of a real server on SQLite with
// synchronous=FULL, against the raw durable-commit rate of the same disk; and the same load on PostgreSQL
// (a fresh database of its own), printed side by side with the round trips each write makes to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server/start.ts';
import type { SqliteTiming } from '../src/store/sqlite-dialect.ts';
import { directLifecycles } from './lifecycle-direct.ts';
import { rawCommitRate, type RawCommits } from './raw-commits.ts';
import type { Role } from './lifecycle-plan.ts';
import { createUsers, registerServices, type BenchUser } from './seed.ts';
import { printTable, summarise, verdict, type Summary } from './stats.ts';
import { runClients } from './worker.ts';
import { countPgRoundTrips, freshPgDatabase, postgresCpuMs, type BenchEngine } from './pg.ts';

const TARGET_RATIO = 0.5;

const emptyTiming = (): SqliteTiming => ({ statements: 0, statementMs: 0, commits: 0, commitMs: 0 });

/** SQLite's own time per write, and the writes/s one thread could reach if nothing else took any time. */
function sqliteShare(t: SqliteTiming, writes: number) {
  const msPerWrite = (t.statementMs + t.commitMs) / writes;
  return { msPerWrite, ceiling: 1000 / msPerWrite };
}
const TARGET_P99_MS = 25;

// The example policy rates a change to a high-criticality production service `medium`, which needs
// exactly two approvals (technical + business) and no post-implementation review to close: the issue's
// "create, submit, two approvals, schedule, implement, outcome, close" with nothing added.
const SERVICE = 'billing-ledger';
const USERS: Record<Role, BenchUser> = {
  requester: { username: 'rita', roles: ['requester'], groups: [] },
  technical: { username: 'tom', roles: ['approver'], groups: ['technical'] },
  business: { username: 'betty', roles: ['approver'], groups: ['business'] },
  implementer: { username: 'ivan', roles: ['implementer'], groups: [] },
};

function measureRaw(dir: string, when: string): RawCommits {
  const raw = rawCommitRate(dir);
  console.log(
    `raw single-row commits (WAL, synchronous=FULL), ${when}: ${raw.commits} in ${raw.seconds.toFixed(2)} s = ${raw.perSecond.toFixed(0)}/s`,
  );
  return raw;
}

export async function lifecycleBench(opts: {
  root: string;
  lifecycles: number;
  concurrency: number;
  engines: BenchEngine[];
  pgUrl: string | undefined;
}) {
  const results: Record<string, unknown> = {};
  for (const engine of opts.engines) {
    console.log(`\n-- ${engine} --`);
    results[engine] = engine === 'sqlite' ? await sqliteRun(opts) : await postgresRun(opts, opts.pgUrl!);
  }
  const side = Object.entries(results) as [string, EngineFigures][];
  if (side.length > 1) {
    console.log('\nside by side (same load, same run)');
    console.log('  engine      requests/s      p50      p95      p99   (ms)   round trips/request');
    for (const [engine, f] of side)
      console.log(
        `  ${engine.padEnd(10)} ${f.requestsPerSecond.toFixed(0).padStart(11)} ${f.latencyMs.all.p50.toFixed(2).padStart(8)} ${f.latencyMs.all.p95.toFixed(2).padStart(8)} ${f.latencyMs.all.p99.toFixed(2).padStart(8)}          ${f.roundTripsPerRequest === undefined ? '-' : f.roundTripsPerRequest.toFixed(1)}`,
      );
  }
  return results;
}

interface EngineFigures {
  requestsPerSecond: number;
  latencyMs: { all: Summary };
  roundTripsPerRequest?: number;
}

const PG_DATABASE = 'changeproof_bench_lifecycle';

/** The HTTP run on PostgreSQL: throughput, latency, server CPU and the round trips per write request. */
async function postgresRun(opts: { root: string; lifecycles: number; concurrency: number }, pgUrl: string) {
  const databaseUrl = await freshPgDatabase(pgUrl, PG_DATABASE);
  const dataDir = mkdtempSync(join(opts.root, 'lifecycle-pg-'));
  try {
    const server = await startServer(
      loadConfig({
        CHANGEPROOF_DATA: dataDir,
        CHANGEPROOF_PORT: '0',
        CHANGEPROOF_HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
      }),
      { log: false },
    );
    try {
      const pgCpu0 = postgresCpuMs();
      const { r, cpu, trips } = await runApi(server, opts);
      const pgCpu1 = postgresCpuMs();
      const pgCpuPerRequest =
        pgCpu0 === null || pgCpu1 === null
          ? null
          : (pgCpu1 - pgCpu0) / Object.values(r.latencies).flat().length;
      const all = Object.values(r.latencies).flat();
      const perType: [string, Summary][] = Object.entries(r.latencies).map(([k, v]) => [k, summarise(v)]);
      const overall = summarise(all);
      const rps = all.length / (r.wallMs / 1000);
      const cpuPerRequest = (cpu.user + cpu.system) / 1000 / all.length;
      console.log(`write requests:    ${all.length}`);
      console.log(`wall time:         ${(r.wallMs / 1000).toFixed(2)} s`);
      console.log(`requests/s:        ${rps.toFixed(0)}`);
      console.log(`server thread CPU: ${cpuPerRequest.toFixed(2)} ms per request`);
      console.log(
        `round trips:       ${(trips.queries / all.length).toFixed(1)} per request (${trips.queries} queries)`,
      );
      console.log(
        `PostgreSQL CPU:    ${pgCpuPerRequest === null ? 'not measured (not on this machine)' : `${pgCpuPerRequest.toFixed(2)} ms per request, all backends`}`,
      );
      for (const e of r.firstErrors) console.log(`  error: ${e}`);
      printTable([...perType, ['all', overall]]);
      console.log(`errors:            ${r.errors} (target 0) ${verdict(r.errors === 0)}`);
      return {
        writeRequests: all.length,
        wallSeconds: r.wallMs / 1000,
        requestsPerSecond: rps,
        serverCpuMsPerRequest: cpuPerRequest,
        roundTripsPerRequest: trips.queries / all.length,
        postgresCpuMsPerRequest: pgCpuPerRequest,
        errors: r.errors,
        firstErrors: r.firstErrors,
        latencyMs: { all: overall, ...Object.fromEntries(perType) },
      };
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Seeds the service and users, then runs the lifecycles from the client threads. */
async function runApi(
  server: Awaited<ReturnType<typeof startServer>>,
  opts: { lifecycles: number; concurrency: number },
) {
  const c = server.container;
  await registerServices(c, [{ name: SERVICE, environment: 'prod', criticality: 'high' }]);
  const tokens = await createUsers(
    c,
    Object.values(USERS),
    Object.values(USERS).map((u) => u.username),
  );
  console.log(
    `${opts.lifecycles} lifecycles, ${opts.concurrency} concurrent clients, 8 write requests each → ${server.url}`,
  );
  const cpu0 = process.threadCpuUsage();
  const trips = countPgRoundTrips();
  const r = await runClients({
    mode: 'lifecycle',
    url: server.url,
    runId: `b${Date.now().toString(36)}`,
    lifecycles: opts.lifecycles,
    concurrency: opts.concurrency,
    service: SERVICE,
    tokens: {
      requester: tokens[USERS.requester.username]!,
      technical: tokens[USERS.technical.username]!,
      business: tokens[USERS.business.username]!,
      implementer: tokens[USERS.implementer.username]!,
    },
  });
  trips.stop();
  return { r, cpu: process.threadCpuUsage(cpu0), trips };
}

async function sqliteRun(opts: { root: string; lifecycles: number; concurrency: number }) {
  const dataDir = mkdtempSync(join(opts.root, 'lifecycle-'));
  try {
    // Measured on the idle disk before and after the API run, in the directory the server's database
    // lives in; fsync latency drifts with whatever else the machine does, so both are shown.
    const before = measureRaw(dataDir, 'before');

    const server = await startServer(
      loadConfig({ CHANGEPROOF_DATA: dataDir, CHANGEPROOF_PORT: '0', CHANGEPROOF_HOST: '127.0.0.1' }),
      { log: false },
    );
    try {
      const c = server.container;
      // The server's own thread: CPU it used, so the rest of the wall time is fsync waits and contention.
      const sqlite = emptyTiming();
      c.store.sqlite!.timing = sqlite;
      const { r, cpu } = await runApi(server, opts);
      c.store.sqlite!.timing = null;
      const after = measureRaw(dataDir, 'after');
      // The same work without HTTP, for where the time goes (see lifecycle-direct.ts).
      const direct = await directLifecycles({
        root: opts.root,
        lifecycles: opts.lifecycles,
        concurrency: opts.concurrency,
        service: SERVICE,
        users: USERS,
      });
      const raw = { before, after, perSecond: (before.perSecond + after.perSecond) / 2 };
      const closed = await c.store.db
        .selectFrom('changes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('state', '=', 'closed')
        .executeTakeFirstOrThrow();

      const all = Object.values(r.latencies).flat();
      const perType: [string, Summary][] = Object.entries(r.latencies).map(([k, v]) => [k, summarise(v)]);
      const overall = summarise(all);
      const rps = all.length / (r.wallMs / 1000);
      const ratio = rps / raw.perSecond;
      console.log(`lifecycles:        ${opts.lifecycles} (closed in the database: ${Number(closed.n)})`);
      console.log(`write requests:    ${all.length}`);
      console.log(`wall time:         ${(r.wallMs / 1000).toFixed(2)} s`);
      console.log(`requests/s:        ${rps.toFixed(0)}`);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const cpuPerRequest = cpuMs / all.length;
      console.log(
        `server thread CPU: ${cpuPerRequest.toFixed(2)} ms per request (${((100 * cpuMs) / r.wallMs).toFixed(0)}% of wall time; user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms)`,
      );
      console.log(
        `client thread CPU: ${(r.cpuMs / all.length).toFixed(2)} ms per request (${((100 * r.cpuMs) / r.wallMs).toFixed(0)}% of wall time)`,
      );
      const inSqlite = sqliteShare(sqlite, all.length);
      console.log(
        `time in SQLite:    ${inSqlite.msPerWrite.toFixed(3)} ms per request (statements ${(sqlite.statementMs / all.length).toFixed(3)} ms, ${(sqlite.statements / all.length).toFixed(1)} per request; commits ${(sqlite.commitMs / all.length).toFixed(3)} ms, ${sqlite.commits} commits of ${(all.length / sqlite.commits).toFixed(1)} requests on average)`,
      );
      console.log(
        `                   SQLite alone would allow at most ${inSqlite.ceiling.toFixed(0)} writes/s on one thread (ratio ${(inSqlite.ceiling / raw.perSecond).toFixed(3)})`,
      );
      for (const e of r.firstErrors) console.log(`  error: ${e}`);
      printTable([...perType, ['all', overall]]);
      console.log(
        `use-cases alone:   ${direct.perSecond.toFixed(0)} writes/s, ${direct.cpuMsPerWrite.toFixed(2)} ms CPU per write (the same lifecycles in-process: no HTTP, validation, authentication or idempotency records; ratio ${(direct.perSecond / raw.perSecond).toFixed(3)})`,
      );
      console.log(
        `raw commits/s:     ${raw.perSecond.toFixed(0)} (mean of ${before.perSecond.toFixed(0)} before, ${after.perSecond.toFixed(0)} after)`,
      );
      console.log(
        `throughput ratio:  ${ratio.toFixed(3)} (API writes/s ÷ raw commits/s; target ≥ ${TARGET_RATIO}) ${verdict(ratio >= TARGET_RATIO)}`,
      );
      console.log(
        `p99 latency:       ${overall.p99.toFixed(2)} ms (target < ${TARGET_P99_MS} ms) ${verdict(overall.p99 < TARGET_P99_MS)}`,
      );
      console.log(`errors:            ${r.errors} (target 0) ${verdict(r.errors === 0)}`);
      return {
        lifecycles: opts.lifecycles,
        concurrency: opts.concurrency,
        closedInDatabase: Number(closed.n),
        writeRequests: all.length,
        wallSeconds: r.wallMs / 1000,
        requestsPerSecond: rps,
        serverCpuMsPerRequest: cpuPerRequest,
        clientCpuMsPerRequest: r.cpuMs / all.length,
        useCasesAlone: direct,
        sqlite: { ...sqlite, ...inSqlite },
        errors: r.errors,
        firstErrors: r.firstErrors,
        latencyMs: { all: overall, ...Object.fromEntries(perType) },
        rawCommits: raw,
        ratio,
        pass: {
          ratio: ratio >= TARGET_RATIO,
          p99: overall.p99 < TARGET_P99_MS,
          errors: r.errors === 0,
        },
      };
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
