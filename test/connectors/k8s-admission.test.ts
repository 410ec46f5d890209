// The Kubernetes validating admission webhook, over HTTPS with a certificate made here, driven by captured
// AdmissionReviews and ones built from them. The gate is a fake that records what it is asked (the real
// gate's answers are tested in k8s-admission-gate.test.ts): these prove what the webhook reads from an
// object, asks, and answers — in enforce and warn mode, within its deadline, and never leaking a Secret.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import type { K8sAdmissionSettings } from '../../src/connectors/k8s-admission/settings.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { buildApp } from '../../src/server/app.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { expectError, ledgerSize } from '../support/http.ts';
import {
  auditRestReviews,
  digest,
  FakeGate,
  neuvectorAsV1,
  neuvectorReview,
  pinned,
  postHttps,
  review,
  servingCertificate,
  type Kind,
  type ReviewJson,
} from './k8s-reviews.ts';

const PATH = '/api/v1/connectors/k8s-admission/validate';
const ENFORCE: K8sAdmissionSettings = {
  environment: 'prod',
  cluster: 'prod-eu-1',
  namespaces: ['default', 'payments', 'neuvector-1'],
  mode: 'enforce',
  timeoutMs: 300,
};
const WARN: K8sAdmissionSettings = { ...ENFORCE, mode: 'warn' };

interface Answer {
  apiVersion: string;
  kind: string;
  response: {
    uid: string;
    allowed: boolean;
    status?: { code: number; message: string };
    warnings?: string[];
    auditAnnotations?: Record<string, string>;
  };
}

