// Authorization is declared by every route and enforced in one place: each route names the token scope it
// needs (or that it needs a signed-in session, or any credential), one hook checks it before the route
// runs, and a route that declares nothing refuses every API token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { SCOPES } from '../../src/contracts/identity.ts';
import { CONNECTORS } from '../../src/connectors/index.ts';
import { SYSTEM_ACTOR, type Actor } from '../../src/domain/actor.ts';
import { registerAuth } from '../../src/server/auth.ts';
import { declaredAccess } from '../../src/server/authorize.ts';
import { registerErrorHandling } from '../../src/server/errors.ts';
import { TEST_CONNECTORS, TEST_CONNECTOR_SECRETS } from '../connectors/test-connectors.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { bearer, expectError, ledgerSize, noServerErrors, ok, refusalOf } from '../support/http.ts';

const PARAMS: Record<string, string> = {
  id: 'CHG-1',
  name: 'payments-api',
  username: 'alice',
  version: '1',
};

for (const engine of engines()) {
  describe(`route authorization (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      // The shipped connectors and the test-only ones: the walk covers connector routes too.
      t = noServerErrors(
        await startTestApp(engine, {
          connectors: [...CONNECTORS, ...TEST_CONNECTORS],
          connectorSecrets: TEST_CONNECTOR_SECRETS,
        }),
      );
    });
    after(() => t.close());

    const tokenWith = async (scopes: string[]) =>
      (
        await t.c.identity.createToken(SYSTEM_ACTOR, {
          name: `only ${scopes.join(' ')}`,
          owner: 'carl',
          scopes: scopes as (typeof SCOPES)[number][],
          expiresAt: null,
        })
      ).token;

    it('has every API route declare who may call it', () => {
      const routes = declaredAccess(t.app);
      assert.ok(routes.length >= 30, `only ${routes.length} routes registered`);
      const undeclared = routes.filter(
        (r) => r.url.startsWith('/api/') && r.auth === 'bearer' && r.access === undefined,
      );
      assert.deepEqual(
        undeclared.map((r) => `${r.method} ${r.url}`),
        [],
        'routes without an access declaration',
      );
    });

    it('refuses a token without the declared scope before the route runs, on every route', async () => {
      const routes = declaredAccess(t.app).filter(
        (r) =>
          r.url.startsWith('/api/') && r.method !== 'HEAD' && r.auth === 'bearer' && r.access !== 'public',
      );
      // A token holding every scope but the one needed (or any token, for session-only routes), made up front.
      const lacking = new Map<string, string>();
      for (const needed of new Set(routes.map((r) => String(r.access))))
        lacking.set(needed, await tokenWith(SCOPES.filter((s) => s !== needed)));
      const size = await ledgerSize(t);
      let refused = 0;
      for (const route of routes) {
        const url = route.url.replace(/:(\w+)/g, (_, p: string) => PARAMS[p] ?? 'x');
        const method = route.method as 'GET' | 'POST' | 'PATCH';
        const body = method === 'GET' ? undefined : {};
        const needed = route.access;
        const res = await t.req(null, method, url, body, bearer(lacking.get(String(needed))!));
        if (needed === 'any') {
          assert.notEqual(res.statusCode, 403, `${method} ${route.url} is open to any credential`);
          continue;
        }
        const err = refusalOf(res, 403, 'forbidden');
        assert.match(
          err.message,
          needed === 'session' ? /signed-in session/ : new RegExp(String(needed)),
          `${method} ${route.url}`,
        );
        refused++;
      }
      assert.ok(refused >= 30, `only ${refused} routes checked`);
      // POST /tokens is open to any credential, so one token may have been minted; nothing else happened.
      assert.ok((await ledgerSize(t)) - size <= 1);
    });

    it('takes no bearer token in place of a signature, on every signature route', async () => {
      const signed = declaredAccess(t.app).filter((r) => r.auth === 'signature' && r.method !== 'HEAD');
      assert.ok(signed.length >= 1, 'no signature route registered');
      const all = await tokenWith([...SCOPES]);
      for (const route of signed) {
        const url = route.url.replace(/:(\w+)/g, (_, p: string) => PARAMS[p] ?? 'x');
        const res = await t.app.inject({
          method: route.method as 'GET' | 'POST',
          url,
          payload: route.method === 'GET' ? undefined : '{}',
          headers: { 'content-type': 'application/json', ...bearer(all) },
        });
        assert.equal(res.statusCode, 401, `${route.method} ${route.url}: ${res.body}`);
      }
      // `none` is a declaration, not an omission: each such route is named here by the walk.
      const open = declaredAccess(t.app).filter((r) => r.auth === 'none');
      assert.ok(
        open.every((r) => r.url.startsWith('/api/v1/connectors/')),
        'auth none outside a connector',
      );
    });

    it("lets a token use exactly its scopes (and a session its user's rights)", async () => {
      const read = await tokenWith(['changes:read']);
      ok(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(read)));
      expectError(await t.req(null, 'GET', '/api/v1/services', undefined, bearer(read)), 403, 'forbidden');
      expectError(await t.req(null, 'GET', '/api/v1/users', undefined, bearer(read)), 403, 'forbidden');
      const users = await tokenWith(['users:read']);
      ok(await t.req(null, 'GET', '/api/v1/users', undefined, bearer(users)));
      const { token } = ok<{ token: string }>(
        await t.req(null, 'POST', '/api/v1/auth/login', { username: 'carl', password: 'carl-password-123' }),
      );
      ok(await t.req(null, 'GET', '/api/v1/services', undefined, bearer(token)));
      ok(await t.req(null, 'GET', '/api/v1/users', undefined, bearer(token)));
    });

    it("does not let a read-only token set its owner's password and sign in with full rights", async () => {
      const read = await tokenWith(['changes:read']);
      const all = await tokenWith([...SCOPES]);
      const size = await ledgerSize(t);
      expectError(
        await t.req(null, 'PATCH', '/api/v1/users/carl', { password: 'taken-over-by-token' }, bearer(read)),
        403,
        'forbidden',
      );
      expectError(
        await t.req(
          null,
          'POST',
          '/api/v1/auth/password',
          { currentPassword: 'carl-password-123', newPassword: 'taken-over-by-token' },
          bearer(read),
        ),
        403,
        'forbidden',
      );
      // Even a token with every scope: a password is changed in a signed-in session only.
      expectError(
        await t.req(null, 'PATCH', '/api/v1/users/carl', { password: 'taken-over-by-token' }, bearer(all)),
        400,
        'validation_failed',
      );
      expectError(
        await t.req(
          null,
          'POST',
          '/api/v1/auth/password',
          { currentPassword: 'carl-password-123', newPassword: 'taken-over-by-token' },
          bearer(all),
        ),
        403,
        'forbidden',
      );
      expectError(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'carl',
          password: 'taken-over-by-token',
        }),
        401,
      );
      assert.equal(await ledgerSize(t), size);
    });
  });
}

describe('routes that declare nothing', () => {
  it('refuse API tokens and admit signed-in sessions', async () => {
    const person: Actor = { ...SYSTEM_ACTOR, id: 'pat', kind: 'human', roles: ['admin'] };
    const app = Fastify();
    registerErrorHandling(app);
    registerAuth(app, {
      authenticate: async (secret) =>
        secret === 'cps_session'
          ? {
              actor: { ...person, scopes: null },
              credential: { kind: 'session', id: 'ses_1', expiresAt: null },
            }
          : secret === 'cpt_token'
            ? {
                actor: { ...person, scopes: [...SCOPES] },
                credential: { kind: 'token', id: 'tok_1', expiresAt: null },
              }
            : null,
    });
    app.get('/undeclared', async () => ({ ok: true }));
    await app.ready();
    try {
      const get = (secret: string) =>
        app.inject({ method: 'GET', url: '/undeclared', headers: bearer(secret) });
      assert.equal((await get('cps_session')).statusCode, 200);
      const refused = await get('cpt_token');
      assert.equal(refused.statusCode, 403, refused.body);
      assert.match(refused.json<{ error: { message: string } }>().error.message, /declares no scope/);
      assert.equal((await get('nothing')).statusCode, 401);
    } finally {
      await app.close();
    }
  });
});
