import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatPolicyErrors, parsePolicy, type PolicyError } from './load.ts';
import { parseDuration } from './schema.ts';

const EXAMPLE = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');

// Small enough that line numbers below can be read off by eye.
const MINIMAL = `version: 1
name: Test policy
groups:
  - id: technical
  - id: security
risk:
  questions:
    - id: irreversible
      text: Irreversible?
  rules:
    - id: irreversible
      when: answers.irreversible
      rating: high
      reason: Cannot be undone.
approvals:
  normal:
    low: [{ group: technical }]
    medium: [{ group: technical }]
    high:
      - { group: security, count: 1 }
  emergency: [{ group: technical }]
  policy: [{ group: security }]
deadlines:
  emergencyRecord: 24h
`;

/** Replace one exact snippet (which must exist) and parse; the result must be a failure. */
function errorsFor(from: string, to: string, base = MINIMAL): PolicyError[] {
  assert.ok(base.includes(from), `fixture lacks ${JSON.stringify(from)}`);
  const result = parsePolicy(base.replace(from, to));
  assert.equal(result.ok, false, 'expected the policy to be rejected');
  return result.ok ? [] : result.errors;
}

function only(errors: PolicyError[]): PolicyError {
  assert.equal(errors.length, 1, JSON.stringify(errors));
  return errors[0]!;
}

describe('parsePolicy: valid files', () => {
  it('accepts the example policy and hashes the exact text', () => {
    const result = parsePolicy(EXAMPLE);
    assert.ok(result.ok, result.ok ? '' : formatPolicyErrors(result.errors, 'example'));
    assert.equal(result.sha256, createHash('sha256').update(EXAMPLE).digest('hex'));
    assert.deepEqual(result.policy.deadlines, {
      emergencyRecordMinutes: 24 * 60,
      emergencyReviewMinutes: 5 * 24 * 60,
      approvalSlaMinutes: 2 * 24 * 60,
      followUpMinutes: 30 * 24 * 60,
    });
    assert.deepEqual(
      result.policy.groups.map((g) => g.id),
      ['technical', 'business', 'security', 'cab', 'duty_manager'],
    );
    assert.ok(result.policy.templates.some((t) => t.id === 'tls-certificate-renewal'));
  });

  it('fills defaults in a minimal file', () => {
    const result = parsePolicy(MINIMAL);
    assert.ok(result.ok, result.ok ? '' : formatPolicyErrors(result.errors, 'minimal'));
    const { policy } = result;
    assert.deepEqual(policy.approvals.normal.low, [{ group: 'technical', count: 1 }]);
    assert.equal(policy.risk.default, 'low');
    assert.deepEqual(policy.requirements, { low: [], medium: [], high: [], byOrigin: {} });
    assert.equal(policy.deadlines.approvalSlaMinutes, 2 * 24 * 60);
    assert.deepEqual(policy.review, {
      types: ['emergency', 'unauthorized'],
      outcomes: ['failed', 'rolled_back'],
      ratings: [],
      reviewers: [],
    });
    assert.deepEqual(policy.windows, {
      maxLengthMinutes: 7 * 24 * 60,
      reapproveOnMove: true,
      moveToleranceMinutes: 0,
    });
    // The single-list form of emergency approvals applies to every rating.
    for (const r of ['low', 'medium', 'high'] as const)
      assert.deepEqual(policy.approvals.emergency[r], [{ group: 'technical', count: 1 }]);
    assert.equal(policy.deadlines.emergencyRecordMinutes, 24 * 60);
    assert.equal(policy.deadlines.emergencyReviewMinutes, 5 * 24 * 60);
    assert.deepEqual(policy.templates, []);
  });

  it('hashes differently when only a comment changes', () => {
    const a = parsePolicy(MINIMAL);
    const b = parsePolicy(`${MINIMAL}# note\n`);
    assert.ok(a.ok && b.ok);
    assert.notEqual(a.sha256, b.sha256);
  });
});

