// The server started the way users start it, from the environment, serving HTTPS with the configured
// certificate and key (what the Kubernetes API server requires of a webhook), and refusing to start with
// a certificate it cannot read.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { servingCertificate } from './k8s-reviews.ts';

function getHttps(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('serving HTTPS from the configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'changeproof-tls-'));
  let tls: { cert: string; key: string };
  let server: RunningServer;
  const env = () => ({
    CHANGEPROOF_DATA: join(dir, 'data'),
    CHANGEPROOF_PORT: '0',
    CHANGEPROOF_LOG_LEVEL: 'silent' as const,
    CHANGEPROOF_TLS_CERT: join(dir, 'tls.crt'),
    CHANGEPROOF_TLS_KEY: join(dir, 'tls.key'),
    CHANGEPROOF_K8S_ENVIRONMENT: 'prod',
  });

  before(async () => {
    tls = await servingCertificate();
    writeFileSync(join(dir, 'tls.crt'), tls.cert);
    writeFileSync(join(dir, 'tls.key'), tls.key, { mode: 0o600 });
    server = await startServer(loadConfig(env()), { log: false });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on https:// and answers over TLS with the configured certificate', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await getHttps(`${server.url}/api/v1/health`, tls.cert);
    assert.equal(res.status, 200, res.body);
    await assert.rejects(getHttps(`${server.url}/api/v1/health`, (await servingCertificate()).cert));
  });

  it('takes a renewed certificate into use without a restart, and keeps the old one for a broken pair', async () => {
    const renewed = await servingCertificate();
    writeFileSync(join(dir, 'tls.key'), 'not a key');
    writeFileSync(join(dir, 'tls.crt'), renewed.cert);
    assert.equal(server.tlsReload?.check(), false, 'a certificate without its key is not taken');
    assert.equal((await getHttps(`${server.url}/api/v1/health`, tls.cert)).status, 200);
    writeFileSync(join(dir, 'tls.key'), renewed.key);
    // Modification times can be equal within a file system's resolution; make the change visible.
    utimesSync(join(dir, 'tls.key'), new Date(), new Date(Date.now() + 5000));
    assert.equal(server.tlsReload?.check(), true);
    assert.equal((await getHttps(`${server.url}/api/v1/health`, renewed.cert)).status, 200);
    await assert.rejects(getHttps(`${server.url}/api/v1/health`, tls.cert));
  });

  it('refuses to start when the key cannot be read, naming the variable', async () => {
    await assert.rejects(
      startServer(loadConfig({ ...env(), CHANGEPROOF_TLS_KEY: join(dir, 'missing.key') }), { log: false }),
      /cannot read the TLS key \(CHANGEPROOF_TLS_KEY\)/,
    );
  });
});
