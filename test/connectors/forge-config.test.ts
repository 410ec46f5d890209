// The forge connectors' configuration: read from the environment once, refused with a message saying what
// to fix, secrets kept apart from settings under the names the connectors ask for.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { CONNECTOR_SECRET_NAMES as SECRET } from '../../src/connectors/settings.ts';
import { startServer } from '../../src/server/start.ts';

describe('forge connector configuration', () => {
  it('defaults to github.com, nothing mapped, no secrets', () => {
    const c = loadConfig({});
    assert.equal(c.connectors.github.apiUrl, 'https://api.github.com');
    assert.deepEqual(c.connectors.github.services, {});
    assert.deepEqual(c.connectors.gitlab.pollProjects, []);
    assert.equal(c.connectors.gitlab.playApproved, false);
    assert.deepEqual(c.connectorSecrets, {});
  });

  it('reads the maps, the Enterprise Server root, the App key file and the GitLab settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-forge-'));
    writeFileSync(
      join(dir, 'app.pem'),
      '-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\n',
    );
    const c = loadConfig({
      CHANGEPROOF_GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      CHANGEPROOF_GITHUB_APP_ID: '42',
      CHANGEPROOF_GITHUB_APP_PRIVATE_KEY_FILE: join(dir, 'app.pem'),
      CHANGEPROOF_GITHUB_WEBHOOK_SECRET: 'a-webhook-secret-of-length',
      CHANGEPROOF_GITHUB_ENVIRONMENTS: 'production=prod, staging = stage',
      CHANGEPROOF_GITHUB_SERVICES: 'acme/payments=payments-api',
      CHANGEPROOF_GITLAB_URL: 'https://gitlab.example.com',
      CHANGEPROOF_GITLAB_TOKEN: 'glpat-x',
      CHANGEPROOF_GITLAB_PLAY_APPROVED: 'true',
      CHANGEPROOF_GITLAB_POLL_PROJECTS: 'acme/payments, 17',
    });
    assert.equal(c.connectors.github.apiUrl, 'https://ghe.example.com/api/v3');
    assert.deepEqual(c.connectors.github.environments, { production: 'prod', staging: 'stage' });
    assert.deepEqual(c.connectors.github.services, { 'acme/payments': 'payments-api' });
    assert.match(c.connectorSecrets[SECRET.githubAppPrivateKey]!, /BEGIN RSA PRIVATE KEY/);
    assert.equal(c.connectorSecrets[SECRET.githubWebhook], 'a-webhook-secret-of-length');
    assert.equal(c.connectorSecrets[SECRET.gitlabToken], 'glpat-x');
    assert.deepEqual(c.connectors.gitlab.pollProjects, ['acme/payments', '17']);
    assert.equal(c.connectors.gitlab.playApproved, true);
  });

  it('refuses what cannot work, saying what to fix', () => {
    assert.throws(() => loadConfig({ CHANGEPROOF_GITHUB_ENVIRONMENTS: 'production' }), /name=value pairs/);
    assert.throws(
      () => loadConfig({ CHANGEPROOF_GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }),
      /trailing slash/,
    );
    assert.throws(() => loadConfig({ CHANGEPROOF_GITHUB_WEBHOOK_SECRET: 'short' }), /at least 16/);
    assert.throws(() => loadConfig({ CHANGEPROOF_GITHUB_APP_ID: '42' }), /go together/);
    assert.throws(
      () =>
        loadConfig({
          CHANGEPROOF_GITHUB_APP_ID: '42',
          CHANGEPROOF_GITHUB_APP_PRIVATE_KEY_FILE: '/nonexistent/key.pem',
        }),
      /cannot read \/nonexistent\/key\.pem/,
    );
    assert.throws(
      () => loadConfig({ CHANGEPROOF_GITLAB_POLL_PROJECTS: 'acme/payments' }),
      /needs CHANGEPROOF_GITLAB_URL/,
    );
  });

  it('reaches the connectors of a server started from the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-forge-server-'));
    const server = await startServer(
      loadConfig({
        CHANGEPROOF_DATA: dir,
        CHANGEPROOF_PORT: '0',
        CHANGEPROOF_LOG_LEVEL: 'silent',
        CHANGEPROOF_GITHUB_WEBHOOK_SECRET: 'github-secret-from-the-environment',
        CHANGEPROOF_GITLAB_WEBHOOK_TOKEN: 'gitlab-token-from-the-environment',
      }),
      { log: false },
    );
    try {
      const post = (url: string, headers: Record<string, string>) =>
        fetch(`${server.url}/api/v1/connectors/${url}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: '{}',
        });
      const signature = `sha256=${createHmac('sha256', 'github-secret-from-the-environment').update('{}').digest('hex')}`;
      assert.equal(
        (await post('github/webhook', { 'x-github-event': 'ping', 'x-hub-signature-256': signature })).status,
        200,
      );
      assert.equal((await post('github/webhook', { 'x-github-event': 'ping' })).status, 401);
      assert.equal(
        (await post('gitlab/webhook', { 'x-gitlab-token': 'gitlab-token-from-the-environment' })).status,
        202,
      );
      assert.equal(
        (await post('gitlab/webhook', { 'x-gitlab-token': 'another-token-entirely-here' })).status,
        401,
      );
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