describe('parsePolicy: errors point at the line to fix', () => {
  it('YAML syntax error', () => {
    const e = errorsFor('name: Test policy', 'name: Test: policy')[0]!;
    assert.equal(e.path, '');
    assert.equal(e.line, 2);
    assert.match(e.message, /^YAML syntax: /);
  });

  it('YAML syntax errors: one per line, not the whole cascade', () => {
    const errors = errorsFor(
      '  - id: technical\n  - id: security\n',
      '\t- id: technical\n\t- id: security\n',
    );
    assert.equal(errors[0]!.line, 4);
    assert.equal(new Set(errors.map((e) => e.line)).size, errors.length);
  });

  it('unknown key, at the key, suggesting the known ones', () => {
    const e = only(errorsFor('approvals:\n', '  defualt: high\napprovals:\n'));
    assert.equal(e.path, 'risk.defualt');
    assert.equal(e.line, 15);
    assert.equal(e.column, 3);
    assert.match(e.message, /unknown key "defualt"; expected one of: default, questions, rules/);
  });

  it('unknown key inside a section that has defaults', () => {
    const e = only(errorsFor('  emergencyRecord: 24h\n', '  emergencyRecord: 24h\n  approvalSLA: 2d\n'));
    assert.equal(e.path, 'deadlines.approvalSLA');
    assert.equal(e.line, 25);
    assert.match(e.message, /expected one of: emergencyRecord, emergencyReview, approvalSla, followUp$/);
  });

  it('wrong type', () => {
    const e = only(errorsFor('{ group: security, count: 1 }', '{ group: security, count: two }'));
    assert.equal(e.path, 'approvals.normal.high[0].count');
    assert.equal(e.line, 20);
    assert.match(e.message, /expected a number, got string "two"/);
  });

  it('a named person instead of a group, and one that is not a role a person has to a change', () => {
    const named = parsePolicy(MINIMAL.replace('{ group: security, count: 1 }', '{ person: businessOwner }'));
    assert.equal(named.ok, true);
    const e = only(errorsFor('{ group: security, count: 1 }', '{ person: ceo }'));
    assert.equal(e.path, 'approvals.normal.high[0].person');
    assert.equal(e.line, 20);
    assert.match(
      e.message,
      /"ceo" is not allowed; use one of: "businessOwner", "technicalOwner", "riskOwner"/,
    );
  });

  it('count that is not a positive integer', () => {
    const e = only(errorsFor('{ group: security, count: 1 }', '{ group: security, count: 0 }'));
    assert.equal(e.path, 'approvals.normal.high[0].count');
    assert.equal(e.line, 20);
  });

  it('unknown group, listing the declared ones', () => {
    const e = only(errorsFor('{ group: security, count: 1 }', '{ group: secops, count: 1 }'));
    assert.equal(e.path, 'approvals.normal.high[0].group');
    assert.equal(e.line, 20);
    assert.equal(e.column, 18);
    assert.equal(
      e.message,
      'unknown group "secops"; declare it under groups or use one of: technical, security',
    );
  });

  it('CEL that does not parse, at the offending character', () => {
    const e = only(errorsFor('when: answers.irreversible', 'when: answers.irreversible &&'));
    assert.equal(e.path, 'risk.rules[0].when');
    assert.equal(e.line, 12);
    assert.equal(e.column, 13 + 'answers.irreversible &&'.length);
    assert.match(e.message, /^invalid CEL: /);
  });

  it('CEL that reads a field that does not exist', () => {
    const e = only(
      errorsFor(
        'when: answers.irreversible',
        'when: |\n        answers.irreversible ||\n        change.titel == ""',
      ),
    );
    assert.equal(e.path, 'risk.rules[0].when');
    assert.equal(e.line, 14);
    assert.match(e.message, /titel/);
  });

  it('CEL that is not a condition', () => {
    const e = only(errorsFor('when: answers.irreversible', 'when: change.title'));
    assert.equal(e.line, 12);
    assert.match(e.message, /must be true or false/);
  });

  it('rule reading an undeclared risk question', () => {
    const e = only(errorsFor('when: answers.irreversible', 'when: answers.irreversibel'));
    assert.equal(e.path, 'risk.rules[0].when');
    assert.equal(e.line, 12);
    assert.match(e.message, /unknown risk question "irreversibel".*irreversible/);
  });

  it('bad duration', () => {
    const e = only(errorsFor('emergencyRecord: 24h', 'emergencyRecord: 1 day'));
    assert.equal(e.path, 'deadlines.emergencyRecord');
    assert.equal(e.line, 24);
    assert.equal(e.column, 20);
    assert.match(e.message, /"1 day" is not a duration/);
  });

  it('emergency approvals by rating, with errors at the rating to fix', () => {
    const byRating =
      'emergency:\n    low: [{ group: technical }]\n    medium: [{ group: technical }]\n    high: [{ group: technical }, { group: security }]';
    const result = parsePolicy(MINIMAL.replace('emergency: [{ group: technical }]', byRating));
    assert.ok(result.ok, result.ok ? '' : formatPolicyErrors(result.errors, 'by rating'));
    assert.deepEqual(result.policy.approvals.emergency.high, [
      { group: 'technical', count: 1 },
      { group: 'security', count: 1 },
    ]);
    assert.deepEqual(result.policy.approvals.emergency.low, [{ group: 'technical', count: 1 }]);
    const unknown = only(
      errorsFor(
        'emergency: [{ group: technical }]',
        byRating.replace('{ group: security }', '{ group: secops }'),
      ),
    );
    assert.equal(unknown.path, 'approvals.emergency.high[1].group');
    assert.equal(unknown.line, 24);
    const missing = only(
      errorsFor(
        'emergency: [{ group: technical }]',
        'emergency:\n    low: [{ group: technical }]\n    high: [{ group: technical }]',
      ),
    );
    assert.equal(missing.path, 'approvals.emergency.medium');
    const listed = only(errorsFor('emergency: [{ group: technical }]', 'emergency: [{ group: secops }]'));
    assert.equal(listed.path, 'approvals.emergency[0].group');
  });

  it('reviewers and windows: unknown groups and bad durations', () => {
    const reviewers = only(errorsFor('deadlines:', 'review:\n  reviewers: [technical, cab]\ndeadlines:'));
    assert.equal(reviewers.path, 'review.reviewers[1]');
    assert.match(reviewers.message, /unknown group "cab"/);
    const length = only(errorsFor('deadlines:', 'windows:\n  maxLength: a week\ndeadlines:'));
    assert.equal(length.path, 'windows.maxLength');
    assert.match(length.message, /"a week" is not a duration/);
    const tolerance = only(errorsFor('deadlines:', 'windows:\n  moveTolerance: -1h\ndeadlines:'));
    assert.equal(tolerance.path, 'windows.moveTolerance');
    const flag = only(errorsFor('deadlines:', 'windows:\n  reapproveOnMove: maybe\ndeadlines:'));
    assert.equal(flag.path, 'windows.reapproveOnMove');
    const zero = parsePolicy(
      MINIMAL.replace('deadlines:', 'windows:\n  moveTolerance: 0m\n  maxLength: 1d\ndeadlines:'),
    );
    assert.ok(zero.ok);
    assert.deepEqual(zero.policy.windows, {
      maxLengthMinutes: 24 * 60,
      reapproveOnMove: true,
      moveToleranceMinutes: 0,
    });
  });

  it('duplicate id', () => {
    const e = only(errorsFor('  - id: security\n', '  - id: security\n  - id: technical\n'));
    assert.equal(e.path, 'groups[2].id');
    assert.equal(e.line, 6);
    assert.match(e.message, /duplicate group id "technical"/);
  });

  it('missing rating in approvals.normal, at the parent', () => {
    const e = only(errorsFor('    high:\n      - { group: security, count: 1 }\n', ''));
    assert.equal(e.path, 'approvals.normal.high');
    assert.equal(e.line, 17);
    assert.match(e.message, /missing/);
  });

  it('empty file', () => {
    const e = only(errorsFor(MINIMAL, ''));
    assert.deepEqual([e.path, e.line, e.column], ['', 1, 1]);
  });
});

describe('formatPolicyErrors', () => {
  it('writes file:line:column: path: message, one per line', () => {
    const text = formatPolicyErrors(
      [
        { path: 'a.b', line: 3, column: 5, message: 'bad' },
        { path: '', line: 1, column: 1, message: 'YAML syntax: oops' },
      ],
      'p.yaml',
    );
    assert.equal(text, 'p.yaml:3:5: a.b: bad\np.yaml:1:1: YAML syntax: oops');
  });
});

describe('parseDuration', () => {
  it('turns units into minutes', () => {
    assert.equal(parseDuration('90m'), 90);
    assert.equal(parseDuration('24h'), 1440);
    assert.equal(parseDuration('5d'), 7200);
    assert.equal(parseDuration('2w'), 20160);
    assert.equal(parseDuration('1d12h'), 2160);
  });
  it('rejects anything else', () => {
    for (const bad of ['', '5', 'd', '1.5h', '5 d', '-1h', '5y']) assert.equal(parseDuration(bad), null, bad);
  });
});
