// The GitHub connector against a stand-in GitHub: deliveries built from GitHub's examples and validated
// against its webhook description, call backs checked against its REST description, the App's JWT →
// installation token exchange, and every way a delivery must be refused.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import {
  CONNECTOR_SECRET_NAMES as SECRET,
  DEFAULT_CONNECTOR_SETTINGS,
} from '../../src/connectors/settings.ts';
import { buildApp, type AppOptions } from '../../src/server/app.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { expectError, ledgerSize } from '../support/http.ts';
import { installFakeGate, type FakeGate } from './fake-gate.ts';
import {
  callbackOperation,
  callbackValidator,
  deliveryValidator,
  protectionRuleDelivery,
} from './github/github-contract.ts';
import { STAND_IN_TOKEN, startGitHubStandIn, type GitHubStandIn } from './github/github-stand-in.ts';

const HOOK = '/api/v1/connectors/github/webhook';
const WEBHOOK_SECRET = 'github-webhook-secret-0123456789';
const APP_ID = '123456';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  // GitHub hands out App keys as PKCS#1 PEM.
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const sign = (raw: string, secret = WEBHOOK_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const validDelivery = deliveryValidator();

function optionsFor(gh: GitHubStandIn, how: 'app' | 'token'): AppOptions {
  const github = {
    ...DEFAULT_CONNECTOR_SETTINGS.github,
    apiUrl: gh.apiUrl,
    appId: how === 'app' ? APP_ID : undefined,
    environments: { production: 'prod' },
    services: { 'Codertocat/Hello-World': 'payments-api' },
    retryDelaysMs: [20, 20, 20],
  };
  return {
    connectorSettings: { ...DEFAULT_CONNECTOR_SETTINGS, github },
    connectorSecrets:
      how === 'app'
        ? { [SECRET.githubWebhook]: WEBHOOK_SECRET, [SECRET.githubAppPrivateKey]: keys.privateKey }
        : { [SECRET.githubWebhook]: WEBHOOK_SECRET, [SECRET.githubToken]: STAND_IN_TOKEN },
  };
}

describe("GitHub's descriptions, as the tests use them", () => {
  it('accepts the deliveries we build and refuses a broken one', () => {
    assert.equal(
      validDelivery(protectionRuleDelivery({ pullRequests: [{ number: 1, title: 'CHG-1' }] })),
      null,
    );
    const broken = protectionRuleDelivery();
    delete broken.repository;
    assert.match(String(validDelivery(broken)), /repository/);
  });

  it('describes the call back on github.com and on Enterprise Server, and refuses a bad body', () => {
    for (const d of ['api.github.com', 'ghes-3.19']) assert.ok(callbackOperation(d).responses['204']);
    const v = callbackValidator();
    assert.equal(v({ environment_name: 'production', state: 'approved', comment: 'ok' }), null);
    assert.notEqual(v({ environment_name: 'production', state: 'maybe' }), null);
    assert.notEqual(v({ state: 'approved' }), null);
  });
});

for (const engine of engines()) {
  describe(`GitHub deployment protection rule (${engine})`, () => {
    let t: TestApp;
    let gh: GitHubStandIn;
    let gate: FakeGate;
    let run = 1000;
    let seq = 0;
    before(async () => {
      gh = await startGitHubStandIn({ appId: APP_ID, publicKeyPem: keys.publicKey });
      t = await startTestApp(engine, optionsFor(gh, 'app'));
      gate = installFakeGate(t.c);
    });
    after(async () => {
      await t.close();
      await gh.close();
    });
    beforeEach(() => {
      gate.answer = 'allow';
      gate.asked.length = 0;
      gh.callbacks.length = 0;
    });

    const deliver = (
      body: Record<string, unknown>,
      o: { app?: FastifyInstance; delivery?: string; signature?: string | null; raw?: string } = {},
    ): Promise<LightMyRequestResponse> => {
      const raw = o.raw ?? JSON.stringify(body);
      assert.equal(validDelivery(JSON.parse(raw)), null, 'a delivery GitHub could send');
      return (o.app ?? t.app).inject({
        method: 'POST',
        url: HOOK,
        payload: raw,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'deployment_protection_rule',
          'x-github-delivery': o.delivery ?? `d0c0ffee-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
          ...(o.signature === null ? {} : { 'x-hub-signature-256': o.signature ?? sign(raw) }),
        },
      });
    };
    const delivery = (o: Parameters<typeof protectionRuleDelivery>[0] = {}) =>
      protectionRuleDelivery({ apiUrl: gh.apiUrl, runId: ++run, ...o });

    it('approves through the call back as the App installation, once the gate allows', async () => {
      const res = await deliver(delivery({ pullRequests: [{ number: 7, title: 'TLS 1.3 only (CHG-12)' }] }));
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json<{ decision: string; callback: string }>().callback, 'sent');
      assert.equal(gate.asked.length, 1);
      const { actor, input } = gate.asked[0]!;
      assert.equal(actor.id, 'connector:github');
      assert.deepEqual(
        { ...input, pipelineUrl: undefined },
        {
          change: 'CHG-12',
          service: 'payments-api',
          environment: 'prod',
          artifacts: [],
          dryRun: false,
          source: 'github',
          pipelineUrl: undefined,
        },
      );
      assert.equal(input.pipelineUrl, `https://github.com/Codertocat/Hello-World/actions/runs/${run}`);
      const [cb] = await gh.waitFor(1);
      assert.equal(cb!.contractError, null, "the call back conforms to GitHub's REST description");
      assert.equal(cb!.runId, run);
      assert.match(cb!.authorization ?? '', /^token ghs_/);
      const body = cb!.body as { environment_name: string; state: string; comment: string };
      assert.deepEqual([body.environment_name, body.state], ['production', 'approved']);
      assert.match(
        body.comment,
        /CHG-12 allows payments-api to prod \(change found in the pull request #7 title\)/,
      );
      assert.ok(gh.tokensIssued >= 1, 'an installation token was obtained with the App JWT');
    });

    it('rejects with every reason the gate gives, in the comment', async () => {
      gate.answer = [
        { code: 'not_approved', message: 'CHG-5 is awaiting approval' },
        { code: 'frozen', message: 'inside the year-end freeze' },
      ];
      const res = await deliver(
        delivery({ deployment: { payload: { change: 'CHG-5', artifact: `sha256:${'a'.repeat(64)}` } } }),
      );
      assert.equal(res.json<{ state: string }>().state, 'rejected');
      assert.deepEqual(gate.asked[0]!.input.artifacts, [`sha256:${'a'.repeat(64)}`]);
      const body = (await gh.waitFor(1))[0]!.body as { state: string; comment: string };
      assert.equal(body.state, 'rejected');
      assert.match(
        body.comment,
        /- CHG-5 is awaiting approval \[not_approved\]\n- inside the year-end freeze \[frozen\]/,
      );
      assert.equal(gh.callbacks[0]!.contractError, null);
    });

    it('finds the change in the payload, then the ref, then pull requests, then the head commit message', async () => {
      const sha = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
      gh.commits.set(sha, 'Rotate keys\n\nChange: chg-4');
      const pr = [{ number: 9, title: 'no id here', body: 'for CHG-3', head: 'topic' }];
      const cases: [Parameters<typeof delivery>[0], string][] = [
        [
          { deployment: { payload: JSON.stringify({ change: 'CHG-1' }), ref: 'chg-2-x' }, pullRequests: pr },
          'CHG-1',
        ],
        [{ deployment: { ref: 'release/chg-2' }, pullRequests: pr }, 'CHG-2'],
        [{ deployment: { ref: 'main' }, pullRequests: pr }, 'CHG-3'],
        [{ deployment: { ref: 'main', sha } }, 'CHG-4'],
      ];
      for (const [o] of cases) assert.equal((await deliver(delivery(o))).statusCode, 200);
      assert.deepEqual(
        gate.asked.map((a) => a.input.change),
        cases.map(([, c]) => c),
      );
    });

    it('rejects without asking the gate when nothing names a change', async () => {
      const res = await deliver(delivery({ deployment: { ref: 'main', sha: '0000000' } }));
      assert.equal(res.json<{ state: string }>().state, 'rejected');
      assert.equal(gate.asked.length, 0);
      assert.match(
        ((await gh.waitFor(1))[0]!.body as { comment: string }).comment,
        /no change named: put CHG-n/,
      );
    });

    it('fails closed when the gate fails: rejected, with the reason', async () => {
      gate.answer = new Error('database unreachable');
      const res = await deliver(delivery({ deployment: { payload: { change: 'CHG-8' } } }));
      assert.equal(res.json<{ state: string }>().state, 'rejected');
      assert.match(
        ((await gh.waitFor(1))[0]!.body as { comment: string }).comment,
        /gate could not decide: database unreachable \[gate_error\]/,
      );
    });

    it('refuses a bad signature, a tampered body and a missing signature, deciding nothing', async () => {
      const body = delivery({ deployment: { payload: { change: 'CHG-1' } } });
      const raw = JSON.stringify(body);
      const size = await ledgerSize(t);
      expectError(
        await deliver(body, { signature: sign(raw, 'not-the-secret-0123456789') }),
        401,
        'unauthenticated',
      );
      const tampered = raw.replace('CHG-1', 'CHG-2');
      expectError(await deliver(body, { raw: tampered, signature: sign(raw) }), 401, 'unauthenticated');
      expectError(await deliver(body, { signature: null }), 401, 'unauthenticated');
      assert.equal(gate.asked.length, 0);
      assert.equal(gh.callbacks.length, 0);
      assert.equal(await ledgerSize(t), size);
    });

    it('refuses a replayed delivery id, also on another server of the same database', async () => {
      const body = delivery({ deployment: { payload: { change: 'CHG-1' } } });
      const id = 'aaaaaaaa-1111-4000-8000-000000000001';
      assert.equal((await deliver(body, { delivery: id })).statusCode, 200);
      assert.match(
        expectError(await deliver(body, { delivery: id }), 409, 'conflict').message,
        /already received/,
      );
      const other = await buildApp(t.c, optionsFor(gh, 'app'));
      try {
        expectError(await deliver(body, { delivery: id, app: other }), 409, 'conflict');
      } finally {
        await other.close();
      }
      const changed = delivery({ deployment: { payload: { change: 'CHG-2' } } });
      assert.equal((await deliver(changed, { delivery: id })).statusCode >= 400, true);
      assert.equal(gate.asked.length, 1, 'decided once');
      assert.equal(gh.callbacks.length, 1, 'answered once');
    });

    it('retries a failing call back and says so; gives up at once on a 4xx', async () => {
      gh.failNext(2, 502);
      const res = await deliver(delivery({ deployment: { payload: { change: 'CHG-1' } } }));
      assert.equal(res.statusCode, 202);
      assert.equal(res.json<{ callback: string }>().callback, 'retrying');
      await gh.waitFor(3);
      gh.failNext(1, 422);
      const refused = await deliver(delivery({ deployment: { payload: { change: 'CHG-1' } } }));
      assert.equal(refused.json<{ callback: string }>().callback, 'failed');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(gh.callbacks.length, 4, 'a 422 is not retried');
    });

    it('answers with a token when there is no App, and sends credentials only to the configured API', async () => {
      const other = await buildApp(t.c, optionsFor(gh, 'token'));
      try {
        assert.equal(
          (await deliver(delivery({ deployment: { payload: { change: 'CHG-1' } } }), { app: other }))
            .statusCode,
          200,
        );
        assert.equal((await gh.waitFor(1))[0]!.authorization, `Bearer ${STAND_IN_TOKEN}`);
        const elsewhere = delivery({
          apiUrl: 'https://attacker.example',
          deployment: { payload: { change: 'CHG-1' } },
        });
        const res = await deliver(elsewhere, { app: other });
        assert.equal(res.json<{ callback: string; callbackError: string }>().callback, 'failed');
        assert.match(res.json<{ callbackError: string }>().callbackError, /not below/);
        assert.equal(gh.callbacks.length, 1);
      } finally {
        await other.close();
      }
    });

    it('answers a ping and ignores other events', async () => {
      const ping = await t.app.inject({
        method: 'POST',
        url: HOOK,
        payload: '{"zen":"Keep it logically awesome."}',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'ping',
          'x-hub-signature-256': sign('{"zen":"Keep it logically awesome."}'),
        },
      });
      assert.equal(ping.statusCode, 200);
      const push = await t.app.inject({
        method: 'POST',
        url: HOOK,
        payload: '{}',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': sign('{}'),
        },
      });
      assert.equal(push.statusCode, 202);
      assert.equal(gate.asked.length, 0);
    });
  });
}
