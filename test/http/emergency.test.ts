// The emergency path: authorized by a duty manager, implemented at once without a window, then owing its
// complete record within 24 h and a review within 5 days (the example policy), shown as overdue when late.
// The authorization covers what was authorized: changing services or plan afterwards withdraws it (or is
// refused once implementing), and the review is written by someone independent of the change.
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
import {
  act,
  type ChangeJson,
  events,
  expectError,
  getChange,
  hoursLater,
  noServerErrors,
  ok,
  raise,
} from '../support/http.ts';

interface Emergency extends ChangeJson {
  authorizedAt: string | null;
  recordDueAt: string | null;
  recordCompletedAt: string | null;
  reviewDueAt: string | null;
  window: unknown;
  overdue: { record: boolean; review: boolean };
  assessment: { missing: string[] } | null;
}

for (const engine of engines()) {
  describe(`emergency changes over HTTP (${engine})`, () => {
    let t: TestApp;
    let id: string;
    let t0: Date;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      t0 = t.clock.now;
    });
    after(() => t.close());

    const overdueIds = async () =>
      ok<{ items: { id: string }[] }>(await t.req('audrey', 'GET', '/api/v1/changes?overdue=true')).items.map(
        (c) => c.id,
      );

    it('is submitted with an incomplete record, authorized by the duty manager and started without a window', async () => {
      const created = await raise(t, 'bob', {
        type: 'emergency',
        title: 'Block the exploited endpoint',
        services: ['payments-api'],
        ...EMERGENCY_REQUEST,
      });
      id = created.id;
      assert.equal(created.type, 'emergency');
      const submitted = (await act(t, 'bob', id, 'submit')) as Emergency;
      assert.equal(submitted.state, 'awaiting_approval');
      assert.ok(submitted.assessment!.missing.includes('testEvidence'), 'the record is incomplete');
      assert.equal(submitted.recordCompletedAt, null);
      // Only the duty manager group authorizes an emergency.
      expectError(await t.req('tom', 'POST', `/api/v1/changes/${id}/approve`), 403, 'not_an_approver');
      const authorized = (await act(t, 'dora', id, 'approve', { comment: 'go' })) as Emergency;
      assert.equal(authorized.state, 'approved');
      assert.equal(authorized.authorizedAt, t0.toISOString());
      const started = (await act(t, 'ivan', id, 'start')) as Emergency;
      assert.equal(started.state, 'implementing');
      assert.equal(started.window, null);

      const view = (await getChange(t, id)) as Emergency;
      assert.equal(view.recordDueAt, hoursLater(t0, 24).toISOString());
      assert.equal(view.reviewDueAt, hoursLater(t0, 5 * 24).toISOString());
      assert.deepEqual(view.overdue, { record: false, review: false });
      assert.deepEqual(await overdueIds(), []);
    });

    it('shows as overdue once the record deadline passes', async () => {
      t.clock.now = hoursLater(t0, 24);
      assert.equal(((await getChange(t, id)) as Emergency).overdue.record, false, 'due at, not yet overdue');
      t.clock.now = hoursLater(t0, 25);
      const view = (await getChange(t, id)) as Emergency;
      assert.deepEqual(view.overdue, { record: true, review: false });
      assert.deepEqual(await overdueIds(), [id]);
      const summary = ok<{ items: { id: string; overdue: { record: boolean } }[] }>(
        await t.req('audrey', 'GET', '/api/v1/changes?type=emergency'),
      ).items.find((c) => c.id === id);
      assert.equal(summary?.overdue.record, true);
    });

    it('cannot close before the record is complete and the review written', async () => {
      const completed = await act(t, 'ivan', id, 'complete', {
        outcome: 'successful',
        verification: [{ name: 'endpoint blocked', passed: true }],
      });
      assert.equal(completed.state, 'review');
      const err = expectError(
        await t.req('bob', 'POST', `/api/v1/changes/${id}/close`),
        422,
        'review_required',
      );
      assert.match(err.message, /review/);
      const codes = err.details.map((d) => d.code).sort();
      assert.deepEqual(codes, ['record_incomplete', 'review_required']);
      assert.equal((await getChange(t, id)).state, 'review');
    });

    it('clears overdue when the record is completed, keeping the authorization', async () => {
      const edited = ok<Emergency>(await t.req('bob', 'PATCH', `/api/v1/changes/${id}`, COMPLETE_RECORD));
      assert.equal(edited.recordCompletedAt, t.clock.now.toISOString());
      assert.deepEqual(edited.overdue, { record: false, review: false });
      assert.equal(edited.state, 'review', 'completing the record does not send it back for approval');
      assert.equal(edited.authorizedAt, t0.toISOString());
      const status = (edited as unknown as { approvalStatus: { satisfied: boolean } }).approvalStatus;
      assert.equal(status.satisfied, true, 'the authorization still counts for the completed record');
      assert.deepEqual(await overdueIds(), []);
      const err = expectError(
        await t.req('bob', 'POST', `/api/v1/changes/${id}/close`),
        422,
        'review_required',
      );
      assert.deepEqual(
        err.details.map((d) => d.code),
        ['review_required'],
      );
    });

    it('shows the review as overdue after its deadline, and closes once reviewed', async () => {
      t.clock.now = hoursLater(t0, 5 * 24 + 1);
      assert.deepEqual(((await getChange(t, id)) as Emergency).overdue, { record: false, review: true });
      assert.deepEqual(await overdueIds(), [id]);
      const summary = { summary: 'Blocked in 4 minutes; WAF rule made permanent.' };
      // Neither its implementer nor its requester reviews it, nor someone outside the reviewer groups.
      expectError(
        await t.req('ivan', 'POST', `/api/v1/changes/${id}/review`, summary),
        403,
        'sod_reviewer_implementer',
      );
      expectError(
        await t.req('bob', 'POST', `/api/v1/changes/${id}/review`, summary),
        403,
        'sod_reviewer_requester',
      );
      expectError(await t.req('tom', 'POST', `/api/v1/changes/${id}/review`, summary), 403, 'not_a_reviewer');
      await act(t, 'sam', id, 'review', summary);
      assert.deepEqual(((await getChange(t, id)) as Emergency).overdue, { record: false, review: false });
      assert.deepEqual(await overdueIds(), []);
      assert.equal((await act(t, 'bob', id, 'close')).state, 'closed');
    });

    it('withdraws the authorization when what was authorized is edited before it starts', async () => {
      const { id: eid } = await raise(t, 'bob', {
        type: 'emergency',
        title: 'Restart the dev tool',
        services: ['reports-batch'],
        implementationPlan: 'Restart the batch workers.',
        ...EMERGENCY_REQUEST,
      });
      await act(t, 'bob', eid, 'submit');
      assert.equal((await act(t, 'dora', eid, 'approve')).state, 'approved');
      const edited = ok<Emergency & { approvals: { withdrawnAt: string | null }[] }>(
        await t.req('bob', 'PATCH', `/api/v1/changes/${eid}`, {
          services: ['payments-api'],
          implementationPlan: 'Patch the payments API in place.',
        }),
      );
      assert.equal(edited.state, 'awaiting_approval');
      assert.ok(edited.approvals.every((a) => a.withdrawnAt !== null));
      const withdrawn = (await events(t, eid)).find((e) => e.type === 'change.approvals_withdrawn');
      assert.match(String(withdrawn?.data.reason), /edited by bob after approval/);
      expectError(await t.req('ivan', 'POST', `/api/v1/changes/${eid}/start`), 409, 'invalid_transition');
      // Authorized again for what it now is, it may start.
      await act(t, 'dora', eid, 'approve');
      assert.equal((await act(t, 'ivan', eid, 'start')).state, 'implementing');
    });

    it('refuses, once implementing, edits to what was authorized, and still takes the owed record', async () => {
      const { id: eid } = await raise(t, 'bob', {
        type: 'emergency',
        title: 'Hot fix the batch',
        services: ['reports-batch'],
        ...EMERGENCY_REQUEST,
      });
      await act(t, 'bob', eid, 'submit');
      await act(t, 'dora', eid, 'approve');
      await act(t, 'ivan', eid, 'start');
      const err = expectError(
        await t.req('bob', 'PATCH', `/api/v1/changes/${eid}`, { services: ['payments-api'] }),
        422,
        'authorized_scope',
      );
      assert.match(err.message, /raise a new change/);
      const done = ok<Emergency>(
        await t.req('bob', 'PATCH', `/api/v1/changes/${eid}`, {
          implementationPlan: 'Restarted the workers with the fixed config.',
          testEvidence: COMPLETE_RECORD.testEvidence,
        }),
      );
      assert.deepEqual([done.state, done.services], ['implementing', ['reports-batch']]);
    });
  });
}
