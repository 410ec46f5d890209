// What the web app's home page and change form read: a draft's assessment that records nothing, the
// signed-in person's queue, and changes per week by outcome.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, expectError, noServerErrors, ok, raise, snapshot } from '../support/http.ts';

interface Summary {
  id: string;
  overdue: { record: boolean; review: boolean };
}
interface Queue {
  awaitingMyApproval: Summary[];
  myOpen: Summary[];
  owingRecordOrReview: Summary[];
  upcoming: Summary[];
  recentRefusals: (Summary & { refused: { command: string; reasons: { code: string }[] } })[];
}
const ids = (list: { id: string }[]) => list.map((s) => s.id).sort();
const HIGH = { title: 'TLS 1.3 only', services: ['payments-api'], ...COMPLETE_RECORD };

for (const engine of engines()) {
  describe(`home page reads (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
    });
    after(() => t.close());

    const queue = async (as: string) => ok<Queue>(await t.req(as, 'GET', '/api/v1/me/queue'));

    it('assesses a draft as raising it would, and records nothing', async () => {
      const before = await snapshot(t);
      const res = await t.req('alice', 'POST', '/api/v1/changes/assess', {
        title: 'TLS 1.3 only',
        services: ['payments-api'],
      });
      const { assessment } = ok<{
        assessment: {
          rating: string;
          reasons: unknown[];
          requiredApprovals: { group: string }[];
          missing: string[];
        };
      }>(res);
      assert.equal(assessment.rating, 'high');
      assert.ok(assessment.reasons.length > 0);
      assert.ok(assessment.requiredApprovals.length >= 2, JSON.stringify(assessment.requiredApprovals));
      assert.ok(assessment.missing.includes('rollbackPlan'), assessment.missing.join(','));
      const low = ok<{ assessment: { rating: string; missing: string[] } }>(
        await t.req('alice', 'POST', '/api/v1/changes/assess', {
          title: 'Batch',
          services: ['reports-batch'],
          ...COMPLETE_RECORD,
        }),
      ).assessment;
      assert.notEqual(low.rating, 'high');
      assert.deepEqual(low.missing, []);
      assert.deepEqual(await snapshot(t), before, 'assessing wrote to the database');
      // The same refusals as raising: an unknown service, a malformed body; and the same access.
      expectError(
        await t.req('alice', 'POST', '/api/v1/changes/assess', {
          title: 'Unknown service',
          services: ['nope'],
        }),
        400,
        'validation_failed',
      );
      expectError(
        await t.req('alice', 'POST', '/api/v1/changes/assess', { services: 'x' }),
        400,
        'validation_failed',
      );
      expectError(await t.req('audrey', 'POST', '/api/v1/changes/assess', HIGH), 403, 'forbidden');
      assert.deepEqual(await snapshot(t), before);
    });

    it('lists what needs each person: approvals they may give, their open changes, refusals, what is owed and upcoming', async () => {
      const mine = await raise(t, 'alice', HIGH);
      await act(t, 'alice', mine.id, 'submit');
      const draft = await raise(t, 'alice', { ...HIGH, title: 'Still a draft' });
      const bobs = await raise(t, 'bob', HIGH);
      await act(t, 'bob', bobs.id, 'submit');

      // sam (security) and tom (technical) may approve both; alice may decide neither (one is hers).
      assert.deepEqual(ids((await queue('sam')).awaitingMyApproval), ids([mine, bobs]));
      assert.deepEqual(ids((await queue('tom')).awaitingMyApproval), ids([mine, bobs]));
      assert.deepEqual((await queue('alice')).awaitingMyApproval, []);
      assert.deepEqual((await queue('audrey')).awaitingMyApproval, []);
      assert.deepEqual(ids((await queue('alice')).myOpen), ids([mine, draft]));
      // A change handed to another owner is open for both: its requester and its new owner.
      assert.deepEqual(ids((await queue('bob')).myOpen), [bobs.id]);
      await act(t, 'alice', draft.id, 'reassign', { owner: 'bob' });
      assert.deepEqual(ids((await queue('bob')).myOpen), ids([draft, bobs]));
      assert.deepEqual(ids((await queue('alice')).myOpen), ids([mine, draft]));

      // Once sam has approved, the change leaves his list but stays on tom's.
      await act(t, 'sam', mine.id, 'approve');
      assert.deepEqual(ids((await queue('sam')).awaitingMyApproval), [bobs.id]);
      assert.deepEqual(ids((await queue('tom')).awaitingMyApproval), ids([mine, bobs]));

      // alice trying to approve her own change is refused; the refusal is in her list with its reason.
      const refused = await t.req('alice', 'POST', `/api/v1/changes/${mine.id}/approve`, {});
      expectError(refused, 403, 'sod_requester');
      const { recentRefusals } = await queue('alice');
      assert.equal(recentRefusals[0]?.id, mine.id);
      assert.equal(recentRefusals[0]?.refused.command, 'approve');
      assert.ok(recentRefusals[0]?.refused.reasons.some((r) => r.code === 'sod_requester'));
      assert.deepEqual((await queue('bob')).recentRefusals, []);

      // Approved and scheduled for tomorrow: upcoming for everyone; then carried out, it owes a review.
      await act(t, 'tom', mine.id, 'approve');
      await act(t, 'alice', mine.id, 'schedule', {
        window: { start: '2026-11-26T09:00:00Z', end: '2026-11-26T10:00:00Z' },
      });
      assert.deepEqual(ids((await queue('bob')).upcoming), [mine.id]);
      t.clock.now = new Date('2026-11-26T09:05:00Z');
      await act(t, 'ivan', mine.id, 'start');
      await act(t, 'ivan', mine.id, 'complete', {
        outcome: 'failed',
        verification: [{ name: 'smoke', passed: false }],
      });
      assert.deepEqual((await queue('bob')).upcoming, []);
      const owing = (await queue('alice')).owingRecordOrReview;
      assert.deepEqual(ids(owing), [mine.id]);
      assert.deepEqual(owing[0]!.overdue, { record: false, review: false });
      assert.deepEqual((await queue('bob')).owingRecordOrReview, []);
      // Reviewed, it owes nothing more.
      await act(t, 'ivan', mine.id, 'review', { summary: 'Failed on the canary; rolled forward.' });
      assert.deepEqual((await queue('alice')).owingRecordOrReview, []);
    });

    it('counts changes per week by outcome, this week last', async () => {
      t.clock.now = new Date('2026-11-27T12:00:00Z');
      const { weeks } = ok<{ weeks: { week: string; failed: number; open: number; successful: number }[] }>(
        await t.req('audrey', 'GET', '/api/v1/metrics/changes/weekly?weeks=3'),
      );
      assert.deepEqual(
        weeks.map((w) => w.week),
        ['2026-11-09', '2026-11-16', '2026-11-23'],
      );
      // All raised on 2026-11-25 (a Wednesday): one failed, the rest still open.
      assert.equal(weeks[2]!.failed, 1);
      assert.equal(weeks[2]!.open, 2);
      assert.equal(weeks[2]!.successful, 0);
      assert.equal(weeks[0]!.open + weeks[1]!.open, 0);
      assert.equal(
        ok<{ weeks: unknown[] }>(await t.req('audrey', 'GET', '/api/v1/metrics/changes/weekly')).weeks.length,
        12,
      );
      for (const bad of ['0', '53', 'x'])
        expectError(
          await t.req('audrey', 'GET', `/api/v1/metrics/changes/weekly?weeks=${bad}`),
          400,
          'validation_failed',
        );
    });
  });
}
