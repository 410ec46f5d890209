import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emptyContent, type ChangeContent } from '../domain/change.ts';
import { serviceAttributes, type Service } from '../domain/service.ts';
import { formatPolicyErrors, parsePolicy } from './load.ts';
import { assess, maxRating, ratingAtMost } from './risk.ts';
import type { ChangeType, Policy } from './types.ts';

function loadExample(): Policy {
  const text = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');
  const result = parsePolicy(text);
  if (!result.ok) throw new Error(formatPolicyErrors(result.errors, 'example'));
  return result.policy;
}
const policy = loadExample();

function service(name: string, overrides: Partial<Service> = {}): Service {
  const {
    environment = 'dev',
    createdAt = '2025-01-01T00:00:00.000Z',
    updatedAt = '2025-01-01T00:00:00.000Z',
    ...rest
  } = overrides;
  return {
    ...serviceAttributes(environment, {
      owners: { technical: 'alice', business: 'bob' },
      criticality: 'low',
      ...rest,
    }),
    name,
    createdAt,
    updatedAt,
    retiredAt: null,
    retirementReason: '',
  };
}

const COMPLETE: ChangeContent = {
  ...emptyContent(),
  title: 'Bump dependency',
  description: 'Upgrade the HTTP client.',
  reason: 'Security fix.',
  services: ['svc'],
};

function run(
  services: Service[],
  content: Partial<ChangeContent> = {},
  type: ChangeType = 'normal',
  p: Policy = policy,
) {
  const names = services.map((s) => s.name);
  return assess(p, {
    type,
    content: { ...COMPLETE, services: names, ...content },
    services,
    policyVersion: 7,
  });
}

function withRule(when: string): Policy {
  const rule = { id: 'broken', when, rating: 'low' as const, reason: 'never shown' };
  return { ...policy, risk: { ...policy.risk, rules: [...policy.risk.rules, rule] } };
}

