// User administration: only admins create users and bots or change roles and groups; duplicates conflict;
// passwords follow the rules and bots have none.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { expectError, ledgerSize, noServerErrors, ok } from '../support/http.ts';

interface User {
  username: string;
  kind: string;
  roles: string[];
  groups: string[];
  active: boolean;
  email: string | null;
}

for (const engine of engines()) {
  describe(`users over HTTP (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
    });
    after(() => t.close());

    it('lets an admin create a person who can then sign in', async () => {
      const u = ok<User>(
        await t.req('admin', 'POST', '/api/v1/users', {
          username: 'nina',
          email: 'nina@example.test',
          roles: ['requester'],
          groups: ['business'],
          password: 'a-long-enough-password',
        }),
        201,
      );
      assert.deepEqual(
        [u.username, u.kind, u.roles, u.groups, u.active],
        ['nina', 'human', ['requester'], ['business'], true],
      );
      const login = ok<{ user: User }>(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'nina',
          password: 'a-long-enough-password',
        }),
      );
      assert.equal(login.user.username, 'nina');
      assert.equal(ok<User>(await t.req('admin', 'GET', '/api/v1/users/nina')).email, 'nina@example.test');
    });

    it('lets an admin create a bot without a password, and refuses a bot with one', async () => {
      const bot = ok<User>(
        await t.req('admin', 'POST', '/api/v1/users', {
          username: 'deploy-bot',
          kind: 'bot',
          roles: ['implementer'],
        }),
        201,
      );
      assert.equal(bot.kind, 'bot');
      const before = await ledgerSize(t);
      expectError(
        await t.req('admin', 'POST', '/api/v1/users', {
          username: 'pw-bot',
          kind: 'bot',
          roles: ['implementer'],
          password: 'bots-have-no-password',
        }),
        400,
        'validation_failed',
      );
      expectError(
        await t.req('admin', 'PATCH', '/api/v1/users/deploy-bot', { password: 'bots-have-no-password' }),
        400,
        'validation_failed',
      );
      assert.equal(await ledgerSize(t), before);
      expectError(await t.req('admin', 'GET', '/api/v1/users/pw-bot'), 404, 'not_found');
    });

    it('refuses user administration to anyone but an admin', async () => {
      const before = await ledgerSize(t);
      for (const as of ['alice', 'carl', 'audrey']) {
        expectError(
          await t.req(as, 'POST', '/api/v1/users', { username: `by-${as}`, roles: ['viewer'] }),
          403,
          'forbidden',
        );
        expectError(await t.req(as, 'PATCH', '/api/v1/users/bob', { roles: ['admin'] }), 403, 'forbidden');
        expectError(await t.req(as, 'PATCH', '/api/v1/users/bob', { active: false }), 403, 'forbidden');
      }
      // Not even oneself: roles and groups are the admin's to give.
      expectError(await t.req('alice', 'PATCH', '/api/v1/users/alice', { roles: ['admin'] }), 403);
      expectError(await t.req('sam', 'PATCH', '/api/v1/users/sam', { groups: ['security', 'cab'] }), 403);
      assert.equal(await ledgerSize(t), before);
      assert.equal(ok<User>(await t.req('alice', 'GET', '/api/v1/users/alice')).username, 'alice');
      assert.deepEqual(ok<User>(await t.req('admin', 'GET', '/api/v1/users/bob')).roles, [
        'requester',
        'implementer',
      ]);
    });

    it('refuses a duplicate username with 409', async () => {
      const res = await t.req('admin', 'POST', '/api/v1/users', { username: 'alice', roles: ['viewer'] });
      expectError(res, 409, 'conflict');
    });

    it('updates roles and groups and records the change', async () => {
      const before = await ledgerSize(t);
      const u = ok<User>(
        await t.req('admin', 'PATCH', '/api/v1/users/betty', {
          roles: ['approver', 'requester'],
          groups: ['business', 'cab'],
        }),
      );
      assert.deepEqual(u.roles, ['approver', 'requester']);
      assert.deepEqual(u.groups, ['business', 'cab']);
      assert.equal(await ledgerSize(t), before + 1);
      const listed = ok<{ items: User[] }>(await t.req('admin', 'GET', '/api/v1/users')).items;
      assert.deepEqual(listed.find((x) => x.username === 'betty')?.groups, ['business', 'cab']);
      expectError(await t.req('admin', 'PATCH', '/api/v1/users/nobody', { groups: [] }), 404, 'not_found');
      expectError(
        await t.req('admin', 'PATCH', '/api/v1/users/betty', { roles: ['superuser'] }),
        400,
        'validation_failed',
      );
      expectError(await t.req('admin', 'PATCH', '/api/v1/users/betty', {}), 400, 'validation_failed');
    });

    it('enforces the password rules with a path to the field', async () => {
      const created = expectError(
        await t.req('admin', 'POST', '/api/v1/users', {
          username: 'shorty',
          roles: ['viewer'],
          password: 'short',
        }),
        400,
        'validation_failed',
      );
      assert.ok(
        created.details.some((d) => d.path === 'body.password'),
        JSON.stringify(created),
      );
      assert.match(created.message, /12 characters/);
      // A password is changed by its owner, in a signed-in session, with the current one.
      const { token: session } = ok<{ token: string }>(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'alice',
          password: 'alice-password-123',
        }),
      );
      const change = (newPassword: string) =>
        t.req(
          null,
          'POST',
          '/api/v1/auth/password',
          { currentPassword: 'alice-password-123', newPassword },
          { authorization: `Bearer ${session}` },
        );
      const changed = expectError(await change('elevenchars'), 400, 'validation_failed');
      assert.ok(
        changed.details.some((d) => d.path === 'body.newPassword'),
        JSON.stringify(changed),
      );
      assert.match(changed.message, /12 characters/);
      // Twelve is enough.
      ok(await change('twelve-chars'));
      ok(await t.req(null, 'POST', '/api/v1/auth/login', { username: 'alice', password: 'twelve-chars' }));
      expectError(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'alice',
          password: 'alice-password-123',
        }),
        401,
      );
      // Nobody sets a password through the profile, not even their own.
      const viaProfile = expectError(
        await t.req('alice', 'PATCH', '/api/v1/users/alice', { password: 'twelve-chars-again' }),
        400,
        'validation_failed',
      );
      assert.match(viaProfile.message, /auth\/password/);
    });

    it('rejects bad usernames and unknown roles', async () => {
      for (const body of [
        { username: 'Has Spaces', roles: ['viewer'] },
        { username: 'ok-name', roles: [] },
        { username: 'ok-name', roles: ['root'] },
        { username: 'ok-name', roles: ['viewer'], email: 'not-an-email' },
      ])
        expectError(await t.req('admin', 'POST', '/api/v1/users', body), 400, 'validation_failed');
    });
  });
}
