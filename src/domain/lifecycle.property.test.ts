// Property tests of the lifecycle: random casts send random command sequences; whatever is accepted is
// applied through evolveChange, and the invariants of approval and segregation of duties must hold throughout.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Actor, Role } from './actor.ts';
import type { Change, ChangeContent, ChangeState } from './change.ts';
import { decideChange, type ChangeCommand } from './change-decide.ts';
import { decideCreate } from './change-create.ts';
import { evolveChange } from './change-evolve.ts';
import type { ChangeEvent } from './events.ts';
import { NOW, assessmentOf, at, content, policy, recorded } from './test-fixtures.ts';
import { OUTCOMES } from './vocabulary.ts';

const GROUPS = policy.groups.map((g) => g.id);
const SERVICES = ['tool', 'billing', 'web'];
const PEOPLE = ['p0', 'p1', 'p2', 'p3', 'p4'];
const APPROVE = 'changes:approve';

const person = (id: string, groups: string[], roles: Role[]): Actor => ({
  id,
  kind: 'human',
  roles,
  groups,
  scopes: null,
  email: `${id}@example.com`,
});

// The cast: [0] requester, [1] named implementer, then people, a bot, and API tokens of some people
// (same identity, scopes with or without approve). Everyone may hold any approver group.
const groupsArb = fc.subarray(GROUPS);
const castArb = fc
  .record({
    requester: groupsArb,
    implementer: groupsArb,
    people: fc.array(fc.record({ groups: groupsArb, manager: fc.boolean() }), { minLength: 2, maxLength: 5 }),
    bot: groupsArb,
    tokens: fc.array(fc.subarray(['changes:write', APPROVE]), { maxLength: 3 }),
  })
  .map((c): Actor[] => {
    const people = c.people.map((p, i) =>
      person(PEOPLE[i]!, p.groups, p.manager ? ['approver', 'change_manager'] : ['approver']),
    );
    return [
      person('req', c.requester, ['requester', 'approver']),
      person('imp', c.implementer, ['implementer', 'approver']),
      ...people,
      { ...person('ci', c.bot, ['implementer']), kind: 'bot', scopes: [APPROVE], email: null },
      ...c.tokens.map((scopes, i) => ({ ...people[i % people.length]!, scopes })),
    ];
  });

const EVIDENCE = { environment: 'staging', results: 'green' };
const fields = <T>(arb: fc.Arbitrary<T>) => arb as fc.Arbitrary<Partial<ChangeContent>>;
const patchArb: fc.Arbitrary<Partial<ChangeContent>> = fc.oneof(
  fields(fc.record({ description: fc.constantFrom('First.', 'Second.', 'Third.') })),
  fields(fc.record({ services: fc.subarray(SERVICES, { minLength: 1 }) })),
  fields(
    fc.record({ riskAnswers: fc.record({ irreversible: fc.boolean(), customerVisible: fc.boolean() }) }),
  ),
  fields(fc.record({ testEvidence: fc.constantFrom(null, EVIDENCE, EVIDENCE) })),
  fields(fc.record({ implementer: fc.constantFrom(null, 'imp', 'p0', 'p1') })),
  fields(fc.record({ proposedPolicy: fc.constantFrom(null, 'version: 1') })),
  fields(
    fc.record({
      links: fc.constantFrom(
        [],
        ['p0', 'P1@EXAMPLE.COM', 'Imp', 'req'].map((author) => ({
          kind: 'commit' as const,
          ref: `c-${author}`,
          author,
        })),
      ),
    }),
  ),
);

// Biased toward the requester and the implementer, who drive most transitions; anyone may try anything,
// and decisions come from anyone in the cast.
const actorArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.constant(1), weight: 1 },
  { arbitrary: fc.nat(20), weight: 2 },
);
type Step = { actor: number; advance: number; cmd: (c: Change, now: string) => ChangeCommand };
const step = (arb: fc.Arbitrary<Step['cmd']>, weight: number, actor = actorArb) => ({
  weight,
  arbitrary: fc.record({ actor, advance: fc.nat(60), cmd: arb }) as fc.Arbitrary<Step>,
});
const fixed = (command: ChangeCommand, weight: number) =>
  step(
    fc.constant(() => command),
    weight,
  );
