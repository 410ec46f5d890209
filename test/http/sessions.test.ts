// Sessions: a password change needs the current password and a signed-in session and ends every other
// session; disabling an account ends its sessions and enabling it again revives none; an idle session
// expires; people list and revoke their own sessions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { bearer, expectError, ledgerSince, ledgerSize, noServerErrors, ok } from '../support/http.ts';

interface SessionJson {
  id: string;
  username: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

for (const engine of engines()) {
  describe(`sessions over HTTP (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
    });
    after(() => t.close());

    const login = async (username: string, password = `${username}-password-123`) =>
      ok<{ token: string }>(await t.req(null, 'POST', '/api/v1/auth/login', { username, password })).token;
    const me = (session: string) => t.req(null, 'GET', '/api/v1/auth/me', undefined, bearer(session));

    it('changes a password only with the current one, in a session, and ends the other sessions', async () => {
      const laptop = await login('betty');
      const phone = await login('betty');
      const size = await ledgerSize(t);
      const wrong = expectError(
        await t.req(
          null,
          'POST',
          '/api/v1/auth/password',
          { currentPassword: 'not-the-password', newPassword: 'a-brand-new-password' },
          bearer(laptop),
        ),
        401,
        'unauthenticated',
      );
      assert.match(wrong.message, /current password/);
      expectError(
        await t.req(
          null,
          'POST',
          '/api/v1/auth/password',
          { currentPassword: 'betty-password-123', newPassword: 'short' },
          bearer(laptop),
        ),
        400,
        'validation_failed',
      );
      assert.equal(await ledgerSize(t), size);
      const changed = await t.req(
        null,
        'POST',
        '/api/v1/auth/password',
        { currentPassword: 'betty-password-123', newPassword: 'a-brand-new-password' },
        bearer(laptop),
      );
      const body = ok<{ username: string; endedSessions: number }>(changed);
      assert.deepEqual([body.username, body.endedSessions], ['betty', 1]);
      assert.deepEqual(
        (await ledgerSince(t, size)).map((e) => [e.type, e.subject, e.actor.id]),
        [['user.password_set', 'user:betty', 'betty']],
      );
      ok(await me(laptop));
      expectError(await me(phone), 401, 'unauthenticated');
      // Her API tokens are separate credentials and keep working until she revokes them.
      ok(await t.req('betty', 'GET', '/api/v1/auth/me'));
      await login('betty', 'a-brand-new-password');
      expectError(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'betty',
          password: 'betty-password-123',
        }),
        401,
      );
    });

    it('ends sessions when an account is disabled and revives none when it is enabled again', async () => {
      const session = await login('ivan');
      ok(await me(session));
      ok(await t.req('admin', 'PATCH', '/api/v1/users/ivan', { active: false }));
      expectError(await me(session), 401, 'unauthenticated');
      ok(await t.req('admin', 'PATCH', '/api/v1/users/ivan', { active: true }));
      expectError(await me(session), 401, 'unauthenticated');
      ok(await me(await login('ivan')));
    });

    it('expires a session left idle, and keeps one in use alive', async () => {
      const start = t.clock.now;
      try {
        const idle = await login('tina');
        const busy = await login('tina');
        for (let minutes = 10; minutes <= 50; minutes += 10) {
          t.clock.now = new Date(start.getTime() + minutes * 60_000);
          ok(await me(busy));
        }
        expectError(await me(idle), 401, 'unauthenticated');
        ok(await me(busy));
      } finally {
        t.clock.now = start;
      }
    });

    it('lists and revokes your own sessions, and no one else’s', async () => {
      const first = await login('dora');
      const second = await login('dora');
      const other = await login('tom');
      const list = ok<{ items: SessionJson[] }>(
        await t.req(null, 'GET', '/api/v1/auth/sessions', undefined, bearer(first)),
      );
      assert.equal(list.items.length, 2);
      assert.ok(list.items.every((s) => s.username === 'dora'));
      assert.equal(list.items.filter((s) => s.current).length, 1);
      assert.equal(JSON.stringify(list).includes(first), false, 'a listing shows no secrets');
      const secondId = list.items.find((s) => !s.current)!.id;
      const tomId = ok<{ items: SessionJson[] }>(
        await t.req(null, 'GET', '/api/v1/auth/sessions', undefined, bearer(other)),
      ).items[0]!.id;
      expectError(
        await t.req(null, 'POST', `/api/v1/auth/sessions/${tomId}/revoke`, undefined, bearer(first)),
        404,
        'not_found',
      );
      ok(await me(other));
      const revoked = ok<SessionJson>(
        await t.req(null, 'POST', `/api/v1/auth/sessions/${secondId}/revoke`, undefined, bearer(first)),
      );
      assert.equal(revoked.id, secondId);
      expectError(await me(second), 401);
      ok(await me(first));
      // API tokens have no sessions to list.
      expectError(await t.req('dora', 'GET', '/api/v1/auth/sessions'), 403, 'forbidden');
    });
  });
}
