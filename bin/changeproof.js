#!/usr/bin/env node
// Entry point for `npx changeproof`. Changeproof runs on Node 24, which `npm ci` installs into
// node_modules; on an older system Node this re-runs the CLI with that one.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import module from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'src', 'cli', 'main.ts');
const major = Number(process.versions.node.split('.')[0]);
// Caching compiled, type-stripped modules makes the CLI start several times faster after its first run.
if (major >= 24) {
  module.enableCompileCache();
  await import(main);
} else {
  const node = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(node)) {
    console.error(`changeproof needs Node.js 24; run \`npm ci\` in ${root} first`);
    process.exit(2);
  }
  const args = ['--disable-warning=ExperimentalWarning', main, ...process.argv.slice(2)];
  const env = { NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'), ...process.env };
  const result = spawnSync(node, args, { stdio: 'inherit', env });
  process.exit(result.status ?? 2);
}
