// The CLI shows the calendar, finds a free slot, and makes and revokes the personal feed token, with the
// exit codes that say what went wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../support/db.ts';
import { cli, startCliServer, type CliServer } from './support.ts';

describe('changeproof calendar', () => {
  const engine = engines()[0]!;
  let srv: CliServer;
  const run = (args: string[]) => cli(args, { CHANGEPROOF_URL: srv.url, CHANGEPROOF_TOKEN: srv.adminToken });

  before(async () => {
    srv = await startCliServer(engine);
  });
  after(() => srv.close());

  it('lists window occurrences of the example policy in a range, and refuses a range too long', async () => {
    const shown = await run(['calendar', '--from', '2027-01-31T00:00:00Z', '--to', '2027-02-08T00:00:00Z']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /month-end-close +freeze +soft \(\+1 from business\)/);
    assert.match(shown.stdout, /ledger-db-maintenance +maintenance +hard +2027-02-07 01:00Z/);
    const json = await run(['calendar', '--from', 'now', '--to', '+1w', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(Object.keys(JSON.parse(json.stdout) as object), [
      'from',
      'to',
      'changes',
      'occurrences',
    ]);
    const long = await run(['calendar', '--from', 'now', '--to', '+400d']);
    assert.equal(long.code, 2);
    assert.match(long.stderr, /at most 366 days/);
  });

  it('finds a free slot, and explains a bad length', async () => {
    const registered = await run(['services', 'add', 'ledger-db', '--env', 'prod']);
    assert.equal(registered.code, 0, registered.stderr);
    const slot = await run(['calendar', 'free-slot', '--service', 'ledger-db', '--length', '2h', '--json']);
    assert.equal(slot.code, 0, slot.stderr);
    const found = JSON.parse(slot.stdout) as { slot: { start: string; end: string } };
    // Inside the Sunday-night maintenance window (02:00 Berlin: 01:00Z in winter, 00:00Z in summer).
    assert.equal(new Date(found.slot.start).getUTCDay(), 0);
    const bad = await run(['calendar', 'free-slot', '--service', 'ledger-db', '--length', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /duration such as 90m/);
  });

  it('prints a feed address once, which serves iCalendar until revoked', async () => {
    const made = await run(['calendar', 'feed-token']);
    assert.equal(made.code, 0, made.stderr);
    const url = made.stdout.trim().split('\n').at(-1)!;
    assert.match(url, /\/api\/v1\/calendar\.ics\?token=cpf_/);
    const feed = await fetch(url);
    assert.equal(feed.status, 200);
    assert.match(await feed.text(), /^BEGIN:VCALENDAR/);
    const revoked = await run(['calendar', 'feed-token', '--revoke']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await fetch(url)).status, 401);
    const again = await run(['calendar', 'feed-token', '--revoke']);
    assert.equal(again.code, 1);
  });
});
