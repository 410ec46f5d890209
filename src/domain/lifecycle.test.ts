// Every command from every state: the allowed ones yield the expected events and next state, the rest are
// refused as invalid transitions (and nothing else), so no state can be skipped or re-entered by accident.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHANGE_STATES, type Change, type ChangeState } from './change.ts';
import type { ChangeCommand } from './change-decide.ts';
import { decideCreate } from './change-create.ts';
import { evolveChange } from './change-evolve.ts';
import type { Actor } from './actor.ts';
import {
  NOW,
  WINDOW,
  content,
  policy,
  step,
  applyEvents,
  attempt,
  cast,
  cmd,
  codes,
  create,
  createInput,
  eventTypes,
  inState,
  recorded,
} from './test-fixtures.ts';

type CommandName = ChangeCommand['type'];

/** The command as its rightful actor would send it, so only the state decides. */
const COMMANDS: Record<CommandName, { actor: Actor; build: (c: Change) => ChangeCommand }> = {
  edit: { actor: cast.alice, build: (c) => cmd.edit(c, { description: 'Reworded description.' }) },
  submit: { actor: cast.alice, build: (c) => cmd.submit(c) },
  approve: { actor: cast.tom, build: () => cmd.approve() },
  reject: { actor: cast.tom, build: () => cmd.reject() },
  schedule: { actor: cast.alice, build: () => cmd.schedule(WINDOW.start, WINDOW.end) },
  start: { actor: cast.ivan, build: () => cmd.start() },
  complete: { actor: cast.ivan, build: () => cmd.complete() },
  review: { actor: cast.ivan, build: () => cmd.review() },
  close: { actor: cast.alice, build: () => cmd.close() },
  cancel: { actor: cast.alice, build: () => cmd.cancel() },
  reassign: {
    actor: cast.alice,
    build: () => ({ type: 'reassign', owner: 'olga', people: { olga: OLGA } }),
  },
};
const OLGA = { kind: 'human' as const, groups: [], active: true, email: null };
const REASSIGN = { events: ['change.owner_reassigned'] };

const WITHDRAW = ['change.edited', 'change.approvals_withdrawn'];
const CANCEL = { events: ['change.cancelled'], next: 'cancelled' as const };

/** The allowed transitions of a low-risk normal change (one technical approval reaches quorum). */
const ALLOWED: Record<ChangeState, Partial<Record<CommandName, { events: string[]; next: ChangeState }>>> = {
  draft: {
    reassign: { ...REASSIGN, next: 'draft' },
    edit: { events: ['change.edited'], next: 'draft' },
    submit: { events: ['change.submitted'], next: 'awaiting_approval' },
    cancel: CANCEL,
  },
  awaiting_approval: {
    reassign: { ...REASSIGN, next: 'awaiting_approval' },
    edit: { events: ['change.edited'], next: 'awaiting_approval' },
    approve: { events: ['change.approval_granted', 'change.approved'], next: 'approved' },
    reject: { events: ['change.rejected'], next: 'rejected' },
    cancel: CANCEL,
  },
  approved: {
    reassign: { ...REASSIGN, next: 'approved' },
    edit: { events: WITHDRAW, next: 'awaiting_approval' },
    schedule: { events: ['change.scheduled'], next: 'scheduled' },
    cancel: CANCEL,
  },
  scheduled: {
    reassign: { ...REASSIGN, next: 'scheduled' },
    edit: { events: WITHDRAW, next: 'awaiting_approval' },
    schedule: { events: ['change.scheduled'], next: 'scheduled' },
    start: { events: ['change.started'], next: 'implementing' },
    cancel: CANCEL,
  },
  implementing: {
    complete: { events: ['change.completed'], next: 'review' },
    reassign: { ...REASSIGN, next: 'implementing' },
  },
  review: {
    reassign: { ...REASSIGN, next: 'review' },
    review: { events: ['change.reviewed'], next: 'review' },
    close: { events: ['change.closed'], next: 'closed' },
  },
  closed: {},
  rejected: {},
  cancelled: {},
};

describe('lifecycle: every command from every state', () => {
  for (const state of CHANGE_STATES) {
    describe(state, () => {
      const change = inState(state);
      it('is built in that state', () => assert.equal(change.state, state));
      for (const [name, { actor, build }] of Object.entries(COMMANDS)) {
        const expected = ALLOWED[state][name as CommandName];
        it(`${name} ${expected ? `→ ${expected.next}` : 'is an invalid transition'}`, () => {
          const decision = attempt(change, build(change), actor);
          if (!expected) {
            assert.deepEqual(codes(decision), ['invalid_transition']);
            assert.match(decision.ok ? '' : decision.refusals[0]!.message, new RegExp(state));
            return;
          }
          assert.deepEqual(eventTypes(decision), expected.events);
          const after = applyEvents(change, decision.ok ? decision.events : [], actor, NOW);
          assert.equal(after.state, expected.next);
          assert.equal(after.id, change.id);
        });
      }
    });
  }
});

