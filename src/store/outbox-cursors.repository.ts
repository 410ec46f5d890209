// Where each named subscriber is in the outbox: the last seq it has, its retries, and the lease of the
// server delivering to it. Each write is one short statement or transaction on its own connection, outside
// the serialised write transaction (no ledger advisory lock), so delivery never holds up use-cases.
import { sql } from 'kysely';
import type { Store } from './database.ts';
import type { OutboxCursorTable } from './schema.ts';

export interface OutboxCursor {
  subscriber: string;
  /** The highest event seq delivered; -1 before the first. */
  deliveredSeq: number;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  failingSince: string | null;
  leaseHolder: string | null;
  leaseUntil: string | null;
}

const iso = (d: Date) => d.toISOString();

const view = (r: OutboxCursorTable): OutboxCursor => ({
  subscriber: r.subscriber,
  deliveredSeq: Number(r.delivered_seq),
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  failingSince: r.failing_since,
  leaseHolder: r.lease_holder,
  leaseUntil: r.lease_until,
});

export class OutboxCursorRepository {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /**
   * Gives a subscriber not seen before a cursor at the ledger's head: it receives what is recorded from now
   * on (ADR 0009). Read and insert are one statement, so no event committed meanwhile falls between them.
   */
  async ensure(subscriber: string, now: Date): Promise<void> {
    await this.store.kysely
      .insertInto('outbox_cursors')
      .columns(['subscriber', 'delivered_seq', 'next_attempt_at', 'updated_at'])
      .expression((eb) =>
        eb
          .selectFrom('ledger_entries')
          .select((s) => [
            s.val(subscriber).as('subscriber'),
            s.fn.coalesce(s.fn.max('seq'), s.val(-1)).as('delivered_seq'),
            s.val(iso(now)).as('next_attempt_at'),
            s.val(iso(now)).as('updated_at'),
          ])
          // SQLite reads `SELECT … ON CONFLICT` as a join unless the SELECT has a WHERE.
          .where(sql<boolean>`true`),
      )
      .onConflict((oc) => oc.column('subscriber').doNothing())
      .execute();
  }

  async all(): Promise<OutboxCursor[]> {
    const rows = await this.store.kysely
      .selectFrom('outbox_cursors')
      .selectAll()
      .orderBy('subscriber')
      .execute();
    return rows.map(view);
  }

  async get(subscriber: string): Promise<OutboxCursor | null> {
    const row = await this.store.kysely
      .selectFrom('outbox_cursors')
      .selectAll()
      .where('subscriber', '=', subscriber)
      .executeTakeFirst();
    return row ? view(row) : null;
  }

  /**
   * Takes the subscriber's lease for `holder` if its retry is due and no other server holds an unexpired
   * lease; null otherwise. On PostgreSQL the row is locked with SKIP LOCKED, so a server that finds another
   * claiming it moves on instead of waiting.
   */
  async claim(subscriber: string, holder: string, now: Date, leaseMs: number): Promise<OutboxCursor | null> {
    const at = iso(now);
    const until = iso(new Date(now.getTime() + leaseMs));
    return this.store.kysely.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom('outbox_cursors')
        .selectAll()
        .where('subscriber', '=', subscriber)
        .where('next_attempt_at', '<=', at)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]));
      if (this.store.engine === 'postgres') query = query.forUpdate().skipLocked();
      const row = await query.executeTakeFirst();
      if (!row) return null;
      await trx
        .updateTable('outbox_cursors')
        .set({ lease_holder: holder, lease_until: until, updated_at: at })
        .where('subscriber', '=', subscriber)
        .execute();
      return { ...view(row), leaseHolder: holder, leaseUntil: until };
    });
  }

  /**
   * Records delivery up to `seq` and clears the failure; keeps the lease until `leaseUntil`, or releases it
   * when that is null. Applies only while `holder` still holds the lease: false when another server has
   * taken it over (its lease expired), and then the caller must stop.
   */
  async advance(
    subscriber: string,
    holder: string,
    seq: number,
    now: Date,
    leaseUntil: Date | null,
  ): Promise<boolean> {
    const result = await this.store.kysely
      .updateTable('outbox_cursors')
      .set({
        delivered_seq: seq,
        attempts: 0,
        last_error: null,
        failing_since: null,
        next_attempt_at: iso(now),
        lease_holder: leaseUntil ? holder : null,
        lease_until: leaseUntil ? iso(leaseUntil) : null,
        updated_at: iso(now),
      })
      .where('subscriber', '=', subscriber)
      .where('lease_holder', '=', holder)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Records delivery up to `seq`, then a failure to retry at `retryAt`, and releases the lease. */
  async fail(
    subscriber: string,
    holder: string,
    failure: { seq: number; attempts: number; error: string; failingSince: string; retryAt: Date },
    now: Date,
  ): Promise<boolean> {
    const result = await this.store.kysely
      .updateTable('outbox_cursors')
      .set({
        delivered_seq: failure.seq,
        attempts: failure.attempts,
        last_error: failure.error.slice(0, 1000),
        failing_since: failure.failingSince,
        next_attempt_at: iso(failure.retryAt),
        lease_holder: null,
        lease_until: null,
        updated_at: iso(now),
      })
      .where('subscriber', '=', subscriber)
      .where('lease_holder', '=', holder)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
