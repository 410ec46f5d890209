// The outbox: one row per recorded event, written in the same transaction, delivered after commit to each
// named subscriber from its own cursor (outbox-cursors.repository.ts), and pruned once every cursor has
// passed it. Delivery is at-least-once; consumers de-duplicate by the event id.
import type { RecordedEvent } from '../domain/events.ts';
import type { Store } from './database.ts';

export interface OutboxMessage {
  seq: number;
  eventId: string;
  type: string;
  subject: string;
  payload: RecordedEvent;
}

export class OutboxRepository {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async enqueue(events: RecordedEvent[]): Promise<void> {
    await this.store.insertLater(
      'outbox',
      events.map((e) => ({
        event_seq: e.seq,
        event_id: e.id,
        type: e.type,
        subject: e.subject,
        payload: JSON.stringify(e),
        created_at: e.at,
      })),
    );
  }

  /** The rows after `seq`, in ledger order. */
  async after(seq: number, limit: number): Promise<OutboxMessage[]> {
    const rows = await this.store.db
      .selectFrom('outbox')
      .selectAll()
      .where('event_seq', '>', seq)
      .orderBy('event_seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: Number(r.event_seq),
      eventId: r.event_id,
      type: r.type,
      subject: r.subject,
      payload: JSON.parse(r.payload) as RecordedEvent,
    }));
  }

  /**
   * The seq up to which no subscriber needs a row: the lowest cursor, or with no cursor at all the newest
   * row (a subscriber added later starts from the ledger's head). One statement, so one snapshot: a cursor
   * created after it starts at or beyond the head it saw.
   */
  async prunableUpTo(): Promise<number | null> {
    const row = await this.store.kysely
      .selectNoFrom((eb) => [
        eb
          .selectFrom('outbox')
          .select((s) => s.fn.max('event_seq').as('m'))
          .as('head'),
        eb
          .selectFrom('outbox_cursors')
          .select((s) => s.fn.min('delivered_seq').as('m'))
          .as('lowest'),
      ])
      .executeTakeFirstOrThrow();
    const upTo = row.lowest ?? row.head;
    return upTo === null ? null : Number(upTo);
  }

  /**
   * Deletes up to `batch` rows at or below `upTo`, oldest first, in one short statement of its own (outside
   * the serialised write transaction); returns how many went.
   */
  async prune(upTo: number, batch: number): Promise<number> {
    const oldest = await this.store.kysely
      .selectFrom('outbox')
      .select((s) => s.fn.min('event_seq').as('m'))
      .executeTakeFirstOrThrow();
    if (oldest.m === null || Number(oldest.m) > upTo) return 0;
    const result = await this.store.kysely
      .deleteFrom('outbox')
      .where('event_seq', '<=', Math.min(upTo, Number(oldest.m) + batch - 1))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** The newest row's seq, or null when the outbox is empty. */
  async head(): Promise<number | null> {
    const row = await this.store.db
      .selectFrom('outbox')
      .select((s) => s.fn.max('event_seq').as('m'))
      .executeTakeFirstOrThrow();
    return row.m === null ? null : Number(row.m);
  }
}
