// Benchmark 1: complete normal-change lifecycles through the HTTP API of a real server on SQLite with
// synchronous=FULL, against the raw durable-commit rate of the same disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server/start.ts';
import { rawCommitRate, type RawCommits } from './raw-commits.ts';
import { createUsers, registerServices } from './seed.ts';
import { printTable, summarise, verdict, type Summary } from './stats.ts';
import { runClients } from './worker.ts';

const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 25;

// The example policy rates a change to a high-criticality production service `medium`, which needs
// exactly two approvals (technical + business) and no post-implementation review to close: the issue's
// "create, submit, two approvals, schedule, implement, outcome, close" with nothing added.
const SERVICE = 'billing-ledger';
const USERS = [
  { username: 'rita', roles: ['requester' as const], groups: [] },
  { username: 'tom', roles: ['approver' as const], groups: ['technical'] },
  { username: 'betty', roles: ['approver' as const], groups: ['business'] },
  { username: 'ivan', roles: ['implementer' as const], groups: [] },
];

function measureRaw(dir: string, when: string): RawCommits {
  const raw = rawCommitRate(dir);
  console.log(
    `raw single-row commits (WAL, synchronous=FULL), ${when}: ${raw.commits} in ${raw.seconds.toFixed(2)} s = ${raw.perSecond.toFixed(0)}/s`,
  );
  return raw;
}

export async function lifecycleBench(opts: { root: string; lifecycles: number; concurrency: number }) {
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
      await registerServices(c, [{ name: SERVICE, environment: 'prod', criticality: 'high' }]);
      const tokens = await createUsers(
        c,
        USERS,
        USERS.map((u) => u.username),
      );
      console.log(
        `${opts.lifecycles} lifecycles, ${opts.concurrency} concurrent clients, 8 write requests each → ${server.url}`,
      );
      // The server's own thread: CPU it used, so the rest of the wall time is fsync waits and contention.
      const cpu0 = process.threadCpuUsage();
      const r = await runClients({
        mode: 'lifecycle',
        url: server.url,
        runId: `b${Date.now().toString(36)}`,
        lifecycles: opts.lifecycles,
        concurrency: opts.concurrency,
        service: SERVICE,
        tokens: {
          requester: tokens.rita!,
          technical: tokens.tom!,
          business: tokens.betty!,
          implementer: tokens.ivan!,
        },
      });
      const cpu = process.threadCpuUsage(cpu0);
      const after = measureRaw(dataDir, 'after');
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
      for (const e of r.firstErrors) console.log(`  error: ${e}`);
      printTable([...perType, ['all', overall]]);
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
