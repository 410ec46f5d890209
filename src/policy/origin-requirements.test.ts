// Changes a supplier starts (ISO/IEC 27001:2022 A.5.21–5.22) owe what the policy asks of their origin, on
// top of what their rating asks: who the supplier is, its notice, the effect on us, a fresh look at the
// supplier's access and, from medium, how customers are told. Rules can read the origin and the supplier.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emptyContent, type ChangeContent } from '../domain/change.ts';
import { serviceAttributes, type Service } from '../domain/service.ts';
import { formatPolicyErrors, parsePolicy } from './load.ts';
import { assess } from './risk.ts';
import type { Policy } from './types.ts';

const EXAMPLE = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');

function load(text: string): Policy {
  const result = parsePolicy(text);
  if (!result.ok) throw new Error(formatPolicyErrors(result.errors, 'policy'));
  return result.policy;
}
const policy = load(EXAMPLE);

const tool: Service = {
  ...serviceAttributes('dev', { criticality: 'low' }),
  name: 'tool',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  retiredAt: null,
  retirementReason: '',
};

const BASE: ChangeContent = {
  ...emptyContent(),
  title: 'Apply the vendor hotfix',
  description: 'The vendor ships a fix for the export job.',
  reason: 'Vendor notice.',
  services: ['tool'],
  rollbackPlan: {
    method: 'Reinstall 4.1',
    expectedMinutes: 20,
    triggers: 'Export fails',
    backupConfirmed: true,
  },
  testPlan: 'Run the export in staging.',
};

const SUPPLIER_RECORD: Partial<ChangeContent> = {
  supplier: 'PayCo',
  supplierReference: 'https://status.payco.example/notices/2026-14',
  supplierImpact: 'PayCo replaces its export endpoint.',
  supplierAccessReview: {
    access: 'Read-only API key to the export bucket; rotated yearly; access logged.',
    controlsStillApply: true,
    agreementsNeedUpdate: false,
  },
};

const run = (content: Partial<ChangeContent>, p: Policy = policy) =>
  assess(p, { type: 'normal', content: { ...BASE, ...content }, services: [tool], policyVersion: 1 });

describe('requirements by origin', () => {
  it('a supplier-initiated change owes the supplier, its notice, the impact and an access review', () => {
    const a = run({ origin: 'supplier' });
    assert.equal(a.rating, 'medium', 'the example policy rates a supplier-initiated change medium');
    assert.deepEqual(a.missing, [
      'supplier',
      'supplierReference',
      'supplierImpact',
      'supplierAccessReview',
      'customerCommunication',
    ]);
    assert.deepEqual(run({ origin: 'supplier', ...SUPPLIER_RECORD }).missing, ['customerCommunication']);
    const complete = run({
      origin: 'supplier',
      ...SUPPLIER_RECORD,
      customerCommunication: 'No customer sees the export; nobody is told.',
    });
    assert.deepEqual(complete.missing, []);
  });

  it('blank text and an absent review count as missing', () => {
    const a = run({
      origin: 'supplier',
      ...SUPPLIER_RECORD,
      supplierImpact: '   ',
      customerCommunication: ' ',
      supplierAccessReview: null,
    });
    assert.deepEqual(a.missing, ['supplierImpact', 'supplierAccessReview', 'customerCommunication']);
  });

  it('asks nothing extra of internal, customer or automation changes under the example policy', () => {
    for (const origin of ['internal', 'customer', 'automation'] as const) {
      const a = run({ origin });
      assert.equal(a.rating, 'low', origin);
      assert.deepEqual(a.missing, [], origin);
    }
  });

  it('lets a policy require fields per origin and rating, each field once', () => {
    const p = load(
      EXAMPLE.replace(
        /\n {2}byOrigin:\n(?: {4}.*\n)+/,
        `
  byOrigin:
    customer:
      low: [customerCommunication, description]
    automation:
      high: [securityImpact]
`,
      ),
    );
    assert.deepEqual(run({ origin: 'customer', description: '' }, p).missing, [
      'description',
      'customerCommunication',
    ]);
    assert.deepEqual(run({ origin: 'supplier' }, p).missing, [], 'supplier no longer listed');
    assert.deepEqual(run({ origin: 'automation' }, p).missing, [], 'automation: only at high');
  });

  it('refuses a misspelt origin or field in the policy, saying where', () => {
    const bad = parsePolicy(EXAMPLE.replace('  byOrigin:\n    supplier:', '  byOrigin:\n    suppliers:'));
    assert.equal(bad.ok, false);
    const text = bad.ok ? '' : formatPolicyErrors(bad.errors, 'p.yaml');
    assert.match(text, /requirements\.byOrigin/);
    assert.match(text, /suppliers/);
    const field = parsePolicy(EXAMPLE.replace('[supplier, supplierReference', '[suplier, supplierReference'));
    assert.equal(field.ok, false);
  });

  it('lets rules read the origin and the supplier', () => {
    const p = load(
      EXAMPLE.replace(
        'rules:\n',
        `rules:
    - id: payco
      when: change.origin == "supplier" && change.supplier == "PayCo" && change.supplierReference != ""
      rating: high
      reason: PayCo changes go to security.
    - id: customers-told
      when: change.customerCommunication != "" && change.hasSupplierAccessReview
      rating: high
      reason: Rule reads the rest.
`,
      ),
    );
    assert.equal(run({ origin: 'supplier', supplier: 'OtherCo' }, p).rating, 'medium');
    const a = run({ origin: 'supplier', ...SUPPLIER_RECORD }, p);
    assert.equal(a.rating, 'high');
    assert.ok(a.reasons.some((r) => r.rule === 'payco'));
    assert.ok(!a.reasons.some((r) => r.rule === 'customers-told'));
    assert.ok(
      run({ ...SUPPLIER_RECORD, customerCommunication: 'Mail' }, p).reasons.some(
        (r) => r.rule === 'customers-told',
      ),
    );
  });
});