describe('Kubernetes admission webhook (HTTPS)', () => {
  let t: TestApp;
  let warnApp: FastifyInstance;
  let tls: { cert: string; key: string };
  let gate: FakeGate;
  let gateToken: string;
  const logs: string[] = [];
  const urls = { enforce: '', warn: '' };

  before(async () => {
    tls = await servingCertificate();
    t = await startTestApp('sqlite', {
      https: tls,
      connectorSettings: { 'k8s-admission': ENFORCE },
      logger: { level: 'trace', stream: { write: (line: string) => void logs.push(line) } },
    });
    warnApp = await buildApp(t.c, { https: tls, connectorSettings: { 'k8s-admission': WARN } });
    gate = new FakeGate();
    Object.assign(t.c, { gate });
    urls.enforce = `${await t.app.listen({ host: '127.0.0.1', port: 0 })}${PATH}`;
    urls.warn = `${await warnApp.listen({ host: '127.0.0.1', port: 0 })}${PATH}`;
    // What the API server's kubeconfig holds: a token of the `ci` bot with the gate scope alone.
    gateToken = (
      await t.c.identity.createToken(SYSTEM_ACTOR, {
        name: 'kube-apiserver',
        owner: 'ci',
        scopes: ['gate'],
        expiresAt: null,
      })
    ).token;
  });
  after(async () => {
    await warnApp.close();
    await t.close();
  });

  const reset = () => {
    gate.calls = [];
    gate.deny = [];
    gate.behaviour = 'answer';
    gate.approved = new Set([digest(1), digest(2), digest(3)]);
  };

  /** Sends a review as the API server does; always a 200 AdmissionReview with the request's uid. */
  async function send(
    body: ReviewJson | string,
    o: { mode?: 'enforce' | 'warn'; token?: string | null } = {},
  ): Promise<Answer['response']> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const token = o.token === undefined ? gateToken : o.token;
    const res = await postHttps(
      urls[o.mode ?? 'enforce'],
      raw,
      tls.cert,
      token ? { authorization: `Bearer ${token}` } : {},
    );
    assert.equal(res.status, 200, res.body);
    const answer = res.json() as Answer;
    assert.equal(answer.kind, 'AdmissionReview');
    assert.equal((answer as unknown as { error?: unknown }).error, undefined, 'never our error envelope');
    assert.equal((answer.response as { patch?: unknown }).patch, undefined, 'never a patch');
    if (typeof body !== 'string' && typeof body.request.uid === 'string')
      assert.equal(answer.response.uid, body.request.uid, "answered with the request's uid");
    return answer.response;
  }
  const denied = (r: Answer['response'], code: number, message: RegExp) => {
    assert.equal(r.allowed, false, JSON.stringify(r));
    assert.equal(r.status?.code, code, JSON.stringify(r));
    assert.match(r.status?.message ?? '', message);
  };
  const untouched = (r: Answer['response']) => {
    assert.equal(r.allowed, true, JSON.stringify(r));
    assert.deepEqual(Object.keys(r).sort(), ['allowed', 'uid'], 'no warnings, status or annotations');
    assert.deepEqual(gate.calls, [], 'the gate was not asked');
  };

  describe('transport', () => {
    it('serves HTTPS with the configured certificate, and nothing a client could not verify', async () => {
      reset();
      const res = await postHttps(urls.enforce, JSON.stringify(review()), tls.cert, {
        authorization: `Bearer ${gateToken}`,
      });
      assert.equal(res.peerCertificate, new X509Certificate(tls.cert).raw.toString('base64'));
      const other = await servingCertificate();
      await assert.rejects(postHttps(urls.enforce, '{}', other.cert), /self.signed|verify|certificate/i);
    });
  });

  describe('captured reviews', () => {
    it('admits every captured review of a kind it does not gate, untouched, without asking the gate', async () => {
      reset();
      const reviews = auditRestReviews();
      assert.equal(reviews.length, 59);
      for (const r of reviews) untouched(await send(r));
    });

    it('refuses the captured v1beta1 review in its own version, saying to ask for v1', async () => {
      reset();
      const body = neuvectorReview();
      const res = await postHttps(urls.enforce, JSON.stringify(body), tls.cert, {
        authorization: `Bearer ${gateToken}`,
      });
      const answer = res.json() as Answer;
      assert.equal(answer.apiVersion, 'admission.k8s.io/v1beta1');
      assert.equal(answer.response.uid, body.request.uid);
      denied(answer.response, 400, /admissionReviewVersions: \["v1"\]/);
      assert.deepEqual(gate.calls, []);
    });

    it('admits the captured update that only adds a label untouched, and gates it once the image changes', async () => {
      reset();
      untouched(await send(neuvectorAsV1()));
      const changed = neuvectorAsV1();
      const object = changed.request.object!;
      object.spec!.template!.spec.containers[0]!.image = pinned('registry.test/web', 1);
      Object.assign(object.metadata.annotations!, {
        'changeproof.io/change': 'CHG-4',
        'changeproof.io/service': 'payments-api',
      });
      const r = await send(changed);
      assert.equal(r.allowed, true, JSON.stringify(r));
      assert.equal(gate.calls.length, 1);
      assert.deepEqual(gate.calls[0]!.input, {
        change: 'CHG-4',
        service: 'payments-api',
        environment: 'prod',
        artifacts: [digest(1)],
        dryRun: false,
        source: 'kubernetes',
        pipelineUrl: 'kubernetes://prod-eu-1/apis/apps/v1/namespaces/neuvector-1/deployments/coreoshttp',
      });
      assert.equal(gate.calls[0]!.key, `k8s:${changed.request.uid}`);
      assert.equal(gate.calls[0]!.actor.id, 'ci');
      assert.deepEqual(r.auditAnnotations, { change: 'CHG-4', decision: 'gd_1' });
    });

    it('admits the captured Deployment CREATE only once its image is pinned by an approved digest', async () => {
      reset();
      // As captured (nginx:latest), annotated with a change: refused, and the gate asked only as a dry run.
      const asCaptured = review({ change: 'CHG-7' });
      denied(await send(asCaptured), 403, /image nginx:latest is not pinned by a digest/);
      assert.equal(gate.calls.length, 1);
      assert.equal(gate.calls[0]!.input.dryRun, true, 'no decision recorded for what is refused anyway');
      assert.equal(gate.calls[0]!.key, undefined);
      reset();
      const r = await send(review({ change: 'CHG-7', images: [pinned('nginx', 2)] }));
      assert.equal(r.allowed, true, JSON.stringify(r));
      assert.deepEqual(gate.calls[0]!.input.artifacts, [digest(2)]);
    });
  });

  describe('each kind', () => {
    const workloads: Kind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
    for (const kind of workloads)
      it(`${kind}: every image of its pod template goes to the gate as a digest`, async () => {
        reset();
        const body = review({
          kind,
          images: [pinned('registry.test/app', 1), `registry.test/sidecar:1.2@${digest(2)}`],
          initImages: [pinned('registry.test/migrate', 3)],
        });
        const r = await send(body);
        assert.equal(r.allowed, true, JSON.stringify(r));
        assert.deepEqual(gate.calls[0]!.input.artifacts.sort(), [digest(1), digest(2), digest(3)].sort());
        assert.match(
          gate.calls[0]!.input.pipelineUrl!,
          new RegExp(`/apis/(apps|batch)/v1/namespaces/default/${kind.toLowerCase()}s/nginx$`),
        );
        reset();
        gate.approved.delete(digest(3));
        denied(
          await send(review({ kind, images: [pinned('a', 1)], initImages: [pinned('b', 3)] })),
          403,
          new RegExp(`${digest(3)} was not approved`),
        );
        reset();
        denied(
          await send(review({ kind, images: [pinned('a', 1), 'registry.test/app:v2'] })),
          403,
          /registry\.test\/app:v2 is not pinned/,
        );
      });

    it('reads ephemeral containers too', async () => {
      reset();
      denied(
        await send(review({ images: [pinned('a', 1)], ephemeralImages: ['busybox'] })),
        403,
        /image busybox is not pinned/,
      );
    });

    for (const kind of ['ConfigMap', 'Secret'] as const)
      it(`${kind}: the approved change alone (no images)`, async () => {
        reset();
        const r = await send(review({ kind, change: 'CHG-9' }));
        assert.equal(r.allowed, true, JSON.stringify(r));
        assert.deepEqual(gate.calls[0]!.input.artifacts, []);
        assert.match(
          gate.calls[0]!.input.pipelineUrl!,
          new RegExp(`/api/v1/namespaces/default/${kind.toLowerCase()}s/nginx$`),
        );
        reset();
        denied(
          await send(review({ kind, change: null })),
          403,
          /annotate the object with changeproof\.io\/change/,
        );
        assert.deepEqual(gate.calls, []);
      });

    it('admits kinds it does not gate, namespaces outside its scope and deletions untouched', async () => {
      reset();
      untouched(await send(review({ kind: 'Pod', change: null })));
      untouched(await send(review({ namespace: 'kube-system', change: null, images: ['nginx:latest'] })));
      untouched(await send(review({ operation: 'DELETE', change: null })));
    });
  });

  describe('what the object must carry', () => {
    it('names every reason at once, and asks the gate for nothing it could not record', async () => {
      reset();
      const r = await send(review({ change: null, service: null, images: ['nginx:latest'] }));
      denied(r, 403, /changeproof\.io\/change.*changeproof\.io\/service.*nginx:latest is not pinned/);
      assert.deepEqual(gate.calls, []);
      denied(
        await send(review({ change: 'change-12', images: [pinned('a', 1)] })),
        403,
        /"change-12", not a change id/,
      );
    });

    it("adds the gate's reasons to its own", async () => {
      reset();
      gate.deny = [{ code: 'freeze', message: 'inside the freeze "year-end"' }];
      const r = await send(review({ images: [pinned('a', 1), 'b:1'] }));
      denied(r, 403, /b:1 is not pinned.*inside the freeze "year-end"/);
    });
  });

  describe('modes, dry runs and deadlines', () => {
    it('warn mode admits what enforce refuses, with every reason as a warning', async () => {
      reset();
      gate.deny = [{ code: 'not_approved', message: 'CHG-1 is not approved' }];
      const body = review({ images: [pinned('a', 1), 'b:1'] });
      denied(await send(body, { mode: 'enforce' }), 403, /CHG-1 is not approved/);
      const r = await send(body, { mode: 'warn' });
      assert.equal(r.allowed, true);
      assert.equal(r.status, undefined);
      assert.equal(r.warnings?.length, 2);
      assert.match(r.warnings?.[0] ?? '', /warn mode.*b:1 is not pinned/);
      assert.match(r.warnings?.[1] ?? '', /CHG-1 is not approved/);
      reset();
      const clean = await send(review({ images: [pinned('a', 1)] }), { mode: 'warn' });
      assert.equal(clean.allowed, true);
      assert.equal(clean.warnings, undefined);
    });

    it("answers a dry run with the gate's dry run: same answer, nothing recorded, no idempotency key", async () => {
      reset();
      const r = await send(review({ dryRun: true, images: [pinned('a', 1)] }));
      assert.equal(r.allowed, true);
      assert.equal(gate.calls[0]!.input.dryRun, true);
      assert.equal(gate.calls[0]!.key, undefined);
      assert.deepEqual(r.auditAnnotations, { change: 'CHG-1', decision: 'dry-run' });
      reset();
      gate.approved.clear();
      denied(await send(review({ dryRun: true, images: [pinned('a', 1)] })), 403, /was not approved/);
    });

    it('denies when the gate does not answer in time (fail closed), and only warns in warn mode', async () => {
      reset();
      gate.behaviour = 'hang';
      const started = Date.now();
      denied(await send(review({ images: [pinned('a', 1)] })), 403, /the gate did not answer within 300 ms/);
      assert.ok(Date.now() - started < 2000, `answered after ${Date.now() - started} ms`);
      const r = await send(review({ images: [pinned('a', 1)] }), { mode: 'warn' });
      assert.equal(r.allowed, true);
      assert.match(r.warnings?.[0] ?? '', /did not answer within 300 ms/);
    });

    it('denies when the gate fails, naming no internals (they go to the log)', async () => {
      reset();
      gate.behaviour = 'throw';
      const before = logs.length;
      const r = await send(review({ images: [pinned('a', 1)] }));
      denied(r, 403, /the gate could not decide; the server log has the details/);
      assert.doesNotMatch(JSON.stringify(r), /ECONNREFUSED/);
      assert.match(logs.slice(before).join(''), /ECONNREFUSED/);
    });

    it("denies with the gate's own refusal when the token's owner may not ask it", async () => {
      reset();
      gate.behaviour = 'forbid';
      denied(
        await send(review({ images: [pinned('a', 1)] })),
        403,
        /asking the gate needs the deployer role/,
      );
    });
  });

  describe('authentication and malformed reviews: a review that denies, never a 500', () => {
    it('refuses a review without a token, or with a token lacking the gate scope, in both modes', async () => {
      reset();
      const ledger = await ledgerSize(t);
      const others = (
        await t.c.identity.createToken(SYSTEM_ACTOR, {
          name: 'no gate',
          owner: 'ci',
          scopes: ['changes:read', 'changes:write', 'changes:approve', 'services:read', 'policy:read'],
          expiresAt: null,
        })
      ).token;
      for (const mode of ['enforce', 'warn'] as const) {
        denied(
          await send(review({ images: [pinned('a', 1)] }), { mode, token: null }),
          401,
          /sign in first|Bearer/,
        );
        denied(
          await send(review({ images: [pinned('a', 1)] }), { mode, token: 'cpt_unknown' }),
          401,
          /unknown/,
        );
        denied(
          await send(review({ images: [pinned('a', 1)] }), { mode, token: others }),
          403,
          /lacks the gate scope/,
        );
      }
      assert.deepEqual(gate.calls, []);
      assert.equal(await ledgerSize(t), ledger + 1, 'only the token made here was recorded');
    });

    it('answers malformed reviews with allowed: false and what is wrong', async () => {
      reset();
      denied(await send('{not json'), 400, /not valid JSON/);
      const noUid = review();
      delete noUid.request.uid;
      denied(await send(noUid), 400, /body\.request\.uid/);
      const noObject = review();
      delete noObject.request.object;
      const r = await send(noObject);
      denied(r, 400, /request\.object is missing for CREATE/);
      assert.equal(r.uid, noObject.request.uid);
      denied(await send({ ...review(), kind: 'TokenReview' }), 400, /body\.kind/);
      denied(
        await send(JSON.stringify({ ...review(), request: { ...review().request, operation: 'PATCH' } })),
        400,
        /operation/,
      );
      assert.deepEqual(gate.calls, []);
    });

    it('reads a review as large as the API server sends (a 1 MiB ConfigMap and its old version)', async () => {
      reset();
      const big = 'x'.repeat(1024 * 1024 - 100);
      const body = review({ kind: 'ConfigMap', operation: 'UPDATE', data: { big } });
      body.request.object = { ...body.request.object!, data: { big: `${big}!` } };
      const r = await send(body);
      assert.equal(r.allowed, true, JSON.stringify(r).slice(0, 300));
      assert.equal(gate.calls.length, 1, 'the content changed: the gate was asked');
      const huge = review({ kind: 'ConfigMap', data: { big: 'x'.repeat(7 * 1024 * 1024) } });
      // Past the limit the body is not read, so the answer cannot carry the uid: the API server reports the
      // webhook as failing and, with failurePolicy Fail, refuses the object all the same.
      denied(await send(JSON.stringify(huge)), 413, /too large/);
    });

    it('answers a body that is not JSON (no API server sends one) with 415 in our error form', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: PATH,
        payload: 'uid=1',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Bearer ${gateToken}`,
        },
      });
      assert.match(expectError(res, 415, 'validation_failed').message, /application\/json/);
    });
  });

  it('never puts Secret data in an answer, a gate call or the log', async () => {
    reset();
    const marker = 'hunter2-do-not-leak';
    const before = logs.length;
    const encoded = Buffer.from(marker).toString('base64');
    for (const change of ['CHG-5', null]) {
      const body = review({ kind: 'Secret', change, data: { password: encoded, [marker]: encoded } });
      body.request.object!.stringData = { token: marker };
      const r = await send(body);
      for (const text of [JSON.stringify(r), JSON.stringify(gate.calls), logs.slice(before).join('')]) {
        assert.ok(!text.includes(marker) && !text.includes(encoded), `leaked in ${text.slice(0, 200)}`);
      }
    }
    assert.ok(logs.length > before, 'the requests were logged');
  });

  it('denies everything it would gate until the cluster environment is configured', async () => {
    const app = await buildApp(t.c);
    try {
      const res = await app.inject({
        method: 'POST',
        url: PATH,
        payload: review({ images: [pinned('a', 1)] }),
        headers: { authorization: `Bearer ${gateToken}` },
      });
      const r = res.json<Answer>().response;
      denied(r, 403, /set CHANGEPROOF_K8S_ENVIRONMENT/);
    } finally {
      await app.close();
    }
  });
});

describe('Kubernetes admission configuration', () => {
  it('reads the cluster, namespaces, mode, deadline and TLS files from the environment', () => {
    const c = loadConfig({
      CHANGEPROOF_K8S_ENVIRONMENT: 'prod',
      CHANGEPROOF_K8S_CLUSTER: 'prod-eu-1',
      CHANGEPROOF_K8S_NAMESPACES: 'payments, checkout',
      CHANGEPROOF_K8S_MODE: 'warn',
      CHANGEPROOF_K8S_TIMEOUT_SECONDS: '2.5',
      CHANGEPROOF_TLS_CERT: '/etc/tls/tls.crt',
      CHANGEPROOF_TLS_KEY: '/etc/tls/tls.key',
    });
    assert.deepEqual(c.connectors['k8s-admission'], {
      environment: 'prod',
      cluster: 'prod-eu-1',
      namespaces: ['payments', 'checkout'],
      mode: 'warn',
      timeoutMs: 2500,
    });
    assert.deepEqual(c.tls, { certFile: '/etc/tls/tls.crt', keyFile: '/etc/tls/tls.key' });
    const defaults = loadConfig({});
    assert.deepEqual(defaults.connectors['k8s-admission'], {
      environment: null,
      cluster: 'kubernetes',
      namespaces: '*',
      mode: 'enforce',
      timeoutMs: 3000,
    });
    assert.equal(defaults.tls, null);
  });

  it('stops on bad values with what to set', () => {
    assert.throws(() => loadConfig({ CHANGEPROOF_K8S_TIMEOUT_SECONDS: '10' }), /at most 9/);
    assert.throws(() => loadConfig({ CHANGEPROOF_K8S_MODE: 'audit' }), /CHANGEPROOF_K8S_MODE/);
    assert.throws(() => loadConfig({ CHANGEPROOF_K8S_NAMESPACES: 'Payments;x' }), /comma-separated/);
    assert.throws(() => loadConfig({ CHANGEPROOF_TLS_CERT: '/etc/tls/tls.crt' }), /together/);
  });
});
