// The changes table's filters as URL search parameters: what the address keeps, checked on the way in.
import type { ChangeSummary, ListQuery } from '../../../src/client/api-client.ts';
import { CHANGE_STATES, CHANGE_TYPES, RISK_RATINGS } from '../../../src/contracts/vocabulary.ts';

export const SORTS = ['newest', 'oldest', 'risk', 'state', 'title'] as const;
export type Sort = (typeof SORTS)[number];

export interface ChangeFilters {
  state?: (typeof CHANGE_STATES)[number];
  type?: (typeof CHANGE_TYPES)[number];
  risk?: (typeof RISK_RATINGS)[number];
  service?: string;
  requester?: string;
  from?: string;
  to?: string;
  q?: string;
  sort?: Sort;
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
    sort: oneOf(SORTS, search.sort),
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
    cursor: f.cursor,
    limit,
  };
}

const riskRank = (r: string | null) => (r ? RISK_RATINGS.indexOf(r as (typeof RISK_RATINGS)[number]) : -1);

/** The API lists newest first; other orders sort the page shown. */
export function sortRows(rows: ChangeSummary[], sort: Sort = 'newest'): ChangeSummary[] {
  const copy = [...rows];
  switch (sort) {
    case 'newest':
      return copy;
    case 'oldest':
      return copy.reverse();
    case 'risk':
      return copy.sort((a, b) => riskRank(b.riskRating) - riskRank(a.riskRating));
    case 'state':
      return copy.sort((a, b) => CHANGE_STATES.indexOf(a.state) - CHANGE_STATES.indexOf(b.state));
    case 'title':
      return copy.sort((a, b) => a.title.localeCompare(b.title));
  }
}
