// Late approvals: a change waiting for its approvers longer than the policy's deadlines.approvalSla (2 days
// in the example policy) is marked late on its view and listed, with the group that owes the approval.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, expectError, getChange, hoursLater, noServerErrors, ok, raise } from '../support/http.ts';

interface Pending {
  since: string;
  dueAt: string;
  late: boolean;
  owedBy: { group: string; remaining: number }[];
}
interface Late {
  changeId: string;
  since: string;
  dueAt: string;
  owedBy: { group: string; remaining: number }[];
}

for (const engine of engines()) {
  describe(`late approvals over HTTP (${engine})`, () => {
    let t: TestApp;
    let low: string;
    let medium: string;
    let t0: Date;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      t0 = t.clock.now;
    });
    after(() => t.close());

    const pending = async (id: string) => (await getChange(t, id)).pendingApproval as Pending | null;
    const late = async (query = '') =>
      ok<{ items: Late[] }>(await t.req('audrey', 'GET', `/api/v1/approvals/late${query}`)).items;

    it('is not late within the SLA', async () => {
      low = (
        await raise(t, 'alice', { title: 'Tidy the batch', services: ['reports-batch'], ...COMPLETE_RECORD })
      ).id;
      assert.equal(await pending(low), null, 'a draft owes no approvals');
      await act(t, 'alice', low, 'submit');
      const p = (await pending(low))!;
      assert.equal(p.since, t0.toISOString());
      assert.equal(p.dueAt, hoursLater(t0, 48).toISOString());
      assert.equal(p.late, false);
      assert.deepEqual(p.owedBy, [{ group: 'technical', remaining: 1 }]);
      t.clock.now = hoursLater(t0, 48);
      assert.equal((await pending(low))!.late, false, 'due at, not yet late');
      assert.deepEqual(await late(), []);
    });

    it('is marked late and listed with the groups that owe it once older than the SLA', async () => {
      t.clock.now = hoursLater(t0, 24);
      medium = (
        await raise(t, 'alice', {
          title: 'Customer-visible batch change',
          services: ['reports-batch'],
          riskAnswers: { customerVisible: true },
          ...COMPLETE_RECORD,
        })
      ).id;
      await act(t, 'alice', medium, 'submit');
      t.clock.now = hoursLater(t0, 49);
      assert.equal((await pending(low))!.late, true);
      assert.equal((await pending(medium))!.late, false);
      const listed = ok<{ items: { id: string; approvalLate: boolean }[] }>(
        await t.req('audrey', 'GET', '/api/v1/changes?state=awaiting_approval'),
      ).items;
      assert.deepEqual(
        listed.map((i) => [i.id, i.approvalLate]),
        [
          [medium, false],
          [low, true],
        ],
        'the list marks the late one too',
      );
      assert.deepEqual(
        (await late()).map((l) => [l.changeId, l.owedBy]),
        [[low, [{ group: 'technical', remaining: 1 }]]],
      );
      t.clock.now = hoursLater(t0, 24 + 49);
      await act(t, 'tom', medium, 'approve');
      const items = await late();
      assert.deepEqual(
        items.map((l) => [l.changeId, l.owedBy]),
        [
          [low, [{ group: 'technical', remaining: 1 }]],
          [medium, [{ group: 'business', remaining: 1 }]],
        ],
      );
      assert.deepEqual(
        (await late('?group=business')).map((l) => l.changeId),
        [medium],
      );
      expectError(await t.req('audrey', 'GET', '/api/v1/approvals/late?group=Not%20A%20Group'), 400);
    });

    it('stops being late once approved', async () => {
      await act(t, 'tina', low, 'approve');
      assert.equal(await pending(low), null);
      const summary = ok<{ items: { id: string; approvalLate: boolean }[] }>(
        await t.req('audrey', 'GET', `/api/v1/changes?q=${low}`),
      ).items.find((i) => i.id === low);
      assert.equal(summary?.approvalLate, false);
      assert.deepEqual(
        (await late()).map((l) => l.changeId),
        [medium],
      );
    });
  });
}
