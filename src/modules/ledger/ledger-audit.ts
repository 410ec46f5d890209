// The ledger half of `verify --rebuild`: checks the stored ledger against what was signed, as an insider
// with database access could have changed it.
// - every column the application reads (seq, event_id, type, subject, actor, recorded_at) against the
//   entry's signed text (`canonical`), and `leaf_hash` against a hash of that text;
// - every stored tree node against the tree re-hashed from the entries, which names an entry whose text
//   and leaf hash were rewritten together;
// - every signed checkpoint (and the server's own ledger.state) against the root of the re-hashed tree at
//   its size: a checkpoint larger than the ledger means its newest entries were deleted, and a root that
//   no longer matches places a rewrite between the last checkpoint that matches and the first that does
//   not — which names the entry even when the tree nodes were rewritten too, if checkpoints are close.
import type { RecordedEvent } from '../../domain/events.ts';
import { encodeBase64 } from '../../ledger/base64.ts';
import { CompactRange } from '../../ledger/compact-range.ts';
import { leafHash } from '../../ledger/hash.ts';
import { openNote, parseVerifierKey, type Verifier } from '../../ledger/note.ts';
import { checkpointOfNote } from '../../ledger/tiles.ts';
import type { StoredNode } from '../../ledger/tree.ts';
import type { Store } from '../../store/database.ts';
import type { LedgerCheckpointTable, LedgerEntryTable } from '../../store/schema.ts';
import type { SignedHead } from './signed-state.ts';

/** Past this many problems the report only counts them: one bad edit can misalign every later node. */
const MAX_PROBLEMS = 100;

interface Head {
  label: string;
  size: number;
  rootHash: string;
}

/** Columns of ledger_entries and the field of the signed entry each must equal. */
const COLUMNS: [keyof LedgerEntryTable, (e: RecordedEvent) => unknown][] = [
  ['seq', (e) => e.seq],
  ['event_id', (e) => e.id],
  ['type', (e) => e.type],
  ['subject', (e) => e.subject],
  ['actor', (e) => e.actor?.id],
  ['recorded_at', (e) => e.at],
];

export class LedgerAudit {
  private readonly store: Store;
  private readonly range = new CompactRange();
  private readonly problems: string[] = [];
  private dropped = 0;
  /** The first entry the report cannot vouch for. */
  private firstBad: number | null = null;
  /** Leaf ranges already reported, so a bad leaf is not reported again through each of its ancestors. */
  private readonly reported: [number, number][] = [];
  private readonly pinnedKeys: readonly string[];
  private readonly ledgerKeys = new Set<string>();
  private checkpointRows: LedgerCheckpointTable[] = [];
  private readonly heads: Head[] = [];
  /** Roots of the re-hashed tree at the sizes some head was signed at. */
  private readonly roots = new Map<number, string>();
  private readonly signedSizes = new Set<number>();
  private lastSeq = -1;
  private pending: StoredNode[] = [];

  constructor(store: Store, options: { keys?: readonly string[]; signedHead?: SignedHead | null } = {}) {
    this.store = store;
    this.pinnedKeys = options.keys ?? [];
    if (options.signedHead)
      this.heads.push({
        label: 'ledger.state (the last checkpoint this server signed)',
        size: options.signedHead.size,
        rootHash: options.signedHead.rootHash,
      });
  }

  /** Reads the signed checkpoints; call before the first entry. */
  async start(): Promise<void> {
    this.checkpointRows = await this.store.kysely
      .selectFrom('ledger_checkpoints')
      .selectAll()
      .orderBy('id')
      .execute();
    for (const row of this.checkpointRows) {
      const id = Number(row.id);
      let signed: { size: number; rootHash: Uint8Array };
      try {
        signed = checkpointOfNote(row.note);
      } catch (err) {
        this.problem(null, `checkpoint ${id}: its note cannot be read (${(err as Error).message})`);
        continue;
      }
      const root = encodeBase64(signed.rootHash);
      if (Number(row.size) !== signed.size)
        this.problem(
          null,
          `checkpoint ${id}: its size column says ${Number(row.size)} but its signed note says ${signed.size}`,
        );
      if (row.root_hash !== root)
        this.problem(
          null,
          `checkpoint ${id}: its root_hash column says ${row.root_hash} but its signed note says ${root}`,
        );
      this.heads.push({ label: `checkpoint ${id}`, size: signed.size, rootHash: root });
    }
    for (const h of this.heads) this.signedSizes.add(h.size);
    if (this.signedSizes.has(0)) this.roots.set(0, this.range.root().toString('base64'));
  }

  get checkpoints(): number {
    return this.checkpointRows.length;
  }

