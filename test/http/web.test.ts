// The web app served by the API's own server: the page at `/` and at any app path, hashed files cached for a
// year and compressed, index.html revalidated, the pages' CSP without inline scripts, and the API and docs
// left as they were.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-Ab12.js"></script></head></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

function builtApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'changeproof-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-Ab12.js'), SCRIPT);
  return dir;
}

describe('the web app', () => {
  let t: TestApp;
  let app: FastifyInstance;
  before(async () => {
    t = await startTestApp();
    app = await buildApp(t.c, { webDir: builtApp() });
  });
  after(async () => {
    await app.close();
    await t.close();
  });
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  it('serves index.html at / and at any app path, revalidated on every load, under a strict CSP', async () => {
    for (const url of ['/', '/changes', '/changes/CHG-1?x=1']) {
      const res = await get(url);
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.equal(res.body, INDEX);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
    }
  });

  it('serves hashed files as immutable, brotli or gzip as the browser accepts', async () => {
    const br = await get('/assets/app-Ab12.js', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(br.headers['content-type']), /text\/javascript/);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), SCRIPT);
    const gz = await get('/assets/app-Ab12.js', { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), SCRIPT);
    const plain = await get('/assets/app-Ab12.js');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, SCRIPT);
  });

  it('answers a missing build file with 404, not the page', async () => {
    const res = await get('/assets/gone-Zz99.js');
    assert.equal(res.statusCode, 404);
    assert.doesNotMatch(res.body, /<html/);
  });

  it('leaves the API and the docs alone', async () => {
    const missing = await get('/api/v1/no-such-route');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json<{ error: { code: string } }>().error.code, 'not_found');
    assert.match(String(missing.headers['content-security-policy']), /default-src 'none'/);
    const health = await get('/api/v1/health');
    assert.equal(health.statusCode, 200);
    assert.equal((await get('/api')).statusCode, 404);
    const docs = await get('/docs');
    assert.notEqual(docs.body, INDEX);
  });

  it('points / at the docs when no app is built', async () => {
    const bare = await buildApp(t.c, { webDir: join(tmpdir(), 'changeproof-no-such-build') });
    try {
      const res = await bare.inject({ method: 'GET', url: '/' });
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, '/docs');
    } finally {
      await bare.close();
    }
  });
});
