// Whether a change's approvals suffice now: the one answer `start` (and later the gate) relies on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Change } from './change.ts';
import { approvalStanding, type ApproverNow, type Live } from './standing.ts';
import {
  applyEvents,
  assessmentOf,
  at,
  attempt,
  cast,
  cmd,
  codes,
  content,
  create,
  eventTypes,
  step,
} from './test-fixtures.ts';

const person = (groups: string[], more: Partial<ApproverNow> = {}): ApproverNow => ({
  kind: 'human',
  groups,
  active: true,
  email: null,
  ...more,
});

/** A low-risk change approved by tom (technical) and scheduled into an open window. */
function scheduled(): Change {
  let c = create();
  c = step(c, cmd.submit(c), cast.alice);
  c = step(c, cmd.approve(), cast.tom);
  return step(c, cmd.schedule(at(-10), at(60)), cast.alice);
}

const liveOf = (c: Change, approvers: Live['approvers'], services = c.services): Live => ({
  assessment: assessmentOf(c.type, { ...c, services }),
  approvers,
});

describe('approval standing', () => {
  it('counts an approval from someone who still holds the group', () => {
    const c = scheduled();
    const s = approvalStanding(c, liveOf(c, { tom: person(['technical']) }));
    assert.equal(s.satisfied, true);
    assert.deepEqual(
      s.approvals.map((a) => [a.approver, a.counts]),
      [['tom', true]],
    );
  });

  for (const [what, now, code] of [
    ['left the group', person([]), 'group_not_held'],
    ['was disabled', person(['technical'], { active: false }), 'approver_inactive'],
    ['was deleted', undefined, 'approver_inactive'],
    ['became a bot', person(['technical'], { kind: 'bot' }), 'approver_not_human'],
  ] as const)
    it(`does not count an approver who ${what}, and start sends the change back saying so`, () => {
      const c = scheduled();
      const live = liveOf(c, now ? { tom: now } : {});
      const s = approvalStanding(c, live);
      assert.equal(s.satisfied, false);
      assert.deepEqual(
        s.approvals[0]!.reasons.map((r) => r.code),
        [code],
      );
      const d = attempt(c, { type: 'start', live }, cast.ivan);
      assert.deepEqual(codes(d), ['approvals_lapsed', code].sort());
      assert.ok(!d.ok);
      assert.deepEqual(
        d.events?.map((e) => e.type),
        ['change.approvals_lapsed'],
      );
      const back = applyEvents(c, d.events ?? [], cast.ivan, at(1));
      assert.equal(back.state, 'awaiting_approval');
      assert.equal(back.approvals[0]!.withdrawnAt, at(1));
    });

  it('does not count anything when the rating has risen beyond what was approved', () => {
    const c = scheduled();
    const live = liveOf(c, { tom: person(['technical']) }, ['web']);
    const s = approvalStanding(c, live);
    assert.deepEqual([s.satisfied, s.rating, s.rose?.from, s.rose?.to], [false, 'high', 'low', 'high']);
    const d = attempt(c, { type: 'start', live }, cast.ivan);
    assert.deepEqual(codes(d), ['approvals_lapsed', 'risk_rose']);
    assert.ok(!d.ok);
    assert.deepEqual(
      d.events?.map((e) => e.type),
      ['change.reassessed', 'change.approvals_lapsed'],
    );
  });

  it('one person counts once, and an approver now in conflict does not count', () => {
    let c = create({ content: content({ services: ['billing'] }) });
    c = step(c, cmd.submit(c), cast.alice);
    const pat = { ...cast.tom, id: 'pat', groups: ['technical', 'business'] };
    c = step(c, cmd.approve('technical'), pat);
    const twice: Change = {
      ...c,
      approvals: [...c.approvals, { ...c.approvals[0]!, group: 'business' }],
    };
    const s = approvalStanding(twice, null);
    assert.deepEqual(
      s.approvals.map((a) => a.reasons.map((r) => r.code)),
      [[], ['counted_once']],
    );
    const conflicted: Change = { ...c, implementer: 'pat' };
    assert.deepEqual(
      approvalStanding(conflicted, null).approvals[0]!.reasons.map((r) => r.code),
      ['approver_conflict'],
    );
  });

  it('starts when the approvals still suffice, recording a reassessment that changed nothing they need', () => {
    const c = scheduled();
    const d = attempt(c, { type: 'start', live: liveOf(c, { tom: person(['technical']) }) }, cast.ivan);
    assert.deepEqual(eventTypes(d), ['change.started']);
  });
});
