// The shipped Kubernetes examples say what the webhook needs: the ValidatingWebhookConfiguration sends the
// kinds it gates to the route it serves, fails closed, and asks for v1; the example Deployment is admitted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { declaredAccess } from '../../src/server/authorize.ts';
import { FakeGate, review, type ObjectJson } from './k8s-reviews.ts';

const DIR = join(import.meta.dirname, '../../examples/kubernetes');
const yaml = (file: string): unknown => parse(readFileSync(join(DIR, file), 'utf8'));

interface Rule {
  apiGroups: string[];
  apiVersions: string[];
  operations: string[];
  resources: string[];
}
interface WebhookConfiguration {
  kind: string;
  webhooks: {
    admissionReviewVersions: string[];
    sideEffects: string;
    failurePolicy: string;
    timeoutSeconds: number;
    clientConfig: { service: { path: string } };
    namespaceSelector: { matchExpressions: unknown[] };
    rules: Rule[];
  }[];
}

describe('Kubernetes examples', () => {
  let t: TestApp;
  const gate = new FakeGate();
  before(async () => {
    t = await startTestApp('sqlite', {
      connectorSettings: {
        'k8s-admission': {
          environment: 'prod',
          cluster: 'prod-eu-1',
          namespaces: ['payments'],
          mode: 'enforce',
          timeoutMs: 3000,
        },
      },
    });
    Object.assign(t.c, { gate });
  });
  after(() => t.close());

  it('the ValidatingWebhookConfiguration fails closed, asks for v1 and sends every gated kind to the route', () => {
    const config = yaml('validating-webhook-configuration.yaml') as WebhookConfiguration;
    assert.equal(config.kind, 'ValidatingWebhookConfiguration');
    const [hook] = config.webhooks;
    assert.ok(hook);
    assert.deepEqual(hook.admissionReviewVersions, ['v1']);
    assert.equal(hook.sideEffects, 'NoneOnDryRun');
    assert.equal(hook.failurePolicy, 'Fail');
    assert.ok(
      hook.timeoutSeconds > 3 && hook.timeoutSeconds <= 10,
      'longer than the gate deadline, within 10 s',
    );
    assert.ok(hook.namespaceSelector.matchExpressions.length > 0);
    const served = declaredAccess(t.app).map((r) => `${r.method} ${r.url}`);
    assert.ok(served.includes(`POST ${hook.clientConfig.service.path}`), hook.clientConfig.service.path);
    const sent = hook.rules.flatMap((r) =>
      r.resources.map((res) => `${r.apiGroups.join()}/${res} ${r.operations.sort().join()}`),
    );
    assert.deepEqual(sent.sort(), [
      '/configmaps CREATE,UPDATE',
      '/secrets CREATE,UPDATE',
      'apps/daemonsets CREATE,UPDATE',
      'apps/deployments CREATE,UPDATE',
      'apps/statefulsets CREATE,UPDATE',
      'batch/cronjobs CREATE,UPDATE',
      'batch/jobs CREATE,UPDATE',
    ]);
  });

  it('the admission configuration points the API server at a kubeconfig holding a token', () => {
    const docs = parseAllDocuments(readFileSync(join(DIR, 'admission-configuration.yaml'), 'utf8')).map(
      (d) => d.toJS() as { kind: string; users?: { user: { token: string } }[] },
    );
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['AdmissionConfiguration', 'Config'],
    );
    assert.match(docs[1]?.users?.[0]?.user.token ?? '', /^cpt_/);
  });

  it('the example Deployment is admitted once its change approved its digests', async () => {
    const object = yaml('deployment.yaml') as ObjectJson;
    const body = review();
    Object.assign(body.request, { namespace: 'payments', name: object.metadata.name, object });
    gate.approved = new Set([`sha256:${'1'.repeat(64)}`, `sha256:${'3'.repeat(64)}`]);
    const token = (
      await t.c.identity.createToken(SYSTEM_ACTOR, {
        name: 'k8s',
        owner: 'ci',
        scopes: ['gate'],
        expiresAt: null,
      })
    ).token;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connectors/k8s-admission/validate',
      payload: body,
      headers: { authorization: `Bearer ${token}` },
    });
    const { response } = res.json<{ response: { allowed: boolean } }>();
    assert.equal(response.allowed, true, res.body);
    assert.deepEqual(gate.calls[0]?.input.change, 'CHG-42');
    assert.equal(gate.calls[0]?.input.artifacts.length, 2);
    gate.approved.clear();
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connectors/k8s-admission/validate',
      payload: body,
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(refused.json<{ response: { allowed: boolean } }>().response.allowed, false);
  });
});
