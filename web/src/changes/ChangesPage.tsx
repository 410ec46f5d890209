// The changes table: filters, text search and order kept in the address, cursor paging through the API
// (the server orders the whole list, so every page follows the last).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import type { FormEvent } from 'react';
import { CHANGE_STATES, CHANGE_TYPES, LIST_ORDERS, RISK_RATINGS } from '../../../src/contracts/vocabulary.ts';
import { api, problem } from '../api.ts';
import { ChangeTable, label } from './ChangeTable.tsx';
import { parseChangeFilters, toListQuery, type ChangeFilters } from './filters.ts';

const route = getRouteApi('/changes');
const PAGE = 50;

export function ChangesPage() {
  const filters = route.useSearch();
  const navigate = useNavigate({ from: '/changes' });
  const list = useQuery({
    queryKey: ['changes', filters],
    queryFn: () => api.changes.list(toListQuery(filters, PAGE)),
    placeholderData: keepPreviousData,
  });
  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const next = parseChangeFilters(Object.fromEntries(new FormData(e.currentTarget)));
    delete next.cursor;
    void navigate({ search: next });
  }
  const go = (search: ChangeFilters) => void navigate({ search });
  return (
    <main id="main">
      <h1>Changes</h1>
      <form className="filters" onSubmit={apply} role="search" aria-label="Filter changes">
        <Field name="q" label="Search" value={filters.q} type="search" />
        <Choice name="state" label="State" value={filters.state} options={CHANGE_STATES} />
        <Choice name="type" label="Type" value={filters.type} options={CHANGE_TYPES} />
        <Choice name="risk" label="Risk" value={filters.risk} options={RISK_RATINGS} />
        <Field name="service" label="Service" value={filters.service} />
        <Field name="requester" label="Requester" value={filters.requester} />
        <Field name="from" label="Created from" value={filters.from} type="date" />
        <Field name="to" label="Created to" value={filters.to} type="date" />
        <Choice name="order" label="Order" value={filters.order} options={LIST_ORDERS} any="newest" />
        <div className="filter-actions">
          <button type="submit">Apply</button>
          <button type="button" className="secondary" onClick={() => go({})}>
            Clear
          </button>
        </div>
      </form>
      {list.isError && (
        <p className="error" role="alert">
          {problem(list.error)}
        </p>
      )}
      {list.data && (
        <>
          <ChangeTable rows={list.data.items} caption="Changes matching the filters" />
          <nav className="pager" aria-label="Pages">
            {filters.cursor && (
              <button
                type="button"
                className="secondary"
                onClick={() => go({ ...filters, cursor: undefined })}
              >
                First page
              </button>
            )}
            {list.data.nextCursor && (
              <button
                type="button"
                onClick={() => go({ ...filters, cursor: list.data.nextCursor ?? undefined })}
              >
                Next page
              </button>
            )}
          </nav>
        </>
      )}
      {list.isPending && <p role="status">Loading…</p>}
    </main>
  );
}

function Field(p: { name: string; label: string; value: string | undefined; type?: string }) {
  return (
    <div className="field">
      <label htmlFor={`f-${p.name}`}>{p.label}</label>
      <input
        id={`f-${p.name}`}
        name={p.name}
        type={p.type ?? 'text'}
        defaultValue={p.value ?? ''}
        key={p.value}
      />
    </div>
  );
}

function Choice(p: {
  name: string;
  label: string;
  value: string | undefined;
  options: readonly string[];
  any?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={`f-${p.name}`}>{p.label}</label>
      <select id={`f-${p.name}`} name={p.name} defaultValue={p.value ?? ''} key={p.value}>
        <option value="">{p.any ?? 'any'}</option>
        {p.options
          .filter((o) => o !== p.any)
          .map((o) => (
            <option key={o} value={o}>
              {label(o)}
            </option>
          ))}
      </select>
    </div>
  );
}
