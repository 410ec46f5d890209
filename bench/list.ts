// Benchmark 2: first pages of GET /api/v1/changes, with and without filters and with each filter combined
// with a service, on a generated database of (by default) 100,000 changes, over HTTP to a real server. The
// database is generated on SQLite and cached under .bench/; for PostgreSQL its rows are copied into a fresh
// database, so both engines answer the same queries on the same data.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openStore } from '../src/store/database.ts';
import { startServer } from '../src/server/start.ts';
import { generateChanges, type ListDbMeta } from './generate.ts';
import { copyToPg, freshPgDatabase, type BenchEngine } from './pg.ts';
import { printTable, summarise, verdict, type Summary } from './stats.ts';
import { runClients } from './worker.ts';
import { PROJECTIONS } from '../src/modules/projections.ts';

/** Issue 13: every combination the API accepts answers its first page in ≤ 10 ms (p95). */
const TARGET_P95_MS = 10;
/** Databases generated before supplier changes existed have none: the supplier filters then find nothing. */
const SUPPLIERS_0 = 'Example Cloud';
const PG_DATABASE = 'changeproof_bench_list';

function queries(meta: ListDbMeta): Record<string, string> {
  const range = `from=${meta.from}&to=${meta.to}`;
  const supplier = meta.supplier ?? SUPPLIERS_0;
  const s = `service=${meta.service}`;
  const single: Record<string, string> = {
    'no filter': '',
    'state=awaiting_approval': 'state=awaiting_approval',
    [s]: s,
    'risk=high': 'risk=high',
    [`requester=${meta.requester}`]: `requester=${meta.requester}`,
    [`q=${meta.word}`]: `q=${meta.word}`,
    'q=<one change id>': `q=CHG-${Math.floor(meta.changes / 3)}`,
    // Text in no change: without an index every row is read. And text in most changes.
    'q=<text in no change>': 'q=quarterly%20zebra%20audit',
    'q=the': 'q=the',
    [`q=${meta.word}&risk=high`]: `q=${meta.word}&risk=high`,
    'from/to (30 days)': range,
    'origin=supplier': 'origin=supplier',
    [`supplier=${supplier}`]: `supplier=${encodeURIComponent(supplier)}`,
    'q=maintenance notice': 'q=maintenance%20notice',
    'overdue=true': 'overdue=true',
    combined: `state=closed&risk=high&${s}&${range}`,
    // Oldest first walks the same indexes the other way.
    'order=oldest': 'order=oldest',
    'order=oldest+service': `order=oldest&${s}`,
    [`order=oldest+q=${meta.word}`]: `order=oldest&q=${meta.word}`,
    'order=oldest+risk=high': 'order=oldest&risk=high',
    'order=oldest+from/to': `order=oldest&${range}`,
  };
  // Each filter with a service: the combinations that walked the service's changes before migration 0008.
  const withService: Record<string, string> = {
    'service+state=awaiting_approval': `${s}&state=awaiting_approval`,
    'service+state=draft,scheduled': `${s}&state=draft&state=scheduled`,
    'service+type=emergency': `${s}&type=emergency`,
    'service+type=standard': `${s}&type=standard`,
    'service+risk=high': `${s}&risk=high`,
    'service+risk=low': `${s}&risk=low`,
    [`service+requester=${meta.requester}`]: `${s}&requester=${meta.requester}`,
    'service+origin=supplier': `${s}&origin=supplier`,
    'service+supplier': `${s}&supplier=${encodeURIComponent(supplier)}`,
    'service+from/to': `${s}&${range}`,
    [`service+q=${meta.word}`]: `${s}&q=${meta.word}`,
    'service+overdue=true': `${s}&overdue=true`,
    'service+type+state': `${s}&type=emergency&state=review`,
  };
  // Pairs without a service.
  const pairs: Record<string, string> = {
    'type=emergency&state=review': 'type=emergency&state=review',
    'risk=high&state=awaiting_approval': 'risk=high&state=awaiting_approval',
    'type=standard&risk=high': 'type=standard&risk=high',
    [`requester&type=emergency`]: `requester=${meta.requester}&type=emergency`,
  };
  const all = { ...single, ...withService, ...pairs };
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, `/api/v1/changes${v ? `?${v}` : ''}`]));
}

export async function listBench(opts: {
  root: string;
  changes: number;
  repeat: number;
  regen: boolean;
  engines: BenchEngine[];
  pgUrl: string | undefined;
}) {
  const dataDir = join(opts.root, `list-${opts.changes}`);
  const metaFile = join(dataDir, 'meta.json');
  let meta: ListDbMeta;
  if (!opts.regen && existsSync(metaFile)) {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as ListDbMeta;
    console.log(`using the cached database in ${dataDir} (--regen to rebuild)`);
  } else {
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`generating ${opts.changes} changes in ${dataDir} …`);
    meta = await generateChanges(dataDir, opts.changes);
  }
  const results: Record<string, unknown> = {};
  for (const engine of opts.engines) {
    let databaseUrl: string | undefined;
    if (engine === 'postgres') {
      const t0 = performance.now();
      databaseUrl = await freshPgDatabase(opts.pgUrl!, PG_DATABASE);
      const sqlite = openStore({ dataDir });
      await sqlite.migrate(PROJECTIONS);
      const copy = await copyToPg(sqlite, databaseUrl);
      await Promise.all([sqlite.close(), copy.close()]);
      console.log(
        `copied into PostgreSQL database ${PG_DATABASE} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
    results[engine] = await timeQueries(engine, dataDir, databaseUrl, meta, opts.repeat);
  }
  return results;
}

async function timeQueries(
  engine: BenchEngine,
  dataDir: string,
  databaseUrl: string | undefined,
  meta: ListDbMeta,
  repeat: number,
) {
  console.log(`\n-- ${engine} --`);
  const server = await startServer(
    loadConfig({
      CHANGEPROOF_DATA: dataDir,
      CHANGEPROOF_PORT: '0',
      CHANGEPROOF_HOST: '127.0.0.1',
      ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    }),
    { log: false },
  );
  try {
    const states = await server.container.store.db
      .selectFrom('changes')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    console.log(`  states: ${states.map((s) => `${s.state} ${Number(s.n)}`).join(', ')}`);
    const paths = queries(meta);
    console.log(
      `${Object.keys(paths).length} queries × ${repeat} sequential requests (first page, limit 50)`,
    );
    const r = await runClients({ mode: 'get', url: server.url, token: meta.token, paths, repeat });
    const rows: [string, Summary][] = Object.entries(r.latencies).map(([k, v]) => [k, summarise(v)]);
    printTable(rows);
    for (const e of r.firstErrors) console.log(`  error: ${e}`);
    const worst = rows.reduce((a, b) => (b[1].p95 > a[1].p95 ? b : a));
    const pass = worst[1].p95 <= TARGET_P95_MS && r.errors === 0;
    console.log(`errors:            ${r.errors}`);
    console.log(
      `worst first-page p95 (${engine}): ${worst[1].p95.toFixed(2)} ms (${worst[0]}) on ${meta.changes} changes (target ≤ ${TARGET_P95_MS} ms) ${verdict(pass)}`,
    );
    return {
      changes: meta.changes,
      generatedSeconds: meta.generatedSeconds,
      requestsPerQuery: repeat,
      errors: r.errors,
      firstErrors: r.firstErrors,
      latencyMs: Object.fromEntries(rows),
      paths,
      worstP95: worst[1].p95,
      pass,
    };
  } finally {
    await server.close();
  }
}
