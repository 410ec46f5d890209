// The CLI lists follow-ups and late approvals, and reports a follow-up it cannot find or a bad request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../support/db.ts';
import { cli, startCliServer, type CliServer } from './support.ts';

describe('changeproof follow-ups and approvals late', () => {
  const engine = engines()[0]!;
  let srv: CliServer;
  const run = (args: string[]) => cli(args, { CHANGEPROOF_URL: srv.url, CHANGEPROOF_TOKEN: srv.adminToken });

  before(async () => {
    srv = await startCliServer(engine);
  });
  after(() => srv.close());

  it('lists, and refuses what it cannot do with the exit code that says why', async () => {
    const listed = await run(['follow-ups', 'list', '--overdue', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout), { items: [], nextCursor: null });
    const text = await run(['follow-ups', 'list']);
    assert.match(text.stdout, /no follow-ups/);
    const late = await run(['approvals', 'late']);
    assert.equal(late.code, 0, late.stderr);
    assert.match(late.stdout, /no late approvals/);
    const missing = await run(['follow-ups', 'done', 'FU-9', '--reference', 'x']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no follow-up FU-9/);
    const bad = await run([
      'follow-ups',
      'add',
      'CHG-1',
      '--kind',
      'action',
      '--title',
      't',
      '--owner',
      'admin',
      '--due',
      'soon',
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /dueAt/);
  });
});
