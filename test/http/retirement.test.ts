// Retiring a service: it stays in the catalogue with its history, shown as retired; no new change may
// target it, an edit may not add it, and a change that still names it may not be submitted or started.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, events, expectError, noServerErrors, ok, raise } from '../support/http.ts';

interface ServiceJson {
  name: string;
  retiredAt: string | null;
  retirementReason: string;
}

for (const engine of engines()) {
  describe(`service retirement over HTTP (${engine})`, () => {
    let t: TestApp;
    let draft: string;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      // A draft raised while the service still ran.
      draft = (
        await raise(t, 'alice', { type: 'normal', title: 'Old batch tweak', services: ['reports-batch'] })
      ).id;
    });
    after(() => t.close());

    it('is refused to people who do not manage the catalogue and needs a reason', async () => {
      expectError(
        await t.req('alice', 'POST', '/api/v1/services/reports-batch/retire', { reason: 'x' }),
        403,
      );
      expectError(await t.req('carl', 'POST', '/api/v1/services/reports-batch/retire', { reason: ' ' }), 400);
      expectError(await t.req('carl', 'POST', '/api/v1/services/nothing-here/retire', { reason: 'x' }), 404);
    });

    it('retires a service, which stays listed as retired', async () => {
      const s = ok<ServiceJson>(
        await t.req('carl', 'POST', '/api/v1/services/reports-batch/retire', {
          reason: 'Replaced by the warehouse exports.',
        }),
      );
      assert.equal(s.retiredAt, t.clock.now.toISOString());
      assert.equal(s.retirementReason, 'Replaced by the warehouse exports.');
      const list = ok<{ items: ServiceJson[] }>(await t.req('audrey', 'GET', '/api/v1/services')).items;
      assert.equal(list.find((x) => x.name === 'reports-batch')?.retiredAt, s.retiredAt);
      assert.equal(list.find((x) => x.name === 'payments-api')?.retiredAt, null);
      expectError(
        await t.req('carl', 'POST', '/api/v1/services/reports-batch/retire', { reason: 'again' }),
        409,
      );
    });

    it('refuses a retired service as a new dependency', async () => {
      const err = expectError(
        await t.req('carl', 'POST', '/api/v1/services', {
          name: 'new-batch',
          environment: 'dev',
          dependencies: ['reports-batch'],
        }),
        400,
        'validation_failed',
      );
      assert.match(err.message, /retired services cannot be depended on: reports-batch/);
    });

    it('refuses a new change on a retired service', async () => {
      const err = expectError(
        await t.req('alice', 'POST', '/api/v1/changes', {
          type: 'normal',
          title: 'Tweak the batch',
          services: ['payments-api', 'reports-batch'],
        }),
        422,
        'service_retired',
      );
      assert.match(err.message, /reports-batch/);
      assert.doesNotMatch(err.message, /payments-api/);
    });

    it('refuses an edit that adds it, and records the refusal', async () => {
      const id = (await raise(t, 'alice', { type: 'normal', title: 'API tweak', services: ['payments-api'] }))
        .id;
      expectError(
        await t.req('alice', 'PATCH', `/api/v1/changes/${id}`, {
          services: ['payments-api', 'reports-batch'],
        }),
        422,
        'service_retired',
      );
      const refused = (await events(t, id)).filter((e) => e.type === 'change.command_refused');
      assert.equal(refused.length, 1);
      assert.equal((refused[0]!.data.reasons as { code: string }[])[0]!.code, 'service_retired');
      // Edits that do not add it still pass.
      ok(await t.req('alice', 'PATCH', `/api/v1/changes/${id}`, { title: 'API tweak, renamed' }));
    });

    it('refuses to submit a change that still names it, until the service is taken out', async () => {
      expectError(await t.req('alice', 'POST', `/api/v1/changes/${draft}/submit`), 422, 'service_retired');
      ok(
        await t.req('alice', 'PATCH', `/api/v1/changes/${draft}`, {
          services: ['payments-api'],
          ...COMPLETE_RECORD,
        }),
      );
      const submitted = await act(t, 'alice', draft, 'submit');
      assert.equal(submitted.state, 'awaiting_approval');
    });
  });
}
