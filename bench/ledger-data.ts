// Data for the ledger benchmark: realistic events, a cached ledger of N entries written straight into
// SQLite (entries plus the Merkle nodes the app would have stored), and its tlog-tiles export.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../src/domain/actor.ts';
import type { RecordedEvent } from '../src/domain/events.ts';
import { canonicalJson } from '../src/ledger/canonical.ts';
import { leafHash } from '../src/ledger/hash.ts';
import { writeTlogTiles } from '../src/ledger/tiles.ts';
import { nodesToStoreOnAppend } from '../src/ledger/tree.ts';
import { PROJECTIONS } from '../src/modules/projections.ts';
import { openStore } from '../src/store/database.ts';
import { LedgerTreeRepository } from '../src/store/ledger-tree.repository.ts';
import type { PendingEvent } from '../src/store/ledger.repository.ts';
import { makeKeys, signedCheckpoint, type Keys } from '../test/ledger/support.ts';

export const ACTOR: Actor = {
  id: 'tom',
  kind: 'human',
  roles: ['approver'],
  groups: ['technical'],
  scopes: null,
  email: null,
};

const PLAN = 'Roll the pods one by one and watch the error rate for ten minutes.';

/** Event i: a change.edited with a new description and plan and a fresh assessment, as an edit records (~600 bytes). */
export function editedEvent(i: number): PendingEvent {
  const n = 1 + (i % 5000);
  return {
    subject: `CHG-${n}`,
    event: {
      type: 'change.edited',
      data: {
        fields: {
          description: `Raise the connection pool of payments-api from 20 to ${20 + (i % 40)} connections. ${PLAN.slice(0, i % 60)}`,
        },
        revision: 2 + (i % 7),
        revisionHash: createHash('sha256').update(String(i)).digest('hex'),
        assessment: {
          rating: 'medium',
          reasons: [
            { rule: 'critical-prod', rating: 'medium', reason: 'a high-criticality production service' },
          ],
          requiredApprovals: [
            { group: 'technical', count: 1 },
            { group: 'business', count: 1 },
          ],
          missing: [],
          policyVersion: 1,
        },
      },
    },
  };
}

/** The entry LedgerRepository.append would store for event i at sequence i, and its canonical text. */
export function entryOf(i: number, at: string): { entry: RecordedEvent; text: string } {
  const { subject, event } = editedEvent(i);
  const actor = { id: ACTOR.id, kind: ACTOR.kind };
  const entry = { v: 1, seq: i, id: randomUUID(), type: event.type, subject, at, actor, data: event.data };
  return { entry: entry as RecordedEvent, text: canonicalJson(entry) };
}

interface Meta {
  entries: number;
  bytes: number;
  generatedSeconds: number;
}

const BATCH = 50_000;

/** Opens (generating once, or again with `regen`) the data dir holding a ledger of exactly `n` entries. */
export async function cachedLedger(dataDir: string, n: number, regen: boolean): Promise<Meta> {
  const metaFile = join(dataDir, 'meta.json');
  if (!regen && existsSync(metaFile)) {
    console.log(`using the cached ledger in ${dataDir} (--regen to rebuild)`);
    return JSON.parse(readFileSync(metaFile, 'utf8')) as Meta;
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  console.log(`generating a ledger of ${n} entries in ${dataDir} …`);
  const start = performance.now();
  const store = openStore({ dataDir });
  await store.migrate(PROJECTIONS);
  const db = store.sqlite!.raw;
  // Generation only: the measured reads later run on the app's own pragmas (synchronous=FULL).
  db.exec('PRAGMA synchronous = OFF');
  const insertEntry = db.prepare(
    'insert into ledger_entries (seq, event_id, type, subject, actor, recorded_at, canonical, leaf_hash) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertNode = db.prepare('insert into ledger_nodes (level, idx, hash) values (?, ?, ?)');
  // The left siblings an append hashes with are always the newest node of their level: keep only those.
  const frontier: { index: number; hash: Uint8Array }[] = [];
  const get = (level: number, index: number) =>
    frontier[level]?.index === index ? frontier[level].hash : undefined;
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  let bytes = 0;
  for (let i = 0; i < n;) {
    db.exec('BEGIN');
    for (const end = Math.min(n, i + BATCH); i < end; i++) {
      const at = new Date(t0 + i * 30_000).toISOString();
      const { entry: e, text } = entryOf(i, at);
      const buf = Buffer.from(text);
      bytes += buf.length;
      const leaf = leafHash(buf);
      insertEntry.run(i, e.id, e.type, e.subject, ACTOR.id, at, text, leaf.toString('hex'));
      for (const node of nodesToStoreOnAppend(i, leaf, get)) {
        frontier[node.level] = { index: node.index, hash: node.hash };
        insertNode.run(node.level, node.index, Buffer.from(node.hash).toString('hex'));
      }
    }
    db.exec('COMMIT');
    if (process.stdout.isTTY) process.stdout.write(`\r  ${i} entries`);
  }
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  await store.close();
  const meta = { entries: n, bytes, generatedSeconds: (performance.now() - start) / 1000 };
  console.log(
    `${process.stdout.isTTY ? '\r' : ''}  ${n} entries, ${(bytes / 1e6).toFixed(0)} MB of leaves, in ${meta.generatedSeconds.toFixed(1)} s`,
  );
  writeFileSync(metaFile, JSON.stringify(meta));
  return meta;
}

/** Fixed keys, so a cached export verifies on every run. */
export const exportKeys = (): Keys => makeKeys(1, 0xbe);

/**
 * Exports the first `n` entries of the cached ledger with writeTlogTiles, signed with exportKeys(), into
 * `dir` unless an export is already there. The writer checks the entries against the stored tree's root.
 */
export async function cachedExport(dataDir: string, dir: string, n: number): Promise<void> {
  if (existsSync(join(dir, 'checkpoint'))) {
    console.log(`using the cached export in ${dir}`);
    return;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = openStore({ dataDir });
  try {
    const start = performance.now();
    const root = await new LedgerTreeRepository(store).root(n);
    const rows = store
      .sqlite!.raw.prepare('select canonical from ledger_entries where seq < ? order by seq')
      .iterate(n);
    const entries = (function* () {
      for (const row of rows) yield Buffer.from((row as { canonical: string }).canonical);
    })();
    await writeTlogTiles(dir, { entries, checkpoint: signedCheckpoint(exportKeys(), n, root) });
    console.log(`export of ${n} entries written in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  } finally {
    await store.close();
  }
}
