// `changeproof policy check FILE --explain` run as users run it: the policy's keys in plain language,
// as text and as an `explanation` array in --json; a broken file is still refused with its line numbers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, ROOT } from './support.ts';

const EXAMPLE = join(ROOT, 'examples/changeproof.policy.yaml');

describe('changeproof policy check --explain', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'changeproof-cli-explain-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('explains the example policy key by key', async () => {
    const r = await cli(['policy', 'check', EXAMPLE, '--explain']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ok \(policy "Example Corp change policy"/);
    assert.match(r.stdout, /\nrisk\.default\n {2}A change no rule matches is rated low\. \(default\)\n/);
    assert.match(
      r.stdout,
      /\nrisk\.rules\.crosses-teams\n {2}Rule `crosses-teams` rates medium when .*; it also asks for 1 approval from `cab`/,
    );
    assert.match(
      r.stdout,
      /\ndeadlines\.approvalSla\n {2}A pending approval older than 2 days is marked late/,
    );
    // Without --explain the output stays the one-line verdict.
    const plain = await cli(['policy', 'check', EXAMPLE]);
    assert.equal(plain.stdout.trim().split('\n').length, 1);
  });

  it('gives the explanation in --json, only when asked', async () => {
    const r = await cli(['policy', 'check', EXAMPLE, '--explain', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<{ ok: boolean; explanation: { key: string; text: string }[] }>();
    assert.equal(out.ok, true);
    const keys = out.explanation.map((e) => e.key);
    for (const key of ['approvals.normal.high', 'emergency.beforeStart', 'templates.scale-replicas'])
      assert.ok(keys.includes(key), key);
    const plain = (await cli(['policy', 'check', EXAMPLE, '--json'])).json();
    assert.equal('explanation' in plain, false);
  });

  it('refuses a broken file with its line numbers and explains nothing', async () => {
    const broken = join(dir, 'broken.policy.yaml');
    writeFileSync(broken, 'version: 1\nname: Broken\nrisk:\n  default: catastrophic\n');
    const r = await cli(['policy', 'check', broken, '--explain']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${broken}:4:\\d+: risk.default: "catastrophic" is not allowed`));
    assert.equal(r.stdout, '');
  });
});
