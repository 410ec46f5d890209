// Appends events to the ledger inside the caller's write transaction. The sequence is gapless because
// writers are serialised (see Store.write) and a rolled-back transaction takes its numbers with it.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.ts';
import type { DomainEvent, RecordedEvent } from '../domain/events.ts';
import { canonicalJson } from '../ledger/canonical.ts';
import { leafHash } from '../ledger/hash.ts';
import type { Store } from './database.ts';
import { LedgerTreeRepository } from './ledger-tree.repository.ts';
import { AppError } from '../contracts/errors.ts';
import { Prepared } from './prepared.ts';
import type { LedgerEntryTable } from './schema.ts';

const lastSeq = new Prepared((db) =>
  db.selectFrom('ledger_entries').select((eb) => eb.fn.max('seq').as('max')),
);

/** Store memo key of the ledger's size while the writer holds the lock (see Store.memoGet). */
const SIZE = 'ledger.size';

/** tlog-tiles entry bundles prefix each entry with a 16-bit length. */
export const MAX_ENTRY_BYTES = 0xffff;

export interface PendingEvent {
  subject: string;
  event: DomainEvent;
}

export class LedgerRepository {
  private readonly store: Store;
  readonly tree: LedgerTreeRepository;

  constructor(store: Store) {
    this.store = store;
    this.tree = new LedgerTreeRepository(store);
  }

  /** The number of entries; inside a write transaction, read once and then kept by the appends. */
  async size(): Promise<number> {
    const known = this.store.memoGet<number>(SIZE);
    if (known !== undefined) return known;
    const row = await lastSeq.first(this.store, {});
    const size = row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
    this.store.memoSet(SIZE, size);
    return size;
  }

  async append(actor: Actor, at: string, pending: PendingEvent[]): Promise<RecordedEvent[]> {
    if (!this.store.inTransaction) throw new Error('ledger appends must run inside Store.write');
    const start = await this.size();
    let seq = start;
    const leaves: Buffer[] = [];
    const recorded: RecordedEvent[] = [];
    const rows: LedgerEntryTable[] = [];
    for (const { subject, event } of pending) {
      const entry = {
        v: 1,
        seq,
        id: randomUUID(),
        type: event.type,
        subject,
        at,
        actor: { id: actor.id, kind: actor.kind },
        data: event.data,
      } as RecordedEvent;
      const canonical = canonicalJson(entry);
      const bytes = Buffer.from(canonical, 'utf8');
      if (bytes.length > MAX_ENTRY_BYTES)
        throw new AppError(
          'validation_failed',
          `this ${entry.type} event would be ${bytes.length} bytes; the ledger's limit is ${MAX_ENTRY_BYTES}. Shorten the longest fields.`,
        );
      const leaf = leafHash(bytes);
      leaves.push(leaf);
      rows.push({
        seq,
        event_id: entry.id,
        type: entry.type,
        subject,
        actor: actor.id,
        recorded_at: at,
        canonical,
        leaf_hash: leaf.toString('hex'),
      });
      recorded.push(entry);
      seq += 1;
    }
    await this.store.insertLater('ledger_entries', rows);
    await this.tree.append(start, leaves);
    this.store.memoSet(SIZE, seq);
    return recorded;
  }

  async *all(batch = 1000): AsyncGenerator<RecordedEvent> {
    let from = 0;
    for (;;) {
      const rows = await this.store.db
        .selectFrom('ledger_entries')
        .select('canonical')
        .where('seq', '>=', from)
        .orderBy('seq')
        .limit(batch)
        .execute();
      for (const r of rows) yield JSON.parse(r.canonical) as RecordedEvent;
      if (rows.length < batch) return;
      from += batch;
    }
  }
}
