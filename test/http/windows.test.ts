// Implementation windows under the example policy: no longer than `windows.maxLength` (7 days), and once
// approvers have agreed a window, moving it further than `windows.moveTolerance` (2 hours) sends the change
// back for approval, with the reason in its history.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import {
  act,
  events,
  expectError,
  getChange,
  hoursLater,
  noServerErrors,
  ok,
  raise,
} from '../support/http.ts';

const LOW = { description: 'Batch tweak', reason: 'Faster reports', services: ['reports-batch'] };

interface Windowed {
  state: string;
  window: { start: string; end: string } | null;
  agreedWindow: { start: string; end: string } | null;
  approvals: { approver: string; withdrawnAt: string | null }[];
}

for (const engine of engines()) {
  describe(`windows over HTTP (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
    });
    after(() => t.close());

    const hours = (from: number, to: number) => ({
      window: {
        start: hoursLater(t.clock.now, from).toISOString(),
        end: hoursLater(t.clock.now, to).toISOString(),
      },
    });

    async function approved(title: string): Promise<string> {
      const { id } = await raise(t, 'alice', { title, ...LOW });
      await act(t, 'alice', id, 'submit');
      assert.equal((await act(t, 'tom', id, 'approve')).state, 'approved');
      return id;
    }

    it('refuses a window longer than the policy allows, from 1970 to 9999 or a day too long', async () => {
      const id = await approved('Long window');
      const forever = { window: { start: '1970-01-01T00:00:00.000Z', end: '9999-12-31T00:00:00.000Z' } };
      const err = expectError(
        await t.req('alice', 'POST', `/api/v1/changes/${id}/schedule`, forever),
        422,
        'window_too_long',
      );
      assert.match(err.message, /at most 7d \(windows.maxLength\)/);
      expectError(
        await t.req('alice', 'POST', `/api/v1/changes/${id}/schedule`, hours(0, 8 * 24)),
        422,
        'window_too_long',
      );
      assert.equal((await getChange(t, id)).state, 'approved');
      // The first window after approval needs nobody, within the maximum.
      const scheduled = ok<Windowed>(
        await t.req('alice', 'POST', `/api/v1/changes/${id}/schedule`, hours(0, 7 * 24)),
      );
      assert.equal(scheduled.state, 'scheduled');
      assert.deepEqual(scheduled.agreedWindow, scheduled.window);
    });

    it('moves within the tolerance freely, and beyond it only with approval again', async () => {
      const id = await approved('Moving window');
      const first = hours(1, 3);
      await act(t, 'alice', id, 'schedule', first);
      // Within the agreed window widened by 2 hours each side: still approved.
      const nudged = ok<Windowed>(
        await t.req('alice', 'POST', `/api/v1/changes/${id}/schedule`, hours(2, 5)),
      );
      assert.equal(nudged.state, 'scheduled');
      assert.deepEqual(nudged.agreedWindow, first.window, 'the agreed window stays the reference');
      assert.ok(nudged.approvals.every((a) => a.withdrawnAt === null));
      // A day later is a different decision.
      const moved = ok<Windowed>(
        await t.req('alice', 'POST', `/api/v1/changes/${id}/schedule`, hours(24, 26)),
      );
      assert.equal(moved.state, 'awaiting_approval');
      assert.deepEqual(moved.window, hours(24, 26).window);
      assert.ok(moved.approvals.every((a) => a.withdrawnAt !== null));
      const withdrawn = (await events(t, id)).find((e) => e.type === 'change.approvals_withdrawn');
      assert.match(String(withdrawn?.data.reason), /window moved by alice outside the agreed/);
      expectError(await t.req('ivan', 'POST', `/api/v1/changes/${id}/start`), 409, 'invalid_transition');
      // Approved again, the new window is the agreed one.
      const again = ok<Windowed>(await t.req('tina', 'POST', `/api/v1/changes/${id}/approve`));
      assert.deepEqual([again.state, again.agreedWindow], ['approved', hours(24, 26).window]);
      assert.equal((await act(t, 'alice', id, 'schedule', hours(24, 26))).state, 'scheduled');
    });
  });
}
