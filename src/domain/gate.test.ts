// The gate matrix: each reason to deny, alone and all together, over records driven through the real
// lifecycle (decide → evolve) under the example policy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CalendarWindow, WindowsAt } from './calendar.ts';
import type { Change } from './change.ts';
import { decideGate, gateError, type GateFacts, type GateQuestion } from './gate.ts';
import type { ApproverNow, Live } from './standing.ts';
import { assessmentOf, at, cast, cmd, content, create, NOW, policy, step } from './test-fixtures.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const NO_WINDOWS: WindowsAt = { freezes: [], maintenanceApplies: false, maintenance: null };
const person = (groups: string[]): ApproverNow => ({ kind: 'human', groups, active: true, email: null });

/** A low-risk change on `tool` (dev) shipping A, approved by tom (technical), scheduled around NOW. */
function scheduled(): Change {
  let c = create({ content: content({ artifacts: [A] }) });
  c = step(c, cmd.submit(c), cast.alice);
  c = step(c, cmd.approve(), cast.tom);
  return step(c, cmd.schedule(at(-10), at(60)), cast.alice);
}

/** The approvers as they are now: by default, each holding the groups of the cast. */
const everyone = (c: Change): Live['approvers'] =>
  Object.fromEntries(
    c.approvals.map((a) => [a.approver, person(cast[a.approver as keyof typeof cast].groups)]),
  );
const liveOf = (c: Change, approvers = everyone(c), services = c.services): Live => ({
  assessment: assessmentOf(c.type, { ...c, services }),
  approvers,
});

const question = (over: Partial<GateQuestion> = {}): GateQuestion => ({
  changeId: 'CHG-1',
  service: 'tool',
  environment: 'dev',
  artifacts: [A],
  ...over,
});

function facts(change: Change | null, over: Partial<GateFacts> = {}): GateFacts {
  return {
    change,
    live: change ? liveOf(change) : null,
    serviceEnvironment: 'dev',
    windows: NO_WINDOWS,
    deadlines: policy.deadlines,
    now: NOW,
    ...over,
  };
}

const freeze = (
  enforcement: 'hard' | 'soft',
  approvalGroup: string | null = null,
): WindowsAt['freezes'][number] => {
  const window: CalendarWindow = {
    id: `${enforcement}-freeze`,
    kind: 'freeze',
    title: 'Year-end freeze',
    enforcement,
    approvalGroup,
    services: [],
    environments: [],
    timeZone: 'Europe/Berlin',
  };
  return { window, start: at(-60), end: at(600) };
};

function codes(q: GateQuestion, f: GateFacts): string[] {
  const answer = decideGate(q, f);
  assert.equal(answer.decision, answer.reasons.length === 0 ? 'allow' : 'deny');
  for (const r of answer.reasons) assert.ok(r.message.length > 0, `${r.code} says why`);
  return answer.reasons.map((r) => r.code).sort();
}

