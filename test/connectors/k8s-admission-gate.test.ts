// The admission webhook against the real gate, over HTTPS, on both engines: a change is raised with the
// digests it ships, approved and scheduled; the cluster then admits exactly what it approved, the decision
// is a ledger event of the change, a retried review replays the first answer, a dry run records nothing,
// and a Secret's data never reaches the ledger.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { K8sAdmissionSettings } from '../../src/connectors/k8s-admission/settings.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, events, hoursLater, ledgerSince, ledgerSize, raise } from '../support/http.ts';
import { digest, pinned, postHttps, review, servingCertificate, type ReviewJson } from './k8s-reviews.ts';

const PATH = '/api/v1/connectors/k8s-admission/validate';
const SETTINGS: K8sAdmissionSettings = {
  environment: 'prod',
  cluster: 'prod-eu-1',
  namespaces: '*',
  mode: 'enforce',
  timeoutMs: 3000,
};

interface Response {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  auditAnnotations?: Record<string, string>;
}

for (const engine of engines()) {
  describe(`Kubernetes admission through the real gate (${engine})`, () => {
    let t: TestApp;
    let tls: { cert: string; key: string };
    let url: string;
    let token: string;
    let approved: string;
    let submitted: string;

    before(async () => {
      tls = await servingCertificate();
      t = await startTestApp(engine, { https: tls, connectorSettings: { 'k8s-admission': SETTINGS } });
      url = `${await t.app.listen({ host: '127.0.0.1', port: 0 })}${PATH}`;
      await registerServices(t);
      // The API server's credential: a token of the `ci` bot (a deployer by role) with the gate scope alone.
      token = (
        await t.c.identity.createToken(SYSTEM_ACTOR, {
          name: 'kube-apiserver',
          owner: 'ci',
          scopes: ['gate'],
          expiresAt: null,
        })
      ).token;
      approved = await change([digest(1), digest(3)], true);
      submitted = await change([digest(1)], false);
    });
    after(() => t.close());

    /** A change to payments-api (prod) shipping these digests; approved and scheduled around now, or only submitted. */
    async function change(artifacts: string[], approve: boolean): Promise<string> {
      const { id } = await raise(t, 'alice', {
        title: 'Payments API 1.8',
        services: ['payments-api'],
        ...COMPLETE_RECORD,
        artifacts,
      });
      await act(t, 'alice', id, 'submit');
      if (!approve) return id;
      await act(t, 'sam', id, 'approve');
      await act(t, 'tom', id, 'approve');
      await act(t, 'alice', id, 'schedule', {
        window: { start: t.clock.now.toISOString(), end: hoursLater(t.clock.now, 2).toISOString() },
      });
      return id;
    }

    async function send(body: ReviewJson, as = token): Promise<Response> {
      const res = await postHttps(url, JSON.stringify(body), tls.cert, { authorization: `Bearer ${as}` });
      assert.equal(res.status, 200, res.body);
      const { response } = res.json() as { response: Response };
      assert.equal(response.uid, body.request.uid);
      return response;
    }
    const deployment = (change: string, images: string[], more: Parameters<typeof review>[0] = {}) =>
      review({
        change,
        service: 'payments-api',
        namespace: 'payments',
        images: images.slice(0, 1),
        initImages: images.slice(1),
        ...more,
      });

    it('admits what the approved change ships, recorded on the change; a retried review replays it', async () => {
      const body = deployment(approved, [
        pinned('registry.test/payments-api', 1),
        pinned('registry.test/migrate', 3),
      ]);
      const since = await ledgerSize(t);
      const r = await send(body);
      assert.equal(r.allowed, true, JSON.stringify(r));
      const recorded = await ledgerSince(t, since);
      assert.deepEqual(
        recorded.map((e) => [e.type, e.subject, e.actor.id]),
        [['gate.decided', approved, 'ci']],
      );
      const data = recorded[0]!.data;
      assert.equal(data.decision, 'allow');
      assert.equal(data.source, 'kubernetes');
      assert.equal(data.environment, 'prod');
      assert.deepEqual((data.artifacts as string[]).sort(), [digest(1), digest(3)]);
      assert.equal(
        data.pipelineUrl,
        'kubernetes://prod-eu-1/apis/apps/v1/namespaces/payments/deployments/nginx',
      );
      assert.equal(r.auditAnnotations?.change, approved);
      assert.ok(r.auditAnnotations?.decision && r.auditAnnotations.decision !== 'dry-run');
      // The API server retrying the same review (same uid): the first answer, nothing recorded again.
      assert.deepEqual(await send(body), r);
      assert.equal(await ledgerSize(t), since + 1);
      assert.ok((await events(t, approved)).some((e) => e.type === 'gate.decided'));
    });

    it('refuses a digest the change did not approve, and a change not yet approved, with the gate’s reasons', async () => {
      const since = await ledgerSize(t);
      const other = await send(deployment(approved, [pinned('registry.test/payments-api', 2)]));
      assert.equal(other.allowed, false);
      assert.equal(other.status?.code, 403);
      assert.match(
        other.status?.message ?? '',
        new RegExp(`not the artifacts tested and approved for ${approved}: ${digest(2)}`),
      );
      const early = await send(deployment(submitted, [pinned('registry.test/payments-api', 1)]));
      assert.match(
        early.status?.message ?? '',
        new RegExp(`${submitted} is awaiting approval; only approved changes ship`),
      );
      const elsewhere = await send(
        review({
          change: approved,
          service: 'edge-proxy',
          namespace: 'edge',
          images: [pinned('registry.test/edge', 1)],
        }),
      );
      assert.match(elsewhere.status?.message ?? '', /changes payments-api, not edge-proxy/);
      // Each refusal is a recorded decision too.
      const recorded = await ledgerSince(t, since);
      assert.deepEqual(
        recorded.map((e) => [e.type, e.data.decision]),
        [
          ['gate.decided', 'deny'],
          ['gate.decided', 'deny'],
          ['gate.decided', 'deny'],
        ],
      );
    });

    it('answers a dry run the same way and records nothing; an image by tag records nothing either', async () => {
      const since = await ledgerSize(t);
      const dry = await send(
        deployment(approved, [pinned('registry.test/payments-api', 1)], { dryRun: true }),
      );
      assert.equal(dry.allowed, true, JSON.stringify(dry));
      assert.equal(dry.auditAnnotations?.decision, 'dry-run');
      const dryDenied = await send(
        deployment(approved, [pinned('registry.test/payments-api', 2)], { dryRun: true }),
      );
      assert.equal(dryDenied.allowed, false);
      const tagged = await send(deployment(approved, ['registry.test/payments-api:1.8']));
      assert.match(tagged.status?.message ?? '', /is not pinned by a digest/);
      assert.equal(await ledgerSize(t), since);
    });

    it('admits a Secret of the approved change without its data reaching the ledger', async () => {
      const marker = 'hunter2-in-the-ledger?';
      const since = await ledgerSize(t);
      const body = review({
        kind: 'Secret',
        change: approved,
        service: 'payments-api',
        namespace: 'payments',
      });
      body.request.object!.data = { password: Buffer.from(marker).toString('base64') };
      body.request.object!.stringData = { token: marker };
      const r = await send(body);
      assert.equal(r.allowed, true, JSON.stringify(r));
      const recorded = JSON.stringify(await ledgerSince(t, since));
      assert.ok(recorded.includes('gate.decided'));
      assert.ok(!recorded.includes(marker) && !recorded.includes(Buffer.from(marker).toString('base64')));
    });

    it('passes on the gate’s refusal when the token’s owner may not ask it', async () => {
      await t.c.identity.createUser(SYSTEM_ACTOR, {
        username: 'reader-bot',
        email: 'reader-bot@example.test',
        kind: 'bot',
        roles: ['viewer'],
        groups: [],
      });
      const viewer = (
        await t.c.identity.createToken(SYSTEM_ACTOR, {
          name: 'k',
          owner: 'reader-bot',
          scopes: ['gate'],
          expiresAt: null,
        })
      ).token;
      const since = await ledgerSize(t);
      const r = await send(deployment(approved, [pinned('registry.test/payments-api', 1)]), viewer);
      assert.equal(r.allowed, false);
      assert.equal(r.status?.code, 403);
      assert.doesNotMatch(r.status?.message ?? '', /server log/);
      assert.equal(await ledgerSize(t), since);
    });
  });
}
