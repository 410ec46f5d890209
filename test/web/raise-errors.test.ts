// The API's error body placed next to the raise form's inputs; the inputs the policy requires; deadlines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emergencyDeadlines, minutesWords } from '../../web/src/raise/deadlines.ts';
import { errorsFrom, firstInvalid } from '../../web/src/raise/field-errors.ts';
import { fieldName, inputFor, requiredInputs } from '../../web/src/raise/fields.ts';

const body = (
  code: string,
  message: string,
  details: { code?: string; path?: string; message: string }[],
) => ({
  error: { code, message, details },
});

describe('API errors beside their inputs', () => {
  it('places validation details by path, parts of a plan on their own inputs', () => {
    const e = errorsFrom(
      body('validation_failed', 'the body is invalid', [
        { path: 'body.title', message: 'give the change a title of at least 3 characters' },
        { path: 'body.rollbackPlan.expectedMinutes', message: 'expected number' },
        { path: 'body.services.0', message: 'invalid name' },
        { path: 'body.links', message: 'unknown' },
      ]),
      'fallback',
    );
    assert.deepEqual(e.fields, {
      title: 'give the change a title of at least 3 characters',
      rollbackMinutes: 'expected number',
      services: 'invalid name',
    });
    assert.deepEqual(e.general, ['unknown']);
    assert.equal(firstInvalid(e), 'title');
  });

  it("places a missing_fields refusal on the inputs of the server's missing list", () => {
    const e = errorsFrom(
      body('missing_fields', 'high risk requires: rollbackPlan, testEvidence, riskOwner', [
        { code: 'missing_fields', message: 'high risk requires: rollbackPlan, testEvidence, riskOwner' },
      ]),
      'fallback',
      ['rollbackPlan', 'testEvidence', 'riskOwner'],
    );
    assert.deepEqual(e.fields, {
      rollbackMethod: 'required at high risk',
      testEnvironment: 'required at high risk',
    });
    assert.deepEqual(e.general, ['high risk also requires: riskOwner']);
    assert.equal(firstInvalid(e), 'rollbackMethod');
  });

  it('places refusals by code, and anything else in the alert', () => {
    const e = errorsFrom(
      body('emergency_criterion_required', 'name it; say why', [
        { code: 'emergency_criterion_required', message: 'name the emergency criterion' },
        { code: 'emergency_justification_required', message: 'say why' },
        { code: 'template_risk_exceeded', message: 'rated high, above medium' },
      ]),
      'fallback',
    );
    assert.deepEqual(e.fields, {
      emergencyCriterion: 'name the emergency criterion',
      emergencyJustification: 'say why',
    });
    assert.deepEqual(e.general, ['rated high, above medium']);
    assert.equal(firstInvalid(e), 'emergencyCriterion');
    assert.deepEqual(errorsFrom(body('forbidden', 'no', []), 'x').general, ['no']);
    assert.deepEqual(errorsFrom(null, 'connection failed'), { fields: {}, general: ['connection failed'] });
  });
});

describe('required inputs', () => {
  const raising = {
    requirements: {
      low: ['description' as const],
      medium: ['description' as const, 'rollbackPlan' as const],
      high: [
        'description' as const,
        'rollbackPlan' as const,
        'testEvidence' as const,
        'backupConfirmed' as const,
      ],
    },
    requirementsByOrigin: {},
  };

  it("follow the server's rating", () => {
    assert.deepEqual([...requiredInputs(raising, 'low', 'normal')].sort(), ['description', 'title']);
    const high = requiredInputs(raising, 'high', 'normal');
    for (const k of [
      'rollbackMethod',
      'rollbackMinutes',
      'testEnvironment',
      'testResults',
      'backupConfirmed',
    ] as const)
      assert.ok(high.has(k), k);
    assert.deepEqual([...requiredInputs(raising, null, 'normal')], ['title']);
  });

  it('add what the server finds missing and what an emergency or a standard change must name', () => {
    assert.ok(requiredInputs(raising, 'low', 'normal', ['implementer']).has('implementer'));
    const emergency = requiredInputs(raising, 'low', 'emergency');
    assert.ok(emergency.has('emergencyCriterion') && emergency.has('emergencyJustification'));
    assert.ok(requiredInputs(raising, 'low', 'standard').has('template'));
  });

  it('map names to inputs and words', () => {
    assert.equal(inputFor('body.testEvidence.results'), 'testResults');
    assert.equal(inputFor('riskOwner'), null);
    assert.equal(fieldName('rollbackPlan'), 'Rollback method');
    assert.equal(fieldName('riskOwner'), 'riskOwner');
  });
});

describe('emergency deadlines', () => {
  it("say the policy's durations in words", () => {
    assert.equal(minutesWords(24 * 60), '24 hours');
    assert.equal(minutesWords(5 * 24 * 60), '5 days');
    assert.equal(minutesWords(7 * 24 * 60), '1 week');
    assert.equal(minutesWords(90), '90 minutes');
    assert.equal(minutesWords(60), '1 hour');
  });

  it('fall due from now, or from when work done in a crisis started', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const e = { recordDueMinutes: 24 * 60, reviewDueMinutes: 5 * 24 * 60 };
    const [record, review] = emergencyDeadlines(e, now);
    assert.equal(record?.dueAt, '2026-03-02T10:00:00.000Z');
    assert.equal(record?.rule, 'within 24 hours of authorization');
    assert.equal(review?.dueAt, '2026-03-06T10:00:00.000Z');
    assert.equal(review?.rule, 'within 5 days of implementation starting');
    const done = emergencyDeadlines(e, now, new Date('2026-02-28T22:00:00Z'));
    assert.equal(done[0]?.dueAt, '2026-03-01T22:00:00.000Z');
    assert.match(done[1]?.rule ?? '', /of when the work started/);
  });
});
