// Lists and history for changes. Reads only; keyset pagination on the change number keeps every page as
// fast as the first however deep the cursor goes.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { ChangeTable, DB } from '../../store/schema.ts';
import { memoKeys } from '../../store/memo-keys.ts';
import { OWES_RECORD_OR_REVIEW } from '../../store/migrations/0008_change_services_filters.ts';
import { AppError } from '../../contracts/errors.ts';
import type { ChangeList, ListChangesQuery } from '../../contracts/changes.ts';
import type { LIST_ORDERS } from '../../domain/vocabulary.ts';
import type { Change } from '../../domain/change.ts';
import type { RecordedEvent } from '../../domain/events.ts';
import type { ApproverNow } from '../../domain/standing.ts';
import type { Store } from '../../store/database.ts';
import { signedField } from '../../store/ledger-fields.ts';
import { Prepared } from '../../store/prepared.ts';
import { supplierKey } from './changes.projection.ts';
import { toSummary } from './change-view.ts';

// The cursor names the order it was issued for, so a cursor from one order cannot page through the other.
type ListOrder = (typeof LIST_ORDERS)[number];

const CURSOR_PREFIX = { newest: 'n', oldest: 'o' } as const;
const encodeCursor = (order: ListOrder, n: number) =>
  Buffer.from(`${CURSOR_PREFIX[order]}:${n}`).toString('base64url');
function decodeCursor(order: ListOrder, cursor: string): number {
  const m = /^([no]):([0-9]+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m)
    throw new AppError(
      'validation_failed',
      'the cursor is not one this server issued; start again without it',
    );
  if (m[1] !== CURSOR_PREFIX[order])
    throw new AppError(
      'validation_failed',
      `the cursor was issued for another order than "${order}"; start again without it or keep the order`,
    );
  return Number(m[2]);
}

const docById = new Prepared((db, p: { id: string }) =>
  db.selectFrom('changes').select('doc').where('id', '=', p.id),
);
const rowById = new Prepared((db, p: { id: string }) =>
  db.selectFrom('changes').selectAll().where('id', '=', p.id),
);

/**
 * What a search box text asks for: a change id is a key lookup; other text matches as a case-insensitive
 * substring of id, title, description and the supplier's name, reference and impact. `pattern` is exact (the text's own % and _ escaped); the index
 * takes `candidates`, the same text unescaped — a LIKE with ESCAPE cannot use it — which finds a superset.
 */
function textSearch(q: string): { number: number } | { pattern: string; candidates: string } {
  const id = /^chg-([1-9][0-9]*)$/i.exec(q.trim());
  if (id) return { number: Number(id[1]) };
  const text = q.toLowerCase();
  return { pattern: `%${text.replace(/[%_\\]/g, '\\$&')}%`, candidates: `%${text}%` };
}

/** Which table the equality filters read: the change's own columns, or the copies on its service rows. */
const CHANGES = 'changes' as const;
const SERVICES = 'change_services' as const;

const oneApprover = new Prepared((db, p: { username: string }) =>
  db
    .selectFrom('users')
    .select(['username', 'kind', 'groups', 'active', 'email'])
    .where('username', '=', p.username),
);

export class ChangesReadModel {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Inside a write batch the whole row is read and remembered: the projector diffs against it next. */
  async load(id: string): Promise<Change | null> {
    if (!this.store.inTransaction) {
      const row = await docById.first(this.store, { id });
      return row ? (JSON.parse(row.doc) as Change) : null;
    }
    let row = this.store.memoGet<ChangeTable>(memoKeys.change(id));
    if (!row) {
      row = await rowById.first(this.store, { id });
      if (row) this.store.memoSet(memoKeys.change(id), row);
    }
    return row ? (JSON.parse(row.doc) as Change) : null;
  }

  /** The named people as they are now, for checking that their approvals still count. */
  async approvers(usernames: string[]): Promise<Record<string, ApproverNow>> {
    if (usernames.length === 0) return {};
    const names = [...new Set(usernames)];
    // One approver is the common case (the gate asks on every decision): a prepared query, not a built one.
    const rows =
      names.length === 1
        ? await oneApprover.execute(this.store, { username: names[0]! })
        : await this.store.db
            .selectFrom('users')
            .select(['username', 'kind', 'groups', 'active', 'email'])
            .where('username', 'in', names)
            .execute();
    return Object.fromEntries(
      rows.map((r) => [
        r.username,
        {
          kind: r.kind as ApproverNow['kind'],
          groups: JSON.parse(r.groups) as string[],
          active: r.active === 1,
          email: r.email,
        },
      ]),
    );
  }

  async nextNumber(): Promise<number> {
    const row = await this.store.db
      .selectFrom('changes')
      .select((eb) => eb.fn.max('number').as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0) + 1;
  }

