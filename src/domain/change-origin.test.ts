// Where a change came from (internal, supplier, customer, automation) and the supplier's details are part of
// the content approvals bind to; but a change recorded before these fields existed keeps its revision hash,
// or every approval given before the upgrade would stop matching.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentOf, emptyContent, type ChangeContent } from './change.ts';
import { revisionHash } from './revision.ts';
import { attempt, cast, cmd, codes, content, create, eventTypes, step } from './test-fixtures.ts';

const NEW_FIELDS = [
  'origin',
  'supplier',
  'supplierReference',
  'customerCommunication',
  'supplierAccessReview',
] as const;

/** Content as it was written before the origin and supplier fields existed. */
function before(c: ChangeContent): Record<string, unknown> {
  const old: Record<string, unknown> = { ...contentOf(c) };
  for (const k of NEW_FIELDS) delete old[k];
  return old;
}

const FULL: ChangeContent = {
  ...emptyContent(),
  title: 'Upgrade the payment provider SDK',
  description: 'Vendor notice 2026-14',
  services: ['payments-api'],
  supplierImpact: 'PayCo retires API v2',
  links: [{ kind: 'ticket', ref: 'OPS-1' }],
  riskAnswers: { customerVisible: true },
  rollbackPlan: { method: 'Redeploy', expectedMinutes: 5, triggers: 'errors', backupConfirmed: true },
};

describe('change origin and supplier in the revision hash', () => {
  it('new changes start internal, with no supplier', () => {
    const c = emptyContent();
    assert.equal(c.origin, 'internal');
    assert.equal(c.supplier, null);
    assert.equal(c.supplierReference, null);
    assert.equal(c.customerCommunication, '');
    assert.equal(c.supplierAccessReview, null);
  });

  it('keeps the hashes of content recorded before the fields existed (values from the earlier code)', () => {
    assert.equal(
      revisionHash(emptyContent()),
      'f8fb2de0b9053d41035dff1dbc5a74d2a71d698c68d804fe8b11097225b9be77',
    );
    assert.equal(revisionHash(FULL), 'c900194912472a984f6ca03c674238e0e340e879da0b76de5d3afd26651296d8');
    assert.equal(revisionHash(before(FULL) as unknown as ChangeContent), revisionHash(FULL));
  });

  it('binds every one of the new fields once it is set', () => {
    const variants: Partial<ChangeContent>[] = [
      { origin: 'supplier' },
      { origin: 'customer' },
      { origin: 'automation' },
      { supplier: 'PayCo' },
      { supplierReference: 'https://status.payco.example/notices/2026-14' },
      { customerCommunication: 'Status page and e-mail to merchants a week ahead' },
      {
        supplierAccessReview: {
          access: 'API keys only',
          controlsStillApply: true,
          agreementsNeedUpdate: false,
        },
      },
    ];
    const hashes = new Set([revisionHash(FULL), ...variants.map((v) => revisionHash({ ...FULL, ...v }))]);
    assert.equal(hashes.size, variants.length + 1);
    const review = { access: 'API keys only', controlsStillApply: true, agreementsNeedUpdate: false };
    assert.notEqual(
      revisionHash({ ...FULL, supplierAccessReview: review }),
      revisionHash({ ...FULL, supplierAccessReview: { ...review, agreementsNeedUpdate: true } }),
    );
  });

  it('an edit of the supplier after approval withdraws the approvals', () => {
    const supplied = content({
      origin: 'supplier',
      supplier: 'PayCo',
      supplierReference: 'PAYCO-2026-14',
      supplierImpact: 'PayCo retires API v2.',
      supplierAccessReview: {
        access: 'API keys only',
        controlsStillApply: true,
        agreementsNeedUpdate: false,
      },
      customerCommunication: 'Not visible to customers.',
    });
    let c = create({ content: supplied });
    assert.equal(c.origin, 'supplier');
    c = step(c, cmd.submit(c), cast.alice);
    c = step(c, cmd.approve(), cast.tom);
    c = step(c, cmd.approve(), cast.betty);
    assert.equal(c.state, 'approved', 'a supplier-initiated change rates medium: technical and business');
    assert.deepEqual(eventTypes(attempt(c, cmd.edit(c, { supplier: 'OtherCo' }), cast.alice)), [
      'change.edited',
      'change.approvals_withdrawn',
    ]);
    assert.deepEqual(codes(attempt(c, cmd.edit(c, { supplier: 'PayCo', origin: 'supplier' }), cast.alice)), [
      'no_change',
    ]);
  });
});
