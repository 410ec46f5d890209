// Risk that follows the facts (example policy): rules see what the affected services depend on and what
// depends on them, through the catalogue, and the services' owners and teams; a rule can add approvals of
// its own, which the change then needs before it is approved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, noServerErrors, ok, raise, type ChangeJson } from '../support/http.ts';

interface Assessed extends ChangeJson {
  assessment: {
    rating: string;
    reasons: { rule: string }[];
    requiredApprovals: { group: string; count: number }[];
  };
}

const rules = (c: Assessed) => c.assessment.reasons.map((r) => r.rule).sort();
const groups = (c: Assessed) => c.assessment.requiredApprovals.map((r) => r.group).sort();

for (const engine of engines()) {
  describe(`risk rules over the dependency graph and owners (${engine})`, () => {
    let t: TestApp;
    const service = async (body: Record<string, unknown>) =>
      ok(await t.req('admin', 'POST', '/api/v1/services', body), 201);
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      // ledger-core (prod, DORA critical) → fx-adapter → fx-feed: the feed is two steps below it.
      await service({ name: 'fx-feed', environment: 'dev', criticality: 'low', team: 'markets' });
      await service({
        name: 'fx-adapter',
        environment: 'dev',
        criticality: 'low',
        team: 'markets',
        dependencies: ['fx-feed'],
      });
      await service({
        name: 'ledger-core',
        environment: 'prod',
        criticality: 'low',
        doraCriticalFunction: true,
        team: 'core',
        owners: { technical: 'core-lead', business: 'cfo' },
        dependencies: ['fx-adapter'],
      });
      await service({ name: 'markets-ui', environment: 'dev', criticality: 'low', team: 'markets' });
      await service({ name: 'core-tools', environment: 'dev', criticality: 'low', team: 'core' });
    });
    after(() => t.close());

    it('rates a dev service low when nothing critical depends on it and one team owns it', async () => {
      const c = (await raise(t, 'alice', { title: 'UI tweak', services: ['markets-ui'] })) as Assessed;
      assert.equal(c.assessment.rating, 'low');
      assert.deepEqual(rules(c), []);
      assert.deepEqual(groups(c), ['technical']);
    });

    it('sees a critical function that depends on the service through another one, and another team', async () => {
      const c = (await raise(t, 'alice', { title: 'Feed format', services: ['fx-feed'] })) as Assessed;
      assert.equal(c.assessment.rating, 'medium');
      assert.deepEqual(rules(c), ['critical-downstream', 'crosses-teams']);
      // crosses-teams adds the CAB to what the medium rating needs.
      assert.deepEqual(groups(c), ['business', 'cab', 'technical']);
    });

    it('sees a change across two teams’ services', async () => {
      const c = (await raise(t, 'alice', {
        title: 'Shared tooling',
        services: ['markets-ui', 'core-tools'],
      })) as Assessed;
      assert.deepEqual(rules(c), ['crosses-teams']);
    });

    it('follows the catalogue as it changes', async () => {
      const id = (await raise(t, 'alice', { title: 'Tools', services: ['core-tools'], ...COMPLETE_RECORD }))
        .id;
      ok(await t.req('admin', 'PATCH', '/api/v1/services/markets-ui', { dependencies: ['core-tools'] }));
      const c = (await act(t, 'alice', id, 'submit')) as Assessed;
      assert.deepEqual(rules(c), ['crosses-teams']);
    });

    it('makes a rule’s own approval count: business sign-off on a customer-visible high-risk change', async () => {
      const body = { title: 'New checkout page', services: ['payments-api'], ...COMPLETE_RECORD };
      const plain = (await raise(t, 'alice', body)) as Assessed;
      assert.deepEqual(groups(plain), ['security', 'technical']);
      const id = (await raise(t, 'alice', { ...body, riskAnswers: { customerVisible: true } })).id;
      const submitted = (await act(t, 'alice', id, 'submit')) as Assessed;
      assert.equal(submitted.assessment.rating, 'high');
      assert.deepEqual(groups(submitted), ['business', 'security', 'technical']);
      await act(t, 'sam', id, 'approve');
      assert.equal((await act(t, 'tom', id, 'approve')).state, 'awaiting_approval');
      assert.equal((await act(t, 'betty', id, 'approve')).state, 'approved');
    });
  });
}
