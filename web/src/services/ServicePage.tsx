// One service: its attributes, what it depends on, and what depends on it (computed from the catalogue, so
// a retired or unknown dependency still shows).
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import type { ServiceView } from '../../../src/client/api-client.ts';
import { api, problem } from '../api.ts';
import { When } from '../changes/ChangeTable.tsx';
import { dependents, flags } from './flags.ts';

const route = getRouteApi('/services/$name');

export function ServicePage() {
  const { name } = route.useParams();
  const list = useQuery({ queryKey: ['services'], queryFn: () => api.services.list() });
  if (list.isPending)
    return (
      <main id="main">
        <p role="status">Loading…</p>
      </main>
    );
  const s = list.data?.items.find((x) => x.name === name);
  if (!s)
    return (
      <main id="main">
        <h1>{name}</h1>
        <p className="error" role="alert">
          {list.isError ? problem(list.error) : 'There is no service of this name.'}
        </p>
      </main>
    );
  const known = new Set(list.data?.items.map((x) => x.name));
  return (
    <main id="main">
      <h1>{s.name}</h1>
      {s.retiredAt && (
        <p className="late">
          Retired <When at={s.retiredAt} />: {s.retirementReason}
        </p>
      )}
      {s.description && <p className="prose">{s.description}</p>}
      <Attributes s={s} />
      <section aria-labelledby="deps">
        <h2 id="deps">Depends on</h2>
        <Names names={s.dependencies} known={known} />
      </section>
      <section aria-labelledby="dependents">
        <h2 id="dependents">Depended on by</h2>
        <Names names={dependents(list.data?.items ?? [], s.name)} known={known} />
      </section>
    </main>
  );
}

function Attributes({ s }: { s: ServiceView }) {
  const rows: [string, string][] = [
    ['Environment', s.environment],
    ['Criticality', s.criticality],
    ['Technical owner', s.owners.technical || '—'],
    ['Business owner', s.owners.business || '—'],
    ['Team', s.team || '—'],
    ['Flags', flags(s).join(', ') || 'none'],
    ['Data classes', s.dataClasses.join(', ') || 'none'],
    ['Supplier', s.supplier ?? '—'],
    ['Continuity plan', s.continuityPlanRef ?? '—'],
  ];
  return (
    <dl className="attributes">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Names({ names, known }: { names: string[]; known: Set<string> }) {
  if (names.length === 0) return <p className="empty">None.</p>;
  return (
    <ul>
      {names.map((n) => (
        <li key={n}>
          {known.has(n) ? (
            <Link to="/services/$name" params={{ name: n }}>
              {n}
            </Link>
          ) : (
            `${n} (not registered)`
          )}
        </li>
      ))}
    </ul>
  );
}
