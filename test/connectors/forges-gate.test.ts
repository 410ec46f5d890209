// GitHub and GitLab against the real deployment gate: a change raised and approved by two other people
// lets its deployment through, and the forge hears `approved`; one still awaiting approval is rejected
// with the gate's reasons; either way the decision is in the change's history, made by the connector.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  CONNECTOR_SECRET_NAMES as SECRET,
  DEFAULT_CONNECTOR_SETTINGS,
} from '../../src/connectors/settings.ts';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, events, hoursLater, noServerErrors, raise } from '../support/http.ts';
import { deliveryValidator, protectionRuleDelivery } from './github/github-contract.ts';
import { startGitHubStandIn, type GitHubStandIn } from './github/github-stand-in.ts';
import { GITLAB_TOKEN, startGitLabStandIn, type GitLabStandIn } from './gitlab/gitlab-stand-in.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const GITHUB_SECRET = 'github-webhook-secret-0123456789';
const GITLAB_SECRET = 'gitlab-webhook-token-0123456789';
const APP_ID = '98765';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const validDelivery = deliveryValidator();
const SAMPLE = readFileSync(
  new URL('../fixtures/gitlab-webhooks/go-gitlab-deployment.json', import.meta.url),
  'utf8',
);

for (const engine of engines()) {
  describe(`GitHub and GitLab with the real gate (${engine})`, () => {
    let t: TestApp;
    let gh: GitHubStandIn;
    let gl: GitLabStandIn;
    let approved: string;
    let awaiting: string;
    let n = 0;
    before(async () => {
      gh = await startGitHubStandIn({ appId: APP_ID, publicKeyPem: keys.publicKey });
      gl = await startGitLabStandIn();
      const retryDelaysMs = [20];
      t = noServerErrors(
        await startTestApp(engine, {
          connectorSettings: {
            github: {
              ...DEFAULT_CONNECTOR_SETTINGS.github,
              apiUrl: gh.apiUrl,
              appId: APP_ID,
              environments: { production: 'prod' },
              services: { 'Codertocat/Hello-World': 'payments-api' },
              retryDelaysMs,
            },
            gitlab: {
              ...DEFAULT_CONNECTOR_SETTINGS.gitlab,
              url: gl.url,
              environments: { staging: 'prod' },
              services: { 'root/test-deployment-webhooks': 'payments-api' },
              retryDelaysMs,
            },
          },
          connectorSecrets: {
            [SECRET.githubWebhook]: GITHUB_SECRET,
            [SECRET.githubAppPrivateKey]: keys.privateKey,
            [SECRET.gitlabWebhook]: GITLAB_SECRET,
            [SECRET.gitlabToken]: GITLAB_TOKEN,
          },
        }),
      );
      await registerServices(t);
      const change = {
        title: 'TLS 1.3 only',
        services: ['payments-api'],
        ...COMPLETE_RECORD,
        artifacts: [A],
      };
      approved = (await raise(t, 'alice', change)).id;
      await act(t, 'alice', approved, 'submit');
      // Approved by two people other than the requester, in the groups the policy asks for.
      await act(t, 'sam', approved, 'approve');
      await act(t, 'tom', approved, 'approve');
      await act(t, 'alice', approved, 'schedule', {
        window: { start: t.clock.now.toISOString(), end: hoursLater(t.clock.now, 2).toISOString() },
      });
      awaiting = (await raise(t, 'alice', change)).id;
      await act(t, 'alice', awaiting, 'submit');
    });
    after(async () => {
      await t.close();
      await gh.close();
      await gl.close();
    });
    beforeEach(() => {
      gh.callbacks.length = 0;
      gl.calls.length = 0;
    });

    const github = async (change: string, artifact = A) => {
      const body = protectionRuleDelivery({
        apiUrl: gh.apiUrl,
        runId: 500 + ++n,
        deployment: { payload: { change, artifact } },
      });
      assert.equal(validDelivery(body), null);
      const raw = JSON.stringify(body);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/connectors/github/webhook',
        payload: raw,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'deployment_protection_rule',
          'x-github-delivery': `5e1f0000-0000-4000-8000-${String(n).padStart(12, '0')}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(raw).digest('hex')}`,
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      const [cb] = await gh.waitFor(1);
      assert.equal(cb!.contractError, null);
      return cb!.body as { environment_name: string; state: string; comment: string };
    };

    const gitlab = async (change: string) => {
      const hook = {
        ...(JSON.parse(SAMPLE) as object),
        status: 'blocked',
        commit_title: `Ship it (${change})`,
      };
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/connectors/gitlab/webhook',
        payload: JSON.stringify(hook),
        headers: {
          'content-type': 'application/json',
          'x-gitlab-token': GITLAB_SECRET,
          'x-gitlab-event-uuid': `9a1b0000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      const [call] = await gl.waitFor(1);
      assert.equal(call!.contractError, null);
      return call!.body as { status: string; comment: string };
    };

    const decisions = async (id: string) =>
      (await events(t, id))
        .filter((e) => e.type === 'gate.decided')
        .map((e) => ({ actor: e.actor.id, ...(e.data as { decision: string; source: string }) }));

    it('GitHub hears approved for the approved change and its artifact, recorded on the change', async () => {
      const body = await github(approved);
      assert.equal(body.state, 'approved', body.comment);
      assert.equal(body.environment_name, 'production');
      const d = (await decisions(approved)).at(-1)!;
      assert.deepEqual([d.actor, d.decision, d.source], ['connector:github', 'allow', 'github']);
    });

    it('GitHub hears rejected, with the reasons, for another artifact or a change awaiting approval', async () => {
      const other = await github(approved, B);
      assert.equal(other.state, 'rejected');
      assert.match(other.comment, /\[artifact_not_approved\]/);
      gh.callbacks.length = 0;
      const waiting = await github(awaiting);
      assert.equal(waiting.state, 'rejected');
      assert.match(waiting.comment, new RegExp(`refused for ${awaiting}`));
      assert.ok(waiting.comment.split('\n').length >= 2, waiting.comment);
      assert.deepEqual(
        (await decisions(awaiting)).map((d) => d.decision),
        ['deny'],
      );
    });

    it('GitLab hears approved for the approved change, and rejected for one awaiting approval', async () => {
      const ok = await gitlab(approved);
      assert.equal(ok.status, 'approved', ok.comment);
      gl.calls.length = 0;
      const no = await gitlab(awaiting);
      assert.equal(no.status, 'rejected');
      assert.match(no.comment, /\[[a-z_]+\]/);
      assert.equal((await decisions(approved)).filter((d) => d.source === 'gitlab').length, 1);
    });
  });
}
