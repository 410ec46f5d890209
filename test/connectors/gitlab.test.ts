// The GitLab connector against a stand-in GitLab, driven by GitLab's real `deployment` webhook sample
// (test/fixtures/gitlab-webhooks/): blocked deployments decided with the gate and answered through the
// deployment approval API, the approved job played when asked, the token and replays checked, and the job
// that polls blocked deployments for GitLab versions without the webhook.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import {
  CONNECTOR_SECRET_NAMES as SECRET,
  DEFAULT_CONNECTOR_SETTINGS,
  type GitLabSettings,
} from '../../src/connectors/settings.ts';
import { gitlabBlockedDeploymentsJob } from '../../src/jobs/gitlab-blocked-deployments.job.ts';
import { buildApp, type AppOptions } from '../../src/server/app.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { expectError, ledgerSize } from '../support/http.ts';
import { installFakeGate, type FakeGate } from './fake-gate.ts';
import { GITLAB_TOKEN, startGitLabStandIn, type GitLabStandIn } from './gitlab/gitlab-stand-in.ts';

const HOOK = '/api/v1/connectors/gitlab/webhook';
const WEBHOOK_TOKEN = 'gitlab-webhook-token-0123456789';
const SAMPLE = readFileSync(
  new URL('../fixtures/gitlab-webhooks/go-gitlab-deployment.json', import.meta.url),
  'utf8',
);
const sample = () => JSON.parse(SAMPLE) as Record<string, unknown> & { project: { id: number } };
/** The real sample as a blocked deployment awaiting approval, its commit naming a change. */
const blocked = (title = 'Add new file (CHG-7)', extra: Record<string, unknown> = {}) => ({
  ...sample(),
  status: 'blocked',
  commit_title: title,
  ...extra,
});
const isApproval = (c: { path: string }) => c.path.endsWith('/approval');

function settingsFor(gl: GitLabStandIn, o: Partial<GitLabSettings> = {}): GitLabSettings {
  return {
    ...DEFAULT_CONNECTOR_SETTINGS.gitlab,
    url: gl.url,
    environments: { staging: 'stage' },
    services: { 'root/test-deployment-webhooks': 'payments-api' },
    retryDelaysMs: [20, 20],
    ...o,
  };
}
const secrets: Record<string, string> = {
  [SECRET.gitlabWebhook]: WEBHOOK_TOKEN,
  [SECRET.gitlabToken]: GITLAB_TOKEN,
};
const optionsFor = (gl: GitLabStandIn, o: Partial<GitLabSettings> = {}): AppOptions => ({
  connectorSettings: { ...DEFAULT_CONNECTOR_SETTINGS, gitlab: settingsFor(gl, o) },
  connectorSecrets: secrets,
});

