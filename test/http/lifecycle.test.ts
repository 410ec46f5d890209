import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

for (const engine of engines()) {
  describe(`normal change lifecycle over HTTP (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
      await registerServices(t);
    });
    after(() => t.close());

    it('goes from request to closure with two approvals from distinct groups', async () => {
      const created = await t.req('alice', 'POST', '/api/v1/changes', {
        title: 'TLS 1.3 only',
        services: ['payments-api'],
        ...COMPLETE_RECORD,
      });
      assert.equal(created.statusCode, 201, created.body);
      const change = created.json<{ id: string; state: string; riskRating: string }>();
      assert.equal(change.state, 'draft');
      assert.equal(change.riskRating, 'high');
      const id = change.id;
      const step = async (as: string, action: string, body?: unknown) => {
        const res = await t.req(as, 'POST', `/api/v1/changes/${id}/${action}`, body);
        assert.equal(res.statusCode, 200, `${action} by ${as}: ${res.body}`);
        return res.json<{ state: string }>();
      };
      assert.equal((await step('alice', 'submit')).state, 'awaiting_approval');
      assert.equal((await step('sam', 'approve', { comment: 'security ok' })).state, 'awaiting_approval');
      assert.equal((await step('tom', 'approve')).state, 'approved');
      assert.equal(
        (
          await step('alice', 'schedule', {
            window: { start: '2026-11-25T09:00:00Z', end: '2026-11-25T12:00:00Z' },
          })
        ).state,
        'scheduled',
      );
      assert.equal((await step('ivan', 'start')).state, 'implementing');
      assert.equal(
        (
          await step('ivan', 'complete', {
            outcome: 'successful',
            verification: [{ name: 'smoke', passed: true }],
          })
        ).state,
        'review',
      );
      await step('ivan', 'review', { summary: 'Went as planned.' });
      assert.equal((await step('ivan', 'close')).state, 'closed');

      const events = (await t.req('audrey', 'GET', `/api/v1/changes/${id}/events`)).json<{
        items: { type: string; seq: number }[];
      }>();
      assert.deepEqual(
        events.items.map((e) => e.type),
        [
          'change.created',
          'change.submitted',
          'change.approval_granted',
          'change.approval_granted',
          'change.approved',
          'change.scheduled',
          'change.started',
          'change.completed',
          'change.reviewed',
          'change.closed',
        ],
      );
    });
  });
}
