// What the deployment gate decided about this change (allow or deny, every reason, when, who asked) and the
// deployments recorded under it, newest first.
import { useQuery } from '@tanstack/react-query';
import type { ChangeView } from '../../../src/client/api-client.ts';
import { api, problem } from '../api.ts';
import { label, When } from '../changes/ChangeTable.tsx';

const short = (digest: string) => (digest.startsWith('sha256:') ? `${digest.slice(0, 19)}…` : digest);

export function GateDecisions({ c }: { c: ChangeView }) {
  const q = useQuery({ queryKey: ['gate-decisions', c.id], queryFn: () => api.gate.decisions(c.id) });
  return (
    <section aria-labelledby="gate-h">
      <h2 id="gate-h">Gate decisions</h2>
      {q.isError && <p className="error">{problem(q.error)}</p>}
      {q.data && q.data.items.length === 0 && <p className="note">The gate has not been asked yet.</p>}
      {q.data && q.data.items.length > 0 && (
        <ul className="decisions">
          {q.data.items.map((d) => (
            <li key={d.id ?? d.at}>
              <strong className={d.decision === 'deny' ? 'late' : undefined}>{d.decision}</strong> for{' '}
              {d.service} in {d.environment} on <When at={d.at} />, asked by {d.source}
              {d.artifacts.length > 0 && (
                <>
                  {' '}
                  for <span className="code">{d.artifacts.map(short).join(', ')}</span>
                </>
              )}
              {d.breakGlass && <> — break-glass: {d.breakGlass.reason}</>}
              {d.reasons.length > 0 && (
                <ul>
                  {d.reasons.map((r) => (
                    <li key={r.code}>{r.message}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      {q.data?.nextCursor && <p className="note">Older decisions are in the timeline.</p>}
    </section>
  );
}

export function Deployments({ c }: { c: ChangeView }) {
  const q = useQuery({
    queryKey: ['deployments', c.id],
    queryFn: () => api.deployments.list({ change: c.id }),
  });
  return (
    <section aria-labelledby="deployments-h">
      <h2 id="deployments-h">Deployments</h2>
      {q.isError && <p className="error">{problem(q.error)}</p>}
      {q.data && q.data.items.length === 0 && <p className="note">None recorded.</p>}
      {q.data && q.data.items.length > 0 && (
        // Focusable so that a keyboard can scroll it sideways on a narrow screen.
        <div className="table-wrap" role="region" aria-label={`Deployments of ${c.id}, table`} tabIndex={0}>
          <table>
            <caption className="visually-hidden">Deployments of {c.id}</caption>
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                <th scope="col">Artifact</th>
                <th scope="col">Where</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((d) => (
                <tr key={d.id}>
                  <td>
                    {d.id}
                    {d.unauthorized && <span className="late"> unauthorized: {d.unauthorized}</span>}
                  </td>
                  <td className="code" title={d.artifact}>
                    {short(d.artifact)}
                  </td>
                  <td>
                    {d.service} ({d.environment})
                  </td>
                  <td>{d.result ? label(d.result) : 'running'}</td>
                  <td>
                    <When at={d.startedAt} />
                  </td>
                  <td>{d.finishedAt ? <When at={d.finishedAt} /> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
