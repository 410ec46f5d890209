// Who may ask the gate, and nothing more: a gate-scoped CI token, a bot with only the deployer role and the
// connectors' own actor can ask, break glass and record deployments, and can never approve, edit, list
// users or read change lists. And the gate fails closed: a broken policy or a database gone is a deny.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectorActor, SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { ACTIONS } from '../../src/domain/permissions.ts';
import { Refused } from '../../src/modules/changes/changes.service.ts';
import { may } from '../../src/modules/identity/access.ts';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import {
  act,
  bearer,
  expectError,
  hoursLater,
  ledgerSize,
  noServerErrors,
  ok,
  raise,
} from '../support/http.ts';

const A = `sha256:${'a'.repeat(64)}`;
const GATE_ACTIONS = ['gate.decide', 'gate.break_glass', 'deployment.record'];

for (const engine of engines()) {
  describe(`who may ask the gate, and the gate failing closed (${engine})`, () => {
    let t: TestApp;
    let id: string;
    let gateToken: string;
    let deployerToken: string;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      id = (
        await raise(t, 'alice', {
          title: 'TLS',
          services: ['payments-api'],
          ...COMPLETE_RECORD,
          artifacts: [A],
        })
      ).id;
      await act(t, 'alice', id, 'submit');
      await act(t, 'sam', id, 'approve');
      await act(t, 'tom', id, 'approve');
      await act(t, 'alice', id, 'schedule', {
        window: { start: t.clock.now.toISOString(), end: hoursLater(t.clock.now, 2).toISOString() },
      });
      // The CI bot (implementer, groups technical and security) through a token with the gate scope only.
      gateToken = ok<{ token: string }>(
        await t.req('admin', 'POST', '/api/v1/tokens', { name: 'pipeline', owner: 'ci', scopes: ['gate'] }),
        201,
      ).token;
      // A bot whose only role is deployer, through a token with every scope.
      await t.c.identity.createUser(SYSTEM_ACTOR, {
        username: 'deploy-bot',
        email: null,
        kind: 'bot',
        roles: ['deployer'],
        groups: ['technical'],
      });
      deployerToken = (
        await t.c.identity.createToken(SYSTEM_ACTOR, {
          name: 'all',
          owner: 'deploy-bot',
          scopes: ['changes:read', 'changes:write', 'changes:approve', 'users:read', 'gate'],
          expiresAt: null,
        })
      ).token;
    });
    after(() => t.close());

    const ask = { change: 'CHG-1', service: 'payments-api', environment: 'prod', artifact: A };

    for (const who of ['gate-scoped token', 'deployer bot'])
      it(`a ${who} asks the gate and records deployments, and can do nothing else`, async () => {
        const as = bearer(who === 'deployer bot' ? deployerToken : gateToken);
        const d = ok<{ decision: string; id: string }>(
          await t.req(null, 'POST', '/api/v1/gate', { ...ask, change: id }, as),
        );
        assert.equal(d.decision, 'allow');
        ok(
          await t.req(
            null,
            'POST',
            '/api/v1/deployments',
            { decision: d.id, service: 'payments-api', environment: 'prod', artifact: A },
            as,
          ),
          201,
        );
        const size = await ledgerSize(t);
        expectError(await t.req(null, 'POST', `/api/v1/changes/${id}/approve`, {}, as), 403);
        expectError(await t.req(null, 'PATCH', `/api/v1/changes/${id}`, { description: 'x' }, as), 403);
        expectError(await t.req(null, 'POST', '/api/v1/changes', { title: 'mine' }, as), 403);
        expectError(await t.req(null, 'GET', '/api/v1/users', undefined, as), 403);
        if (who === 'gate-scoped token') {
          expectError(await t.req(null, 'GET', '/api/v1/changes', undefined, as), 403);
          expectError(await t.req(null, 'GET', `/api/v1/changes/${id}`, undefined, as), 403);
          expectError(await t.req(null, 'GET', '/api/v1/deployments', undefined, as), 403);
        }
        // Refusals of the deployer's change commands are evidence (recorded), never a state change.
        const after = await ledgerSize(t);
        assert.ok(after - size <= 2, 'at most the recorded refusals');
        const change = ok<{ state: string; approvals: unknown[] }>(
          await t.req('audrey', 'GET', `/api/v1/changes/${id}`),
        );
        assert.equal(change.approvals.length, 2);
      });

    it("the connectors' actor may ask, break glass and record deployments, and nothing else", async () => {
      const github = connectorActor('github');
      for (const action of ACTIONS)
        assert.equal(may(github, action) === null, GATE_ACTIONS.includes(action), action);
      const d = await t.c.gate.decide(
        github,
        {
          change: id,
          service: 'payments-api',
          environment: 'prod',
          artifacts: [A],
          dryRun: false,
          source: 'github',
        },
        'delivery-1',
      );
      assert.equal(d.decision, 'allow');
      assert.equal(d.source, 'github');
      const refused = await t.c.changes.command(github, id, { type: 'approve', group: null, comment: '' });
      assert.ok(refused instanceof Refused);
      assert.equal(refused.refusals[0]!.code, 'forbidden');
    });

    it('denies with gate_error when the policy is broken, and recovers when it is mended', async () => {
      const top = await t.c.store.db
        .selectFrom('policies')
        .selectAll()
        .orderBy('version', 'desc')
        .executeTakeFirstOrThrow();
      await t.c.store.db
        .insertInto('policies')
        .values({ ...top, version: top.version + 1, source: 'risk: [unclosed', sha256: 'broken' })
        .execute();
      try {
        const d = ok<{ decision: string; id: string | null; reasons: { code: string }[] }>(
          await t.req('ci', 'POST', '/api/v1/gate', { ...ask, change: id }),
        );
        assert.equal(d.decision, 'deny');
        assert.deepEqual(
          d.reasons.map((r) => r.code),
          ['gate_error'],
        );
        assert.equal(d.id, null);
      } finally {
        await t.c.store.db
          .deleteFrom('policies')
          .where('version', '=', top.version + 1)
          .execute();
      }
      const d = ok<{ decision: string }>(await t.req('ci', 'POST', '/api/v1/gate', { ...ask, change: id }));
      assert.equal(d.decision, 'allow');
    });

    it('denies with gate_error when the database is gone, dry run or not', async () => {
      await t.c.store.close();
      // The service under the API and the connectors answers, never throws.
      for (const dryRun of [false, true]) {
        const d = await t.c.gate.decide(connectorActor('kubernetes'), {
          change: id,
          service: 'payments-api',
          environment: 'prod',
          artifacts: [A],
          dryRun,
          source: 'kubernetes',
        });
        assert.equal(d.decision, 'deny');
        assert.deepEqual(
          d.reasons.map((r) => r.code),
          ['gate_error'],
        );
        assert.match(d.reasons[0]!.message, /could not decide/);
      }
      // Over HTTP the credential cannot be checked either: an error, never an allow.
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/gate',
        headers: bearer(gateToken),
        payload: { ...ask, change: id },
      });
      assert.notEqual(res.statusCode, 200, res.body);
    });
  });
}
