// The issue-2 and issue-3 benchmarks; they print figures and write them to .bench/results-<name>.json, they
// are not tests.
//   npm run bench [-- lifecycle|list|ledger|gate|web] [--quick] [--n LIFECYCLES] [--clients C] [--changes N]
//                 [--appends N] [--entries N] [--regen] [--engine sqlite|postgres|both] [--pg URL]
//                 gate: [--changes N] [--services N] [--requests N] [--clients C]
//                 web: [--n LOADS] (the first load of the web app in chromium)
// lifecycle and list run on PostgreSQL too when --pg, DATABASE_URL or TEST_DATABASE_URL gives a server: each
// in a fresh database of its own on it (changeproof_bench_*), side by side with SQLite.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gateBench } from './gate.ts';
import { ledgerBench } from './ledger.ts';
import { lifecycleBench } from './lifecycle.ts';
import { listBench } from './list.ts';
import { benchEngines } from './pg.ts';
import { webBench } from './web.ts';
import { load, machine } from './stats.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    n: { type: 'string' },
    clients: { type: 'string' },
    changes: { type: 'string' },
    appends: { type: 'string' },
    entries: { type: 'string' },
    regen: { type: 'boolean', default: false },
    engine: { type: 'string' },
    pg: { type: 'string' },
    services: { type: 'string' },
    requests: { type: 'string' },
  },
});
const BENCHES = ['lifecycle', 'list', 'ledger', 'gate', 'web'];
const names = positionals.length > 0 ? positionals : BENCHES;
for (const name of names)
  if (!BENCHES.includes(name)) throw new Error(`unknown benchmark ${name}: ${BENCHES.join(', ')}`);

const pgUrl = values.pg ?? process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const engines = benchEngines(values.engine, pgUrl);

// Under the repository (git-ignored), so the figures are for the disk the server would really use.
const root = join(fileURLToPath(new URL('..', import.meta.url)), '.bench');
mkdirSync(root, { recursive: true });
const host = machine(root);
console.log('machine');
for (const [k, v] of Object.entries(host)) console.log(`  ${k.padEnd(11)} ${v}`);

for (const name of names) {
  console.log(`\n== ${name}${values.quick ? ' (quick)' : ''} ==`);
  const results =
    name === 'web'
      ? await webBench({ root, loads: Number(values.n ?? (values.quick ? 5 : 30)) })
      : name === 'gate'
        ? await gateBench({
            root,
            changes: Number(values.changes ?? (values.quick ? 2_000 : 10_000)),
            services: Number(values.services ?? (values.quick ? 200 : 1_000)),
            requests: Number(values.requests ?? (values.quick ? 2_000 : 20_000)),
            concurrency: Number(values.clients ?? 8),
          })
        : name === 'lifecycle'
          ? await lifecycleBench({
              root,
              lifecycles: Number(values.n ?? (values.quick ? 500 : 10_000)),
              concurrency: Number(values.clients ?? 8),
              engines,
              pgUrl,
            })
          : name === 'ledger'
            ? await ledgerBench({
                root,
                appends: Number(values.appends ?? (values.quick ? 10_000 : 100_000)),
                entries: Number(values.entries ?? (values.quick ? 100_000 : 1_000_000)),
                regen: values.regen,
              })
            : await listBench({
                root,
                changes: Number(values.changes ?? (values.quick ? 5_000 : 100_000)),
                repeat: values.quick ? 50 : 200,
                regen: values.regen,
                engines,
                pgUrl,
              });
  const loadAfter = load();
  console.log(`load average now: ${loadAfter} (at the start: ${host.loadAverage})`);
  const file = join(root, `results-${name}.json`);
  const at = new Date().toISOString();
  writeFileSync(
    file,
    JSON.stringify({ at, quick: values.quick, machine: host, loadAfter, results }, null, 2),
  );
  console.log(`results written to ${file}`);
}
