// A table of change summaries, shared by the changes list and the home screen. Overdue records, reviews and
// late approvals are marked in red and said in words, not only by colour.
import { Link } from '@tanstack/react-router';
import type { ChangeSummary } from '../../../src/client/api-client.ts';

export const label = (s: string) => s.replaceAll('_', ' ');

export function overdueText(c: ChangeSummary): string | null {
  const late = [
    c.overdue.record && 'record overdue',
    c.overdue.review && 'review overdue',
    c.approvalLate && 'approval late',
  ].filter(Boolean);
  return late.length ? late.join(', ') : null;
}

export function Risk({ rating }: { rating: string | null }) {
  return <span className={`risk risk-${rating ?? 'none'}`}>{rating ?? 'not rated'}</span>;
}

export function ChangeTable({ rows, caption }: { rows: ChangeSummary[]; caption: string }) {
  if (rows.length === 0) return <p className="empty">None.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Title</th>
            <th scope="col">State</th>
            <th scope="col">Type</th>
            <th scope="col">Risk</th>
            <th scope="col">Services</th>
            <th scope="col">Requester</th>
            <th scope="col">Window</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const late = overdueText(c);
            return (
              <tr key={c.id} className={late ? 'overdue' : undefined}>
                <td>
                  <Link to="/changes/$id" params={{ id: c.id }}>
                    {c.id}
                  </Link>
                </td>
                <td>
                  {c.title}
                  {late && <span className="late"> ({late})</span>}
                </td>
                <td>{label(c.state)}</td>
                <td>{c.type}</td>
                <td>
                  <Risk rating={c.riskRating} />
                </td>
                <td>{c.services.join(', ')}</td>
                <td>{c.requester}</td>
                <td>{c.window ? <When at={c.window.start} /> : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function When({ at }: { at: string }) {
  const d = new Date(at);
  return (
    <time dateTime={at}>{d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</time>
  );
}
