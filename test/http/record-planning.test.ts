// Planning and testing (issue 14): a proposed window that scheduling confirms; test evidence from
// production refused where the policy requires testing outside production; test results by kind; the
// "no test environment" exemption and its production verification; masked test data where a service holds
// personal data; rollout strategy and rollback details; and every content field requirable per rating.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, events, expectError, hoursLater, noServerErrors, ok, raise } from '../support/http.ts';

const EXAMPLE = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');
/** Low risk asks for every field the example policy does not ask for at all. */
const EVERYTHING_AT_LOW = EXAMPLE.replace(
  '  low: [description, reason, services]',
  `  low: [description, reason, services, dataImpact, securityImpact, links, implementer,
        riskOwner, monitors, rollbackDecider, proposedWindow, functionalTests, securityTests,
        performanceTests, rollbackTests, rolloutStrategy, rollbackOwner, maxOutage, rollbackTested]`,
);
/** What the example policy asks of a low-risk change. */
const LOW = { description: 'Repartition by day.', reason: 'Nightly run is too slow.' };
const { testEvidence: _evidence, testDataMasked: _masked, ...WITHOUT_EVIDENCE } = COMPLETE_RECORD;

for (const engine of engines()) {
  describe(`planning and testing (${engine})`, () => {
    let t: TestApp;
    const window = (fromHours: number, hours: number) => ({
      start: hoursLater(t.clock.now, fromHours).toISOString(),
      end: hoursLater(t.clock.now, fromHours + hours).toISOString(),
    });
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
    });
    after(() => t.close());

    it('schedules an approved change into its proposed window when no window is given', async () => {
      const proposed = window(24, 2);
      const c = await raise(t, 'alice', {
        title: 'Partition reports',
        services: ['reports-batch'],
        ...LOW,
        proposedWindow: proposed,
      });
      assert.deepEqual(c.proposedWindow, proposed);
      await act(t, 'alice', c.id, 'submit');
      await act(t, 'tom', c.id, 'approve');
      const scheduled = await act(t, 'alice', c.id, 'schedule');
      assert.deepEqual([scheduled.state, scheduled.window], ['scheduled', proposed]);
      assert.deepEqual(
        (await events(t, c.id)).at(-1)!.data,
        { window: proposed },
        'the confirmation is recorded with the window it confirms',
      );
      assert.deepEqual(scheduled.agreedWindow, proposed, 'the approvers agreed to the proposed window');
      // A different window follows the window-move rules: a day later is beyond the 2h tolerance.
      const moved = await act(t, 'alice', c.id, 'schedule', { window: window(48, 2) });
      assert.equal(moved.state, 'awaiting_approval');
      assert.equal((await events(t, c.id)).at(-1)!.type, 'change.approvals_withdrawn');
      // Without a proposal there is nothing to confirm.
      const bare = await raise(t, 'alice', { title: 'No plan yet', services: ['reports-batch'], ...LOW });
      await act(t, 'alice', bare.id, 'submit');
      await act(t, 'tom', bare.id, 'approve');
      expectError(await t.req('alice', 'POST', `/api/v1/changes/${bare.id}/schedule`), 422, 'invalid_window');
      // A proposal must be a window the policy allows.
      expectError(
        await t.req('alice', 'PATCH', `/api/v1/changes/${bare.id}`, { proposedWindow: window(1, 24 * 8) }),
        422,
      );
      expectError(
        await t.req('alice', 'POST', '/api/v1/changes', {
          title: 'Backwards',
          proposedWindow: { start: proposed.end, end: proposed.start },
        }),
        400,
      );
    });

    it('refuses test evidence and results from production where testing must be outside it', async () => {
      // payments-api rates high; the example policy wants high-risk testing outside production.
      const base = { title: 'TLS 1.3 only', services: ['payments-api'], ...COMPLETE_RECORD };
      const prod = expectError(
        await t.req('alice', 'POST', '/api/v1/changes', {
          ...base,
          testEvidence: { environment: 'prod', results: 'Tried it live' },
        }),
        422,
        'tested_in_production',
      );
      assert.match(prod.message, /testing\.outsideProduction/);
      // A catalogued service whose environment is prod is production too.
      expectError(
        await t.req('alice', 'POST', '/api/v1/changes', {
          ...base,
          testResults: [
            { kind: 'performance', passed: true, summary: 'p99 fine', environment: 'edge-proxy' },
          ],
        }),
        422,
        'tested_in_production',
      );
      const c = await raise(t, 'alice', {
        ...base,
        testResults: [{ kind: 'functional', passed: true, summary: '412 passed', environment: 'staging' }],
      });
      const edit = await t.req('alice', 'PATCH', `/api/v1/changes/${c.id}`, {
        testEvidence: { environment: 'payments-api', results: 'Checked in production' },
      });
      expectError(edit, 422, 'tested_in_production');
      assert.equal((await events(t, c.id)).at(-1)!.type, 'change.command_refused');
      // A low-risk change (a dev service) may show evidence from wherever it was tested.
      await raise(t, 'alice', {
        title: 'Dev tweak',
        services: ['reports-batch'],
        testEvidence: { environment: 'prod', results: 'Looked fine' },
      });
    });

    it('takes a no-test-environment exemption only with the production verification that replaces it', async () => {
      const body = { title: 'Firmware update', services: ['payments-api'], ...WITHOUT_EVIDENCE };
      const err = expectError(
        await t.req('alice', 'POST', '/api/v1/changes', {
          ...body,
          testEnvironmentExemption: { reason: 'No spare appliance exists' },
        }),
        400,
      );
      assert.match(JSON.stringify(err), /productionVerification/);
      const c = await raise(t, 'alice', { ...body, testDataMasked: true });
      expectError(await t.req('alice', 'POST', `/api/v1/changes/${c.id}/submit`), 422, 'missing_fields');
      ok(
        await t.req('alice', 'PATCH', `/api/v1/changes/${c.id}`, {
          testEnvironmentExemption: {
            reason: 'No spare appliance exists',
            productionVerification: 'Synthetic payment every minute for an hour after the update',
          },
        }),
      );
      assert.equal((await act(t, 'alice', c.id, 'submit')).state, 'awaiting_approval');
    });

    it('requires confirmation that testing used no unmasked personal data where a service holds it', async () => {
      const { testDataMasked: _m, ...unconfirmed } = COMPLETE_RECORD;
      const c = await raise(t, 'alice', { title: 'Card form', services: ['payments-api'], ...unconfirmed });
      const err = expectError(
        await t.req('alice', 'POST', `/api/v1/changes/${c.id}/submit`),
        422,
        'missing_fields',
      );
      assert.match(err.message, /testDataMasked/);
      ok(await t.req('alice', 'PATCH', `/api/v1/changes/${c.id}`, { testDataMasked: true }));
      await act(t, 'alice', c.id, 'submit');
      // No personal data in reports-batch: nothing to confirm.
      const other = await raise(t, 'alice', {
        title: 'Reports',
        services: ['reports-batch'],
        ...unconfirmed,
      });
      await act(t, 'alice', other.id, 'submit');
    });

    it('refuses unknown rollout strategies and test kinds, naming the field', async () => {
      const bad = await t.req('alice', 'POST', '/api/v1/changes', { title: 'X1', rolloutStrategy: 'yolo' });
      assert.match(JSON.stringify(expectError(bad, 400)), /rolloutStrategy/);
      const kind = await t.req('alice', 'POST', '/api/v1/changes', {
        title: 'X2',
        testResults: [{ kind: 'vibes', passed: true, summary: 's', environment: 'staging' }],
      });
      assert.match(JSON.stringify(expectError(kind, 400)), /testResults/);
      const outage = await t.req('alice', 'POST', '/api/v1/changes', { title: 'X3', maxOutageMinutes: -1 });
      assert.match(JSON.stringify(expectError(outage, 400)), /maxOutageMinutes/);
    });

    it('lets the policy require every content field, including the new ones, per rating', async () => {
      // Adopt a policy that asks all of them at low risk, through the policy's own change.
      const p = ok<{ id: string }>(
        await t.req('carl', 'POST', '/api/v1/policy', { source: EVERYTHING_AT_LOW, reason: 'Ask for more' }),
        201,
      );
      await act(t, 'carl', p.id, 'submit');
      await act(t, 'sam', p.id, 'approve');
      await act(t, 'tom', p.id, 'approve');
      await act(t, 'ivan', p.id, 'start');

      const c = await raise(t, 'alice', {
        title: 'Reindex',
        description: 'Rebuild the index.',
        reason: 'Slow queries.',
        services: ['reports-batch'],
        rollbackTested: false,
        testResults: [{ kind: 'security', passed: false, summary: 'One finding', environment: 'test' }],
      });
      const err = expectError(
        await t.req('alice', 'POST', `/api/v1/changes/${c.id}/submit`),
        422,
        'missing_fields',
      );
      for (const field of [
        'dataImpact',
        'securityImpact',
        'links',
        'implementer',
        'riskOwner',
        'monitors',
        'rollbackDecider',
        'proposedWindow',
        'functionalTests',
        'securityTests',
        'performanceTests',
        'rollbackTests',
        'rolloutStrategy',
        'rollbackOwner',
        'maxOutage',
        'rollbackTested',
      ])
        assert.match(err.message, new RegExp(`\\b${field}\\b`), field);
      const passed = (kind: string) => ({ kind, passed: true, summary: 'green', environment: 'staging' });
      ok(
        await t.req('alice', 'PATCH', `/api/v1/changes/${c.id}`, {
          dataImpact: 'None.',
          securityImpact: 'None.',
          links: [{ kind: 'ticket', ref: 'OPS-9' }],
          implementer: 'ivan',
          riskOwner: 'betty',
          monitors: ['bob'],
          rollbackDecider: 'carl',
          proposedWindow: window(48, 1),
          testResults: ['functional', 'security', 'performance', 'rollback'].map(passed),
          rolloutStrategy: 'canary',
          rollbackOwner: 'ivan',
          maxOutageMinutes: 15,
          rollbackTested: true,
        }),
      );
      const submitted = await act(t, 'alice', c.id, 'submit');
      assert.equal(submitted.state, 'awaiting_approval');
      assert.deepEqual([submitted.rolloutStrategy, submitted.maxOutageMinutes], ['canary', 15]);
    });
  });
}
