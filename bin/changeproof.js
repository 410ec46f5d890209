#!/usr/bin/env node
// Entry point for `npx changeproof`. Changeproof runs on Node 24, which `npm ci` installs into
// node_modules; on an older system Node this re-runs the CLI with that one.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'src', 'cli', 'main.ts');
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  await import(main);
} else {
  const node = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(node)) {
    console.error(`changeproof needs Node.js 24; run \`npm ci\` in ${root} first`);
    process.exit(2);
  }
  const args = ['--disable-warning=ExperimentalWarning', main, ...process.argv.slice(2)];
  const result = spawnSync(node, args, { stdio: 'inherit' });
  process.exit(result.status ?? 2);
}