const optGroup = fc.option(fc.constantFrom(...GROUPS), { nil: null, freq: 2 });
const anyone = fc.nat(20);
/** The natural next command for the state, so that runs get deep into the lifecycle; the actor stays random. */
function pilot(c: Change, now: string): ChangeCommand {
  switch (c.state) {
    case 'draft':
      return { type: 'submit', assessment: assessmentOf(c.type, c) };
    case 'awaiting_approval':
      return { type: 'approve', group: null, comment: '' };
    case 'approved':
      return { type: 'schedule', window: { start: at(-5, now), end: at(180, now) } };
    case 'scheduled':
      return { type: 'start' };
    case 'implementing':
      return { type: 'complete', outcome: 'successful', notes: '', verification: [] };
    default:
      return c.review === null
        ? { type: 'review', review: { summary: 'ok', followUps: [], continuityPlanNeedsUpdate: false } }
        : { type: 'close' };
  }
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  step(fc.constant(pilot), 16, fc.oneof(actorArb, anyone)),
  step(
    patchArb.map((patch) => (c: Change): ChangeCommand => ({
      type: 'edit',
      fields: patch,
      assessment: assessmentOf(c.type, { ...c, ...patch }),
    })),
    6,
  ),
  step(
    fc.constant((c: Change): ChangeCommand => ({ type: 'submit', assessment: assessmentOf(c.type, c) })),
    8,
  ),
  step(
    optGroup.map((group) => (): ChangeCommand => ({ type: 'approve', group, comment: '' })),
    12,
    anyone,
  ),
  step(
    fc.tuple(optGroup, fc.constantFrom('', 'no')).map(([group, comment]) => (): ChangeCommand => ({
      type: 'reject',
      group,
      comment,
    })),
    1,
    anyone,
  ),
  step(
    fc
      .tuple(fc.integer({ min: -120, max: 120 }), fc.integer({ min: -30, max: 240 }))
      .map(([from, length]) => (_c: Change, now: string): ChangeCommand => ({
        type: 'schedule',
        window: { start: at(from, now), end: at(from + length, now) },
      })),
    4,
  ),
  fixed({ type: 'start' }, 4),
  step(
    fc.constantFrom(...OUTCOMES).map((outcome) => (): ChangeCommand => ({
      type: 'complete',
      outcome,
      notes: '',
      verification: [],
    })),
    2,
  ),
  fixed({ type: 'review', review: { summary: 'ok', followUps: [], continuityPlanNeedsUpdate: false } }, 2),
  fixed({ type: 'close' }, 2),
  fixed({ type: 'cancel', reason: 'dropped' }, 1),
);

const initialArb = fc.record({
  type: fc.constantFrom<'normal' | 'emergency'>('normal', 'normal', 'emergency'),
  services: fc.subarray(SERVICES, { minLength: 1 }),
  implementer: fc.constantFrom(null, 'imp'),
  complete: fc.constantFrom(true, true, true, false),
});

type Initial = typeof initialArb extends fc.Arbitrary<infer T> ? T : never;

const PRE: ChangeState[] = ['draft', 'awaiting_approval'];
const POST: ChangeState[] = ['approved', 'scheduled', 'implementing', 'review', 'closed'];
const seen = { approved: 0, implementing: 0, closed: 0, withdrawn: 0, refused: 0 };

/** (a) at `change.approved`: the policy's quorum, from distinct people none of whom has a conflict. */
function assertQuorum(change: Change, cast: Actor[]): void {
  const valid = change.approvals.filter(
    (a) => a.decision === 'approved' && a.withdrawnAt === null && a.revisionHash === change.revisionHash,
  );
  const people = valid.map((a) => a.approver);
  assert.equal(new Set(people).size, people.length, `one person counted twice: ${people.join(', ')}`);
  // Recomputed from the policy, not read from the change, so a stale assessment would be caught too.
  for (const req of assessmentOf(change.type, change).requiredApprovals) {
    const got = valid.filter((a) => a.group === req.group).length;
    assert.ok(got >= req.count, `${req.group} needs ${req.count}, has ${got}`);
  }
  const authors = change.links.flatMap((l) => (l.author ? [l.author.toLowerCase()] : []));
  for (const id of people) {
    const actor = cast.find((a) => a.id === id);
    assert.ok(actor && actor.kind === 'human', `${id} is not a person`);
    const conflicts = [
      change.requester,
      change.lastEditor,
      change.implementer,
      change.implementedBy,
      ...change.authors,
    ];
    assert.ok(!conflicts.includes(id), `${id} has a conflict of duties`);
    assert.ok(!authors.includes(id) && !authors.includes(actor.email!.toLowerCase()), `${id} wrote code`);
  }
}

