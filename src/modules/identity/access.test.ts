// `may`: the one answer to "may this actor do this", for routes, use-cases and jobs alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../contracts/errors.ts';
import { SYSTEM_ACTOR, type Actor, type Role } from '../../domain/actor.ts';
import { assertMay, may, tokenOwnerRefusal } from './access.ts';

const person = (roles: Role[], scopes: string[] | null = null): Actor => ({
  id: 'pat',
  kind: 'human',
  roles,
  groups: [],
  scopes,
  email: null,
});

describe('may', () => {
  it('answers null when a role grants the action and the credential covers it', () => {
    assert.equal(may(person(['change_manager']), 'service.register'), null);
    assert.equal(may(person(['change_manager'], ['services:write']), 'service.register'), null);
    assert.equal(may(SYSTEM_ACTOR, 'user.create'), null);
  });

  it('refuses with the role the action needs, whether the role or the token scope is missing', () => {
    const needs = 'registering services needs the change_manager or admin role';
    assert.equal(may(person(['requester']), 'service.register'), needs);
    assert.equal(may(person(['admin'], ['services:read']), 'service.register'), needs);
    assert.equal(may(person(['auditor']), 'user.create'), 'only an admin may create users');
  });

  it('throws the 403 through assertMay', () => {
    assert.throws(
      () => assertMay(person(['viewer']), 'checkpoint.issue'),
      (err: unknown) =>
        err instanceof AppError &&
        err.code === 'forbidden' &&
        err.message === 'asking for a checkpoint needs the admin, change_manager or auditor role',
    );
    assert.doesNotThrow(() => assertMay(person(['auditor']), 'checkpoint.issue'));
  });

  it('lets only admins create tokens for bots, and nobody for another person', () => {
    const bot = { username: 'ci', kind: 'bot' };
    assert.equal(tokenOwnerRefusal(person(['admin']), bot), null);
    assert.equal(
      tokenOwnerRefusal(person(['admin'], ['changes:read']), bot),
      'only an admin may create tokens for a bot',
    );
    assert.match(
      tokenOwnerRefusal(person(['admin']), { username: 'alice', kind: 'human' }) ?? '',
      /created by their owner/,
    );
  });
});
