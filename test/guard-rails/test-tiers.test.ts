// Tests run in tiers, each an npm script with file globs: `npm test` (the check and the fast tests),
// `test:e2e` (processes, the README walk, long adversarial and tamper runs) and `test:durability`. A test
// file that no tier's glob matches would never run, and one matched twice would run twice: every file that
// uses node:test must belong to exactly one tier, and CI must run every tier.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, matchesGlob, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = new URL('../..', import.meta.url).pathname;
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const TIERS = ['test:fast', 'test:e2e', 'test:durability'] as const;

/** The quoted file globs of a `node --test` script. */
function globsOf(script: string): string[] {
  const command = scripts[script];
  assert.ok(command, `package.json has no ${script} script`);
  assert.match(command, /node .*--test /, `${script} runs node's test runner`);
  return [...command.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

/** Every source file under `dir` that uses node:test, relative to the repository root. */
function testFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ts$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((file) => /from 'node:test'/.test(readFileSync(join(ROOT, file), 'utf8')));
}

describe('test tiers', () => {
  const globs = Object.fromEntries(TIERS.map((t) => [t, globsOf(t)])) as Record<
    (typeof TIERS)[number],
    string[]
  >;
  const files = ['src', 'test', 'bench'].flatMap(testFiles);

  it('puts every test file in exactly one tier', () => {
    assert.ok(files.length > 60, `only ${files.length} test files found`);
    const misplaced = files
      .map((file) => ({ file, tiers: TIERS.filter((t) => globs[t].some((g) => matchesGlob(file, g))) }))
      .filter(({ tiers }) => tiers.length !== 1)
      .map(({ file, tiers }) => `${file}: ${tiers.length === 0 ? 'no tier' : tiers.join(' and ')}`);
    assert.deepEqual(misplaced, []);
  });

  it('has no tier glob that matches nothing', () => {
    for (const tier of TIERS)
      for (const glob of globs[tier])
        assert.ok(
          files.some((f) => matchesGlob(f, glob)),
          `${tier}: ${glob} matches no test file`,
        );
  });

  it('keeps the check in npm test and every tier in CI', () => {
    assert.equal(scripts.test, 'npm run check && npm run test:fast');
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'));
    for (const command of ['npm test', 'npm run test:e2e', 'npm run test:durability'])
      assert.ok(
        ci.some((line) => line.trim() === command),
        `.ci/run does not run ${command}`,
      );
  });
});
