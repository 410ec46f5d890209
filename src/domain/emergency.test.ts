// Emergency changes trade advance paperwork for speed, never for accountability: a duty manager
// authorizes, implementation may start at once, and the record and the review are owed by deadlines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Change } from './change.ts';
import { decideChange } from './change-decide.ts';
import { validApprovals } from './quorum.ts';
import { approvalStanding } from './standing.ts';
import {
  NOW,
  at,
  attempt,
  cast,
  cmd,
  codes,
  content,
  create,
  eventTypes,
  policy,
  step,
} from './test-fixtures.ts';

// A hot fix on an internet-facing service: high risk, with the test evidence and backup still owed.
const hotfix = () =>
  content({ services: ['web'], testEvidence: null, rollbackPlan: null, testPlan: '', implementer: 'ivan' });

/** What the hot fix still owes once its test plan is written. */
const REST_OF_RECORD = {
  rollbackPlan: { method: 'Redeploy', expectedMinutes: 5, triggers: 'Errors', backupConfirmed: true },
  testEvidence: { environment: 'staging', results: 'fixed' },
};
/** The whole record the hot fix owes. */
const fullRecord = (c: Change) => cmd.edit(c, { testPlan: 'Replay.', ...REST_OF_RECORD });

function submitted(): Change {
  const c = create({ type: 'emergency', content: hotfix() });
  return step(c, cmd.submit(c), cast.alice);
}

function authorized(): Change {
  return step(submitted(), cmd.approve(), cast.dora, NOW);
}

