// A database restored from an older backup (issue 3): the server that signed a newer checkpoint B refuses
// to sign anything on the restored data, whatever is appended, and an offline verifier given B reports the
// restored log as a rollback (its latest checkpoint is smaller than B).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { writeTlogTiles } from '../../src/ledger/tiles.ts';
import { verifyExport, type Report } from '../../src/ledger/verifier.ts';
import { checkLedger, sqliteRows, type CheckpointRow, type LedgerRows } from './ledger-check.ts';
import { appendLoad } from './load.ts';
import {
  call,
  initInstance,
  killAllServers,
  registerServices,
  ServerProcess,
  type InitResult,
} from './support.ts';

const DB_FILES = ['changeproof.sqlite', 'changeproof.sqlite-wal', 'changeproof.sqlite-shm'];

/** Copies the SQLite database and its WAL files (those that exist) from one directory to another. */
function copyDatabase(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of DB_FILES) {
    rmSync(join(to, f), { force: true });
    if (existsSync(join(from, f))) copyFileSync(join(from, f), join(to, f));
  }
}

/** The ledger rows of a copy of the database in `dir`, so reading changes nothing there. */
function readRows(dir: string, scratch: string): LedgerRows {
  copyDatabase(dir, scratch);
  const db = new DatabaseSync(join(scratch, DB_FILES[0]!));
  try {
    return sqliteRows(db);
  } finally {
    db.close();
  }
}

interface CheckpointJson {
  size: number;
  rootHash: string;
  note: string;
}

describe('a database restored from an older backup (SQLite, real server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'changeproof-rollback-'));
  const data = join(dir, 'data');
  const server = new ServerProcess({ CHANGEPROOF_DATA: data, CHANGEPROOF_LOG_LEVEL: 'warn' });
  let init: InitResult;
  let a: CheckpointJson;
  let b: CheckpointJson;
  let backup: LedgerRows;
  let newer: LedgerRows;

  const append = async (total: number, tag: string) => {
    const stats = await appendLoad({
      total,
      workers: 2,
      tag,
      token: init.admin.token,
      url: () => server.url,
      service: () => 'rollback-svc',
      signal: new AbortController().signal,
    });
    assert.equal(stats.acks.length, total, JSON.stringify(stats));
  };
  const checkpoint = () =>
    call<CheckpointJson>(server.url, init.admin.token, 'POST', '/api/v1/ledger/checkpoints');
  const exportLog = async (rows: LedgerRows, name: string): Promise<string> => {
    const out = join(dir, name);
    const latest = rows.checkpoints.at(-1)!;
    await writeTlogTiles(out, {
      entries: rows.entries.slice(0, latest.size).map((e) => Buffer.from(e.canonical, 'utf8')),
      checkpoint: latest.note,
    });
    return out;
  };

  before(
    async () => {
      init = await initInstance({ CHANGEPROOF_DATA: data });
      await server.start();
      await registerServices(server.url, init.admin.token, ['rollback-svc']);
      await append(40, 'before-backup');
      a = (await checkpoint()).body;
      assert.equal((await server.stop()).code, 0);
      copyDatabase(data, join(dir, 'backup'));
      backup = readRows(join(dir, 'backup'), join(dir, 'scratch'));

      await server.start();
      await append(60, 'after-backup');
      b = (await checkpoint()).body;
      assert.equal((await server.stop()).code, 0);
      newer = readRows(data, join(dir, 'scratch'));
      copyDatabase(join(dir, 'backup'), data);
    },
    { timeout: 5 * 60_000 },
  );

  after(() => {
    killAllServers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kept the signed head B outside the database, and the backup is an intact older log', () => {
    assert.equal(b.size, a.size + 60, 'B covers exactly the 60 appends after A');
    const state = JSON.parse(readFileSync(join(data, 'ledger.state'), 'utf8')) as {
      size: number;
      rootHash: string;
    };
    // The shutdown checkpoint after B has the same tree.
    assert.deepEqual({ size: state.size, rootHash: state.rootHash }, { size: b.size, rootHash: b.rootHash });
    const older = checkLedger(backup, init.ledger.verifierKey);
    assert.equal(older.latest.size, a.size);
    assert.equal(older.latest.root_hash, a.rootHash);
    checkLedger(newer, init.ledger.verifierKey);
  });

  it('offline: the restored log checked against B is a rollback (size-shrank), against A it verifies', async () => {
    const restored = readRows(data, join(dir, 'scratch'));
    const latest = restored.checkpoints.at(-1)!;
    // Directly from the signed checkpoints: the restored log's latest is smaller than B, and not B's tree.
    assert.ok(latest.size < b.size, `restored latest ${latest.size} vs B ${b.size}`);
    assert.ok(!restored.checkpoints.some((c) => c.size >= b.size || c.root_hash === b.rootHash));

    const keys = [init.ledger.verifierKey];
    const exported = await exportLog(restored, 'export-restored');
    const rollback: Report = await verifyExport(exported, { keys, previous: b.note });
    assert.equal(rollback.ok, false);
    assert.equal(rollback.failure?.kind, 'size-shrank', JSON.stringify(rollback.failure));
    assert.equal(rollback.evidence?.previous, b.note, 'the report carries B as evidence');
    assert.equal(rollback.evidence?.checkpoint, latest.note);
    // The same export against A (the backup's own past) is fine: the failure is the rollback, nothing else.
    const fine = await verifyExport(exported, { keys, previous: a.note });
    assert.equal(fine.ok, true, JSON.stringify(fine.failure));
    const grown = await verifyExport(await exportLog(newer, 'export-newer'), { keys, previous: b.note });
    assert.equal(grown.ok, true, JSON.stringify(grown.failure));
  });

  it('the server on the restored data refuses to sign, before and after new appends, even past B', async () => {
    await server.start();
    const refusal = async (why: RegExp) => {
      const res = await checkpoint();
      // A refusal that says what happened, as a conflict with what was signed, not a server error.
      assert.equal(res.status, 409, JSON.stringify(res.body));
      assert.match((res.body as unknown as { error: { message: string } }).error.message, why);
    };
    await refusal(/refusing to sign: .*rolled back/);
    await append(10, 'restored-short');
    await refusal(/refusing to sign: .*rolled back/);
    // Grow the restored log beyond B: same size, another history, a fork of what B signed.
    await append(b.size - backup.entries.length, 'restored-fork');
    await refusal(/refusing to sign: .*no longer match/);
    assert.equal((await server.stop()).code, 0);
    assert.match(server.output(), /no shutdown checkpoint/);

    const after = readRows(data, join(dir, 'scratch'));
    assert.ok(after.entries.length > b.size);
    const signed = (rows: LedgerRows) => rows.checkpoints.map((c: CheckpointRow) => ({ ...c }));
    assert.deepEqual(signed(after), signed(backup), 'a checkpoint was signed on the restored data');
    const state = JSON.parse(readFileSync(join(data, 'ledger.state'), 'utf8')) as { size: number };
    assert.equal(state.size, b.size, 'the signed head was overwritten');
    checkLedger(after, init.ledger.verifierKey);
  });
});