for (const engine of engines()) {
  describe(`GitLab deployment approvals (${engine})`, () => {
    let t: TestApp;
    let gl: GitLabStandIn;
    let gate: FakeGate;
    let seq = 0;
    before(async () => {
      gl = await startGitLabStandIn();
      t = await startTestApp(engine, optionsFor(gl));
      gate = installFakeGate(t.c);
    });
    after(async () => {
      await t.close();
      await gl.close();
    });
    beforeEach(() => {
      gate.answer = 'allow';
      gate.asked.length = 0;
      gl.calls.length = 0;
    });

    const deliver = (
      body: unknown,
      o: {
        app?: FastifyInstance;
        token?: string | null;
        uuid?: string | null;
        headers?: Record<string, string>;
      } = {},
    ): Promise<LightMyRequestResponse> =>
      (o.app ?? t.app).inject({
        method: 'POST',
        url: HOOK,
        payload: JSON.stringify(body),
        headers: {
          'content-type': 'application/json',
          'x-gitlab-event': 'Deployment Hook',
          ...(o.token === null ? {} : { 'x-gitlab-token': o.token ?? WEBHOOK_TOKEN }),
          ...(o.uuid === null
            ? {}
            : {
                'x-gitlab-event-uuid': o.uuid ?? `9b3f3c7e-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
              }),
          ...o.headers,
        },
      });

    it('ships the sample with its licence and source', () => {
      const dir = new URL('../fixtures/gitlab-webhooks/', import.meta.url);
      assert.match(readFileSync(new URL('LICENSE-xanzy-go-gitlab', dir), 'utf8'), /Apache License/);
      assert.match(
        readFileSync(new URL('README.md', dir), 'utf8'),
        /xanzy\/go-gitlab.*\n?.*39326834e5b1a263a8f63cb9e5d21a62e5a3981b/,
      );
    });

    it('ignores the sample as sent (a finished deployment): only blocked ones wait for us', async () => {
      const res = await deliver(sample());
      assert.equal(res.statusCode, 202);
      assert.match(res.body, /status success/);
      assert.equal(gate.asked.length, 0);
    });

    it('approves a blocked deployment the gate allows, with the decision as the comment', async () => {
      const res = await deliver(blocked());
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(
        gate.asked.map((a) => [
          a.actor.id,
          a.input.change,
          a.input.service,
          a.input.environment,
          a.input.source,
        ]),
        [['connector:gitlab', 'CHG-7', 'payments-api', 'stage', 'gitlab']],
      );
      assert.equal(
        gate.asked[0]!.input.pipelineUrl,
        'http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796',
      );
      const [call] = await gl.waitFor(1, isApproval);
      assert.equal(call!.path, '/projects/30/deployments/15/approval');
      assert.equal(call!.contractError, null);
      const body = call!.body as { status: string; comment: string };
      assert.equal(body.status, 'approved');
      assert.match(body.comment, /CHG-7 allows payments-api to stage \(change found in the commit message\)/);
      assert.equal(
        gl.calls.some((c) => c.path.endsWith('/play')),
        false,
        'not played unless configured',
      );
    });

    it('rejects with every reason, and without asking when nothing names a change', async () => {
      gate.answer = [
        { code: 'not_approved', message: 'CHG-7 is awaiting approval' },
        { code: 'outside_window', message: 'outside the change window' },
      ];
      await deliver(blocked());
      const rejected = (await gl.waitFor(1, isApproval))[0]!.body as { status: string; comment: string };
      assert.equal(rejected.status, 'rejected');
      assert.match(
        rejected.comment,
        /- CHG-7 is awaiting approval \[not_approved\]\n- outside the change window \[outside_window\]/,
      );
      await deliver(blocked('Add new file'));
      const unnamed = (await gl.waitFor(2, isApproval))[1]!.body as { status: string; comment: string };
      assert.equal(unnamed.status, 'rejected');
      assert.match(unnamed.comment, /no change named/);
      assert.equal(gate.asked.length, 1);
    });

    it('plays the approved job when configured, never a rejected one', async () => {
      const app = await buildApp(t.c, optionsFor(gl, { playApproved: true }));
      try {
        await deliver(blocked(), { app });
        await gl.waitFor(2);
        assert.deepEqual(
          gl.calls.map((c) => c.path),
          ['/projects/30/deployments/15/approval', '/projects/30/jobs/796/play'],
        );
        gate.answer = [{ code: 'frozen', message: 'freeze' }];
        await deliver(blocked(), { app });
        await gl.waitFor(3);
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(gl.calls.filter((c) => c.path.endsWith('/play')).length, 1);
      } finally {
        await app.close();
      }
    });

    it('refuses a wrong or missing token, deciding nothing', async () => {
      const size = await ledgerSize(t);
      expectError(
        await deliver(blocked(), { token: 'gitlab-webhook-token-012345678' }),
        401,
        'unauthenticated',
      );
      expectError(await deliver(blocked(), { token: null }), 401, 'unauthenticated');
      assert.equal(gate.asked.length, 0);
      assert.equal(gl.calls.length, 0);
      assert.equal(await ledgerSize(t), size);
    });

    it('refuses a replay by X-Gitlab-Event-UUID or Idempotency-Key, and a delivery with neither', async () => {
      const uuid = '11111111-2222-4333-8444-555555555555';
      assert.equal((await deliver(blocked(), { uuid })).statusCode, 200);
      expectError(await deliver(blocked(), { uuid }), 409, 'conflict');
      const key = { 'idempotency-key': '66666666-7777-4888-8999-000000000000' };
      assert.equal((await deliver(blocked(), { uuid: null, headers: key })).statusCode, 200);
      expectError(await deliver(blocked(), { uuid: null, headers: key }), 409, 'conflict');
      assert.match(
        expectError(await deliver(blocked(), { uuid: null }), 400, 'validation_failed').message,
        /X-Gitlab-Event-UUID/,
      );
      assert.equal(gate.asked.length, 2);
    });

    it('retries a failing approval and reports it', async () => {
      gl.failNext(1, 503);
      const res = await deliver(blocked());
      assert.equal(res.statusCode, 202);
      assert.equal(res.json<{ approval: string }>().approval, 'retrying');
      const calls = await gl.waitFor(2, isApproval);
      assert.equal((calls[1]!.body as { status: string }).status, 'approved');
    });

    it('polls blocked deployments for GitLab versions without the webhook, answering each once', async () => {
      gl.projects.push({
        id: 30,
        name: 'test-deployment-webhooks',
        path_with_namespace: 'root/test-deployment-webhooks',
      });
      // The shape of GitLab's "List project deployments" answer.
      gl.blocked.set(30, [
        {
          id: 41,
          iid: 3,
          ref: 'main',
          sha: '279484c09fbe69ededfced8c1bb6e6d24616b468',
          status: 'blocked',
          environment: { id: 9, name: 'staging', external_url: 'https://staging.example.com' },
          deployable: {
            id: 801,
            status: 'manual',
            web_url: 'http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/801',
            commit: {
              id: '279484c09fbe69ededfced8c1bb6e6d24616b468',
              title: 'Rotate keys',
              message: 'Rotate keys\n\nChange: CHG-9',
            },
          },
        },
        { id: 42, ref: 'main', status: 'blocked', environment: { id: 9, name: 'staging' }, deployable: null },
      ]);
      const job = gitlabBlockedDeploymentsJob(
        t.c,
        settingsFor(gl, { pollProjects: ['root/test-deployment-webhooks'] }),
        (n) => secrets[n],
        t.app.log,
      );
      await job.run();
      await job.run();
      const approvals = gl.calls.filter(isApproval);
      assert.deepEqual(
        approvals.map((c) => [c.path, (c.body as { status: string }).status]),
        [
          ['/projects/30/deployments/41/approval', 'approved'],
          ['/projects/30/deployments/42/approval', 'rejected'],
        ],
      );
      assert.deepEqual(
        gate.asked.map((a) => a.input.change),
        ['CHG-9'],
      );
      const broken = gitlabBlockedDeploymentsJob(
        t.c,
        settingsFor(gl, { pollProjects: ['nobody/nothing'] }),
        (n) => secrets[n],
        t.app.log,
      );
      await assert.rejects(broken.run(), /nobody\/nothing: .*404/);
    });
  });
}
