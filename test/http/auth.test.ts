// Authentication everywhere but health, login and the API description; sessions, scoped API tokens,
// revocation, expiry, disabled accounts, and secrets that are shown once and never stored in plaintext.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { bearer, expectError, hoursLater, noServerErrors, ok, refusalOf } from '../support/http.ts';

const PUBLIC = new Set(['GET /api/v1/health', 'POST /api/v1/auth/login']);
const PARAMS: Record<string, string> = { id: 'CHG-1', name: 'payments-api', username: 'alice', version: '1' };

interface Created {
  id: string;
  token: string;
  scopes: string[];
}

for (const engine of engines()) {
  describe(`authentication and tokens over HTTP (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
    });
    after(() => t.close());

    const newToken = async (as: string, body: Record<string, unknown>, auth?: string) =>
      t.req(as, 'POST', '/api/v1/tokens', body, auth ? bearer(auth) : {});

    it('refuses every route but health, login and openapi.json without a valid token', async () => {
      const doc = ok<{ paths: Record<string, Record<string, unknown>> }>(
        await t.req(null, 'GET', '/api/v1/openapi.json'),
      );
      const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => ({
          method: m.toUpperCase() as 'GET' | 'POST' | 'PATCH' | 'DELETE',
          url: path.replace(/\{(\w+)\}/g, (_, p: string) => PARAMS[p] ?? 'x'),
          key: `${m.toUpperCase()} ${path}`,
        })),
      );
      assert.ok(routes.length >= 25, `only ${routes.length} routes described`);
      let checked = 0;
      for (const r of routes) {
        for (const headers of [{}, bearer('cpt_bogus'), bearer('cps_bogus'), bearer('nonsense')]) {
          const res = await t.req(null, r.method, r.url, r.method === 'GET' ? undefined : {}, headers);
          if (PUBLIC.has(r.key)) {
            assert.notEqual(res.statusCode, 401, `${r.key} should be public`);
            continue;
          }
          refusalOf(res, 401, 'unauthenticated');
          checked++;
        }
      }
      assert.ok(checked >= 23 * 4);
      assert.equal((await t.req(null, 'GET', '/api/v1/health')).statusCode, 200);
    });

    it('logs in with the right password and gives the same answer for a wrong one or an unknown user', async () => {
      const good = ok<{ token: string; user: { username: string } }>(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'alice',
          password: 'alice-password-123',
        }),
      );
      assert.equal(good.user.username, 'alice');
      const me = ok<{ username: string }>(
        await t.req(null, 'GET', '/api/v1/auth/me', undefined, bearer(good.token)),
      );
      assert.equal(me.username, 'alice');

      const wrong = expectError(
        await t.req(null, 'POST', '/api/v1/auth/login', { username: 'alice', password: 'not-her-password' }),
        401,
        'unauthenticated',
      );
      const unknown = expectError(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'mallory',
          password: 'not-her-password',
        }),
        401,
        'unauthenticated',
      );
      assert.equal(wrong.message, unknown.message);
      // Bots have no password and cannot open a session.
      expectError(
        await t.req(null, 'POST', '/api/v1/auth/login', { username: 'ci', password: 'ci-password-123' }),
        401,
      );
    });

    it('ends a session on logout', async () => {
      const { token } = ok<{ token: string }>(
        await t.req(null, 'POST', '/api/v1/auth/login', { username: 'bob', password: 'bob-password-123' }),
      );
      ok(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(token)));
      assert.equal(
        (await t.req(null, 'POST', '/api/v1/auth/logout', undefined, bearer(token))).statusCode,
        204,
      );
      expectError(
        await t.req(null, 'GET', '/api/v1/auth/me', undefined, bearer(token)),
        401,
        'unauthenticated',
      );
    });

    it('refuses a session once it expires', async () => {
      const { token } = ok<{ token: string }>(
        await t.req(null, 'POST', '/api/v1/auth/login', { username: 'tom', password: 'tom-password-123' }),
      );
      const start = t.clock.now;
      try {
        t.clock.now = hoursLater(start, 13);
        expectError(await t.req(null, 'GET', '/api/v1/auth/me', undefined, bearer(token)), 401);
      } finally {
        t.clock.now = start;
      }
    });

    it('refuses a revoked API token', async () => {
      const tok = ok<Created>(await newToken('alice', { name: 'laptop', scopes: ['changes:read'] }), 201);
      ok(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(tok.token)));
      const revoked = ok<{ revokedAt: string | null }>(
        await t.req('alice', 'POST', `/api/v1/tokens/${tok.id}/revoke`),
      );
      assert.ok(revoked.revokedAt);
      expectError(
        await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(tok.token)),
        401,
        'unauthenticated',
      );
      // Someone else's token is not theirs to revoke (and not even visible).
      const bobs = ok<Created>(await newToken('bob', { name: 'ci', scopes: ['changes:read'] }), 201);
      expectError(await t.req('alice', 'POST', `/api/v1/tokens/${bobs.id}/revoke`), 404);
      ok(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(bobs.token)));
    });

    it('says when a token last authenticated a request, to within a minute', async () => {
      const start = t.clock.now;
      const lastUsed = async (id: string) =>
        ok<{ items: { id: string; lastUsedAt: string | null }[] }>(
          await t.req('alice', 'GET', '/api/v1/tokens'),
        ).items.find((i) => i.id === id)?.lastUsedAt;
      try {
        const tok = ok<Created>(await newToken('alice', { name: 'used', scopes: ['changes:read'] }), 201);
        assert.equal(await lastUsed(tok.id), null, 'a new token was never used');
        ok(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(tok.token)));
        assert.equal(await lastUsed(tok.id), start.toISOString());
        // Within the minute nothing is written again; after it, the new time is.
        t.clock.now = new Date(start.getTime() + 30_000);
        ok(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(tok.token)));
        assert.equal(await lastUsed(tok.id), start.toISOString());
        t.clock.now = new Date(start.getTime() + 90_000);
        ok(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(tok.token)));
        assert.equal(await lastUsed(tok.id), t.clock.now.toISOString());
        // A refused secret is no use of the token.
        ok(await t.req('alice', 'POST', `/api/v1/tokens/${tok.id}/revoke`));
        t.clock.now = new Date(start.getTime() + 300_000);
        expectError(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(tok.token)), 401);
        assert.equal(await lastUsed(tok.id), new Date(start.getTime() + 90_000).toISOString());
      } finally {
        t.clock.now = start;
      }
    });

    it('refuses an expired API token', async () => {
      const start = t.clock.now;
      const tok = ok<Created>(
        await newToken('alice', {
          name: 'short',
          scopes: ['changes:read'],
          expiresAt: hoursLater(start, 1).toISOString(),
        }),
        201,
      );
      ok(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(tok.token)));
      try {
        t.clock.now = hoursLater(start, 2);
        expectError(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(tok.token)), 401);
      } finally {
        t.clock.now = start;
      }
      // An expiry in the past is refused outright.
      expectError(
        await newToken('alice', { name: 'old', scopes: ['changes:read'], expiresAt: '2020-01-01T00:00:00Z' }),
        400,
        'validation_failed',
      );
    });

    it("refuses a disabled user's tokens and password", async () => {
      const u = ok<{ active: boolean }>(
        await t.req('admin', 'PATCH', '/api/v1/users/audrey', { active: false }),
      );
      assert.equal(u.active, false);
      expectError(await t.req('audrey', 'GET', '/api/v1/changes'), 401, 'unauthenticated');
      expectError(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'audrey',
          password: 'audrey-password-123',
        }),
        401,
      );
      ok(await t.req('admin', 'PATCH', '/api/v1/users/audrey', { active: true }));
      ok(await t.req('audrey', 'GET', '/api/v1/changes'));
    });

    it('enforces token scopes and never lets a token grant more than it has', async () => {
      const ro = ok<Created>(await newToken('alice', { name: 'read only', scopes: ['changes:read'] }), 201);
      ok(await t.req(null, 'GET', '/api/v1/changes', undefined, bearer(ro.token)));
      expectError(
        await t.req(null, 'POST', '/api/v1/changes', { title: 'Needs write' }, bearer(ro.token)),
        403,
        'forbidden',
      );
      expectError(
        await t.req(null, 'GET', '/api/v1/services', undefined, bearer(ro.token)),
        403,
        'forbidden',
      );
      const escalate = expectError(
        await newToken('alice', { name: 'more', scopes: ['changes:read', 'changes:write'] }, ro.token),
        403,
        'forbidden',
      );
      assert.match(escalate.message, /changes:write/);
      // Within its own scopes it may mint a token.
      ok(await newToken('alice', { name: 'same', scopes: ['changes:read'] }, ro.token), 201);
      // Only admins create tokens for others.
      expectError(await newToken('alice', { name: 'for bob', owner: 'bob', scopes: ['changes:read'] }), 403);
    });

    it('shows a token once and stores only its hash', async () => {
      const tok = ok<Created>(await newToken('alice', { name: 'shown once', scopes: ['changes:read'] }), 201);
      assert.match(tok.token, /^cpt_/);
      const list = await t.req('alice', 'GET', '/api/v1/tokens');
      const items = ok<{ items: Record<string, unknown>[] }>(list).items;
      const mine = items.find((i) => i.id === tok.id);
      assert.ok(mine, 'the new token is listed');
      assert.equal('token' in mine, false);
      assert.equal(list.body.includes(tok.token), false);
      // Nobody else's tokens show up for a non-admin.
      assert.ok(items.every((i) => i.owner === 'alice'));

      const cred = await t.c.store.db
        .selectFrom('credentials')
        .selectAll()
        .where('kind', '=', 'token')
        .where('subject', '=', tok.id)
        .executeTakeFirstOrThrow();
      assert.notEqual(cred.secret_hash, tok.token);
      assert.equal(cred.secret_hash.includes(tok.token.slice(4)), false);
      const rows = await t.c.store.db.selectFrom('api_tokens').selectAll().execute();
      for (const row of rows)
        for (const value of Object.values(row))
          assert.notEqual(value, tok.token, 'plaintext token in api_tokens');
      const ledger = await t.c.store.db.selectFrom('ledger_entries').select('canonical').execute();
      assert.ok(
        ledger.every((r) => !r.canonical.includes(tok.token)),
        'plaintext token in the ledger',
      );
      // Passwords are hashed too.
      const pw = await t.c.store.db
        .selectFrom('credentials')
        .select('secret_hash')
        .where('kind', '=', 'password')
        .where('subject', '=', 'alice')
        .executeTakeFirstOrThrow();
      assert.equal(pw.secret_hash.includes('alice-password-123'), false);
    });
  });
}
