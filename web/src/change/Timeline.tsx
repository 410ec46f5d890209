// A change's history from GET /changes/{id}/events: who did what, when, oldest first.
import { useQuery } from '@tanstack/react-query';
import { api, problem } from '../api.ts';
import { label, When } from '../changes/ChangeTable.tsx';

/** `change.approval_granted` → "approval granted". */
const what = (type: string) => label(type.replace(/^[a-z]+\./, ''));

export function Timeline({ id }: { id: string }) {
  const events = useQuery({ queryKey: ['events', id], queryFn: () => api.changes.events(id) });
  return (
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">Timeline</h2>
      {events.isError && <p className="error">{problem(events.error)}</p>}
      {events.data && (
        <ol className="timeline">
          {events.data.items.map((e) => (
            <li key={e.id}>
              <When at={e.at} /> — <strong>{what(e.type)}</strong> by {e.actor.id}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
