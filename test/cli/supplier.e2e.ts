// The CLI records where a change came from and which supplier it concerns, shows it, and lists by it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { engines } from '../support/db.ts';
import { cli, startCliServer, type CliResult, type CliServer } from './support.ts';

function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

describe('changeproof changes: origin and supplier', () => {
  const engine = engines()[0]!;
  let srv: CliServer;
  let dir: string;
  const run = (args: string[]) => cli(args, { CHANGEPROOF_URL: srv.url, CHANGEPROOF_TOKEN: srv.adminToken });

  before(async () => {
    srv = await startCliServer(engine);
    dir = mkdtempSync(join(tmpdir(), 'changeproof-cli-supplier-'));
  });
  after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('raises a supplier change with flags and a file, shows it, and finds it by origin and supplier', async () => {
    const file = join(dir, 'supplier.json');
    writeFileSync(
      file,
      JSON.stringify({
        supplierAccessReview: {
          access: 'Read-only key to the settlement bucket',
          controlsStillApply: false,
          agreementsNeedUpdate: true,
        },
      }),
    );
    const created = ok(
      await run([
        'changes',
        'create',
        '--title',
        'PayCo moves settlement files to SFTP v2',
        '--origin',
        'supplier',
        '--supplier',
        'PayCo Ltd',
        '--supplier-ref',
        'PAYCO-2026-14',
        '--supplier-impact',
        'The old endpoint shuts on 1 March.',
        '--customer-communication',
        'Merchants are e-mailed a week ahead.',
        '--file',
        file,
        '--json',
      ]),
    ).json<{ id: string; origin: string; supplier: string; supplierReference: string }>();
    assert.deepEqual(
      [created.origin, created.supplier, created.supplierReference],
      ['supplier', 'PayCo Ltd', 'PAYCO-2026-14'],
    );
    ok(await run(['changes', 'create', '--title', 'Internal tidy-up', '--json']));

    const shown = ok(await run(['changes', 'show', created.id])).stdout;
    assert.match(shown, /origin: +supplier/);
    assert.match(shown, /supplier: +PayCo Ltd · notice PAYCO-2026-14/);
    assert.match(shown, /supplier impact: The old endpoint shuts/);
    assert.match(
      shown,
      /access review: Read-only key .* controls NO LONGER APPLY · agreements need updating/,
    );
    assert.match(shown, /customers: +Merchants are e-mailed/);

    const listed = async (args: string[]) =>
      ok(await run(['changes', 'list', ...args, '--json']))
        .json<{ items: { id: string }[] }>()
        .items.map((c) => c.id);
    assert.deepEqual(await listed(['--origin', 'supplier']), [created.id]);
    assert.deepEqual(await listed(['--supplier', 'payco ltd']), [created.id]);
    assert.deepEqual(await listed(['--origin', 'internal', '--supplier', 'PayCo Ltd']), []);
    assert.deepEqual(await listed(['--q', 'endpoint shuts']), [created.id]);

    const edited = ok(await run(['changes', 'edit', created.id, '--origin', 'customer', '--json'])).json<{
      origin: string;
    }>();
    assert.equal(edited.origin, 'customer');
    assert.equal((await run(['changes', 'list', '--origin', 'vendor'])).code, 2);
  });
});
