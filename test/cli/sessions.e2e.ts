// `changeproof sessions list|revoke` and `changeproof password` against a real server: a person sees and ends
// their own sessions, and changing the password (never with an API token) ends the other ones.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli, startCliServer, type CliServer } from './support.ts';

describe('sessions and password from the CLI', () => {
  let srv: CliServer;
  before(async () => {
    srv = await startCliServer('sqlite');
  });
  after(() => srv.close());

  const run = (token: string, args: string[]) =>
    cli(args, { CHANGEPROOF_URL: srv.url, CHANGEPROOF_TOKEN: token });
  const login = async (password: string) => {
    const res = await cli(['login', '--username', 'pia', '--password', password, '--json'], {
      CHANGEPROOF_URL: srv.url,
    });
    assert.equal(res.code, 0, res.stderr);
    return res.json<{ token: string }>().token;
  };

  it('lists and revokes sessions and changes the password', async () => {
    const add = await run(srv.adminToken, [
      'users',
      'add',
      'pia',
      '--role',
      'requester',
      '--password',
      'pia-first-password',
    ]);
    assert.equal(add.code, 0, add.stderr);
    const laptop = await login('pia-first-password');
    const phone = await login('pia-first-password');

    const listed = await run(laptop, ['sessions', 'list', '--json']);
    const items = listed.json<{ items: { id: string; current: boolean }[] }>().items;
    assert.equal(items.length, 2);
    const phoneId = items.find((s) => !s.current)!.id;
    assert.match((await run(laptop, ['sessions', 'list'])).stdout, /\*/);
    assert.equal((await run(laptop, ['sessions', 'revoke', phoneId])).code, 0);
    assert.equal((await run(phone, ['whoami'])).code, 2, 'a revoked session no longer authenticates');

    // With an API token: refused (exit 1), whatever its scopes.
    const denied = await run(srv.adminToken, ['password', '--current', 'x', '--new', 'y-long-enough-pw']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /signed-in session/);

    const third = await login('pia-first-password');
    const changed = await run(laptop, [
      'password',
      '--current',
      'pia-first-password',
      '--new',
      'pia-second-password',
    ]);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /1 other session ended/);
    assert.equal((await run(third, ['whoami'])).code, 2);
    assert.equal((await run(laptop, ['whoami'])).code, 0);
    await login('pia-second-password');
  });
});
