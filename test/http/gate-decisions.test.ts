// A change's gate decisions over HTTP (GET /changes/{id}/gate-decisions): allow and deny alike with every
// reason, when and which source asked, newest first, paged without gaps or repeats even when decisions share
// an instant; dry runs and other changes' decisions are not listed; bad input is a 4xx naming what to fix.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { approvedForGate } from '../support/gate.ts';
import { bearer, expectError, noServerErrors, ok, raise } from '../support/http.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

interface Decision {
  id: string;
  decision: 'allow' | 'deny';
  reasons: { code: string; message: string }[];
  change: string;
  service: string;
  environment: string;
  artifacts: string[];
  dryRun: boolean;
  source: string;
  at: string;
}
interface DecisionList {
  items: Decision[];
  nextCursor: string | null;
}

for (const engine of engines()) {
  describe(`a change's gate decisions over HTTP (${engine})`, () => {
    let t: TestApp;
    let id: string;
    let other: string;
    const recorded: Decision[] = [];
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      id = await approvedForGate(t, A);
      other = await approvedForGate(t, A);
      const gate = async (body: Record<string, unknown>) =>
        ok<Decision>(await t.req('ci', 'POST', '/api/v1/gate', body));
      const ask = { change: id, service: 'payments-api', environment: 'prod', artifact: A };
      recorded.push(await gate(ask));
      recorded.push(await gate({ ...ask, service: 'edge-proxy', environment: 'staging', artifact: B }));
      recorded.push(await gate({ ...ask, artifact: B }));
      await gate({ ...ask, dryRun: true });
      await gate({ ...ask, change: other });
    });
    after(() => t.close());

    const list = async (change: string, query = '', as = 'audrey') =>
      ok<DecisionList>(await t.req(as, 'GET', `/api/v1/changes/${change}/gate-decisions${query}`));

    it('lists every recorded decision of the change, newest first, with every reason and its source', async () => {
      const { items, nextCursor } = await list(id);
      assert.equal(nextCursor, null);
      assert.equal(items.length, 3, 'the dry run and the other change are not listed');
      assert.deepEqual(
        new Set(items.map((d) => d.id)),
        new Set(recorded.map((d) => d.id)),
        'exactly the decisions recorded for it',
      );
      for (const d of items) {
        const asked = recorded.find((r) => r.id === d.id)!;
        assert.deepEqual(d, { breakGlass: null, ...asked }, 'listed as the gate answered it');
        assert.equal(d.source, 'api');
        assert.equal(d.dryRun, false);
      }
      const denied = items.find((d) => d.service === 'edge-proxy')!;
      assert.equal(denied.decision, 'deny');
      assert.deepEqual(denied.reasons.map((r) => r.code).sort(), [
        'artifact_not_approved',
        'environment_not_in_change',
        'service_not_in_change',
      ]);
      assert.equal(items.filter((d) => d.decision === 'allow').length, 1);
      const order = items.map((d) => `${d.at},${d.id}`);
      assert.deepEqual(order, [...order].sort().reverse(), 'newest first, then by id');
      const others = await list(other);
      assert.equal(others.items.length, 1);
      assert.equal(others.items[0]!.change, other);
    });

    it('pages with a cursor, without gaps or repeats, when decisions share an instant', async () => {
      const all = (await list(id)).items.map((d) => d.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = `?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page: DecisionList = await list(id, q);
        assert.ok(page.items.length <= 1);
        seen.push(...page.items.map((d) => d.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, all);
    });

    it('answers a change with none with an empty list, an unknown one with 404, bad input with 400', async () => {
      const fresh = (await raise(t, 'alice', { title: 'Nothing asked yet', services: ['reports-batch'] })).id;
      assert.deepEqual(await list(fresh), { items: [], nextCursor: null });
      expectError(await t.req('audrey', 'GET', '/api/v1/changes/CHG-999/gate-decisions'), 404, 'not_found');
      expectError(await t.req('audrey', 'GET', '/api/v1/changes/42/gate-decisions'), 400);
      const badCursor = expectError(
        await t.req('audrey', 'GET', `/api/v1/changes/${id}/gate-decisions?cursor=yesterday`),
        400,
      );
      assert.match(badCursor.message, /cursor/);
      expectError(await t.req('audrey', 'GET', `/api/v1/changes/${id}/gate-decisions?limit=0`), 400);
      expectError(await t.req('audrey', 'GET', `/api/v1/changes/${id}/gate-decisions?change=${id}`), 400);
    });

    it('is read with changes:read: an auditor may, a token with only the gate scope may not', async () => {
      assert.equal((await list(id, '', 'audrey')).items.length, 3);
      expectError(await t.req(null, 'GET', `/api/v1/changes/${id}/gate-decisions`), 401);
      const gateOnly = ok<{ token: string }>(
        await t.req('admin', 'POST', '/api/v1/tokens', { name: 'ci-gate', owner: 'ci', scopes: ['gate'] }),
        201,
      ).token;
      const res = await t.req(
        null,
        'GET',
        `/api/v1/changes/${id}/gate-decisions`,
        undefined,
        bearer(gateOnly),
      );
      expectError(res, 403);
    });
  });
}
