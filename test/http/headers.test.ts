// Security headers on every response: no MIME sniffing, no framing, a strict CSP for the API and one for the
// docs page that allows exactly its own scripts, HSTS when the request came over HTTPS, and no caching of
// responses that carry a secret.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { registerSecurityHeaders } from '../../src/server/security-headers.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { ok } from '../support/http.ts';

function hardened(res: LightMyRequestResponse, what: string): string {
  assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(res.headers['x-frame-options'], 'DENY', what);
  const csp = String(res.headers['content-security-policy'] ?? '');
  assert.match(csp, /frame-ancestors 'none'/, what);
  return csp;
}

describe('security headers', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('hardens API answers, errors and unknown routes alike', async () => {
    for (const [res, what] of [
      [await t.req(null, 'GET', '/api/v1/health'), 'health'],
      [await t.req('alice', 'GET', '/api/v1/changes'), 'a list'],
      [await t.req(null, 'GET', '/api/v1/changes'), 'a 401'],
      [await t.req('alice', 'POST', '/api/v1/changes', { nope: 1 }), 'a 400'],
      [await t.req(null, 'GET', '/api/v1/no-such-route'), 'a 404'],
      [await t.req(null, 'GET', '/api/v1/openapi.json'), 'the API description'],
    ] as const) {
      const csp = hardened(res, what);
      assert.match(csp, /default-src 'none'/, what);
      assert.equal(res.headers['strict-transport-security'], undefined, `${what} over plain HTTP`);
    }
  });

  it('sends HSTS when the request came over HTTPS through a trusted proxy, and not otherwise', async () => {
    const app = await buildApp(t.c, { trustProxy: ['10.0.0.9'] });
    try {
      const get = (from: string) =>
        app.inject({
          method: 'GET',
          url: '/api/v1/health',
          remoteAddress: from,
          headers: { 'x-forwarded-proto': 'https' },
        });
      assert.match(String((await get('10.0.0.9')).headers['strict-transport-security']), /max-age=\d{7,}/);
      assert.equal((await get('10.0.0.8')).headers['strict-transport-security'], undefined);
    } finally {
      await app.close();
    }
  });

  it('marks answers that carry a secret as not to be stored', async () => {
    const login = await t.req(null, 'POST', '/api/v1/auth/login', {
      username: 'alice',
      password: 'alice-password-123',
    });
    ok(login);
    assert.equal(login.headers['cache-control'], 'no-store');
    const token = await t.req('alice', 'POST', '/api/v1/tokens', { name: 'ci', scopes: ['changes:read'] });
    ok(token, 201);
    assert.equal(token.headers['cache-control'], 'no-store');
  });

  it("gives the web app's HTML pages a CSP that runs only this server's scripts, and JSON the API's", async () => {
    // The same hook whatever serves the page: here a bare instance standing in for the web app's files.
    const app = Fastify();
    registerSecurityHeaders(app);
    app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html><p>hi'));
    app.get('/data', async () => ({ ok: true }));
    try {
      const page = await app.inject({ method: 'GET', url: '/' });
      const csp = hardened(page, 'a page');
      const scripts = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      assert.equal(scripts.trim(), "'self'");
      assert.doesNotMatch(csp, /unsafe-eval/);
      assert.match(csp, /connect-src 'self'/);
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      assert.match(hardened(await app.inject({ method: 'GET', url: '/data' }), 'JSON'), /default-src 'none'/);
      assert.match(
        hardened(await app.inject({ method: 'GET', url: '/nope' }), 'a 404'),
        /default-src 'none'/,
      );
    } finally {
      await app.close();
    }
  });
});
