// What the durability suites assert about a ledger once the servers are down, from the stored rows (SQLite
// or PostgreSQL): gapless sequence, leaf hashes, stored-node root = naive root, every signed checkpoint
// opening with the log's key and having the root of the same log's prefix (so every checkpoint is
// consistent with every earlier one), and consistency proofs between signed checkpoints verifying.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type pg from 'pg';
import { parseCheckpoint } from '../../src/ledger/checkpoint.ts';
import { openNote, parseVerifierKey } from '../../src/ledger/note.ts';
import { consistencyProof, naiveRoot, nodeGetter, rootAt } from '../../src/ledger/tree.ts';
import { verifyConsistency } from '../../src/ledger/verify-proof.ts';
import { call } from './support.ts';

export interface EntryRow {
  seq: number;
  canonical: string;
  leaf_hash: string;
}
export interface NodeRow {
  level: number;
  idx: number;
  hash: string;
}
export interface CheckpointRow {
  id: number;
  size: number;
  root_hash: string;
  note: string;
}
export interface LedgerRows {
  entries: EntryRow[];
  nodes: NodeRow[];
  checkpoints: CheckpointRow[];
}

const ENTRIES = 'select seq, canonical, leaf_hash from ledger_entries order by seq';
const NODES = 'select level, idx, hash from ledger_nodes';
const CHECKPOINTS = 'select id, size, root_hash, note from ledger_checkpoints order by id';

const numbers = <T extends object>(rows: T[], keys: (keyof T)[]): T[] =>
  rows.map((r) => ({ ...r, ...Object.fromEntries(keys.map((k) => [k, Number(r[k])])) }));

export function sqliteRows(db: DatabaseSync): LedgerRows {
  return {
    entries: numbers(db.prepare(ENTRIES).all() as unknown as EntryRow[], ['seq']),
    nodes: numbers(db.prepare(NODES).all() as unknown as NodeRow[], ['level', 'idx']),
    checkpoints: numbers(db.prepare(CHECKPOINTS).all() as unknown as CheckpointRow[], ['id', 'size']),
  };
}

export async function postgresRows(client: pg.Client): Promise<LedgerRows> {
  return {
    entries: numbers((await client.query<EntryRow>(ENTRIES)).rows, ['seq']),
    nodes: numbers((await client.query<NodeRow>(NODES)).rows, ['level', 'idx']),
    checkpoints: numbers((await client.query<CheckpointRow>(CHECKPOINTS)).rows, ['id', 'size']),
  };
}

// Hashing written out again here rather than imported, so the check does not share code with the tree.
const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafOf = (canonical: string) => sha256(Buffer.from([0]), Buffer.from(canonical, 'utf8'));

/** RFC 6962 roots of every prefix size asked for, from the right frontier of perfect subtrees. */
function prefixRoots(leaves: Buffer[], sizes: Set<number>): Map<number, Buffer> {
  const roots = new Map<number, Buffer>();
  if (sizes.has(0)) roots.set(0, sha256());
  const stack: { hash: Buffer; width: number }[] = [];
  leaves.forEach((leaf, i) => {
    let node = { hash: leaf, width: 1 };
    while (stack.length > 0 && stack.at(-1)!.width === node.width) {
      const left = stack.pop()!;
      node = { hash: sha256(Buffer.from([1]), left.hash, node.hash), width: node.width * 2 };
    }
    stack.push(node);
    if (!sizes.has(i + 1)) return;
    let root = stack.at(-1)!.hash;
    for (let j = stack.length - 2; j >= 0; j--) root = sha256(Buffer.from([1]), stack[j]!.hash, root);
    roots.set(i + 1, root);
  });
  return roots;
}

export interface LedgerSummary {
  size: number;
  root: Buffer;
  checkpoints: CheckpointRow[];
  latest: CheckpointRow;
}

