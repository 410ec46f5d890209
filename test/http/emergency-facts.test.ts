// Emergencies as they really happen (example policy): the request names the policy's criterion that applies
// and why; it may not start without the least the policy asks (a rollback plan); and one done in a crisis
// can be recorded afterwards with its real times, authorized after the fact and owing its record and review
// from when it really started — still an emergency, not an unauthorized change.
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
  events,
  expectError,
  hoursLater,
  noServerErrors,
  ok,
  raise,
  type ChangeJson,
} from '../support/http.ts';

interface Emergency extends ChangeJson {
  emergencyCriterion: string | null;
  emergencyJustification: string;
  performed: { start: string; end: string } | null;
  authorizedAt: string | null;
  startedAt: string | null;
  recordDueAt: string | null;
  reviewDueAt: string | null;
  overdue: { record: boolean; review: boolean };
}

const { rollbackPlan, ...criterionOnly } = EMERGENCY_REQUEST;

for (const engine of engines()) {
  describe(`emergencies as they really happen (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
    });
    after(() => t.close());

    const emergency = (extra: Record<string, unknown> = {}) =>
      t.req('bob', 'POST', '/api/v1/changes', {
        type: 'emergency',
        title: 'Stop the bleeding',
        services: ['reports-batch'],
        ...extra,
      });

    it('refuses a criterion the policy does not define, naming the ones it does', async () => {
      const err = expectError(
        await emergency({ ...EMERGENCY_REQUEST, emergencyCriterion: 'it-is-friday' }),
        422,
        'unknown_emergency_criterion',
      );
      assert.match(err.message, /service-outage, security-incident/);
      expectError(await emergency({ emergencyCriterion: 'x'.repeat(65) }), 400);
      // Only emergencies carry a criterion.
      expectError(
        await t.req('bob', 'POST', '/api/v1/changes', { title: 'Normal one', ...criterionOnly }),
        422,
        'not_an_emergency',
      );
    });

    it('will not go for authorization without a criterion and why, and records the refusal', async () => {
      const id = ok<Emergency>(await emergency({ rollbackPlan }), 201).id;
      const err = expectError(await t.req('bob', 'POST', `/api/v1/changes/${id}/submit`), 422);
      assert.deepEqual(
        err.details.map((d) => d.code),
        ['emergency_criterion_required', 'emergency_justification_required'],
      );
      assert.ok((await events(t, id)).some((e) => e.type === 'change.command_refused'));
      ok(await t.req('bob', 'PATCH', `/api/v1/changes/${id}`, criterionOnly));
      const submitted = (await act(t, 'bob', id, 'submit')) as Emergency;
      assert.equal(submitted.emergencyCriterion, 'security-incident');
      assert.equal(submitted.emergencyJustification, EMERGENCY_REQUEST.emergencyJustification);
      // Once submitted, the criterion cannot be dropped or swapped for an unknown one.
      expectError(
        await t.req('bob', 'PATCH', `/api/v1/changes/${id}`, { emergencyCriterion: null }),
        422,
        'emergency_criterion_required',
      );
    });

    it('does not start without the minimum the policy sets, and starts once it is there', async () => {
      const id = ok<Emergency>(await emergency(criterionOnly), 201).id;
      await act(t, 'bob', id, 'submit');
      await act(t, 'dora', id, 'approve');
      const err = expectError(
        await t.req('ivan', 'POST', `/api/v1/changes/${id}/start`),
        422,
        'emergency_minimum_missing',
      );
      assert.match(err.message, /rollbackPlan/);
      // Adding the rollback plan to an authorized emergency withdraws its authorization: authorize it again.
      ok(await t.req('bob', 'PATCH', `/api/v1/changes/${id}`, { rollbackPlan }));
      await act(t, 'dora', id, 'approve');
      assert.equal((await act(t, 'ivan', id, 'start')).state, 'implementing');
    });

    it('records one done in a crisis with its real times, owing record and review from when it started', async () => {
      const start = hoursLater(t.clock.now, -30);
      const end = hoursLater(t.clock.now, -29);
      const performed = { start: start.toISOString(), end: end.toISOString() };
      // Work that has not happened yet cannot be recorded as done.
      expectError(
        await emergency({
          ...criterionOnly,
          performed: { start: performed.start, end: hoursLater(t.clock.now, 1).toISOString() },
        }),
        422,
        'performed_in_future',
      );
      expectError(
        await emergency({ ...criterionOnly, performed: { start: performed.end, end: performed.start } }),
        400,
      );
      const id = (
        await raise(t, 'bob', {
          type: 'emergency',
          title: 'Night fix',
          services: ['reports-batch'],
          ...criterionOnly,
          performed,
        })
      ).id;
      await act(t, 'bob', id, 'submit');
      const authorized = (await act(t, 'dora', id, 'approve', {
        comment: 'Authorized by phone at the time',
      })) as Emergency;
      assert.equal(authorized.type, 'emergency');
      assert.equal(authorized.recordDueAt, hoursLater(start, 24).toISOString());
      // Done already: the minimum before starting does not hold it back; it started when it really did.
      const started = (await act(t, 'bob', id, 'start')) as Emergency;
      assert.equal(started.startedAt, performed.start);
      assert.equal(started.reviewDueAt, hoursLater(start, 5 * 24).toISOString());
      assert.deepEqual(started.performed, performed);
      // Its record was due six hours ago.
      const overdue = ok<{ items: { id: string }[] }>(
        await t.req('audrey', 'GET', '/api/v1/changes?overdue=true'),
      );
      assert.ok(overdue.items.some((c) => c.id === id));
      ok(await t.req('bob', 'PATCH', `/api/v1/changes/${id}`, COMPLETE_RECORD));
    });
  });
}
