// A change's history from GET /changes/{id}/events: who did what, when, oldest first, refusals too; each
// event's ledger proof can be downloaded for offline checking.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ChangeEvents } from '../../../src/client/api-client.ts';
import { api, problem } from '../api.ts';
import { useSession } from '../app/session.ts';
import { When } from '../changes/ChangeTable.tsx';
import { detail, what } from './events.ts';
import { download, proofFile } from './proof.ts';

type Event = ChangeEvents['items'][number];

export function Timeline({ id }: { id: string }) {
  const { user } = useSession();
  const events = useQuery({ queryKey: ['events', id], queryFn: () => api.changes.events(id) });
  const [busy, setBusy] = useState<number | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  async function prove(e: Event) {
    setBusy(e.seq);
    setFailed(null);
    try {
      const file = await proofFile(e, user);
      download(file.name, file.text);
    } catch (err) {
      setFailed(`Proof of entry ${e.seq}: ${problem(err)}`);
    } finally {
      setBusy(null);
    }
  }
  return (
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">Timeline</h2>
      {events.isError && <p className="error">{problem(events.error)}</p>}
      {failed && (
        <p className="error" role="alert">
          {failed}
        </p>
      )}
      {events.data && (
        <ol className="timeline">
          {events.data.items.map((e) => {
            const line = detail(e);
            const refused = e.type === 'change.command_refused';
            return (
              <li key={e.id} className={refused ? 'refused' : undefined}>
                <When at={e.at} /> — <strong>{what(e.type)}</strong> by {e.actor.id}
                {line && <span className="event-detail"> — {line}</span>}{' '}
                <button type="button" className="link" disabled={busy !== null} onClick={() => void prove(e)}>
                  Download proof<span className="visually-hidden"> of entry {e.seq}</span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
