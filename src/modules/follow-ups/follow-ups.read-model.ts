// Follow-ups as stored in the projection: reads only. Lists run in item-number order, oldest first, so a
// cursor is the last number seen.
import type { FollowUpList, FollowUpView, ListFollowUpsQuery } from '../../contracts/follow-ups.ts';
import { isOverdue, type FollowUp } from '../../domain/follow-up.ts';
import type { Store } from '../../store/database.ts';

export function followUpView(item: FollowUp, now: string): FollowUpView {
  return { ...item, overdue: isOverdue(item, now) };
}

export class FollowUpsReadModel {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async find(id: string): Promise<FollowUp | null> {
    const row = await this.store.db
      .selectFrom('follow_ups')
      .select('doc')
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? (JSON.parse(row.doc) as FollowUp) : null;
  }

  async nextNumber(): Promise<number> {
    const row = await this.store.db
      .selectFrom('follow_ups')
      .select((eb) => eb.fn.max('number').as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0) + 1;
  }

  async list(query: ListFollowUpsQuery, now: string): Promise<FollowUpList> {
    let q = this.store.db.selectFrom('follow_ups').select(['doc', 'number']);
    if (query.owner) q = q.where('owner', '=', query.owner);
    if (query.change) q = q.where('change_id', '=', query.change);
    if (query.kind) q = q.where('kind', '=', query.kind);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.overdue === 'true') q = q.where('status', '=', 'open').where('due_at', '<', now);
    if (query.overdue === 'false')
      q = q.where((eb) => eb.or([eb('status', '!=', 'open'), eb('due_at', '>=', now)]));
    if (query.cursor) q = q.where('number', '>', Number(query.cursor));
    const rows = await q
      .orderBy('number')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((r) => followUpView(JSON.parse(r.doc) as FollowUp, now)),
      nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.number) : null,
    };
  }
}