describe('assess() with the example policy', () => {
  it('rates an internet-facing production service high, with the reason', () => {
    const a = run([service('web', { environment: 'prod', internetFacing: true })]);
    assert.equal(a.rating, 'high');
    assert.deepEqual(a.reasons[0], {
      rule: 'internet-facing-prod',
      rating: 'high',
      reason: 'Touches an internet-facing production service.',
    });
    assert.equal(a.policyVersion, 7);
  });

  it('rates a plain dev service low: one technical approval, nothing missing', () => {
    const a = run([service('tool')]);
    assert.equal(a.rating, 'low');
    assert.deepEqual(a.reasons, []);
    assert.deepEqual(a.requiredApprovals, [{ group: 'technical', count: 1 }]);
    assert.deepEqual(a.missing, []);
  });

  it('requires security + technical approvals and the high-risk fields for a high change', () => {
    const a = run([service('db', { dataClasses: ['personal'] })]);
    assert.equal(a.rating, 'high');
    assert.deepEqual(
      a.reasons.map((r) => r.rule),
      ['personal-data'],
    );
    assert.deepEqual(a.requiredApprovals, [
      { group: 'security', count: 1 },
      { group: 'technical', count: 1 },
    ]);
    assert.deepEqual(a.missing, [
      'implementationPlan',
      'rollbackPlan',
      'backupConfirmed',
      'testPlan',
      'testEvidence',
      // The service holds personal data, one of the example's testing.maskedDataClasses.
      'testDataMasked',
    ]);
  });

  it('counts an unconfirmed backup as missing even when a rollback plan exists', () => {
    const rollbackPlan = {
      method: 'redeploy',
      expectedMinutes: 5,
      triggers: 'errors',
      backupConfirmed: false,
    };
    const a = run([service('db')], { rollbackPlan, riskAnswers: { irreversible: true } });
    assert.equal(a.rating, 'high');
    assert.ok(a.missing.includes('backupConfirmed'));
    assert.ok(!a.missing.includes('rollbackPlan'));
  });

  it('reads risk answers; unanswered questions are false, not errors', () => {
    assert.equal(run([service('svc')], { riskAnswers: { touchesSecurityControl: true } }).rating, 'high');
    const a = run([service('svc')], { riskAnswers: {} });
    assert.ok(a.reasons.every((r) => !r.reason.includes('could not be evaluated')));
  });

  it('keeps the highest rating and lists every matched rule in policy order', () => {
    const prod = service('api', { environment: 'prod', criticality: 'critical', securityControl: true });
    const a = run([prod], { supplierImpact: 'Vendor must rotate keys.' });
    assert.equal(a.rating, 'high');
    assert.deepEqual(
      a.reasons.map((r) => r.rule),
      ['security-control', 'critical-prod', 'supplier-impact'],
    );
  });

  it('rates medium for a critical production service; needs business sign-off too', () => {
    const a = run([service('billing', { environment: 'prod', criticality: 'high' })]);
    assert.equal(a.rating, 'medium');
    assert.deepEqual(a.requiredApprovals, [
      { group: 'technical', count: 1 },
      { group: 'business', count: 1 },
    ]);
    assert.deepEqual(a.missing, ['rollbackPlan', 'testPlan']);
  });

  it('adds the policy approvers when the change proposes a new policy', () => {
    const a = run([service('tool')], { proposedPolicy: 'version: 1\n' });
    assert.deepEqual(a.requiredApprovals, [
      { group: 'technical', count: 1 },
      { group: 'security', count: 1 },
    ]);
  });

  it('keeps the larger count when the policy approvers overlap the normal ones', () => {
    const strict = {
      ...policy,
      approvals: { ...policy.approvals, policy: [{ group: 'security', count: 2 }] },
    };
    const a = run([service('db', { dataClasses: ['personal'] })], { proposedPolicy: 'x' }, 'normal', strict);
    assert.deepEqual(a.requiredApprovals, [
      { group: 'security', count: 2 },
      { group: 'technical', count: 1 },
    ]);
  });

  it('fails closed when a rule throws at evaluation', () => {
    const a = run([service('tool')], {}, 'normal', withRule('int(change.title) > 0'));
    assert.equal(a.rating, 'high');
    assert.equal(a.reasons.length, 1);
    assert.equal(a.reasons[0]!.rule, 'broken');
    assert.equal(a.reasons[0]!.rating, 'high');
    assert.match(a.reasons[0]!.reason, /^rule broken could not be evaluated: /);
  });

  it('fails closed when a rule returns something other than a boolean', () => {
    const a = run([service('tool')], {}, 'normal', withRule('dyn(change.title)'));
    assert.equal(a.rating, 'high');
    assert.match(a.reasons[0]!.reason, /could not be evaluated: it returned string/);
  });

  it('fails closed when a hand-built policy carries a rule that does not compile', () => {
    const a = run([service('tool')], {}, 'normal', withRule('change.'));
    assert.equal(a.rating, 'high');
    assert.match(a.reasons[0]!.reason, /could not be evaluated/);
  });

  it('needs the duty manager for an emergency, and still reports the record owed', () => {
    const a = run([service('web', { environment: 'prod', internetFacing: true })], {}, 'emergency');
    assert.equal(a.rating, 'high');
    assert.deepEqual(a.requiredApprovals, [{ group: 'duty_manager', count: 1 }]);
    assert.ok(a.missing.includes('testEvidence'));
  });

  it('takes emergency approvals by rating, as the policy names them', () => {
    const strict: Policy = {
      ...policy,
      approvals: {
        ...policy.approvals,
        emergency: {
          ...policy.approvals.emergency,
          high: [
            { group: 'duty_manager', count: 1 },
            { group: 'technical', count: 1 },
          ],
        },
      },
    };
    const input = (services: Service[]) => ({
      type: 'emergency' as const,
      content: { ...emptyContent(), services: services.map((s) => s.name) },
      services,
      policyVersion: 1,
    });
    const high = assess(strict, input([service('web', { environment: 'prod', internetFacing: true })]));
    assert.deepEqual(high.requiredApprovals, strict.approvals.emergency.high);
    const low = assess(strict, input([service('tool')]));
    assert.deepEqual(low.requiredApprovals, [{ group: 'duty_manager', count: 1 }]);
  });

  it('needs no approval for a standard change, and normal approvals for an unauthorized one', () => {
    assert.deepEqual(run([service('tool')], {}, 'standard').requiredApprovals, []);
    const u = run([service('db', { dataClasses: ['personal'] })], {}, 'unauthorized');
    assert.deepEqual(u.requiredApprovals, policy.approvals.normal.high);
  });

  it('reports blank text and no services as missing', () => {
    const a = run([], { description: '   ', reason: '' });
    assert.deepEqual(a.missing, ['description', 'reason', 'services']);
  });

  it('does not hand out the policy’s own approval arrays', () => {
    const a = run([service('tool')]);
    a.requiredApprovals[0]!.count = 99;
    assert.deepEqual(policy.approvals.normal.low[0], { group: 'technical', count: 1 });
  });
});

describe('rating helpers', () => {
  it('maxRating orders low < medium < high', () => {
    assert.equal(maxRating('low', 'medium'), 'medium');
    assert.equal(maxRating('high', 'medium'), 'high');
    assert.equal(maxRating('low', 'low'), 'low');
  });
  it('ratingAtMost compares against a ceiling', () => {
    assert.equal(ratingAtMost('low', 'medium'), true);
    assert.equal(ratingAtMost('medium', 'medium'), true);
    assert.equal(ratingAtMost('high', 'medium'), false);
  });
});
