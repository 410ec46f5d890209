// Admin is no bypass: nobody, an admin included, can act as another person. Tokens are created by their
// owner; an admin may create them only for bots, which approve nothing; nobody sets another person's password.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import {
  bearer,
  events,
  expectError,
  ledgerSince,
  ledgerSize,
  noServerErrors,
  ok,
  raise,
} from '../support/http.ts';

const LOW = {
  title: 'Batch tweak',
  description: 'Tune the report batch',
  reason: 'Faster reports',
  services: ['reports-batch'],
};

for (const engine of engines()) {
  describe(`no impersonation (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
    });
    after(() => t.close());

    it('refuses an admin every way of acting as another person', async () => {
      const { id } = await raise(t, 'alice', LOW);
      ok(await t.req('alice', 'POST', `/api/v1/changes/${id}/submit`));
      const size = await ledgerSize(t);

      // 1. A token owned by a person, minted by the admin: by session and by the admin's token.
      const { token: adminSession } = ok<{ token: string }>(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'admin',
          password: (await adminPassword(t)) ?? 'unknown',
        }),
      );
      for (const headers of [bearer(t.tokens.admin!), bearer(adminSession)]) {
        const err = expectError(
          await t.req(
            null,
            'POST',
            '/api/v1/tokens',
            { name: 'as sam', owner: 'sam', scopes: ['changes:read', 'changes:write', 'changes:approve'] },
            headers,
          ),
          403,
          'forbidden',
        );
        assert.match(err.message, /owner|bots/);
      }
      // 2. Setting the person's password, then signing in as them.
      for (const body of [
        { password: 'admin-knows-this-now' },
        { password: 'admin-knows-this-now', groups: ['security'] },
      ])
        expectError(await t.req('admin', 'PATCH', '/api/v1/users/sam', body), 400, 'validation_failed');
      expectError(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'sam',
          password: 'admin-knows-this-now',
        }),
        401,
      );
      // 3. Changing someone else's password through the password route: it acts on the caller only.
      expectError(
        await t.req(
          null,
          'POST',
          '/api/v1/auth/password',
          {
            username: 'sam',
            currentPassword: 'x',
            newPassword: 'admin-knows-this-now',
          },
          bearer(adminSession),
        ),
        400,
        'validation_failed',
      );
      // 4. Turning a person into a bot (to mint its tokens) is not a field that exists.
      expectError(
        await t.req('admin', 'PATCH', '/api/v1/users/sam', { kind: 'bot' }),
        400,
        'validation_failed',
      );
      // 5. Another person's sessions are neither listed nor revocable.
      const samSession = ok<{ token: string }>(
        await t.req(null, 'POST', '/api/v1/auth/login', { username: 'sam', password: 'sam-password-123' }),
      ).token;
      const samSessions = ok<{ items: { id: string }[] }>(
        await t.req(null, 'GET', '/api/v1/auth/sessions', undefined, bearer(samSession)),
      ).items;
      const adminSees = ok<{ items: { id: string; username: string }[] }>(
        await t.req(null, 'GET', '/api/v1/auth/sessions', undefined, bearer(adminSession)),
      ).items;
      assert.ok(adminSees.every((s) => s.username === 'admin'));
      expectError(
        await t.req(
          null,
          'POST',
          `/api/v1/auth/sessions/${samSessions[0]!.id}/revoke`,
          undefined,
          bearer(adminSession),
        ),
        404,
      );
      // 6. Reusing another person's idempotency key replays nothing of theirs.
      ok(await t.req('sam', 'GET', `/api/v1/changes/${id}`));

      // Nothing of the above was recorded as sam, and sam approved nothing.
      const written = await ledgerSince(t, size);
      assert.deepEqual(
        written.filter((e) => e.actor.id === 'sam'),
        [],
      );
      assert.equal(
        (await events(t, id)).some((e) => e.type === 'change.approval_granted'),
        false,
      );
    });

    it('lets an admin create tokens for a bot, which then approves nothing', async () => {
      const bot = ok<{ owner: string; token: string }>(
        await t.req('admin', 'POST', '/api/v1/tokens', {
          name: 'deploy',
          owner: 'ci',
          scopes: ['changes:read', 'changes:write', 'changes:approve'],
        }),
        201,
      );
      assert.equal(bot.owner, 'ci');
      const { id } = await raise(t, 'alice', LOW);
      ok(await t.req('alice', 'POST', `/api/v1/changes/${id}/submit`));
      expectError(
        await t.req(null, 'POST', `/api/v1/changes/${id}/approve`, {}, bearer(bot.token)),
        403,
        'bot_cannot_approve',
      );
      // A person cannot mint a bot's tokens; only admins can.
      expectError(
        await t.req('alice', 'POST', '/api/v1/tokens', { name: 'x', owner: 'ci', scopes: ['changes:read'] }),
        403,
        'forbidden',
      );
    });

    it('lets everyone create their own tokens', async () => {
      const own = ok<{ owner: string }>(
        await t.req('sam', 'POST', '/api/v1/tokens', { name: 'laptop', scopes: ['changes:read'] }),
        201,
      );
      assert.equal(own.owner, 'sam');
      const explicit = ok<{ owner: string }>(
        await t.req('sam', 'POST', '/api/v1/tokens', {
          name: 'laptop 2',
          owner: 'sam',
          scopes: ['changes:read'],
        }),
        201,
      );
      assert.equal(explicit.owner, 'sam');
    });
  });
}

/** The bootstrap admin's one-time password is not kept by the test app; set a known one through the service. */
async function adminPassword(t: TestApp): Promise<string> {
  const password = 'admin-password-123';
  const { hashPassword } = await import('../../src/modules/identity/secrets.ts');
  await t.c.identity.repo.setSecret(
    'password',
    'admin',
    await hashPassword(password),
    new Date().toISOString(),
  );
  return password;
}
