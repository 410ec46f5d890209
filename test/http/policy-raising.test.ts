// What the raise-a-change form reads of the active policy (GET /policy's `raising`): the example policy's
// questions, templates with their defaults, requirements and emergency rules, and deadlines in the same
// minutes the server applies to an emergency it authorizes and starts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EMERGENCY_REQUEST, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, getChange, noServerErrors, ok, raise } from '../support/http.ts';

interface Raising {
  questions: { id: string; text: string }[];
  templates: {
    id: string;
    services: string[];
    maxRisk: string;
    defaults: { implementationPlan?: string; rollbackPlan?: { backupConfirmed: boolean }; testPlan?: string };
  }[];
  requirements: Record<string, string[]>;
  requirementsByOrigin: Record<string, Record<string, string[]>>;
  emergency: {
    criteria: { id: string; description: string }[];
    beforeStart: string[];
    recordDueMinutes: number;
    reviewDueMinutes: number;
  };
}
const minutesBetween = (from: unknown, to: unknown) =>
  (Date.parse(String(to)) - Date.parse(String(from))) / 60_000;

for (const engine of engines()) {
  describe(`the policy as the change form reads it (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
    });
    after(() => t.close());

    it('gives a requester the questions, templates and requirements of the active policy', async () => {
      const { raising, version } = ok<{ raising: Raising; version: number }>(
        await t.req('alice', 'GET', '/api/v1/policy'),
      );
      assert.equal(version, 1);
      assert.deepEqual(
        raising.questions.map((q) => q.id),
        ['irreversible', 'touchesSecurityControl', 'personalData', 'customerVisible', 'dbMigration'],
      );
      const scale = raising.templates.find((x) => x.id === 'scale-replicas');
      assert.deepEqual(scale?.services, ['web-frontend', 'api-gateway', 'search-api']);
      assert.equal(scale?.maxRisk, 'medium');
      assert.match(scale?.defaults.implementationPlan ?? '', /replica count/);
      assert.equal(scale?.defaults.rollbackPlan?.backupConfirmed, false);
      assert.ok(raising.requirements.high?.includes('testEvidence'));
      assert.deepEqual(raising.requirements.low, ['description', 'reason', 'services']);
      assert.ok(raising.requirementsByOrigin.supplier?.low?.includes('supplierReference'));
      assert.deepEqual(raising.emergency.beforeStart, ['rollbackPlan']);
      assert.deepEqual(
        raising.emergency.criteria.map((c) => c.id),
        ['service-outage', 'security-incident', 'data-loss', 'regulatory-deadline'],
      );
      // Versions from the history carry only what was recorded, not the form's view.
      const v1 = ok<Record<string, unknown>>(await t.req('alice', 'GET', '/api/v1/policy/versions/1'));
      assert.equal('raising' in v1, false);
    });

    it('states the emergency deadlines the server then applies', async () => {
      const { raising } = ok<{ raising: Raising }>(await t.req('bob', 'GET', '/api/v1/policy'));
      assert.equal(raising.emergency.recordDueMinutes, 24 * 60);
      assert.equal(raising.emergency.reviewDueMinutes, 5 * 24 * 60);
      const { id } = await raise(t, 'bob', {
        type: 'emergency',
        title: 'Block the exploited endpoint',
        services: ['payments-api'],
        ...EMERGENCY_REQUEST,
      });
      await act(t, 'bob', id, 'submit');
      await act(t, 'dora', id, 'approve', { comment: 'go' });
      await act(t, 'ivan', id, 'start');
      const view = await getChange(t, id);
      assert.equal(minutesBetween(view.authorizedAt, view.recordDueAt), raising.emergency.recordDueMinutes);
      assert.equal(minutesBetween(view.startedAt, view.reviewDueAt), raising.emergency.reviewDueMinutes);
    });
  });
}