describe('the deployment gate', () => {
  it('allows an approved change in its window, for its service, environment and artifact', () => {
    assert.deepEqual(decideGate(question(), facts(scheduled())), { decision: 'allow', reasons: [] });
  });

  it('also allows the artifact the test evidence names, and a change being implemented', () => {
    let c = scheduled();
    c = { ...c, testEvidence: { environment: 'staging', results: 'green', artifactDigest: B } };
    assert.deepEqual(codes(question({ artifacts: [A, B] }), facts(c)), []);
    const started = step(scheduled(), cmd.start(), cast.ivan);
    assert.deepEqual(codes(question(), facts(started)), []);
  });

  describe('denies for each reason alone', () => {
    const cases: [string, () => [GateQuestion, GateFacts]][] = [
      ['change_not_found', () => [question({ changeId: 'CHG-404' }), facts(null)]],
      [
        'not_approved',
        () => {
          const c = create({ content: content({ artifacts: [A] }) });
          return [question(), facts(step(c, cmd.submit(c), cast.alice))];
        },
      ],
      [
        'approvals_withdrawn',
        () => {
          const c = scheduled();
          const withdrawn = { ...c, approvals: c.approvals.map((a) => ({ ...a, withdrawnAt: NOW })) };
          return [question(), facts(withdrawn)];
        },
      ],
      [
        'approver_lost_group',
        () => {
          const c = scheduled();
          return [question(), facts(c, { live: liveOf(c, { tom: person([]) }) })];
        },
      ],
      [
        'approvals_insufficient',
        () => {
          // The catalogue now rates the change higher than its approvals cover.
          const c = scheduled();
          return [question(), facts(c, { live: liveOf(c, undefined, ['web']) })];
        },
      ],
      ['change_closed', () => [question(), facts(step(scheduled(), cmd.cancel(), cast.alice))]],
      ['outside_change_window', () => [question(), facts(scheduled(), { now: at(90) })]],
      [
        'freeze_hard',
        () => [question(), facts(scheduled(), { windows: { ...NO_WINDOWS, freezes: [freeze('hard')] } })],
      ],
      [
        'freeze_soft',
        () => [
          question(),
          facts(scheduled(), { windows: { ...NO_WINDOWS, freezes: [freeze('soft', 'security')] } }),
        ],
      ],
      [
        'outside_maintenance_window',
        () => [question(), facts(scheduled(), { windows: { ...NO_WINDOWS, maintenanceApplies: true } })],
      ],
      ['artifact_not_approved', () => [question({ artifacts: [B] }), facts(scheduled())]],
      [
        'service_not_in_change',
        () => [
          question({ service: 'billing', environment: 'prod' }),
          facts(scheduled(), { serviceEnvironment: 'prod' }),
        ],
      ],
      ['environment_not_in_change', () => [question({ environment: 'prod' }), facts(scheduled())]],
      [
        'emergency_authorization_expired',
        () => [question(), facts(emergency(), { now: at(policy.deadlines.emergencyReviewMinutes + 1) })],
      ],
      [
        'emergency_record_overdue',
        () => {
          const e = { ...emergency(), recordCompletedAt: null, recordDueAt: at(30) };
          return [question(), facts(e, { now: at(31) })];
        },
      ],
    ];
    for (const [code, build] of cases)
      it(code, () => {
        const [q, f] = build();
        assert.deepEqual(codes(q, f), [code]);
      });
  });

  it('lets a soft freeze through with an approval from its group, never a hard one', () => {
    const soft = { ...NO_WINDOWS, freezes: [freeze('soft', 'technical')] };
    assert.deepEqual(codes(question(), facts(scheduled(), { windows: soft })), []);
    const both = { ...NO_WINDOWS, freezes: [freeze('soft', 'technical'), freeze('hard')] };
    assert.deepEqual(codes(question(), facts(scheduled(), { windows: both })), ['freeze_hard']);
  });

  it('a change edited after approval is not approved, and says its approvals were withdrawn', () => {
    const c = scheduled();
    const edited = step(c, cmd.edit(c, { description: 'And one more thing' }), cast.alice);
    assert.equal(edited.state, 'awaiting_approval');
    assert.deepEqual(codes(question(), facts(edited)), ['approvals_withdrawn', 'not_approved']);
  });

  it('gives every reason at once, not only the first', () => {
    const c = scheduled();
    const all = codes(question({ service: 'billing', environment: 'staging', artifacts: [B] }), {
      ...facts(c, { live: liveOf(c, { tom: person([]) }) }),
      now: at(90),
      serviceEnvironment: 'prod',
      windows: {
        freezes: [freeze('hard'), freeze('soft', 'security')],
        maintenanceApplies: true,
        maintenance: null,
      },
    });
    assert.deepEqual(all, [
      'approver_lost_group',
      'artifact_not_approved',
      'environment_not_in_change',
      'freeze_hard',
      'freeze_soft',
      'outside_change_window',
      'outside_maintenance_window',
      'service_not_in_change',
    ]);
    const closed = step(c, cmd.cancel(), cast.alice);
    assert.deepEqual(
      codes(
        question({ artifacts: [B] }),
        facts(closed, { windows: { ...NO_WINDOWS, freezes: [freeze('hard')] } }),
      ),
      ['artifact_not_approved', 'change_closed', 'freeze_hard'],
    );
  });

  it('fails closed: an error is a deny that says so', () => {
    assert.deepEqual(gateError('database unreachable'), {
      decision: 'deny',
      reasons: [{ code: 'gate_error', message: 'database unreachable' }],
    });
  });
});

/** An emergency on `tool` shipping A, authorized by dora at NOW, its record complete. */
function emergency(): Change {
  let c = create({ type: 'emergency', content: content({ artifacts: [A] }), actor: cast.bob });
  c = step(c, cmd.submit(c), cast.bob);
  c = step(c, cmd.approve(), cast.dora);
  assert.equal(c.state, 'approved');
  return c;
}