describe('lifecycle: what each transition records', () => {
  it('submit fixes the assessment; approve records who approved', () => {
    const approved = inState('approved');
    assert.equal(approved.assessment?.rating, 'low');
    assert.deepEqual(approved.assessment?.requiredApprovals, [{ group: 'technical', count: 1 }]);
    assert.deepEqual(
      approved.approvals.map((a) => [a.approver, a.group, a.decision]),
      [['tom', 'technical', 'approved']],
    );
    assert.equal(approved.recordDueAt, null, 'only emergencies owe a record');
  });

  it('start records the implementer; complete the outcome; close the time', () => {
    const implementing = inState('implementing');
    assert.equal(implementing.implementedBy, 'ivan');
    assert.equal(implementing.startedAt, NOW);
    assert.equal(implementing.reviewDueAt, null);
    const review = inState('review');
    assert.equal(review.outcome, 'successful');
    assert.equal(inState('closed').closedAt, NOW);
  });

  it('reject records the rejection with its comment and closes the change', () => {
    const rejected = inState('rejected');
    assert.equal(rejected.approvals.at(-1)?.decision, 'rejected');
    assert.equal(rejected.approvals.at(-1)?.comment, 'too risky');
    assert.equal(rejected.closedAt, NOW);
  });

  it('a normal change cannot start straight from approved, without a window', () => {
    assert.deepEqual(codes(attempt(inState('approved'), cmd.start(), cast.ivan)), ['invalid_transition']);
  });

  it('a high-risk change needs security and technical approval, and a review before close', () => {
    let c = create({ content: content({ services: ['web'] }) });
    c = step(c, cmd.submit(c), cast.alice);
    assert.equal(c.assessment?.rating, 'high');
    c = step(c, cmd.approve(), cast.tom);
    assert.equal(c.state, 'awaiting_approval', 'one group is not enough');
    c = step(c, cmd.approve(), cast.sam);
    assert.equal(c.state, 'approved');
    c = step(c, cmd.schedule(WINDOW.start, WINDOW.end), cast.alice);
    c = step(c, cmd.start(), cast.ivan);
    c = step(c, cmd.complete(), cast.ivan);
    assert.deepEqual(codes(attempt(c, cmd.close(), cast.alice)), ['review_required']);
    c = step(c, cmd.review(), cast.ivan);
    assert.equal(c.review?.reviewer, 'ivan');
    assert.equal(step(c, cmd.close(), cast.alice).state, 'closed');
  });

  it('a failed low-risk change owes a review too', () => {
    let c = inState('implementing');
    c = step(c, cmd.complete('failed'), cast.ivan);
    assert.deepEqual(codes(attempt(c, cmd.close(), cast.alice)), ['review_required']);
  });
});

describe('lifecycle: who may act', () => {
  it('read-only actors are refused every command', () => {
    for (const { build } of Object.values(COMMANDS)) {
      const change = inState('awaiting_approval');
      assert.deepEqual(codes(attempt(change, build(change), cast.audrey)), ['forbidden']);
    }
  });

  it('only the requester, implementer or a change manager edits, submits, schedules and cancels', () => {
    const draft = inState('draft');
    assert.deepEqual(codes(attempt(draft, cmd.submit(draft), cast.bob)), ['forbidden']);
    assert.deepEqual(codes(attempt(draft, cmd.edit(draft, { title: 'x' }), cast.bob)), ['forbidden']);
    assert.deepEqual(codes(attempt(draft, cmd.cancel(), cast.tom)), ['forbidden']);
    assert.ok(attempt(draft, cmd.submit(draft), cast.carl).ok);
    assert.ok(attempt(draft, cmd.submit(draft), cast.ivan).ok);
    const approved = inState('approved');
    assert.deepEqual(codes(attempt(approved, cmd.schedule(WINDOW.start, WINDOW.end), cast.bob)), [
      'forbidden',
    ]);
  });

  it('someone other than the named implementer cannot start, unless a change manager', () => {
    const scheduled = inState('scheduled');
    assert.deepEqual(codes(attempt(scheduled, cmd.start(), cast.bob)), ['not_the_implementer']);
    assert.deepEqual(codes(attempt(scheduled, cmd.start(), cast.alice)), ['forbidden']);
    assert.equal(step(scheduled, cmd.start(), cast.carl).implementedBy, 'carl');
  });

  it('the approver cannot also implement', () => {
    const scheduled = inState('scheduled');
    const tomImplements = { ...cast.tom, roles: [...cast.tom.roles, 'change_manager' as const] };
    assert.deepEqual(codes(attempt(scheduled, cmd.start(), tomImplements)), ['sod_approver_implements']);
  });

  it('a normal change missing required fields cannot be submitted', () => {
    const draft = create({ content: { ...createInput().content, testPlan: '', services: ['billing'] } });
    assert.deepEqual(codes(attempt(draft, cmd.submit(draft), cast.alice)), ['missing_fields']);
  });
});

describe('decideCreate', () => {
  it('creates normal and emergency changes in draft, numbered, with their requester', () => {
    for (const type of ['normal', 'emergency'] as const) {
      const d = decideCreate(createInput({ type, number: 42 }), cast.bob, policy);
      assert.ok(d.ok);
      assert.equal(d.event.type, 'change.created');
      const c = evolveChange(null, recorded(d.event, 'CHG-42', cast.bob, NOW));
      assert.deepEqual([c.id, c.number, c.type, c.state], ['CHG-42', 42, type, 'draft']);
      assert.deepEqual([c.requester, c.lastEditor, c.revision], ['bob', 'bob', 1]);
    }
  });

  it('refuses people without a role that raises changes', () => {
    for (const actor of [cast.tom, cast.audrey]) {
      const d = decideCreate(createInput(), actor, policy);
      assert.deepEqual(d.ok ? [] : d.refusals.map((r) => r.code), ['forbidden']);
    }
  });

  it('refuses a window on a normal change and a template on a non-standard one', () => {
    const d = decideCreate(
      createInput({ template: 'tls-certificate-renewal', window: WINDOW }),
      cast.alice,
      policy,
    );
    assert.deepEqual(d.ok ? [] : d.refusals.map((r) => r.code).sort(), [
      'invalid_window',
      'template_needs_standard',
    ]);
  });

  it('evolve refuses events for a change that was never created', () => {
    assert.throws(() =>
      evolveChange(null, recorded({ type: 'change.closed', data: {} }, 'CHG-9', cast.alice, NOW)),
    );
  });
});
