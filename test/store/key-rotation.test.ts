// The log's signing key switches only once the transaction that records `ledger.key_activated` has
// committed. A rotation whose transaction fails — at commit, or because it ran inside another write that
// rolls back — leaves the old key signing, so checkpoints never carry a key the ledger does not name; and
// the key file on disk follows the ledger too.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createContainer, type Container } from '../../src/container.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { generateEd25519Key, openNote, parseVerifierKey } from '../../src/ledger/note.ts';
import {
  loadOrCreateLedgerKey,
  parseLedgerKey,
  rotateLedgerKeyFile,
  type LedgerKey,
} from '../../src/modules/ledger/ledger-key.ts';
import type { Store } from '../../src/store/database.ts';
import { testLedger } from '../support/app.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';

/**
 * Makes every later commit that wrote ledger_meta fail: a trigger adds a row whose deferred foreign key
 * names nothing, which the database checks only at COMMIT — after the rotation's events were all applied.
 */
async function failCommitsThatTouchLedgerMeta(store: Store): Promise<void> {
  const db = store.kysely;
  await sql`create table commit_guard (id text primary key)`.execute(db);
  await sql`create table commit_trap (ref text references commit_guard (id) deferrable initially deferred)`.execute(
    db,
  );
  if (store.engine === 'sqlite') {
    for (const on of ['insert', 'update'])
      await sql
        .raw(
          `create trigger trap_${on} after ${on} on ledger_meta begin insert into commit_trap values ('none'); end`,
        )
        .execute(db);
    return;
  }
  await sql
    .raw(
      `create function trap() returns trigger language plpgsql as $$ begin insert into commit_trap values ('none'); return new; end $$`,
    )
    .execute(db);
  await sql`create trigger trap after insert or update on ledger_meta for each row execute function trap()`.execute(
    db,
  );
}

for (const engine of engines()) {
  describe(`ledger key rotation (${engine})`, () => {
    let s: TestStore;
    let c: Container;
    let old: string;
    let next: LedgerKey;
    beforeEach(async () => {
      s = await freshStore(engine);
      c = createContainer(s.store, testLedger());
      await c.checkpoints.ensureKey();
      old = c.checkpoints.verifierKey;
      next = parseLedgerKey(generateEd25519Key(c.checkpoints.origin).signerKey, null);
    });
    afterEach(() => s.cleanup());

    const keyEvents = async () =>
      (await c.ledger.entries(0, 1000)).filter((e) => e.entry.includes('"type":"ledger.key_activated"'))
        .length;

    /** The old key still signs: the service says so, a new checkpoint opens with it and not with the new one. */
    async function assertOldKeySigns(): Promise<void> {
      assert.equal(c.checkpoints.verifierKey, old);
      const cp = await c.checkpoints.issue('demand');
      openNote(cp.note, [parseVerifierKey(old)]);
      assert.throws(() => openNote(cp.note, [parseVerifierKey(next.verifierKey)]));
      const meta = await s.store.kysely
        .selectFrom('ledger_meta')
        .select('value')
        .where('key', '=', 'verifier_key')
        .executeTakeFirstOrThrow();
      assert.equal(meta.value, old);
      assert.equal(await keyEvents(), 1);
    }

    it('keeps the old key when the transaction that records the rotation fails to commit', async () => {
      await failCommitsThatTouchLedgerMeta(s.store);
      await assert.rejects(c.checkpoints.rotate(SYSTEM_ACTOR, next), /foreign key/i);
      await sql`drop table commit_trap`.execute(s.store.kysely);
      await assertOldKeySigns();
    });

    it('refuses to rotate inside another write, which could still roll back', async () => {
      await assert.rejects(
        s.store.write(() => c.checkpoints.rotate(SYSTEM_ACTOR, next)),
        /rotate the key outside other writes/,
      );
      await assertOldKeySigns();
    });

    it('runs one rotation at a time, and the one that commits is the key that signs', async () => {
      const other = parseLedgerKey(generateEd25519Key(c.checkpoints.origin).signerKey, null);
      const [a, b] = await Promise.allSettled([
        c.checkpoints.rotate(SYSTEM_ACTOR, next),
        c.checkpoints.rotate(SYSTEM_ACTOR, other),
      ]);
      assert.equal(a.status, 'fulfilled');
      assert.equal(b.status, 'rejected');
      assert.match(String(b.reason), /a key rotation is already under way/);
      assert.equal(c.checkpoints.verifierKey, next.verifierKey);
      openNote(a.value.note, [parseVerifierKey(next.verifierKey)]);
      assert.equal(await keyEvents(), 2);
    });
  });
}

describe('ledger key file rotation', () => {
  let dir: string;
  let current: LedgerKey;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'changeproof-key-'));
    current = loadOrCreateLedgerKey(join(dir, 'ledger.key'), 'example.test/log').key;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fileKey = () => readFileSync(join(dir, 'ledger.key'), 'utf8');

  it('leaves the old key file in place when the ledger did not take the new key', async () => {
    const before = fileKey();
    await assert.rejects(
      rotateLedgerKeyFile(
        current,
        async () => {
          throw new Error('commit failed');
        },
        () => false,
      ),
      /commit failed/,
    );
    assert.equal(fileKey(), before);
    assert.deepEqual(readdirSync(dir), ['ledger.key'], 'no staged or retired file left behind');
  });

  it('moves the new key into place once the ledger names it, keeping the old file', async () => {
    const ledger: { names?: LedgerKey } = {};
    await rotateLedgerKeyFile(
      current,
      async (next) => {
        ledger.names = next;
      },
      (next) => next === ledger.names,
    );
    assert.equal(parseLedgerKey(fileKey(), null).verifierKey, ledger.names?.verifierKey);
    assert.deepEqual(readdirSync(dir).sort(), ['ledger.key', `ledger.key.${current.keyId}.retired`]);
  });

  it('follows the ledger when recording failed after it took the key', async () => {
    const ledger: { names?: LedgerKey } = {};
    await assert.rejects(
      rotateLedgerKeyFile(
        current,
        async (next) => {
          ledger.names = next;
          throw new Error('first checkpoint not signed');
        },
        (next) => next === ledger.names,
      ),
      /first checkpoint not signed/,
    );
    assert.equal(parseLedgerKey(fileKey(), null).verifierKey, ledger.names?.verifierKey);
  });
});