/** Asserts everything a verifier expects of the stored ledger; returns its size, root and checkpoints. */
export function checkLedger(rows: LedgerRows, verifierKey: string): LedgerSummary {
  const { entries, nodes, checkpoints } = rows;
  const leaves: Buffer[] = [];
  entries.forEach((e, i) => {
    assert.equal(e.seq, i, `sequence not contiguous: row ${i} has seq ${e.seq}`);
    assert.equal((JSON.parse(e.canonical) as { seq: number }).seq, i, `entry ${i} names another seq`);
    const leaf = leafOf(e.canonical);
    assert.equal(e.leaf_hash, leaf.toString('hex'), `leaf hash of entry ${i} is not SHA-256(0x00 || entry)`);
    leaves.push(leaf);
  });
  const size = entries.length;
  const get = nodeGetter(
    nodes.map((n) => ({ level: n.level, index: n.idx, hash: Buffer.from(n.hash, 'hex') })),
  );
  const root = rootAt(size, get);
  assert.deepEqual(root, naiveRoot(leaves), 'the stored-node root differs from the naive root of the leaves');

  assert.ok(checkpoints.length > 0, 'no checkpoint was signed');
  const verifier = parseVerifierKey(verifierKey);
  const prefix = prefixRoots(leaves, new Set(checkpoints.map((c) => c.size)));
  checkpoints.forEach((cp, i) => {
    assert.equal(cp.id, i + 1, `checkpoint ids have a gap at ${cp.id}`);
    const opened = openNote(cp.note, [verifier]);
    const body = parseCheckpoint(opened.text);
    assert.equal(body.origin, verifier.name, `checkpoint ${cp.id} names another log`);
    assert.equal(body.size, cp.size, `checkpoint ${cp.id}: the signed size differs from the row`);
    const signedRoot = Buffer.from(body.rootHash);
    assert.equal(
      signedRoot.toString('base64'),
      cp.root_hash,
      `checkpoint ${cp.id}: signed root differs from the row`,
    );
    assert.ok(cp.size <= size, `checkpoint ${cp.id} covers ${cp.size} entries, the ledger has ${size}`);
    assert.deepEqual(signedRoot, prefix.get(cp.size), `checkpoint ${cp.id} is not a prefix of the ledger`);
    assert.deepEqual(signedRoot, rootAt(cp.size, get), `checkpoint ${cp.id}: stored nodes give another root`);
    const before = checkpoints[i - 1];
    if (!before) return;
    assert.ok(before.size <= cp.size, `checkpoint ${cp.id} is smaller than checkpoint ${before.id}`);
    // A proof from the stored nodes between the two signed roots, checked by the RFC 9162 verifier.
    if (before.size > 0)
      verifyConsistency(
        before.size,
        cp.size,
        consistencyProof(before.size, cp.size, get),
        Buffer.from(before.root_hash, 'base64'),
        signedRoot,
      );
  });
  return { size, root, checkpoints, latest: checkpoints.at(-1)! };
}

export interface ProofCheck {
  from: CheckpointRow;
  to: CheckpointRow;
  proof: string[];
}

/**
 * Consistency proofs served by the API between consecutive checkpoints and from every checkpoint to the
 * latest, fetched while a server runs; verify them later with `verifyProofs`.
 */
export async function fetchProofs(
  url: string,
  token: string,
  checkpoints: CheckpointRow[],
): Promise<ProofCheck[]> {
  const latest = checkpoints.at(-1)!;
  const pairs = new Map<string, [CheckpointRow, CheckpointRow]>();
  checkpoints.forEach((cp, i) => {
    const prev = checkpoints[i - 1];
    if (prev && prev.size > 0) pairs.set(`${prev.id}-${cp.id}`, [prev, cp]);
    if (cp.size > 0) pairs.set(`${cp.id}-${latest.id}`, [cp, latest]);
  });
  const out: ProofCheck[] = [];
  for (const [from, to] of pairs.values()) {
    const res = await call<{ proof: string[] }>(
      url,
      token,
      'GET',
      `/api/v1/ledger/proofs/consistency?from=${from.size}&to=${to.size}`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    out.push({ from, to, proof: res.body.proof });
  }
  return out;
}

export function verifyProofs(proofs: ProofCheck[]): void {
  for (const { from, to, proof } of proofs)
    verifyConsistency(
      from.size,
      to.size,
      proof.map((p) => Buffer.from(p, 'base64')),
      Buffer.from(from.root_hash, 'base64'),
      Buffer.from(to.root_hash, 'base64'),
    );
}

/** Checkpoints as listed by a server (GET /ledger/checkpoints), oldest first. */
export async function listCheckpoints(url: string, token: string): Promise<CheckpointRow[]> {
  const res = await call<{ items: { id: number; size: number; rootHash: string; note: string }[] }>(
    url,
    token,
    'GET',
    '/api/v1/ledger/checkpoints?limit=1000',
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.ok(res.body.items.length < 1000, 'more checkpoints than one page: some would go unchecked');
  return res.body.items
    .map((c) => ({ id: c.id, size: c.size, root_hash: c.rootHash, note: c.note }))
    .reverse();
}

/** How often each description of the run appears in service.updated entries. */
export function descriptionCounts(entries: EntryRow[], tag: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const event = JSON.parse(e.canonical) as { type: string; data: { fields?: { description?: string } } };
    const d = event.data.fields?.description;
    if (event.type === 'service.updated' && d?.startsWith(`${tag}:`)) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return counts;
}