  /** Checks one row (in seq order) and returns its signed event, or null when its text is not an event. */
  entry(row: LedgerEntryTable): RecordedEvent | null {
    const seq = Number(row.seq);
    const index = this.range.size;
    if (seq !== this.lastSeq + 1)
      this.problem(
        this.lastSeq + 1,
        `${seq - this.lastSeq === 2 ? `entry ${seq - 1}` : `entries ${this.lastSeq + 1} to ${seq - 1}`}: missing (the next entry in the table is ${seq})`,
      );
    this.lastSeq = seq;
    const bytes = Buffer.from(row.canonical, 'utf8');
    const leaf = leafHash(bytes);
    if (leaf.toString('hex') !== row.leaf_hash)
      this.flag(index, `entry ${index}: leaf hash does not match its text`);
    this.pending.push(...this.range.append(leaf));
    const size = this.range.size;
    if (this.signedSizes.has(size)) this.roots.set(size, this.range.root().toString('base64'));

    let event: RecordedEvent;
    try {
      event = JSON.parse(row.canonical) as RecordedEvent;
    } catch {
      this.flag(index, `entry ${index}: its signed text is not JSON`);
      return null;
    }
    for (const [column, signed] of COLUMNS) {
      // PostgreSQL returns bigint columns as text.
      const live = column === 'seq' ? Number(row.seq) : row[column];
      if (live !== signed(event))
        this.problem(
          index,
          `entry ${index}: column ${column} is "${String(live)}" but the signed entry says "${String(signed(event))}"`,
        );
    }
    const key = (event.data as { verifierKey?: unknown } | undefined)?.verifierKey;
    if (event.type === 'ledger.key_activated' && typeof key === 'string') this.ledgerKeys.add(key);
    return event;
  }

  /** Compares the tree nodes the entries so far completed with the stored ones. */
  async checkNodes(): Promise<void> {
    const nodes = this.pending.sort((a, b) => a.level - b.level || a.index - b.index);
    this.pending = [];
    const byLevel = new Map<number, StoredNode[]>();
    for (const n of nodes) {
      const list = byLevel.get(n.level);
      if (list) list.push(n);
      else byLevel.set(n.level, [n]);
    }
    for (const [level, list] of byLevel) {
      const stored = await this.store.kysely
        .selectFrom('ledger_nodes')
        .select(['idx', 'hash'])
        .where('level', '=', level)
        .where('idx', '>=', list[0]!.index)
        .where('idx', '<=', list.at(-1)!.index)
        .execute();
      const hashes = new Map(stored.map((r) => [Number(r.idx), r.hash]));
      for (const node of list) {
        const first = node.index * 2 ** level;
        const last = first + 2 ** level - 1;
        if (this.reported.some(([a, b]) => a <= last && first <= b)) continue;
        const hash = hashes.get(node.index);
        const what = level === 0 ? `entry ${first}` : `entries ${first} to ${last}`;
        if (hash === undefined)
          this.flag(first, `${what}: the tree node at level ${level}, index ${node.index} is missing`, last);
        else if (hash !== Buffer.from(node.hash).toString('hex'))
          this.flag(
            first,
            level === 0
              ? `entry ${first}: its leaf hash is not the one the tree stored when it was appended`
              : `${what}: the tree node at level ${level}, index ${node.index} does not match them`,
            last,
          );
      }
    }
  }

  /** Checks every signed head against the re-hashed tree; returns every problem found. */
  finish(): { problems: string[]; firstBadIndex: number | null } {
    const size = this.range.size;
    const verifiers = this.verifiers();
    for (const row of this.checkpointRows) {
      if (verifiers.length === 0) break;
      try {
        openNote(row.note, verifiers);
      } catch (err) {
        this.problem(
          null,
          `checkpoint ${Number(row.id)}: its signature does not verify with the log's keys (${(err as Error).message})`,
        );
      }
    }

    const heads = [...this.heads].sort((a, b) => a.size - b.size);
    const beyond = heads.filter((h) => h.size > size);
    const largest = beyond.at(-1);
    if (largest)
      this.problem(
        size,
        `the ledger has ${size} entries but ${largest.label} signed ${largest.size}: entries ${size} to ${largest.size - 1} were deleted (or the database was restored from an older backup)`,
      );
    let lastGood = 0;
    for (const head of heads.filter((h) => h.size <= size)) {
      if (this.roots.get(head.size) === head.rootHash) {
        lastGood = head.size;
        continue;
      }
      // An entry the stored tree already named inside the range is the rewrite; else the range is all
      // the checkpoints can say.
      const named = this.reported.find(([first]) => first >= lastGood && first < head.size)?.[0];
      const at = named ?? lastGood;
      const which =
        named !== undefined || head.size - lastGood === 1
          ? `entry ${at}`
          : `an entry from ${lastGood} to ${head.size - 1}`;
      this.problem(
        at,
        `${head.label} (size ${head.size}) does not match the entries: ${which} was rewritten after ${head.label} (size ${head.size}) was signed`,
      );
      break;
    }

    const problems = [...this.problems];
    if (this.dropped > 0) problems.push(`… and ${this.dropped} more ledger problem(s)`);
    return { problems, firstBadIndex: this.firstBad };
  }

  /** The keys checkpoints must be signed with: those given, else those the ledger itself activated. */
  private verifiers(): Verifier[] {
    const keys = this.pinnedKeys.length > 0 ? this.pinnedKeys : [...this.ledgerKeys];
    return keys.map((k) => parseVerifierKey(k));
  }

  private flag(index: number, message: string, last = index): void {
    // Past the cap the ranges are not kept: later duplicates are only counted, never listed.
    if (this.reported.length < MAX_PROBLEMS) this.reported.push([index, last]);
    this.problem(index, message);
  }

  /** Records a problem; `index` is the first entry it concerns, null for one about a checkpoint row. */
  private problem(index: number | null, message: string): void {
    if (index !== null && (this.firstBad === null || index < this.firstBad)) this.firstBad = index;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(message);
    else this.dropped++;
  }
}
