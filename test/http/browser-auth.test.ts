// Browser sign-in: the session in an HttpOnly, SameSite=Strict cookie (Secure over HTTPS), never in the
// body; cookie-signed-in writes need the session's X-CSRF-Token and our own Origin, and a refused one writes
// nothing; sign-out revokes the session and clears the cookie; bearer clients are unaffected.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { expectError, noServerErrors, ok, writesNothing } from '../support/http.ts';

const ORIGIN = 'http://localhost:80';
const RAISE = { title: 'Rotate the edge certificates', services: ['reports-batch'], ...COMPLETE_RECORD };

function cookieOf(res: LightMyRequestResponse): { value: string; attributes: string[] } {
  const header = res.headers['set-cookie'];
  const line = Array.isArray(header) ? header[0]! : String(header);
  const [pair, ...attributes] = line.split(';').map((p) => p.trim());
  assert.match(pair!, /^cp_session=/);
  return { value: pair!.slice('cp_session='.length), attributes };
}

for (const engine of engines()) {
  describe(`browser sign-in (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
    });
    after(() => t.close());

    const signIn = async () => {
      const res = await t.req(null, 'POST', '/api/v1/auth/login', {
        username: 'alice',
        password: 'alice-password-123',
        cookie: true,
      });
      const body = ok<{ user: { username: string }; expiresAt: string; csrfToken: string; token?: string }>(
        res,
      );
      return { res, body, cookie: { cookie: `cp_session=${cookieOf(res).value}` } };
    };

    it('puts the session in an HttpOnly, SameSite=Strict cookie and no token in the body', async () => {
      const { res, body, cookie } = await signIn();
      assert.equal(body.user.username, 'alice');
      assert.equal(body.token, undefined);
      assert.ok(body.csrfToken.length >= 32);
      assert.doesNotMatch(res.body, /cp_ses_|cp_session/);
      const { attributes } = cookieOf(res);
      for (const a of ['HttpOnly', 'SameSite=Strict', 'Path=/']) assert.ok(attributes.includes(a), a);
      assert.ok(!attributes.includes('Secure'), 'not Secure over plain HTTP');
      const maxAge = Number(attributes.find((a) => a.startsWith('Max-Age='))!.slice(8));
      assert.ok(maxAge > 3600, `Max-Age ${maxAge}`);
      assert.equal(
        ok<{ username: string }>(await t.req(null, 'GET', '/api/v1/auth/me', undefined, cookie)).username,
        'alice',
      );
      const csrf = ok<{ csrfToken: string }>(
        await t.req(null, 'GET', '/api/v1/auth/csrf', undefined, cookie),
      );
      assert.equal(csrf.csrfToken, body.csrfToken);
    });

    it('marks the cookie Secure when the request came over TLS', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { username: 'alice', password: 'alice-password-123', cookie: true },
      });
      // Without a trusted proxy the header is not believed: plain HTTP, no Secure.
      assert.ok(!cookieOf(res).attributes.includes('Secure'));
      const proxied = await startTestApp(engine, { trustProxy: true });
      try {
        const behind = await proxied.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { 'x-forwarded-proto': 'https' },
          payload: { username: 'alice', password: 'alice-password-123', cookie: true },
        });
        assert.ok(cookieOf(behind).attributes.includes('Secure'), behind.headers['set-cookie']?.toString());
      } finally {
        await proxied.close();
      }
    });

    it('refuses a cookie-signed-in write without the CSRF token, with a wrong one, or from another origin', async () => {
      const { body, cookie } = await signIn();
      const send = (headers: Record<string, string>) => () =>
        t.req(null, 'POST', '/api/v1/changes', RAISE, { ...cookie, ...headers });
      const missing = await writesNothing(t, send({}), 403, 'csrf_failed');
      assert.match(missing.message, /X-CSRF-Token/);
      await writesNothing(t, send({ 'x-csrf-token': 'not-the-token' }), 403, 'csrf_failed');
      await writesNothing(t, send({ 'x-csrf-token': `${body.csrfToken.slice(1)}x` }), 403, 'csrf_failed');
      const foreign = await writesNothing(
        t,
        send({ 'x-csrf-token': body.csrfToken, origin: 'https://evil.example' }),
        403,
        'csrf_failed',
      );
      assert.match(foreign.message, /evil\.example/);
      // Another session's token is not this one's.
      const other = await signIn();
      await writesNothing(t, send({ 'x-csrf-token': other.body.csrfToken }), 403, 'csrf_failed');
      // With its token, from its own origin (or a client that sends none), the same write goes through.
      ok(await send({ 'x-csrf-token': body.csrfToken, origin: ORIGIN })(), 201);
      ok(await send({ 'x-csrf-token': body.csrfToken })(), 201);
    });

    it('refuses a browser sign-in posted from another site', async () => {
      const res = await t.req(
        null,
        'POST',
        '/api/v1/auth/login',
        { username: 'alice', password: 'alice-password-123', cookie: true },
        { origin: 'https://evil.example' },
      );
      expectError(res, 403, 'csrf_failed');
      assert.equal(res.headers['set-cookie'], undefined);
    });

    it('ends the session on sign-out and clears the cookie', async () => {
      const { body, cookie } = await signIn();
      expectError(await t.req(null, 'POST', '/api/v1/auth/logout', undefined, cookie), 403, 'csrf_failed');
      ok(await t.req(null, 'GET', '/api/v1/auth/me', undefined, cookie));
      const out = await t.req(null, 'POST', '/api/v1/auth/logout', undefined, {
        ...cookie,
        'x-csrf-token': body.csrfToken,
      });
      assert.equal(out.statusCode, 204, out.body);
      const cleared = cookieOf(out);
      assert.equal(cleared.value, '');
      assert.ok(cleared.attributes.includes('Max-Age=0'));
      expectError(await t.req(null, 'GET', '/api/v1/auth/me', undefined, cookie), 401, 'unauthenticated');
    });

    it('takes no API token as a cookie', async () => {
      const res = await t.req(null, 'GET', '/api/v1/auth/me', undefined, {
        cookie: `cp_session=${t.tokens.alice}`,
      });
      expectError(res, 401, 'unauthenticated');
    });

    it('leaves bearer clients as they were: the token in the body, writes without a CSRF header', async () => {
      const login = ok<{ token: string }>(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'alice',
          password: 'alice-password-123',
        }),
      );
      assert.match(login.token, /\S{20,}/);
      const authorization = `Bearer ${login.token}`;
      ok(await t.req(null, 'POST', '/api/v1/changes', RAISE, { authorization }), 201);
      ok(await t.req('alice', 'POST', '/api/v1/changes', RAISE, { origin: 'https://evil.example' }), 201);
      // The header wins over a cookie the browser adds: a bearer write needs no CSRF token.
      const { cookie } = await signIn();
      ok(await t.req(null, 'POST', '/api/v1/changes', RAISE, { authorization, ...cookie }), 201);
    });
  });
}
