// Who owns what (issue 14): a change owner distinct from the requester, reassigned by the owner or a change
// manager as its own event; a risk owner, monitors and a rollback decider who are active users; and an
// approval that carries its reasoning as fields, which the policy requires of the risk owner at high risk.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, events, expectError, getChange, noServerErrors, ok, raise } from '../support/http.ts';

for (const engine of engines()) {
  describe(`who owns what (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      ok(await t.req('admin', 'PATCH', '/api/v1/users/tina', { active: false }));
    });
    after(() => t.close());

    it('makes the requester the owner, and lets the owner hand the change on, recorded', async () => {
      const c = await raise(t, 'alice', { title: 'Tune the cache', services: ['reports-batch'] });
      assert.equal(c.owner, 'alice');
      const moved = await act(t, 'alice', c.id, 'reassign', { owner: 'bob' });
      assert.equal(moved.owner, 'bob');
      assert.equal(moved.requester, 'alice');
      const last = (await events(t, c.id)).at(-1)!;
      assert.equal(last.type, 'change.owner_reassigned');
      assert.deepEqual(last.data, { owner: 'bob', previous: 'alice' });
      // The new owner looks after the change: bob may edit it although he did not raise it.
      ok(await t.req('bob', 'PATCH', `/api/v1/changes/${c.id}`, { description: 'Bigger cache.' }));
      // The requester is no longer the owner and may not reassign; a change manager may.
      expectError(await t.req('alice', 'POST', `/api/v1/changes/${c.id}/reassign`, { owner: 'alice' }), 403);
      assert.equal((await act(t, 'carl', c.id, 'reassign', { owner: 'ivan' })).owner, 'ivan');
      assert.equal((await getChange(t, c.id)).owner, 'ivan');
    });

    it('refuses an owner who is not an active user, and records the refusal', async () => {
      const c = await raise(t, 'alice', { title: 'Rotate logs', services: ['reports-batch'] });
      const unknown = expectError(
        await t.req('alice', 'POST', `/api/v1/changes/${c.id}/reassign`, { owner: 'nobody' }),
        422,
        'unknown_person',
      );
      assert.match(unknown.message, /nobody/);
      expectError(
        await t.req('alice', 'POST', `/api/v1/changes/${c.id}/reassign`, { owner: 'tina' }),
        422,
        'inactive_person',
      );
      expectError(await t.req('alice', 'POST', `/api/v1/changes/${c.id}/reassign`, {}), 400);
      const last = (await events(t, c.id)).at(-1)!;
      assert.equal(last.type, 'change.command_refused');
      assert.equal((await getChange(t, c.id)).owner, 'alice');
    });

    it('records the risk owner, monitors and rollback decider, who must be active users', async () => {
      const named = {
        riskOwner: 'betty',
        monitors: ['ivan', 'bob'],
        rollbackDecider: 'carl',
        rollbackOwner: 'ivan',
      };
      const c = await raise(t, 'alice', { title: 'Resize the pool', services: ['reports-batch'], ...named });
      for (const [field, value] of Object.entries(named)) assert.deepEqual(c[field], value);
      const err = expectError(
        await t.req('alice', 'POST', '/api/v1/changes', {
          title: 'Resize again',
          monitors: ['ivan', 'ghost'],
        }),
        422,
        'unknown_person',
      );
      assert.match(err.message, /monitors: ghost/);
      expectError(
        await t.req('alice', 'PATCH', `/api/v1/changes/${c.id}`, { rollbackDecider: 'tina' }),
        422,
        'inactive_person',
      );
      expectError(await t.req('alice', 'PATCH', `/api/v1/changes/${c.id}`, { monitors: 'ivan' }), 400);
    });

    it("requires the risk owner's approval of a high-risk change to accept the risk in a field", async () => {
      const c = await raise(t, 'alice', {
        title: 'TLS 1.3 only',
        services: ['payments-api'],
        ...COMPLETE_RECORD,
        riskOwner: 'sam',
      });
      await act(t, 'alice', c.id, 'submit');
      const err = expectError(
        await t.req('sam', 'POST', `/api/v1/changes/${c.id}/approve`, { comment: 'fine' }),
        422,
        'reasoning_required',
      );
      assert.match(err.message, /riskAcceptance/);
      // Another approver, who is not the risk owner, needs no reasoning under the example policy.
      await act(t, 'tom', c.id, 'approve');
      const reasoning = {
        riskAcceptance: 'Old clients break; holding back leaves the flagged ciphers exposed.',
        compensatingControls: 'Partner allow-list for the two clients that need TLS 1.2.',
        successConfirmation: 'Handshake failure rate below 0.5% for an hour.',
      };
      const approved = await act(t, 'sam', c.id, 'approve', { reasoning });
      assert.equal(approved.state, 'approved');
      const mine = (approved.approvals as { approver: string; reasoning?: unknown }[]).find(
        (a) => a.approver === 'sam',
      );
      assert.deepEqual(mine?.reasoning, reasoning);
      const granted = (await events(t, c.id)).filter((e) => e.type === 'change.approval_granted');
      assert.deepEqual(granted.at(-1)!.data.reasoning, reasoning);
      // tom gave none: his event is as it always was, with no reasoning field.
      assert.equal('reasoning' in granted[0]!.data, false);
    });
  });
}
