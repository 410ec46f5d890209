// The ledger from the command line, as an auditor uses it: export the log, verify it offline, tamper with
// it and see the verifier name the entry; per-record proofs; and --rebuild against a direct database edit.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { generateEd25519Key, openNote, parseVerifierKey } from '../../src/ledger/note.ts';
import { parseLedgerKey } from '../../src/modules/ledger/ledger-key.ts';
import { cli, startCliServer, type CliResult, type CliServer } from './support.ts';

const ok = (r: CliResult) => {
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
};

describe('ledger and verify commands (sqlite)', () => {
  let srv: CliServer;
  let key: string;
  const as = (args: string[]) => cli(args, { CHANGEPROOF_URL: srv.url, CHANGEPROOF_TOKEN: srv.adminToken });
  before(async () => {
    srv = await startCliServer('sqlite');
    ok(await as(['services', 'add', 'reports-batch', '--env', 'dev']));
    ok(
      await as([
        'changes',
        'create',
        '--title',
        'Partition the nightly reports',
        '--service',
        'reports-batch',
      ]),
    );
    key = ok(await as(['ledger', 'key'])).stdout.trim();
  });
  after(() => srv.close());

  it('exports the log as tlog-tiles that verify offline with the log key, and not with another', async () => {
    const dir = join(srv.dir, 'export');
    ok(await as(['ledger', 'export', dir, '--now']));
    const good = ok(await cli(['verify', dir, '--key', key]));
    assert.match(good.stdout, /result: OK/);
    const other = generateEd25519Key('changeproof.local/other').verifierKey;
    const wrong = await cli(['verify', dir, '--key', other, '--json']);
    assert.equal(wrong.code, 1, wrong.stdout + wrong.stderr);
    assert.equal(wrong.json<{ failure: { kind: string } }>().failure.kind, 'unknown-key');
  });

  it('names the first altered entry of a tampered export and exits 1', async () => {
    const dir = join(srv.dir, 'export');
    const bundles = readdirSync(join(dir, 'tile', 'entries'), {
      recursive: true,
      withFileTypes: true,
    }).filter((f) => f.isFile());
    const bundle = join(bundles[0]!.parentPath, bundles[0]!.name);
    const bytes = readFileSync(bundle);
    const at = bytes.indexOf('Partition the nightly reports');
    bytes[at] = bytes[at]! ^ 0x20;
    writeFileSync(bundle, bytes);
    const r = await cli(['verify', dir, '--key', key, '--json']);
    assert.equal(r.code, 1);
    const report = r.json<{ ok: boolean; failure: { kind: string; index: number } }>();
    assert.equal(report.ok, false);
    assert.equal(report.failure.kind, 'leaf-mismatch');
    const events = ok(await as(['changes', 'events', 'CHG-1', '--json'])).json<{
      items: { seq: number; type: string }[];
    }>();
    assert.equal(report.failure.index, events.items.find((e) => e.type === 'change.created')!.seq);
  });

  it('writes a tlog-proof per event of a change, each verifying against its entry only', async () => {
    const out = join(srv.dir, 'proofs');
    const r = ok(await as(['ledger', 'proof', 'CHG-1', '--out', out, '--now', '--json']));
    const files = r.json<{ files: { index: number; proof: string; entry: string }[] }>().files;
    assert.ok(files.length >= 1);
    for (const f of files) ok(await cli(['verify', f.proof, '--key', key]));
    const otherEntry = join(srv.dir, 'other.json');
    writeFileSync(otherEntry, '{"forged":true}');
    const bad = await cli(['verify', files[0]!.proof, '--entry', otherEntry, '--key', key]);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  });

  it('verify --rebuild passes on the live data and names a row edited behind its back', async () => {
    const env = { CHANGEPROOF_DATA: srv.dir };
    assert.match(
      ok(await cli(['verify', '--rebuild'], env)).stdout,
      /OK: the tables are exactly what the ledger says/,
    );
    const db = new DatabaseSync(join(srv.dir, 'changeproof.sqlite'));
    db.exec("update changes set title = 'Nothing to see here' where id = 'CHG-1'");
    db.close();
    const r = await cli(['verify', '--rebuild'], env);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /DIFF {2}changes CHG-1\.title: live "Nothing to see here", ledger says "Partition the nightly reports"/,
    );
  });

  it('verify --rebuild names entries deleted with the checkpoints that covered them, from ledger.state', async () => {
    const signed = ok(await as(['ledger', 'checkpoint', '--now', '--json'])).json<{ size: number }>();
    const env = { CHANGEPROOF_DATA: srv.dir };
    const db = new DatabaseSync(join(srv.dir, 'changeproof.sqlite'));
    const cut = signed.size - 2;
    db.exec(`delete from ledger_entries where seq >= ${cut}; delete from ledger_checkpoints`);
    db.close();
    const r = await cli(['verify', '--rebuild', '--json'], env);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const report = r.json<{ firstBadIndex: number; ledgerProblems: string[] }>();
    assert.equal(report.firstBadIndex, cut);
    assert.ok(
      report.ledgerProblems.some((p) =>
        p.startsWith(
          `the ledger has ${cut} entries but ledger.state (the last checkpoint this server signed) signed ${signed.size}`,
        ),
      ),
      report.ledgerProblems.join('\n'),
    );
  });
});

describe('ledger rotate-key (sqlite, local)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'changeproof-rotate-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('logs the new key, signs with it, and puts it in the key file only then, keeping the old one', async () => {
    const env = { CHANGEPROOF_DATA: dir };
    ok(await cli(['init', '--json'], env));
    const keyFile = join(dir, 'ledger.key');
    const before = parseLedgerKey(readFileSync(keyFile, 'utf8'), keyFile);
    const r = ok(await cli(['ledger', 'rotate-key', '--json'], env)).json<{
      previousKeyId: string;
      verifierKey: string;
      checkpoint: string;
    }>();
    assert.equal(r.previousKeyId, before.keyId);
    const after = parseLedgerKey(readFileSync(keyFile, 'utf8'), keyFile);
    assert.equal(after.verifierKey, r.verifierKey);
    assert.notEqual(after.verifierKey, before.verifierKey);
    openNote(r.checkpoint, [parseVerifierKey(r.verifierKey)]);
    assert.deepEqual(
      readdirSync(dir)
        .filter((f) => f.startsWith('ledger.key'))
        .sort(),
      ['ledger.key', `ledger.key.${before.keyId}.retired`],
    );
  });
});
