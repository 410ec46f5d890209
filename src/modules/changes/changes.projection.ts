// The changes projection: one row per change (its record as canonical JSON plus the columns lists filter
// on) and its services. Records are stored as canonical JSON so that a replay from the ledger's text gives
// byte-identical rows; only the columns an event changed are written back.
import type { Change } from '../../domain/change.ts';
import { evolveChange } from '../../domain/change-evolve.ts';
import type { ChangeEvent, RecordedEvent } from '../../domain/events.ts';
import { canonicalJson } from '../../ledger/canonical.ts';
import { memoKeys } from '../../store/memo-keys.ts';
import { insertRows, Prepared, updateRow } from '../../store/prepared.ts';
import type { Projection } from '../../store/projection.ts';
import type { ChangeTable } from '../../store/schema.ts';
import { changeServicesWrite } from './change-services.rows.ts';

const changeById = new Prepared((db, p: { id: string }) =>
  db.selectFrom('changes').selectAll().where('id', '=', p.id),
);

/** A supplier's name as lists match it: whole, trimmed, ignoring case. */
export function supplierKey(name: string): string {
  return name.trim().toLowerCase();
}

/** What the list's text search reads; the supplier's details follow only when there are any. */
export function searchText(change: Change): string {
  const supplier = [change.supplier, change.supplierReference, change.supplierImpact].filter((s) => s);
  return [`${change.id} ${change.title} ${change.description}`, ...supplier].join(' ').toLowerCase();
}

export function changeRow(change: Change): ChangeTable {
  return {
    id: change.id,
    number: change.number,
    type: change.type,
    state: change.state,
    risk_rating: change.assessment?.rating ?? null,
    title: change.title,
    requester: change.requester,
    implementer: change.implementer,
    window_start: change.window?.start ?? null,
    window_end: change.window?.end ?? null,
    record_due_at: change.recordDueAt,
    record_completed_at: change.recordCompletedAt,
    review_due_at: change.reviewDueAt,
    reviewed: change.review ? 1 : 0,
    origin: change.origin,
    supplier: change.supplier === null ? null : supplierKey(change.supplier),
    search: searchText(change),
    created_at: change.createdAt,
    updated_at: change.updatedAt,
    doc: canonicalJson(change),
  };
}

/** The columns whose values differ between the stored row and the new one. */
function changedColumns<T extends object>(stored: T, next: T): Partial<T> {
  const changed: Partial<T> = {};
  for (const k of Object.keys(next) as (keyof T)[]) if (stored[k] !== next[k]) changed[k] = next[k];
  return changed;
}

export const changesProjection: Projection = {
  name: 'changes',
  /**
   * 2: change_services rows carry the change's filter columns (migration 0008). 3: a change keeps when it
   * last went to its approvers (awaitingApprovalSince), for late approvals. 4: the record keeps its owner and
   * the content fields of issue 14 at their defaults; 5: emergency criterion, justification and real times.
   */
  version: 5,
  handles: ['change.*'],
  tables: [
    { name: 'changes', key: ['id'] },
    { name: 'change_services', key: ['service', 'number'] },
  ],
  async apply(store, recorded) {
    const event = recorded as RecordedEvent<ChangeEvent>;
    if (event.type === 'change.command_refused') return;
    // The row as the use-case loaded it or this batch last wrote it, if it did (see ChangesReadModel.load).
    const row =
      store.memoGet<ChangeTable>(memoKeys.change(event.subject)) ??
      (await changeById.first(store, { id: event.subject }));
    const before = row ? (JSON.parse(row.doc) as Change) : null;
    const after = evolveChange(before, event);
    const values = changeRow(after);
    if (row) await updateRow(store, 'changes', 'id', after.id, changedColumns(row, values));
    else await insertRows(store, 'changes', [values]);
    store.memoSet(memoKeys.change(after.id), values);
    // change_services copies the filter columns: rewritten when the services change, updated when a copied
    // column does.
    const services = changeServicesWrite(before && row ? { change: before, row } : null, {
      change: after,
      row: values,
    });
    if (services.kind === 'update')
      await updateRow(store, 'change_services', 'change_id', after.id, services.values);
    else if (services.kind === 'replace') {
      if (before) await store.db.deleteFrom('change_services').where('change_id', '=', after.id).execute();
      await insertRows(store, 'change_services', services.rows);
    }
  },
};
