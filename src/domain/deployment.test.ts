// Deployments and break-glass as pure decisions: which deployments an allowing decision covers, what a
// finish notes on the change, how a failure bars a successful outcome, and what breaking glass raises.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breakGlassContent, breakGlassEvents, type BreakGlassRequest } from './break-glass.ts';
import { changeId } from './change-evolve.ts';
import { finishEvents, startEvents, unauthorizedReason, type DeploymentStart } from './deployment.ts';
import {
  applyEvents,
  assessmentOf,
  at,
  attempt,
  cast,
  cmd,
  codes,
  create,
  NOW,
  policy,
  recorded,
  step,
} from './test-fixtures.ts';
import { evolveChange } from './change-evolve.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const allow = {
  id: 'evt-1',
  decision: 'allow' as const,
  change: 'CHG-1',
  service: 'tool',
  environment: 'dev',
  artifacts: [A],
};
const start = (over: Partial<DeploymentStart> = {}): DeploymentStart => ({
  number: 3,
  decisionId: 'evt-1',
  decision: allow,
  change: null,
  changeExists: true,
  service: 'tool',
  environment: 'dev',
  artifact: A,
  pipelineUrl: null,
  ...over,
});

describe('deployments', () => {
  it('an allowing decision for the same change, target and artifact covers a deployment', () => {
    assert.equal(unauthorizedReason(start()), null);
    assert.equal(unauthorizedReason(start({ change: 'CHG-1' })), null);
    const { change, events } = startEvents(start());
    assert.equal(change, 'CHG-1', 'the change comes from the decision');
    assert.deepEqual(
      events.map((e) => [e.subject, e.event.type]),
      [['DEP-3', 'deployment.started']],
    );
  });

  it('anything else is unauthorized, recorded, and noted on the change', () => {
    const cases: [Partial<DeploymentStart>, RegExp][] = [
      [{ decisionId: null, decision: null, change: 'CHG-1' }, /no gate decision named/],
      [{ decision: null, change: 'CHG-1' }, /no gate decision evt-1/],
      [{ decision: { ...allow, decision: 'deny' } }, /denied it/],
      [{ change: 'CHG-2' }, /is for CHG-1, not CHG-2/],
      [{ service: 'billing' }, /is for tool, not billing/],
      [{ environment: 'prod' }, /is for dev, not prod/],
      [{ artifact: B }, /did not allow/],
    ];
    for (const [over, why] of cases) {
      assert.match(unauthorizedReason(start(over)) ?? '', why);
      const { events } = startEvents(start(over));
      assert.equal(events[0]!.event.type, 'deployment.started');
      assert.equal(events[1]?.event.type, 'change.deployment_noted', JSON.stringify(over));
    }
    // A change that does not exist gets no note; the deployment is still recorded and flagged.
    const orphan = startEvents(
      start({ decisionId: null, decision: null, change: 'CHG-9', changeExists: false }),
    );
    assert.deepEqual(
      orphan.events.map((e) => e.event.type),
      ['deployment.started'],
    );
  });

  it('a failure or rollback is noted on the change, which may then not complete as successful', () => {
    const d = {
      id: 'DEP-3',
      change: 'CHG-1',
      service: 'tool',
      environment: 'dev',
      artifact: A,
      result: null,
    };
    const ok = finishEvents(d, 'succeeded', '', true);
    assert.ok(ok.ok);
    assert.deepEqual(
      ok.events.map((e) => e.event.type),
      ['deployment.finished'],
    );
    const failed = finishEvents(d, 'rolled_back', 'errors', true);
    assert.ok(failed.ok);
    assert.deepEqual(
      failed.events.map((e) => [e.subject, e.event.type]),
      [
        ['DEP-3', 'deployment.finished'],
        ['CHG-1', 'change.deployment_noted'],
      ],
    );
    assert.deepEqual(finishEvents({ ...d, result: 'failed' }, 'succeeded', '', true), {
      ok: false,
      message: 'DEP-3 already finished: failed',
    });

    let c = create();
    c = step(c, cmd.submit(c), cast.alice);
    c = step(c, cmd.approve(), cast.tom);
    c = step(c, cmd.schedule(at(-10), at(60)), cast.alice);
    c = step(c, cmd.start(), cast.ivan);
    c = applyEvents(
      c,
      failed.events.slice(1).map((e) => e.event as never),
      cast.ivan,
      NOW,
    );
    assert.deepEqual(
      c.deploymentNotes?.map((n) => n.kind),
      ['rolled_back'],
    );
    assert.deepEqual(codes(attempt(c, cmd.complete('successful'), cast.ivan)), ['deployment_failed']);
    const done = step(c, cmd.complete('rolled_back'), cast.ivan);
    assert.equal(done.outcome, 'rolled_back');
  });
});

describe('break-glass', () => {
  it('raises an emergency change, under way now, owing its record and review by the deadlines', () => {
    const request: BreakGlassRequest = {
      claimed: 'CHG-1',
      service: 'tool',
      environment: 'dev',
      artifacts: [B],
      reason: 'checkout is down',
      pipelineUrl: 'https://ci.example.test/1',
      catalogued: true,
    };
    const content = breakGlassContent(request);
    assert.deepEqual(content.services, ['tool']);
    assert.deepEqual(content.artifacts, [B]);
    assert.match(content.description, /claimed CHG-1/);
    const raised = breakGlassEvents(
      7,
      content,
      assessmentOf('emergency', content),
      request,
      policy.deadlines,
      NOW,
    );
    assert.equal(raised.id, changeId(7));
    let c = evolveChange(null, recorded(raised.created, raised.id, cast.ci, NOW));
    c = evolveChange(c, recorded(raised.broken, raised.id, cast.ci, NOW));
    assert.equal(c.type, 'emergency');
    assert.equal(c.state, 'implementing');
    assert.equal(c.authorizedAt, null, 'nobody authorized it');
    assert.equal(c.recordDueAt, at(policy.deadlines.emergencyRecordMinutes));
    assert.equal(c.reviewDueAt, at(policy.deadlines.emergencyReviewMinutes));
    assert.deepEqual(c.breakGlass, { reason: 'checkout is down', claimed: 'CHG-1', by: 'ci', at: NOW });
    // An uncatalogued service is named in the description only.
    assert.deepEqual(breakGlassContent({ ...request, catalogued: false }).services, []);
  });
});
