// The change_services rows of a change: one per service, carrying copies of the change's filter columns so
// a list filtered by a service and another field walks one (service, field, number) index. Called by the
// change projection, which writes what `changeServicesWrite` asks for.
import type { Change } from '../../domain/change.ts';
import type { ChangeServiceTable, ChangeTable } from '../../store/schema.ts';

type FilterColumns = Pick<
  ChangeServiceTable,
  'state' | 'type' | 'risk_rating' | 'requester' | 'origin' | 'supplier'
>;

/** The filter columns as the change's own row has them (same values, so both filters agree). */
export function filterColumns(row: ChangeTable): FilterColumns {
  return {
    state: row.state,
    type: row.type,
    risk_rating: row.risk_rating,
    requester: row.requester,
    origin: row.origin,
    supplier: row.supplier,
  };
}

export function changeServiceRows(change: Change, row: ChangeTable): ChangeServiceTable[] {
  return [...new Set(change.services)].map((service) => ({
    change_id: change.id,
    service,
    number: change.number,
    ...filterColumns(row),
  }));
}

export type ChangeServicesWrite =
  | { kind: 'none' }
  /** Delete the change's rows and insert these (a new change, or its services changed). */
  | { kind: 'replace'; rows: ChangeServiceTable[] }
  /** Set these columns on every row of the change. */
  | { kind: 'update'; values: Partial<FilterColumns> };

/** What to write for a change going from `before` (null when new) to `after`, given both projected rows. */
export function changeServicesWrite(
  before: { change: Change; row: ChangeTable } | null,
  after: { change: Change; row: ChangeTable },
): ChangeServicesWrite {
  if (!before || before.change.services.join('\n') !== after.change.services.join('\n'))
    return { kind: 'replace', rows: changeServiceRows(after.change, after.row) };
  if (after.change.services.length === 0) return { kind: 'none' };
  const old = filterColumns(before.row);
  const next = filterColumns(after.row);
  const values: Partial<FilterColumns> = {};
  let changed = false;
  for (const k of Object.keys(next) as (keyof FilterColumns)[])
    if (old[k] !== next[k]) {
      (values as Record<string, unknown>)[k] = next[k];
      changed = true;
    }
  return changed ? { kind: 'update', values } : { kind: 'none' };
}
