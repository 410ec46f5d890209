// Standard changes stay within their template; windows bound when a change may be scheduled and started.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideCreate } from './change-create.ts';
import { decideChange } from './change-decide.ts';
import {
  NOW,
  at,
  attempt,
  cast,
  cmd,
  codes,
  content,
  create,
  createInput,
  eventTypes,
  inState,
  policy,
  step,
} from './test-fixtures.ts';

const refusalCodes = (d: ReturnType<typeof decideCreate>): string[] =>
  d.ok ? [] : d.refusals.map((r) => r.code).sort();

const standard = (template: string, services: string[]) =>
  createInput({
    type: 'standard',
    template,
    content: content({ services }),
    window: { start: at(30), end: at(90) },
  });

describe('standard changes', () => {
  it('are created pre-approved, in scheduled, with their window', () => {
    const c = create({
      type: 'standard',
      template: 'tls-certificate-renewal',
      content: content({ services: ['billing'] }),
      window: { start: at(30), end: at(90) },
    });
    assert.equal(c.state, 'scheduled');
    assert.equal(c.template, 'tls-certificate-renewal');
    assert.equal(c.assessment?.rating, 'medium');
    assert.deepEqual(c.assessment?.requiredApprovals, []);
    assert.deepEqual(c.window, { start: at(30), end: at(90) });
    assert.equal(step(c, cmd.start(), cast.ivan, at(31)).state, 'implementing');
  });

  it('are refused on services outside the template', () => {
    const d = decideCreate(standard('scale-replicas', ['tool']), cast.alice, policy);
    assert.deepEqual(refusalCodes(d), ['outside_template']);
    assert.ok(decideCreate(standard('scale-replicas', ['web-frontend']), cast.alice, policy).ok);
  });

  it('are refused above the template maximum risk', () => {
    assert.deepEqual(
      refusalCodes(decideCreate(standard('os-patch-non-prod', ['billing']), cast.alice, policy)),
      ['template_risk_exceeded'],
    );
    const d = decideCreate(standard('tls-certificate-renewal', ['web']), cast.alice, policy);
    assert.deepEqual(refusalCodes(d), ['template_risk_exceeded']);
    assert.match(d.ok ? '' : d.refusals[0]!.message, /internet-facing/);
  });

  it('list every template refusal at once', () => {
    assert.deepEqual(refusalCodes(decideCreate(standard('scale-replicas', ['web']), cast.alice, policy)), [
      'outside_template',
      'template_risk_exceeded',
    ]);
  });

  it('are refused for an unknown template, or none', () => {
    assert.deepEqual(refusalCodes(decideCreate(standard('no-such', ['tool']), cast.alice, policy)), [
      'unknown_template',
    ]);
    const none = { ...standard('x', ['tool']), template: null };
    assert.deepEqual(refusalCodes(decideCreate(none, cast.alice, policy)), ['unknown_template']);
  });

  it('cannot be edited beyond their template', () => {
    const c = create({ type: 'standard', template: 'os-patch-non-prod', content: content() });
    assert.deepEqual(codes(attempt(c, cmd.edit(c, { services: ['web'] }), cast.alice)), [
      'template_risk_exceeded',
    ]);
    const edited = step(c, cmd.edit(c, { description: 'Patch round 2' }), cast.alice);
    assert.equal(edited.state, 'scheduled', 'and stay pre-approved within it');
  });

  it('a window that ends before it starts is refused at creation', () => {
    const input = { ...standard('os-patch-non-prod', ['tool']), window: { start: at(60), end: at(0) } };
    assert.deepEqual(refusalCodes(decideCreate(input, cast.alice, policy)), ['invalid_window']);
  });
});

describe('windows', () => {
  const approved = inState('approved');

  it('schedule refuses a window that ends at or before it starts', () => {
    for (const [start, end] of [
      [at(60), at(30)],
      [at(60), at(60)],
    ] as const)
      assert.deepEqual(codes(attempt(approved, cmd.schedule(start, end), cast.alice)), ['invalid_window']);
  });

  it('schedule refuses a window that has already ended', () => {
    assert.deepEqual(codes(attempt(approved, cmd.schedule(at(-120), at(-60)), cast.alice)), [
      'invalid_window',
    ]);
    assert.deepEqual(codes(attempt(approved, cmd.schedule(at(-120), at(0)), cast.alice)), ['invalid_window']);
    assert.ok(
      attempt(approved, cmd.schedule(at(-120), at(1)), cast.alice).ok,
      'one that is still open is fine',
    );
  });

  it('start is refused before the window opens and after it closes', () => {
    const c = step(approved, cmd.schedule(at(30), at(90)), cast.alice);
    assert.deepEqual(codes(attempt(c, cmd.start(), cast.ivan, at(29))), ['window_not_open']);
    assert.deepEqual(codes(attempt(c, cmd.start(), cast.ivan, at(91))), ['window_closed']);
    assert.equal(step(c, cmd.start(), cast.ivan, at(30)).state, 'implementing');
    assert.equal(step(c, cmd.start(), cast.ivan, at(90)).state, 'implementing');
  });

  it('rescheduling within the tolerance replaces the window', () => {
    assert.equal(policy.windows.moveToleranceMinutes, 120);
    let c = step(approved, cmd.schedule(at(30), at(90)), cast.alice);
    c = step(c, cmd.schedule(at(150), at(210)), cast.alice);
    assert.deepEqual([c.state, c.window], ['scheduled', { start: at(150), end: at(210) }]);
    assert.deepEqual(c.agreedWindow, { start: at(30), end: at(90) });
    assert.deepEqual(codes(attempt(c, cmd.start(), cast.ivan, at(60))), ['window_not_open']);
  });

  it('rescheduling beyond the tolerance withdraws the approvals; the policy may waive it', () => {
    const c = step(approved, cmd.schedule(at(30), at(90)), cast.alice);
    for (const [start, end] of [
      [at(30), at(211)],
      [at(-91), at(90)],
    ] as const) {
      const d = attempt(c, cmd.schedule(start, end), cast.alice);
      assert.deepEqual(eventTypes(d), ['change.scheduled', 'change.approvals_withdrawn']);
      assert.equal(step(c, cmd.schedule(start, end), cast.alice).state, 'awaiting_approval');
    }
    const lenient = { ...policy, windows: { ...policy.windows, reapproveOnMove: false } };
    const d = decideChange(c, cmd.schedule(at(600), at(700)), {
      actor: cast.alice,
      now: NOW,
      policy: lenient,
    });
    assert.deepEqual(eventTypes(d), ['change.scheduled']);
  });

  it('a window may not be longer than the policy allows', () => {
    const max = policy.windows.maxLengthMinutes;
    assert.ok(attempt(approved, cmd.schedule(at(0), at(max)), cast.alice).ok);
    assert.deepEqual(codes(attempt(approved, cmd.schedule(at(0), at(max + 1)), cast.alice)), [
      'window_too_long',
    ]);
    const input = { ...standard('os-patch-non-prod', ['tool']), window: { start: at(0), end: at(max + 1) } };
    assert.deepEqual(refusalCodes(decideCreate(input, cast.alice, policy)), ['window_too_long']);
  });
});
