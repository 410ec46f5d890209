// The policy: the active version (who activated it, when, its source), every version before it (each can be
// opened and compared with the active one), and a proposed replacement, which is raised as a change.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.ts';
import { useSession } from '../app/session.ts';
import { When } from '../changes/ChangeTable.tsx';
import { roleAllows } from './access.ts';
import { AdminNav, Failure } from './AdminNav.tsx';
import { ActivatedBy, Facts } from './PolicyFacts.tsx';
import { PolicyVersion } from './PolicyVersion.tsx';
import { ProposePolicy } from './ProposePolicy.tsx';

export function PolicyPage() {
  const mayPropose = roleAllows(useSession().user, 'change.create');
  const active = useQuery({
    queryKey: ['policy', 'active'],
    queryFn: () => api.policy.active(),
    retry: false,
  });
  const history = useQuery({
    queryKey: ['policy', 'versions'],
    queryFn: () => api.policy.history(),
    retry: false,
  });
  const [viewing, setViewing] = useState<number | null>(null);
  return (
    <main id="main">
      <h1>Policy</h1>
      <AdminNav />
      <section aria-labelledby="active-h">
        <h2 id="active-h">Active policy</h2>
        {active.isPending && <p role="status">Loading…</p>}
        {active.isError && <Failure error={active.error} />}
        {active.data && <Facts v={active.data} />}
        {active.data && (
          <details>
            <summary>Source of version {active.data.version}</summary>
            <pre className="source" tabIndex={0}>
              {active.data.source}
            </pre>
          </details>
        )}
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        {history.isError && <Failure error={history.error} />}
        {history.data && (
          <div className="table-wrap">
            <table className="stack">
              <caption className="visually-hidden">Policy versions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Name</th>
                  <th scope="col">SHA-256</th>
                  <th scope="col">Activated</th>
                  <th scope="col">By</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {history.data.items.map((v) => (
                  <tr key={v.version}>
                    <th scope="row" data-label="Version">
                      {v.version}
                      {v.version === active.data?.version && ' (active)'}
                    </th>
                    <td data-label="Name">{v.name}</td>
                    <td data-label="SHA-256" className="code" title={v.sha256}>
                      {v.sha256.slice(0, 12)}…
                    </td>
                    <td data-label="Activated">
                      <When at={v.activatedAt} />
                    </td>
                    <td data-label="By">
                      <ActivatedBy v={v} />
                    </td>
                    <td data-label="Actions">
                      <button type="button" className="secondary" onClick={() => setViewing(v.version)}>
                        View version {v.version}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {viewing !== null && active.data && (
        <PolicyVersion
          key={viewing}
          version={viewing}
          active={active.data}
          onClose={() => setViewing(null)}
        />
      )}
      {mayPropose && active.data && <ProposePolicy current={active.data.source} />}
    </main>
  );
}