describe('emergency changes', () => {
  it('may be submitted with its record incomplete and needs one duty manager', () => {
    const c = submitted();
    assert.equal(c.state, 'awaiting_approval');
    assert.deepEqual(c.assessment?.requiredApprovals, [{ group: 'duty_manager', count: 1 }]);
    assert.deepEqual(c.assessment?.missing, ['rollbackPlan', 'backupConfirmed', 'testPlan', 'testEvidence']);
    assert.equal(c.recordCompletedAt, null);
    assert.deepEqual(codes(attempt(c, cmd.approve(), cast.tom)), ['not_an_approver']);
  });

  it('is approved by the duty manager with the record due after the policy deadline', () => {
    const c = submitted();
    const d = attempt(c, cmd.approve(), cast.dora);
    assert.deepEqual(eventTypes(d), ['change.approval_granted', 'change.approved']);
    const after = step(c, cmd.approve(), cast.dora);
    assert.equal(after.state, 'approved');
    assert.equal(after.authorizedAt, NOW);
    assert.equal(policy.deadlines.emergencyRecordMinutes, 24 * 60);
    assert.equal(after.recordDueAt, at(policy.deadlines.emergencyRecordMinutes));
  });

  it('starts without a window, with the review due after the policy deadline', () => {
    const c = authorized();
    assert.equal(c.window, null);
    const started = step(c, cmd.start(), cast.ivan, at(10));
    assert.equal(started.state, 'implementing');
    assert.equal(started.reviewDueAt, at(10 + policy.deadlines.emergencyReviewMinutes));
    assert.equal(started.reviewDueAt, at(10 + 5 * 24 * 60));
  });

  it('cannot start before it is authorized', () => {
    assert.deepEqual(codes(attempt(submitted(), cmd.start(), cast.ivan)), ['invalid_transition']);
  });

  it('any edit before it starts withdraws the authorization, as for any approval', () => {
    const c = authorized();
    for (const fields of [{ testPlan: 'Replay.' }, { services: ['tool'] }, { implementer: 'bob' }]) {
      const d = attempt(c, cmd.edit(c, fields), cast.alice, at(5));
      assert.deepEqual(eventTypes(d).slice(0, 2), ['change.edited', 'change.approvals_withdrawn']);
      const after = step(c, cmd.edit(c, fields), cast.alice, at(5));
      assert.equal(after.state, 'awaiting_approval');
      assert.deepEqual(codes(attempt(after, cmd.start(), cast.ivan, at(6))), ['invalid_transition']);
    }
  });

  for (const state of ['implementing', 'review'] as const) {
    it(`edits to what was authorized are refused while ${state}`, () => {
      let c = step(authorized(), cmd.start(), cast.ivan, at(10));
      if (state === 'review') c = step(c, cmd.complete(), cast.ivan, at(20));
      for (const fields of [
        { services: ['tool'] },
        { implementer: 'bob' },
        { implementationPlan: 'Something else entirely.' },
      ])
        assert.deepEqual(codes(attempt(c, cmd.edit(c, fields), cast.alice, at(30))), ['authorized_scope']);
    });
  }

  for (const state of ['implementing', 'review'] as const) {
    it(`edits while ${state} complete the record without withdrawing the authorization`, () => {
      let c = step(authorized(), cmd.start(), cast.ivan, at(10));
      if (state === 'review') c = step(c, cmd.complete(), cast.ivan, at(20));
      const partial = cmd.edit(c, { testPlan: 'Replay the failing request.' });
      assert.deepEqual(eventTypes(attempt(c, partial, cast.ivan, at(30))), ['change.edited']);
      c = step(c, partial, cast.ivan, at(30));
      assert.equal(c.recordCompletedAt, null);
      const rest = cmd.edit(c, REST_OF_RECORD);
      assert.deepEqual(eventTypes(attempt(c, rest, cast.alice, at(40))), [
        'change.edited',
        'change.record_completed',
      ]);
      c = step(c, rest, cast.alice, at(40));
      assert.equal(c.state, state);
      assert.equal(c.recordCompletedAt, at(40));
      assert.equal(c.approvals[0]?.withdrawnAt, null, 'the authorization stands');
      assert.equal(validApprovals(c).length, 1, 'and still counts, though given for an earlier revision');
      assert.equal(approvalStanding(c).satisfied, true);
      // Once complete, further edits do not complete it again.
      const more = cmd.edit(c, { title: 'Hot fix, documented' });
      assert.deepEqual(eventTypes(attempt(c, more, cast.alice, at(50))), ['change.edited']);
    });
  }

  it('a record completed while awaiting authorization counts as complete', () => {
    let c = submitted();
    c = step(c, fullRecord(c), cast.alice, at(2));
    assert.equal(c.recordCompletedAt, at(2));
    c = step(c, cmd.approve(), cast.dora, at(3));
    c = step(c, cmd.start(), cast.ivan, at(10));
    c = step(c, cmd.complete(), cast.ivan, at(20));
    c = step(c, cmd.review(), cast.sam, at(30));
    assert.equal(step(c, cmd.close(), cast.alice, at(40)).state, 'closed');
  });

  it('a completed record cannot be emptied again', () => {
    let c = create({ type: 'emergency', content: content({ services: ['web'] }) });
    c = step(c, cmd.submit(c), cast.alice);
    c = step(c, cmd.approve(), cast.dora);
    assert.notEqual(c.recordCompletedAt, null);
    assert.deepEqual(codes(attempt(c, cmd.edit(c, { testEvidence: null }), cast.alice)), ['missing_fields']);
  });

  it('cannot close while the record is incomplete or the review missing; lists both', () => {
    let c = authorized();
    c = step(c, cmd.start(), cast.ivan, at(10));
    c = step(c, cmd.complete(), cast.ivan, at(20));
    assert.deepEqual(codes(attempt(c, cmd.close(), cast.alice)), ['record_incomplete', 'review_required']);
    const d = attempt(c, cmd.close(), cast.alice);
    assert.match(d.ok ? '' : d.refusals.map((r) => r.message).join(' '), /testEvidence/);
    c = step(c, cmd.review(), cast.sam, at(30));
    assert.deepEqual(codes(attempt(c, cmd.close(), cast.alice)), ['record_incomplete']);
    c = step(c, fullRecord(c), cast.alice, at(40));
    assert.equal(step(c, cmd.close(), cast.alice, at(50)).state, 'closed');
  });

  it('an emergency submitted with a complete record has it completed at submit', () => {
    const c = create({ type: 'emergency', content: content({ services: ['web'] }) });
    const s = step(c, cmd.submit(c), cast.alice, at(3));
    assert.equal(s.recordCompletedAt, at(3));
  });

  it('an emergency raised before the policy had criteria still completes its record under one that has', () => {
    const withCriteria = {
      ...policy,
      emergency: { criteria: [{ id: 'outage', description: 'Down.' }], beforeStart: [] },
    };
    const c = step(authorized(), cmd.start(), cast.ivan, at(10));
    const edit = (fields: Parameters<typeof cmd.edit>[1]) =>
      decideChange(c, cmd.edit(c, fields), { actor: cast.alice, now: at(20), policy: withCriteria });
    assert.ok(edit({ testPlan: 'Replay.', ...REST_OF_RECORD }).ok);
    // Writing the request's fields is held to the policy as it is now.
    assert.deepEqual(codes(edit({ emergencyCriterion: 'meteor' })), [
      'emergency_justification_required',
      'unknown_emergency_criterion',
    ]);
  });
});
