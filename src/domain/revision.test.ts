// Approvals are bound to the revision they approved: an edit after approval withdraws them, says so in
// the history, and sends the change back for approval.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LATER_CONTENT, type Change, type ChangeContent } from './change.ts';
import { validApprovals, quorumMet } from './quorum.ts';
import { revisionHash } from './revision.ts';
import {
  NOW,
  WINDOW,
  at,
  attempt,
  cast,
  cmd,
  codes,
  content,
  create,
  eventTypes,
  inState,
  step,
} from './test-fixtures.ts';

/** A medium-risk change (technical + business) with tom's technical approval in. */
function halfApproved(): Change {
  let c = create({ content: content({ services: ['billing'] }) });
  c = step(c, cmd.submit(c), cast.alice);
  return step(c, cmd.approve(), cast.tom);
}

describe('revision binding', () => {
  it('the revision hash is the hash of the content and changes with it', () => {
    const c = create();
    assert.equal(c.revisionHash, revisionHash(content()));
    assert.match(c.revisionHash, /^[0-9a-f]{64}$/);
    assert.notEqual(revisionHash(content({ title: 'Other' })), c.revisionHash);
  });

  it('leaves the later content fields out while at their defaults, so older revisions keep their hash', () => {
    const older = { ...content() } as Record<string, unknown>;
    for (const key of Object.keys(LATER_CONTENT)) delete older[key];
    const c = content();
    assert.equal(revisionHash(older as unknown as ChangeContent), revisionHash(c));
    // Set, each one is part of what is approved.
    const set: Partial<ChangeContent> = {
      riskOwner: 'betty',
      monitors: ['ivan'],
      proposedWindow: WINDOW,
      testResults: [{ kind: 'rollback', passed: true, summary: 'ok', environment: 'staging' }],
      testEnvironmentExemption: { reason: 'none', productionVerification: 'synthetic check' },
      testDataMasked: true,
      rolloutStrategy: 'canary',
      maxOutageMinutes: 5,
      rollbackTested: false,
    };
    for (const [key, value] of Object.entries(set))
      assert.notEqual(revisionHash({ ...c, [key]: value }), revisionHash(c), key);
  });

  it('approvals carry the hash of the revision they approved', () => {
    const c = halfApproved();
    const d = attempt(c, cmd.approve(), cast.betty);
    assert.ok(d.ok);
    assert.deepEqual(d.events[0], {
      type: 'change.approval_granted',
      data: { approver: 'betty', group: 'business', comment: 'ok', revisionHash: c.revisionHash },
    });
    assert.deepEqual(
      c.approvals.map((a) => a.revisionHash),
      [c.revisionHash],
    );
  });

  it('an edit while awaiting approval withdraws the approvals given so far', () => {
    const c = halfApproved();
    const edit = cmd.edit(c, { description: 'Now also rotates the keys.' });
    const d = attempt(c, edit, cast.alice, at(5));
    assert.deepEqual(eventTypes(d), ['change.edited', 'change.approvals_withdrawn']);
    assert.ok(d.ok);
    assert.deepEqual(d.events[1]?.data, {
      reason: 'edited by alice after approval',
      withdrawn: 1,
      revisionHash: c.revisionHash,
    });
    const after = step(c, edit, cast.alice, at(5));
    assert.equal(after.state, 'awaiting_approval');
    assert.equal(after.revision, c.revision + 1);
    assert.notEqual(after.revisionHash, c.revisionHash);
    assert.equal(after.approvals[0]?.withdrawnAt, at(5));
    assert.deepEqual(validApprovals(after), []);
    // betty's approval alone no longer reaches quorum: tom must approve the new revision.
    const betty = step(after, cmd.approve(), cast.betty);
    assert.equal(betty.state, 'awaiting_approval');
    assert.equal(step(betty, cmd.approve(), cast.tom).state, 'approved');
  });

  for (const state of ['approved', 'scheduled'] as const) {
    it(`an edit of a ${state} change sends it back to awaiting approval`, () => {
      const c = inState(state);
      assert.equal(quorumMet(c), true);
      const after = step(c, cmd.edit(c, { title: 'Changed after approval' }), cast.alice);
      assert.equal(after.state, 'awaiting_approval');
      assert.equal(quorumMet(after), false);
      assert.deepEqual(validApprovals(after), []);
      assert.ok(after.approvals.every((a) => a.withdrawnAt !== null));
      // Cannot be scheduled or started until approved again.
      assert.deepEqual(codes(attempt(after, cmd.schedule(WINDOW.start, WINDOW.end), cast.alice)), [
        'invalid_transition',
      ]);
      assert.deepEqual(codes(attempt(after, cmd.start(), cast.ivan)), ['invalid_transition']);
      assert.equal(step(after, cmd.approve(), cast.tina).state, 'approved');
    });
  }

  it('an edit in draft withdraws nothing', () => {
    const c = create();
    assert.deepEqual(eventTypes(attempt(c, cmd.edit(c, { title: 'Better title' }), cast.alice)), [
      'change.edited',
    ]);
  });

  it('an edit that changes nothing is refused', () => {
    const c = halfApproved();
    assert.deepEqual(codes(attempt(c, cmd.edit(c, {}), cast.alice)), ['no_change']);
    assert.deepEqual(codes(attempt(c, cmd.edit(c, { services: ['billing'] }), cast.alice)), ['no_change']);
    assert.equal(validApprovals(c).length, 1, 'and withdraws nothing');
  });

  it('approvals for another revision never count, even if not marked withdrawn', () => {
    const c = halfApproved();
    const stale: Change = { ...c, revisionHash: 'f'.repeat(64) };
    assert.deepEqual(validApprovals(stale), []);
    // tom may approve the new revision: his earlier approval was for something else.
    assert.ok(attempt(stale, cmd.approve(), cast.tom).ok);
  });

  it('an edit that raises the risk changes the approvals required', () => {
    const c = inState('awaiting_approval');
    const after = step(c, cmd.edit(c, { services: ['web'] }), cast.alice, NOW);
    assert.equal(after.assessment?.rating, 'high');
    assert.deepEqual(
      after.assessment?.requiredApprovals.map((r) => r.group),
      ['security', 'technical'],
    );
    assert.equal(step(after, cmd.approve(), cast.tom).state, 'awaiting_approval');
  });

  it('once awaiting approval, an edit may not drop required fields', () => {
    const c = halfApproved();
    assert.deepEqual(codes(attempt(c, cmd.edit(c, { rollbackPlan: null }), cast.alice)), ['missing_fields']);
  });
});
