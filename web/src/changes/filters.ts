// The changes table's filters as URL search parameters: what the address keeps, checked on the way in.
import type { ListQuery } from '../../../src/client/api-client.ts';
import { CHANGE_STATES, CHANGE_TYPES, LIST_ORDERS, RISK_RATINGS } from '../../../src/contracts/vocabulary.ts';

export interface ChangeFilters {
  state?: (typeof CHANGE_STATES)[number];
  type?: (typeof CHANGE_TYPES)[number];
  risk?: (typeof RISK_RATINGS)[number];
  service?: string;
  requester?: string;
  from?: string;
  to?: string;
  q?: string;
  /** The server orders the whole list, so paging stays in order; risk and state are filters, not orders. */
  order?: (typeof LIST_ORDERS)[number];
  cursor?: string;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
function oneOf<T extends string>(list: readonly T[], v: unknown): T | undefined {
  return list.find((x) => x === v);
}
const day = (v: unknown): string | undefined => {
  const s = text(v);
  return s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : undefined;
};

/** Keeps what is valid and drops the rest, so a hand-edited address still shows a table. */
export function parseChangeFilters(search: Record<string, unknown>): ChangeFilters {
  const out: ChangeFilters = {
    state: oneOf(CHANGE_STATES, search.state),
    type: oneOf(CHANGE_TYPES, search.type),
    risk: oneOf(RISK_RATINGS, search.risk),
    service: text(search.service),
    requester: text(search.requester),
    from: day(search.from),
    to: day(search.to),
    q: text(search.q),
    order: oneOf(LIST_ORDERS, search.order),
    cursor: text(search.cursor),
  };
  for (const k of Object.keys(out) as (keyof ChangeFilters)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** The API's query for these filters; dates are whole days in UTC, `to` inclusive. */
export function toListQuery(f: ChangeFilters, limit: number): ListQuery {
  const next = f.to ? new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000).toISOString() : undefined;
  return {
    state: f.state ? [f.state] : undefined,
    type: f.type,
    risk: f.risk,
    service: f.service,
    requester: f.requester,
    from: f.from ? `${f.from}T00:00:00Z` : undefined,
    to: next,
    q: f.q,
    order: f.order,
    cursor: f.cursor,
    limit,
  };
}
