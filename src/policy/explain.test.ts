// `explainPolicy` says something about every key a policy can have: a key added to the schema or to the
// example policy without an explanation fails here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { explainPolicy, type PolicyExplanation } from './explain.ts';
import { minutesWords } from './explain-words.ts';
import { parsePolicy } from './load.ts';
import { PolicySchema } from './schema.ts';
import type { Policy } from './types.ts';

const EXAMPLE = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');

const MINIMAL = `version: 1
name: Minimal
groups: [{ id: technical }]
risk: {}
approvals:
  normal: { low: [{ group: technical }], medium: [{ group: technical }], high: [{ group: technical, count: 2 }] }
  emergency: [{ group: technical }]
  policy: [{ group: technical }]
`;

function parsed(text: string): Policy {
  const r = parsePolicy(text);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.policy;
}

/** Whether some line explains `path` itself or something inside it. */
const covers = (lines: PolicyExplanation[], path: string) =>
  lines.some((l) => l.key === path || l.key.startsWith(`${path}.`));

const textOf = (lines: PolicyExplanation[], key: string) => {
  const line = lines.find((l) => l.key === key);
  assert.ok(line, `no explanation for ${key}`);
  return line.text;
};

/** Key paths of a mapping, top level and second level, as written in the file. */
function keyPaths(value: Record<string, unknown>): string[] {
  return Object.entries(value).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? [k, ...Object.keys(v).map((k2) => `${k}.${k2}`)] : [k],
  );
}

/** The keys the schema accepts, top level and second level (the file's spelling, before transforms). */
function schemaPaths(): string[] {
  const objectOf = (s: unknown): z.ZodObject | null => {
    for (;;) {
      if (s instanceof z.ZodPipe) s = s.in;
      else if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional)
        s = s.unwrap();
      else return s instanceof z.ZodObject ? s : null;
    }
  };
  const top = objectOf(PolicySchema)!;
  return Object.entries(top.shape).flatMap(([k, v]) => {
    const inner = objectOf(v);
    return inner ? [k, ...Object.keys(inner.shape).map((k2) => `${k}.${k2}`)] : [k];
  });
}

describe('explainPolicy', () => {
  const example = explainPolicy(parsed(EXAMPLE));
  const minimal = explainPolicy(parsed(MINIMAL));

  it('explains every key of the example policy, and every item it names by id', () => {
    const raw = parse(EXAMPLE) as Record<string, unknown>;
    const paths = keyPaths(raw);
    assert.ok(paths.length > 30, 'the walk should see the example policy');
    for (const path of paths) assert.ok(covers(example, path), `no explanation for ${path}`);
    const p = parsed(EXAMPLE);
    const ids: [string, { id: string }[]][] = [
      ['groups', p.groups],
      ['risk.questions', p.risk.questions],
      ['risk.rules', p.risk.rules],
      ['templates', p.templates],
      ['emergency.criteria', p.emergency.criteria],
    ];
    for (const [path, items] of ids) {
      assert.ok(items.length > 0, `the example policy lists ${path}`);
      for (const item of items) textOf(example, `${path}.${item.id}`);
    }
  });

  it('explains every key the schema accepts, whether a policy sets it or not', () => {
    const paths = schemaPaths();
    assert.ok(paths.includes('deadlines.approvalSla') && paths.includes('emergency.beforeStart'));
    for (const lines of [example, minimal])
      for (const path of paths) assert.ok(covers(lines, path), `no explanation for ${path}`);
  });

  it('says what each rating, rule and approval does', () => {
    assert.equal(textOf(example, 'risk.default'), 'A change no rule matches is rated low. (default)');
    assert.match(
      textOf(example, 'risk.rules.critical-downstream'),
      /^Rule `critical-downstream` rates medium when `downstream\.exists\(d, .*\)`: A DORA critical/,
    );
    assert.match(
      textOf(example, 'risk.rules.customer-visible-sign-off'),
      /; it also asks for 1 approval from `business`/,
    );
    assert.match(
      textOf(example, 'risk.rules.regulated-function-owner'),
      /it also asks for 1 approval from the business owner of each affected service/,
    );
    assert.match(
      textOf(example, 'requirements.high'),
      /^A high-risk change must fill in, before it leaves draft .*: description, reason, affected services, implementation plan, rollback plan, .*test evidence\.$/,
    );
    assert.match(textOf(example, 'requirements.byOrigin.supplier.low'), /supplier reference/);
    assert.equal(
      textOf(example, 'approvals.normal.medium'),
      'A medium-risk normal change needs 1 approval from `technical` and 1 from `business`, from people who neither requested, implement nor edited it.',
    );
    assert.match(
      textOf(example, 'approvals.emergency'),
      /at any rating, needs 1 authorization from `duty_manager`/,
    );
    assert.match(textOf(minimal, 'approvals.normal.high'), /needs 2 approvals from `technical`/);
    assert.match(
      textOf(example, 'approvalReasoning.riskOwner'),
      /approving a high-risk change, must give: risk acceptance\./,
    );
    assert.match(
      textOf(example, 'testing.outsideProduction'),
      /^At medium and high risk, test evidence and results from production are refused/,
    );
    assert.match(textOf(example, 'testing.maskedDataClasses'), /holds personal or health data/);
    assert.match(
      textOf(example, 'emergency.beforeStart'),
      /before it starts: rollback plan; .* within 24 hours\.$/,
    );
    assert.match(textOf(example, 'review.reviewers'), /a member of `cab` or `security`/);
  });

  it('says which keys are at their defaults, and only those', () => {
    assert.match(textOf(example, 'deadlines.approvalSla'), /older than 2 days .*\(default\)$/);
    assert.doesNotMatch(textOf(example, 'windows.moveTolerance'), /\(default\)/);
    assert.match(textOf(example, 'windows.moveTolerance'), /widened by 2 hours on each side/);
    for (const key of [
      'risk.rules',
      'requirements.low',
      'requirements.byOrigin',
      'testing.outsideProduction',
      'approvalReasoning.any',
      'review.types',
      'windows.maxLength',
      'deadlines.followUp',
      'ledger.checkpointIdle',
      'templates',
      'emergency.criteria',
      'emergency.beforeStart',
    ])
      assert.match(textOf(minimal, key), /\(default\)$/, key);
    // Required sections have no default to be at.
    assert.doesNotMatch(textOf(minimal, 'approvals.policy'), /\(default\)/);
    assert.doesNotMatch(textOf(example, 'requirements.high'), /\(default\)/);
  });

  it('gives each key one line, in the order of the policy', () => {
    const keys = example.map((l) => l.key);
    assert.equal(new Set(keys).size, keys.length, 'duplicate keys');
    assert.ok(keys.indexOf('risk.default') < keys.indexOf('approvals.policy'));
    assert.ok(example.every((l) => l.text.trim().length > 0));
  });

  it('writes durations as a person would', () => {
    assert.equal(minutesWords(90), '90 minutes');
    assert.equal(minutesWords(24 * 60), '24 hours');
    assert.equal(minutesWords(30 * 24 * 60), '30 days');
    assert.equal(minutesWords(14 * 24 * 60), '2 weeks');
    assert.equal(minutesWords(36 * 60), '36 hours');
    assert.equal(minutesWords(24 * 60 + 30), '1 day 30 minutes');
    assert.equal(minutesWords(0), '0 minutes');
  });
});
