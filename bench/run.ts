// `npm run bench [-- lifecycle|list] [--quick] [--n N] [--regen]`: the issue-2 benchmarks. They print
// figures and write them to .bench/results-<name>.json; they are not tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lifecycleBench } from './lifecycle.ts';
import { listBench } from './list.ts';
import { machine } from './stats.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    n: { type: 'string' },
    changes: { type: 'string' },
    regen: { type: 'boolean', default: false },
  },
});
const names = positionals.length > 0 ? positionals : ['lifecycle', 'list'];
for (const name of names)
  if (name !== 'lifecycle' && name !== 'list')
    throw new Error(`unknown benchmark ${name}: lifecycle or list`);

// Under the repository (git-ignored), so the figures are for the disk the server would really use.
const root = join(fileURLToPath(new URL('..', import.meta.url)), '.bench');
mkdirSync(root, { recursive: true });
const host = machine(root);
console.log('machine');
for (const [k, v] of Object.entries(host)) console.log(`  ${k.padEnd(11)} ${v}`);

for (const name of names) {
  console.log(`\n== ${name}${values.quick ? ' (quick)' : ''} ==`);
  const results =
    name === 'lifecycle'
      ? await lifecycleBench({
          root,
          lifecycles: Number(values.n ?? (values.quick ? 500 : 10_000)),
          concurrency: 8,
        })
      : await listBench({
          root,
          changes: Number(values.changes ?? (values.quick ? 5_000 : 100_000)),
          repeat: values.quick ? 50 : 200,
          regen: values.regen,
        });
  const file = join(root, `results-${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({ at: new Date().toISOString(), quick: values.quick, machine: host, results }, null, 2),
  );
  console.log(`results written to ${file}`);
}
