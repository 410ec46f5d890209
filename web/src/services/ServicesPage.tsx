// The services catalogue, read-only: every registered service with its owners and regulatory flags.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, problem } from '../api.ts';
import { flags } from './flags.ts';

export function ServicesPage() {
  const list = useQuery({ queryKey: ['services'], queryFn: () => api.services.list() });
  return (
    <main id="main">
      <h1>Services</h1>
      {list.isPending && <p role="status">Loading…</p>}
      {list.isError && (
        <p className="error" role="alert">
          {problem(list.error)}
        </p>
      )}
      {list.data && list.data.items.length === 0 && <p className="empty">No service is registered.</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Registered services</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Environment</th>
                <th scope="col">Criticality</th>
                <th scope="col">Owners</th>
                <th scope="col">Team</th>
                <th scope="col">Flags</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => (
                <tr key={s.name} className={s.retiredAt ? 'retired' : undefined}>
                  <td>
                    <Link to="/services/$name" params={{ name: s.name }}>
                      {s.name}
                    </Link>
                  </td>
                  <td>{s.environment}</td>
                  <td>{s.criticality}</td>
                  <td>
                    {s.owners.technical || '—'} (technical), {s.owners.business || '—'} (business)
                  </td>
                  <td>{s.team || '—'}</td>
                  <td>{flags(s).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
