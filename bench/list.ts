// Benchmark 2: first pages of GET /api/v1/changes, with and without filters, on a generated database of
// (by default) 100,000 changes, over HTTP to a real server. The database is cached under .bench/.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server/start.ts';
import { generateChanges, type ListDbMeta } from './generate.ts';
import { printTable, summarise, verdict, type Summary } from './stats.ts';
import { runClients } from './worker.ts';

const TARGET_P95_MS = 30;
/** Databases generated before supplier changes existed have none: the supplier filters then find nothing. */
const SUPPLIERS_0 = 'Example Cloud';

export async function listBench(opts: { root: string; changes: number; repeat: number; regen: boolean }) {
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

  const server = await startServer(
    loadConfig({ CHANGEPROOF_DATA: dataDir, CHANGEPROOF_PORT: '0', CHANGEPROOF_HOST: '127.0.0.1' }),
    { log: false },
  );
  try {
    const states = await server.container.store.db
      .selectFrom('changes')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    console.log(`  states: ${states.map((s) => `${s.state} ${Number(s.n)}`).join(', ')}`);
    const range = `from=${meta.from}&to=${meta.to}`;
    const base = '/api/v1/changes';
    const paths: Record<string, string> = {
      'no filter': base,
      'state=awaiting_approval': `${base}?state=awaiting_approval`,
      [`service=${meta.service}`]: `${base}?service=${meta.service}`,
      'risk=high': `${base}?risk=high`,
      [`requester=${meta.requester}`]: `${base}?requester=${meta.requester}`,
      [`q=${meta.word}`]: `${base}?q=${meta.word}`,
      'q=<one change id>': `${base}?q=CHG-${Math.floor(meta.changes / 3)}`,
      // Text in no change: without an index every row is read. And text in most changes.
      'q=<text in no change>': `${base}?q=quarterly%20zebra%20audit`,
      'q=the': `${base}?q=the`,
      [`q=${meta.word}&risk=high`]: `${base}?q=${meta.word}&risk=high`,
      'from/to (30 days)': `${base}?${range}`,
      'origin=supplier': `${base}?origin=supplier`,
      [`supplier=${meta.supplier ?? SUPPLIERS_0}`]: `${base}?supplier=${encodeURIComponent(meta.supplier ?? SUPPLIERS_0)}`,
      'q=maintenance notice': `${base}?q=maintenance%20notice`,
      combined: `${base}?state=closed&risk=high&service=${meta.service}&${range}`,
    };
    console.log(
      `${Object.keys(paths).length} queries × ${opts.repeat} sequential requests (first page, limit 50)`,
    );
    const r = await runClients({
      mode: 'get',
      url: server.url,
      token: meta.token,
      paths,
      repeat: opts.repeat,
    });
    const rows: [string, Summary][] = Object.entries(r.latencies).map(([k, v]) => [k, summarise(v)]);
    printTable(rows);
    for (const e of r.firstErrors) console.log(`  error: ${e}`);
    const worst = Math.max(...rows.map(([, s]) => s.p95));
    const pass = worst < TARGET_P95_MS && r.errors === 0;
    console.log(`errors:            ${r.errors}`);
    console.log(
      `worst first-page p95: ${worst.toFixed(2)} ms on ${meta.changes} changes (target < ${TARGET_P95_MS} ms) ${verdict(pass)}`,
    );
    return {
      changes: meta.changes,
      generatedSeconds: meta.generatedSeconds,
      requestsPerQuery: opts.repeat,
      errors: r.errors,
      firstErrors: r.firstErrors,
      latencyMs: Object.fromEntries(rows),
      paths,
      worstP95: worst,
      pass,
    };
  } finally {
    await server.close();
  }
}