  /**
   * Newest first, or oldest first: the same index walked the other way. Each filter is written so the planner can walk an index in change-number order and stop
   * after one page: a service filter is driven from change_services, text from its index, a date range
   * becomes a number range (bounds looked up on the created_at index), and a change id typed into the
   * search box is a key lookup.
   */
  async list(query: ListChangesQuery, now: string, approvalSlaMinutes: number): Promise<ChangeList> {
    const text = query.q ? textSearch(query.q) : null;
    const source = this.source(
      query.service,
      text && 'pattern' in text ? text.candidates : null,
      query.overdue === 'true',
    );
    const order = source.order;
    let q = source.q;
    // With a service, the filters read change_services' copies: its (service, column, number) indexes.
    const t = source.filters;
    if (query.state)
      q = q.where(`${t}.state`, 'in', Array.isArray(query.state) ? query.state : [query.state]);
    if (query.type) q = q.where(`${t}.type`, '=', query.type);
    if (query.risk) q = q.where(`${t}.risk_rating`, '=', query.risk);
    if (query.requester) q = q.where(`${t}.requester`, '=', query.requester);
    if (query.origin) q = q.where(`${t}.origin`, '=', query.origin);
    if (query.supplier) q = q.where(`${t}.supplier`, '=', supplierKey(query.supplier));
    if (query.from || query.to) {
      const range = await this.numberRange(query.from, query.to);
      if (!range) return { items: [], nextCursor: null };
      q = q.where(order, '>=', range.low).where(order, '<=', range.high);
      if (query.from) q = q.where('changes.created_at', '>=', query.from);
      if (query.to) q = q.where('changes.created_at', '<', query.to);
    }
    if (text && 'number' in text) q = q.where(order, '=', text.number);
    else if (text) q = q.where(sql<boolean>`changes.search like ${text.pattern} escape '\\'`);
    if (query.overdue === 'true')
      q = q
        .where(sql.raw<boolean>(OWES_RECORD_OR_REVIEW.replaceAll(/\b(record_|review)/g, 'changes.$1')))
        .where((eb) =>
          eb.or([
            eb.and([eb('changes.record_completed_at', 'is', null), eb('changes.record_due_at', '<', now)]),
            eb.and([eb('changes.reviewed', '=', 0), eb('changes.review_due_at', '<', now)]),
          ]),
        );
    const oldest = query.order === 'oldest';
    if (query.cursor) q = q.where(order, oldest ? '>' : '<', decodeCursor(query.order, query.cursor));
    const rows = await q
      .select(['changes.doc', 'changes.number'])
      .orderBy(order, oldest ? 'asc' : 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((r) => toSummary(JSON.parse(r.doc) as Change, now, approvalSlaMinutes)),
      nextCursor: rows.length > query.limit ? encodeCursor(query.order, Number(page.at(-1)!.number)) : null,
    };
  }

  /**
   * The rows a listing walks, newest first, and the number column it walks them by: the text index (SQLite;
   * a rare text costs a few index reads, a common one stops after a page — PostgreSQL's planner picks its
   * GIN index itself), the service's changes, or all changes.
   */
  private source(service: string | undefined, candidates: string | null, overdue: boolean) {
    type Source = SelectQueryBuilder<DB, 'changes' | 'change_services' | 'change_search', object>;
    const db = this.store.db;
    if (candidates !== null && this.store.engine === 'sqlite') {
      // CROSS JOIN fixes SQLite's join order: the index is walked first, the rest looked up by key.
      let q = db
        .selectFrom('change_search')
        .where(sql<boolean>`change_search.search like ${candidates}`) as Source;
      if (service)
        q = q
          .crossJoin('change_services')
          .whereRef('change_services.number', '=', 'change_search.rowid')
          .where('change_services.service', '=', service);
      q = q.crossJoin('changes').whereRef('changes.number', '=', 'change_search.rowid');
      return { q, order: sql.ref('change_search.rowid'), filters: service ? SERVICES : CHANGES };
    }
    // The changes that owe a record or a review are fewer than a service's: walk them, test the service.
    if (service && overdue)
      return {
        q: db
          .selectFrom('changes')
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('change_services')
                .select('change_services.number')
                .where('change_services.service', '=', service)
                .whereRef('change_services.number', '=', 'changes.number'),
            ),
          ) as Source,
        order: sql.ref('changes.number'),
        filters: CHANGES,
      };
    if (service)
      return {
        q: db
          .selectFrom('change_services')
          .innerJoin('changes', 'changes.number', 'change_services.number')
          .where('change_services.service', '=', service) as Source,
        order: sql.ref('change_services.number'),
        filters: SERVICES,
      };
    return { q: db.selectFrom('changes') as Source, order: sql.ref('changes.number'), filters: CHANGES };
  }

  /** The change numbers created in [from, to): exact, since min/max are taken over the created_at index. */
  private async numberRange(from?: string, to?: string): Promise<{ low: number; high: number } | null> {
    // `number + 0`: PostgreSQL would otherwise take min/max by walking the number index until a row falls
    // in the range (half the table for a range in the middle); this reads the created_at index once.
    const n = sql<number>`number + 0`;
    let q = this.store.db
      .selectFrom('changes')
      .select((eb) => [eb.fn.min(n).as('low'), eb.fn.max(n).as('high')]);
    if (from) q = q.where('created_at', '>=', from);
    if (to) q = q.where('created_at', '<', to);
    const row = await q.executeTakeFirst();
    if (row?.low === null || row?.low === undefined || row.high === null || row.high === undefined)
      return null;
    return { low: Number(row.low), high: Number(row.high) };
  }

  /**
   * A change's history: the entries signed with it as their subject (the plain column can be edited). The
   * one query of the ledger by subject; use it rather than writing another.
   */
  async events(id: string): Promise<RecordedEvent[]> {
    const rows = await this.store.db
      .selectFrom('ledger_entries')
      .select('canonical')
      .where(signedField(this.store.engine, 'subject'), '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((r) => JSON.parse(r.canonical) as RecordedEvent);
  }
}
