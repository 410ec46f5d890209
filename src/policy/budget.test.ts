// Risk rules run inside the transaction that assesses a change, so none may hang the server: `matches` runs
// in linear time, rules that could do too much work are refused when the policy is loaded (with the line
// to fix), and a rule that still runs out of budget is cut off and counts as matched at `high`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import type { Assessment } from '../domain/change.ts';
import { PROBE_LINE, policyWith, probe, type Probe } from './budget.fixture.ts';
import { formatPolicyErrors, parsePolicy, type PolicyError } from './load.ts';

function refused(when: string): PolicyError {
  const result = parsePolicy(policyWith(when));
  assert.equal(result.ok, false, `expected ${when} to be refused`);
  const errors = result.ok ? [] : result.errors;
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.equal(errors[0]!.path, 'risk.rules[1].when');
  assert.equal(errors[0]!.line, PROBE_LINE);
  return errors[0]!;
}

function accepted(when: string): void {
  const result = parsePolicy(policyWith(when));
  assert.ok(result.ok, result.ok ? '' : formatPolicyErrors(result.errors, when));
}

/**
 * Runs `probe` in a worker so that a rule that never returns fails the test instead of hanging it: the
 * worker is terminated `ms` after it has loaded the policy code (loading is not what is measured), which
 * V8 can do even in the middle of a regular expression.
 */
async function probeWithin(ms: number, input: Probe): Promise<{ assessment: Assessment; millis: number }> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.module).then((m) => {
      parentPort.postMessage({ ready: true });
      const started = performance.now();
      const assessment = m.probe(workerData.input);
      parentPort.postMessage({ assessment, millis: performance.now() - started });
    });
  `;
  const worker = new Worker(code, {
    eval: true,
    workerData: { module: new URL('./budget.fixture.ts', import.meta.url).href, input },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise((resolve, reject) => {
      worker.on('message', (m: { ready: true } | { assessment: Assessment; millis: number }) => {
        if ('ready' in m)
          timer = setTimeout(() => reject(new Error(`the rule ran for more than ${ms} ms`)), ms);
        else resolve(m);
      });
      worker.once('error', reject);
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

describe('risk rules: matches runs in linear time', () => {
  it('answers ^(a+)+$ against a long run of a followed by b at once', async () => {
    const { assessment, millis } = await probeWithin(5_000, {
      when: 'change.description.matches("^(a+)+$")',
      description: `${'a'.repeat(20_000)}b`,
    });
    assert.equal(assessment.rating, 'low', JSON.stringify(assessment.reasons));
    assert.ok(millis < 2_000, `took ${millis} ms`);
    // The same rule still matches what it should.
    assert.equal(
      probe({ when: 'change.description.matches("^(a+)+$")', description: 'aaaa' }).rating,
      'medium',
    );
  });

  it('refuses a pattern that is not a literal or that cannot run in linear time', () => {
    assert.match(refused('change.title.matches(change.description)').message, /literal/);
    assert.match(refused('change.title.matchesInLinearTime(change.description)').message, /literal/);
    assert.match(refused('change.title.matches("(a)\\\\1")').message, /linear time/);
    assert.match(refused('change.title.matches("[")').message, /regular expression/);
    accepted('change.title.matches("^(hotfix|patch)-[0-9]+$")');
  });
});

describe('risk rules: a budget checked by policy check', () => {
  it('refuses comprehensions nested too deeply, with the line of the rule', () => {
    const nested = '[1].exists(a, [2].exists(b, [3].exists(c, [4].exists(d, a + b + c + d > 0))))';
    assert.match(refused(nested).message, /nested/);
  });

  it('refuses a rule that could visit more elements than the budget', () => {
    const err = refused('services.exists(a, services.exists(b, services.exists(c, a.name == c.name)))');
    assert.match(err.message, /up to 10,100 elements, more than the budget of 10,000/);
    accepted('services.exists(s, s.dataClasses.exists(d, d == "personal"))');
    accepted('services.exists(a, ["x"].exists(b, a.dataClasses.exists(d, d == b)))');
  });

  it('refuses iteration over a list of unknown size', () => {
    assert.match(refused('change.description.split(" ").exists(w, w == "drop")').message, /known size/);
    accepted('change.linkKinds.exists(k, k == "incident") || change.services.exists(s, s == "db")');
  });

  it('keeps the example policy within the budget', () => {
    accepted('services.exists(s, s.environment == "prod" && s.internetFacing)');
  });
});

describe('risk rules: cut off at run time, counted as high', () => {
  it('cuts off a rule whose input is larger than the budget it was checked against', () => {
    const a = probe({
      when: 'services.exists(s, s.dataClasses.exists(d, d == "none"))',
      services: 3,
      dataClasses: 51,
    });
    assert.equal(a.rating, 'high');
    assert.match(a.reasons.find((r) => r.rule === 'probe')!.reason, /cut off/);
  });

  it('cuts off a rule that spends too long matching', async () => {
    const { assessment, millis } = await probeWithin(20_000, {
      when: 'services.exists(s, s.dataClasses.exists(d, change.description.matches("(x+x+)+y")))',
      description: 'x'.repeat(20_000),
      services: 100,
      dataClasses: 50,
    });
    assert.equal(assessment.rating, 'high', JSON.stringify(assessment.reasons));
    assert.match(assessment.reasons.find((r) => r.rule === 'probe')!.reason, /cut off/);
    assert.ok(millis < 5_000, `took ${millis} ms`);
  });
});