/** Every grant: by a person holding the group now, through a session or an approve-scoped token. */
function assertGrant(
  before: Change,
  actor: Actor,
  e: Extract<ChangeEvent, { type: 'change.approval_granted' }>,
) {
  assert.equal(actor.kind, 'human');
  assert.ok(actor.scopes === null || actor.scopes.includes(APPROVE));
  assert.equal(e.data.approver, actor.id);
  assert.ok(actor.groups.includes(e.data.group), `${actor.id} does not hold ${e.data.group}`);
  assert.equal(e.data.revisionHash, before.revisionHash);
}

function run(cast: Actor[], init: Initial, steps: Step[]): void {
  const requester = cast[0]!;
  const base = content({ services: init.services, implementer: init.implementer });
  const c0 = init.complete ? base : { ...base, testEvidence: null };
  const created = decideCreate(
    {
      number: 7,
      type: init.type,
      template: null,
      content: c0,
      assessment: assessmentOf(init.type, c0),
      window: null,
    },
    requester,
    policy,
  );
  assert.ok(created.ok);
  let change = evolveChange(null, recorded(created.event, 'CHG-7', requester, NOW));
  let now = NOW;
  let approvedHash: string | null = null;
  for (const s of steps) {
    now = at(s.advance, now);
    const actor = cast[s.actor % cast.length]!;
    const d = decideChange(change, s.cmd(change, now), { actor, now, policy });
    if (!d.ok) {
      seen.refused++;
      assert.ok(d.refusals.length > 0 && d.refusals.every((r) => r.code && r.message));
      continue;
    }
    let after = change;
    for (const e of d.events) {
      if (e.type === 'change.approval_granted') assertGrant(after, actor, e);
      after = evolveChange(after, recorded(e, after.id, actor, now)); // (c) never throws
      assert.equal(after.id, 'CHG-7');
      assert.equal(after.number, 7);
      if (e.type === 'change.approved') {
        assertQuorum(after, cast);
        approvedHash = after.revisionHash;
        seen.approved++;
      }
      if (e.type === 'change.approvals_withdrawn') {
        approvedHash = null;
        seen.withdrawn++;
      }
    }
    // (a) nothing past approval without the approval event itself.
    if (PRE.includes(change.state) && POST.includes(after.state))
      assert.ok(
        d.events.some((e) => e.type === 'change.approved'),
        `${change.state} → ${after.state}`,
      );
    // (b) implementing only after an approval of what is being implemented.
    if (after.state === 'implementing' && change.state !== 'implementing') {
      seen.implementing++;
      assert.notEqual(approvedHash, null, 'started without approval');
      if (after.type === 'normal')
        assert.equal(approvedHash, after.revisionHash, 'approval is for another revision');
    }
    if (after.state === 'closed' && change.state !== 'closed') seen.closed++;
    change = after;
  }
}

describe('lifecycle properties', () => {
  it('no command sequence gets past approval without the policy quorum from unconflicted people', () => {
    const numRuns = 1000;
    fc.assert(
      fc.property(
        castArb,
        initialArb,
        fc.array(stepArb, { maxLength: 40, size: 'max' }),
        (cast, init, steps) => run(cast, init, steps),
      ),
      { numRuns },
    );
    // The invariants mean something only if the generator really reaches those states.
    assert.ok(seen.approved > numRuns / 10, `approved only ${seen.approved} times`);
    assert.ok(seen.implementing > numRuns / 50, `implementing only ${seen.implementing} times`);
    assert.ok(seen.withdrawn > 0 && seen.closed > 0 && seen.refused > numRuns, JSON.stringify(seen));
  });
});
