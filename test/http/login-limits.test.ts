// Failed sign-ins are limited per account and address, and per address across accounts; successes are
// never counted, and the limit says when to try again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/server/app.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

const login = (app: FastifyInstance, username: string, password: string, from = '10.0.0.1') =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
    remoteAddress: from,
  });

describe('sign-in limits', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('refuses an account from an address after ten failures, even with the right password', async () => {
    for (let i = 0; i < 10; i++)
      assert.equal((await login(t.app, 'alice', `guess-${i}-password`)).statusCode, 401);
    const refused = await login(t.app, 'alice', 'alice-password-123');
    assert.equal(refused.statusCode, 429);
    const body = refused.json<{ error: { code: string; message: string } }>();
    assert.equal(body.error.code, 'rate_limited');
    assert.match(
      body.error.message,
      /too many failed sign-ins for alice from your address; try again in 15 minutes/,
    );
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter > 800 && retryAfter <= 900, `retry-after ${retryAfter}`);
    // Another account from the same address, and the same account from elsewhere, are unaffected.
    assert.equal((await login(t.app, 'bob', 'bob-password-123')).statusCode, 200);
    assert.equal((await login(t.app, 'alice', 'alice-password-123', '10.0.0.2')).statusCode, 200);
  });

  it('never counts a successful sign-in', async () => {
    for (let i = 0; i < 15; i++)
      assert.equal((await login(t.app, 'tom', 'tom-password-123', '10.0.0.3')).statusCode, 200);
  });

  it('refuses an address that fails on many accounts, ten times the per-account limit', async () => {
    const app = await buildApp(t.c, { loginLimit: 2 });
    try {
      for (let i = 0; i < 20; i++)
        assert.equal((await login(app, `nobody-${i}`, 'some-password', '10.0.0.4')).statusCode, 401);
      const refused = await login(app, 'tina', 'tina-password-123', '10.0.0.4');
      assert.equal(refused.statusCode, 429);
      assert.match(refused.json<{ error: { message: string } }>().error.message, /for your address/);
      assert.equal((await login(app, 'tina', 'tina-password-123', '10.0.0.5')).statusCode, 200);
    } finally {
      await app.close();
    }
  });

  it('believes X-Forwarded-For only from the proxies it is told to trust', async () => {
    const behindProxy = await buildApp(t.c, { loginLimit: 1, trustProxy: ['10.0.0.6'] });
    try {
      const viaProxy = (client: string, from = '10.0.0.6') =>
        behindProxy.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'sam', password: 'wrong-password-1' },
          remoteAddress: from,
          headers: { 'x-forwarded-for': client },
        });
      assert.equal((await viaProxy('192.0.2.1')).statusCode, 401);
      assert.equal((await viaProxy('192.0.2.1')).statusCode, 429);
      // A different client behind the same proxy has its own count…
      assert.equal((await viaProxy('192.0.2.2')).statusCode, 401);
      // …and an untrusted sender cannot pick its address by the header.
      assert.equal((await viaProxy('192.0.2.3', '10.0.0.7')).statusCode, 401);
      assert.equal((await viaProxy('192.0.2.4', '10.0.0.7')).statusCode, 429);
    } finally {
      await behindProxy.close();
    }
  });
});

describe('sign-in limits under parallel guessing', () => {
  it('evaluates no more guesses than the limit, however many arrive at once', async () => {
    const t = await startTestApp();
    const app = await buildApp(t.c, { loginLimit: 10 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      // 199 wrong guesses and the right password last, all sent at once over real connections.
      const guesses = Array.from({ length: 200 }, (_, i) =>
        i === 199 ? 'sam-password-123' : `wrong-guess-${i}`,
      );
      const statuses = await Promise.all(
        guesses.map(async (password) => {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'sam', password }),
          });
          await res.arrayBuffer();
          return res.status;
        }),
      );
      const evaluated = statuses.filter((s) => s !== 429).length;
      assert.ok(evaluated <= 10, `${evaluated} guesses were evaluated`);
      assert.equal(statuses.filter((s) => s === 200).length, 0, 'the right password got through');
      assert.equal(statuses[199], 429);
    } finally {
      await app.close();
      await t.close();
    }
  });
});

describe('sign-in limit settings', () => {
  it('reads the limit and the trusted proxies, and says what is wrong with a bad value', () => {
    assert.equal(loadConfig({}).loginLimit, 10);
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({}).sessionIdleMinutes, 30);
    assert.equal(loadConfig({ CHANGEPROOF_SESSION_IDLE_MINUTES: '5' }).sessionIdleMinutes, 5);
    assert.equal(loadConfig({}).idempotencyHours, 24);
    assert.throws(() => loadConfig({ CHANGEPROOF_SESSION_IDLE_MINUTES: '0' }), /SESSION_IDLE/);
    assert.equal(loadConfig({ CHANGEPROOF_LOGIN_LIMIT: '3' }).loginLimit, 3);
    assert.equal(loadConfig({ CHANGEPROOF_TRUST_PROXY: 'true' }).trustProxy, true);
    assert.deepEqual(loadConfig({ CHANGEPROOF_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy, [
      '10.0.0.1',
      '192.168.0.0/16',
    ]);
    assert.throws(() => loadConfig({ CHANGEPROOF_LOGIN_LIMIT: '0' }), /CHANGEPROOF_LOGIN_LIMIT/);
    assert.throws(
      () => loadConfig({ CHANGEPROOF_TRUST_PROXY: 'yes please' }),
      /CHANGEPROOF_TRUST_PROXY is true/,
    );
  });
});
