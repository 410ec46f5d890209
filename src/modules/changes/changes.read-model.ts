// Lists and history for changes. Reads only; keyset pagination on the change number keeps every page as
// fast as the first however deep the cursor goes.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { AppError } from '../../contracts/errors.ts';
import type { ChangeList, ListChangesQuery } from '../../contracts/changes.ts';
import type { Change } from '../../domain/change.ts';
import type { RecordedEvent } from '../../domain/events.ts';
import type { Store } from '../../store/database.ts';
import { Prepared } from '../../store/prepared.ts';
import { toSummary } from './change-view.ts';

const encodeCursor = (n: number) => Buffer.from(`n:${n}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const m = /^n:([0-9]+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m)
    throw new AppError(
      'validation_failed',
      'the cursor is not one this server issued; start again without it',
    );
  return Number(m[1]);
}

const docById = new Prepared((db, p: { id: string }) =>
  db.selectFrom('changes').select('doc').where('id', '=', p.id),
);

export class ChangesReadModel {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async load(id: string): Promise<Change | null> {
    const row = await docById.first(this.store, { id });
    return row ? (JSON.parse(row.doc) as Change) : null;
  }

  async nextNumber(): Promise<number> {
    const row = await this.store.db
      .selectFrom('changes')
      .select((eb) => eb.fn.max('number').as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0) + 1;
  }

  /**
   * Newest first. Each filter is written so the planner can walk an index in change-number order and stop
   * after one page: a service filter is driven from change_services, a date range becomes a number range
   * (bounds looked up on the created_at index), and a change id typed into the search box is a key lookup.
   */
  async list(query: ListChangesQuery, now: string): Promise<ChangeList> {
    const order = sql.ref(query.service ? 'change_services.number' : 'changes.number');
    let q = (
      query.service
        ? this.store.db
            .selectFrom('change_services')
            .innerJoin('changes', 'changes.number', 'change_services.number')
            .where('change_services.service', '=', query.service)
        : this.store.db.selectFrom('changes')
    ) as SelectQueryBuilder<DB, 'changes' | 'change_services', object>;
    if (query.state)
      q = q.where('changes.state', 'in', Array.isArray(query.state) ? query.state : [query.state]);
    if (query.type) q = q.where('changes.type', '=', query.type);
    if (query.risk) q = q.where('changes.risk_rating', '=', query.risk);
    if (query.requester) q = q.where('changes.requester', '=', query.requester);
    if (query.from || query.to) {
      const range = await this.numberRange(query.from, query.to);
      if (!range) return { items: [], nextCursor: null };
      q = q.where(order, '>=', range.low).where(order, '<=', range.high);
      if (query.from) q = q.where('changes.created_at', '>=', query.from);
      if (query.to) q = q.where('changes.created_at', '<', query.to);
    }
    if (query.q) {
      const id = /^chg-([1-9][0-9]*)$/i.exec(query.q.trim());
      if (id) q = q.where(order, '=', Number(id[1]));
      else {
        const pattern = `%${query.q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`;
        q = q.where(sql<boolean>`changes.search like ${pattern} escape '\\'`);
      }
    }
    if (query.overdue === 'true')
      q = q.where((eb) =>
        eb.or([
          eb.and([eb('changes.record_completed_at', 'is', null), eb('changes.record_due_at', '<', now)]),
          eb.and([eb('changes.reviewed', '=', 0), eb('changes.review_due_at', '<', now)]),
        ]),
      );
    if (query.cursor) q = q.where(order, '<', decodeCursor(query.cursor));
    const rows = await q
      .select(['changes.doc', 'changes.number'])
      .orderBy(order, 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((r) => toSummary(JSON.parse(r.doc) as Change, now)),
      nextCursor: rows.length > query.limit ? encodeCursor(Number(page.at(-1)!.number)) : null,
    };
  }

  /** The change numbers created in [from, to): exact, since min/max are taken over the created_at index. */
  private async numberRange(from?: string, to?: string): Promise<{ low: number; high: number } | null> {
    let lowQ = this.store.db.selectFrom('changes').select((eb) => eb.fn.min('number').as('n'));
    let highQ = this.store.db.selectFrom('changes').select((eb) => eb.fn.max('number').as('n'));
    if (from) {
      lowQ = lowQ.where('created_at', '>=', from);
      highQ = highQ.where('created_at', '>=', from);
    }
    if (to) {
      lowQ = lowQ.where('created_at', '<', to);
      highQ = highQ.where('created_at', '<', to);
    }
    const [low, high] = [await lowQ.executeTakeFirst(), await highQ.executeTakeFirst()];
    if (low?.n === null || low?.n === undefined || high?.n === null || high?.n === undefined) return null;
    return { low: Number(low.n), high: Number(high.n) };
  }

  async events(id: string): Promise<RecordedEvent[]> {
    const rows = await this.store.db
      .selectFrom('ledger_entries')
      .select('canonical')
      .where('subject', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((r) => JSON.parse(r.canonical) as RecordedEvent);
  }
}
