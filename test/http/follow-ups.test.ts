// Follow-ups as tracked items: a review's follow-ups and its continuity plan update become items with an
// owner, a due date and a status; temporary measures an emergency put in place are tracked for removal;
// overdue ones are listed; continuity plan and documentation updates close only with a reference.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  COMPLETE_RECORD,
  EMERGENCY_REQUEST,
  registerServices,
  startTestApp,
  type TestApp,
} from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, events, expectError, hoursLater, noServerErrors, ok, raise } from '../support/http.ts';

interface FollowUpJson {
  id: string;
  changeId: string;
  kind: string;
  title: string;
  owner: string;
  dueAt: string;
  status: string;
  reference: string | null;
  note: string;
  closedBy: string | null;
  closedAt: string | null;
  overdue: boolean;
}
type List = { items: FollowUpJson[]; nextCursor: string | null };

for (const engine of engines()) {
  describe(`follow-ups over HTTP (${engine})`, () => {
    let t: TestApp;
    let emergency: string;
    let normal: string;
    let t0: Date;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      t0 = t.clock.now;
      emergency = (
        await raise(t, 'bob', {
          ...EMERGENCY_REQUEST,
          type: 'emergency',
          title: 'Block the exploit',
          services: ['payments-api'],
        })
      ).id;
      await act(t, 'bob', emergency, 'submit');
      await act(t, 'dora', emergency, 'approve');
      await act(t, 'ivan', emergency, 'start');
      normal = (
        await raise(t, 'alice', { title: 'Tidy the batch', services: ['reports-batch'], ...COMPLETE_RECORD })
      ).id;
      await act(t, 'alice', normal, 'submit');
    });
    after(() => t.close());

    const list = async (query: string) =>
      ok<List>(await t.req('audrey', 'GET', `/api/v1/follow-ups${query}`)).items;
    const ids = async (query: string) => (await list(query)).map((f) => f.id);

    it('tracks the removal of a temporary measure an emergency put in place', async () => {
      const body = {
        changeId: emergency,
        kind: 'temporary_measure',
        title: 'Remove the WAF block on /export',
        owner: 'ivan',
        dueAt: hoursLater(t0, 48).toISOString(),
      };
      const item = ok<FollowUpJson>(await t.req('ivan', 'POST', '/api/v1/follow-ups', body), 201);
      assert.equal(item.id, 'FU-1');
      assert.equal(item.status, 'open');
      assert.equal(item.owner, 'ivan');
      assert.equal(item.overdue, false);
      // Temporary measures belong to emergencies; the refusal is recorded on the change.
      expectError(
        await t.req('alice', 'POST', '/api/v1/follow-ups', { ...body, changeId: normal }),
        422,
        'not_an_emergency',
      );
      const refused = (await events(t, normal)).at(-1)!;
      assert.equal(refused.type, 'change.command_refused');
      assert.equal((refused.data as { command: string }).command, 'follow_up.open');
      const err = expectError(
        await t.req('ivan', 'POST', '/api/v1/follow-ups', { ...body, owner: 'nobody' }),
        400,
        'validation_failed',
      );
      assert.match(err.message, /owner/);
      expectError(await t.req('ivan', 'POST', '/api/v1/follow-ups', { ...body, kind: 'chore' }), 400);
      expectError(await t.req('audrey', 'POST', '/api/v1/follow-ups', body), 403, 'forbidden');
    });

    it('opens an item per follow-up of the review, and one for the continuity plan, owned by the change owner (the requester until reassigned)', async () => {
      await act(t, 'ivan', emergency, 'complete', { outcome: 'successful' });
      ok(await t.req('bob', 'PATCH', `/api/v1/changes/${emergency}`, COMPLETE_RECORD));
      const reviewedAt = t.clock.now;
      await act(t, 'sam', emergency, 'review', {
        summary: 'Blocked in minutes.',
        followUps: ['Patch the export endpoint'],
        continuityPlanNeedsUpdate: true,
      });
      const items = await list(`?change=${emergency}`);
      assert.deepEqual(
        items.map((f) => [f.kind, f.title, f.owner, f.dueAt]),
        [
          ['temporary_measure', 'Remove the WAF block on /export', 'ivan', hoursLater(t0, 48).toISOString()],
          ['action', 'Patch the export endpoint', 'bob', hoursLater(reviewedAt, 30 * 24).toISOString()],
          [
            'continuity_plan',
            'Update the continuity plan',
            'bob',
            hoursLater(reviewedAt, 30 * 24).toISOString(),
          ],
        ],
      );
      assert.deepEqual(await ids('?owner=bob'), ['FU-2', 'FU-3']);
      assert.deepEqual(await ids('?kind=continuity_plan'), ['FU-3']);
      assert.deepEqual(await ids(`?change=${normal}`), []);
    });

    it('lists the overdue ones once the clock passes their due date', async () => {
      assert.deepEqual(await ids('?overdue=true'), []);
      t.clock.now = hoursLater(t0, 49);
      assert.deepEqual(await ids('?overdue=true'), ['FU-1']);
      assert.deepEqual(await ids('?overdue=false'), ['FU-2', 'FU-3']);
      assert.equal(ok<FollowUpJson>(await t.req('audrey', 'GET', '/api/v1/follow-ups/FU-1')).overdue, true);
      expectError(await t.req('audrey', 'GET', '/api/v1/follow-ups/FU-99'), 404);
      expectError(await t.req('audrey', 'GET', '/api/v1/follow-ups?status=late'), 400);
    });

    it('closes a continuity plan update only with a reference to the updated revision', async () => {
      expectError(await t.req('bob', 'POST', '/api/v1/follow-ups/FU-3/done', {}), 422, 'reference_required');
      assert.equal((await events(t, emergency)).at(-1)!.type, 'change.command_refused');
      // Only the owner, or someone who may manage changes, closes it.
      expectError(
        await t.req('alice', 'POST', '/api/v1/follow-ups/FU-3/done', { reference: 'BCP-7 rev 4' }),
        403,
        'forbidden',
      );
      const done = ok<FollowUpJson>(
        await t.req('bob', 'POST', '/api/v1/follow-ups/FU-3/done', {
          reference: 'BCP-7 rev 4',
          note: 'failover steps',
        }),
      );
      assert.equal(done.status, 'done');
      assert.equal(done.reference, 'BCP-7 rev 4');
      assert.equal(done.closedBy, 'bob');
      assert.equal(done.closedAt, t.clock.now.toISOString());
      expectError(
        await t.req('bob', 'POST', '/api/v1/follow-ups/FU-3/done', { reference: 'BCP-7 rev 5' }),
        409,
        'invalid_transition',
      );
      assert.deepEqual(await ids('?status=done'), ['FU-3']);
    });

    it('documentation updates likewise; actions are done without one; managers reassign and cancel', async () => {
      const doc = ok<FollowUpJson>(
        await t.req('carl', 'POST', '/api/v1/follow-ups', {
          changeId: emergency,
          kind: 'documentation',
          title: 'Runbook: blocking an endpoint at the WAF',
          owner: 'alice',
          dueAt: hoursLater(t0, 24 * 10).toISOString(),
        }),
        201,
      );
      expectError(
        await t.req('alice', 'POST', `/api/v1/follow-ups/${doc.id}/done`),
        422,
        'reference_required',
      );
      assert.equal(
        ok<FollowUpJson>(
          await t.req('alice', 'POST', `/api/v1/follow-ups/${doc.id}/done`, { reference: 'wiki/waf@r12' }),
        ).status,
        'done',
      );
      assert.equal(
        ok<FollowUpJson>(await t.req('bob', 'POST', '/api/v1/follow-ups/FU-2/done')).status,
        'done',
      );
      const moved = ok<FollowUpJson>(
        await t.req('carl', 'POST', '/api/v1/follow-ups/FU-1/reassign', {
          owner: 'bob',
          dueAt: hoursLater(t0, 96).toISOString(),
        }),
      );
      assert.equal(moved.owner, 'bob');
      assert.equal(moved.overdue, false);
      assert.deepEqual(await ids('?overdue=true'), []);
      expectError(await t.req('carl', 'POST', '/api/v1/follow-ups/FU-1/cancel', {}), 400);
      const cancelled = ok<FollowUpJson>(
        await t.req('carl', 'POST', '/api/v1/follow-ups/FU-1/cancel', { note: 'the block became the fix' }),
      );
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.closedBy, 'carl');
      assert.deepEqual(await ids('?status=open'), []);
    });
  });
}
