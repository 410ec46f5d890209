// The change use-cases against in-memory fakes (no database, no HTTP): raising, submitting, approving under
// segregation of duties, and starting. The same use-cases run against both engines in test/http.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SYSTEM_ACTOR, type Actor, type Role } from '../../src/domain/actor.ts';
import type { Change } from '../../src/domain/change.ts';
import { Refused } from '../../src/modules/changes/changes.service.ts';
import { fakeWorld, type FakeWorld } from '../support/fakes/index.ts';

const person = (id: string, roles: Role[], groups: string[] = []): Actor => ({
  id,
  kind: 'human',
  roles,
  groups,
  scopes: null,
  email: `${id}@example.test`,
});

const alice = person('alice', ['requester']);
const rita = person('rita', ['requester', 'approver'], ['technical']);
const tom = person('tom', ['approver'], ['technical']);
const ian = person('ian', ['implementer', 'approver'], ['technical']);
const ivan = person('ivan', ['implementer']);
const vic = person('vic', ['viewer']);

const LOW = {
  type: 'normal' as const,
  title: 'Nightly batch tweak',
  description: 'Tweak',
  reason: 'Faster reports',
  services: ['reports-batch'],
};
const WINDOW = { start: '2026-11-25T09:00:00.000Z', end: '2026-11-25T12:00:00.000Z' };

function changed(result: Change | Refused): Change {
  if (result instanceof Refused) assert.fail(`refused: ${JSON.stringify(result.refusals)}`);
  return result;
}

function refusedWith(result: Change | Refused, ...codes: string[]): void {
  assert.ok(result instanceof Refused, 'expected a refusal');
  assert.deepEqual(
    result.refusals.map((r) => r.code),
    codes,
  );
}

describe('change use-cases on fakes', () => {
  let w: FakeWorld;
  beforeEach(async () => {
    w = fakeWorld();
    for (const a of [alice, rita, tom, ian, ivan])
      w.ledger.people.set(a.id, { kind: 'human', groups: a.groups, active: true, email: a.email });
    await w.services.register(SYSTEM_ACTOR, {
      name: 'reports-batch',
      environment: 'dev',
      criticality: 'low',
    });
  });

  it('raises a change as a draft, recorded once with the actor and the command time', async () => {
    const before = w.ledger.events.length;
    const change = changed(await w.changes.create(alice, LOW));
    assert.equal(change.id, 'CHG-1');
    assert.equal(change.state, 'draft');
    assert.equal(change.requester, 'alice');
    const recorded = w.ledger.events.slice(before);
    assert.deepEqual(
      recorded.map((e) => [e.type, e.subject, e.actor.id, e.at]),
      [['change.created', 'CHG-1', 'alice', w.clock.now.toISOString()]],
    );
    assert.deepEqual(w.ledger.changes.get('CHG-1'), change);
  });

  it('refuses a viewer without recording a change, and unknown services with nothing recorded', async () => {
    const before = w.ledger.events.length;
    refusedWith(await w.changes.create(vic, LOW), 'forbidden');
    await assert.rejects(
      w.changes.create(alice, { ...LOW, services: ['nowhere'] }),
      /unknown services: nowhere/,
    );
    assert.equal(w.ledger.events.length, before);
  });

  it('submits for approval with the policy’s assessment', async () => {
    const { id } = changed(await w.changes.create(alice, LOW));
    const submitted = changed(await w.changes.command(alice, id, { type: 'submit' }));
    assert.equal(submitted.state, 'awaiting_approval');
    assert.equal(submitted.assessment?.rating, 'low');
    assert.deepEqual(submitted.assessment?.requiredApprovals, [{ group: 'technical', count: 1 }]);
  });

  it('refuses the requester’s own approval and records the refusal; another approver approves', async () => {
    const { id } = changed(await w.changes.create(rita, LOW));
    changed(await w.changes.command(rita, id, { type: 'submit' }));
    const own = await w.changes.command(rita, id, { type: 'approve', group: null, comment: '' });
    refusedWith(own, 'sod_requester', 'sod_last_editor');
    const last = w.ledger.events.at(-1)!;
    assert.equal(last.type, 'change.command_refused');
    assert.equal(last.actor.id, 'rita');
    assert.deepEqual((last.data as { command: string }).command, 'approve');
    const approved = changed(
      await w.changes.command(tom, id, { type: 'approve', group: null, comment: 'ok' }),
    );
    assert.equal(approved.state, 'approved');
    assert.deepEqual(
      approved.approvals.map((a) => [a.approver, a.group]),
      [['tom', 'technical']],
    );
  });

  it('does not count an approval whose approver left the group since', async () => {
    const { id } = changed(await w.changes.create(alice, LOW));
    changed(await w.changes.command(alice, id, { type: 'submit' }));
    changed(await w.changes.command(tom, id, { type: 'approve', group: null, comment: '' }));
    changed(await w.changes.command(alice, id, { type: 'schedule', window: WINDOW }));
    w.ledger.people.set('tom', { kind: 'human', groups: [], active: true, email: tom.email });
    const start = await w.changes.command(ivan, id, { type: 'start' });
    assert.ok(start instanceof Refused);
    assert.equal(w.ledger.changes.get(id)!.state, 'awaiting_approval');
  });

  it('starts a scheduled change, and refuses an implementer who approved it (recorded)', async () => {
    const { id } = changed(await w.changes.create(alice, LOW));
    changed(await w.changes.command(alice, id, { type: 'submit' }));
    changed(await w.changes.command(ian, id, { type: 'approve', group: null, comment: '' }));
    changed(await w.changes.command(alice, id, { type: 'schedule', window: WINDOW }));
    refusedWith(await w.changes.command(ian, id, { type: 'start' }), 'sod_approver_implements');
    assert.equal(w.ledger.events.at(-1)!.type, 'change.command_refused');
    refusedWith(await w.changes.command(tom, id, { type: 'start' }), 'forbidden');
    const started = changed(await w.changes.command(ivan, id, { type: 'start' }));
    assert.equal(started.state, 'implementing');
    assert.equal(started.implementedBy, 'ivan');
  });

  it('answers not_found for a change that does not exist, recording nothing', async () => {
    const before = w.ledger.events.length;
    await assert.rejects(w.changes.command(alice, 'CHG-404', { type: 'submit' }), /CHG-404/);
    assert.equal(w.ledger.events.length, before);
  });
});
