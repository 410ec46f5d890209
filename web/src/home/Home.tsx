// "What needs me": the signed-in user's queue from GET /me/queue, overdue items marked in red.
import { useQuery } from '@tanstack/react-query';
import type { MyQueue } from '../../../src/client/api-client.ts';
import { ApiError } from '../../../src/client/errors.ts';
import { api, problem } from '../api.ts';
import { useSession } from '../app/session.ts';
import { ChangeTable } from '../changes/ChangeTable.tsx';

const SECTIONS: { key: keyof MyQueue; title: string }[] = [
  { key: 'awaitingMyApproval', title: 'Awaiting my approval' },
  { key: 'owingRecordOrReview', title: 'Owing a record or review' },
  { key: 'myOpen', title: 'My open changes' },
  { key: 'upcoming', title: 'Upcoming' },
  { key: 'recentRefusals', title: 'Recently refused' },
];

/** Servers without /me/queue: approximated from the changes list (two calls). */
async function queueFromList(username: string): Promise<MyQueue> {
  const [awaiting, mine] = await Promise.all([
    api.changes.list({ state: ['awaiting_approval'], limit: 50 }),
    api.changes.list({ requester: username, limit: 50 }),
  ]);
  const open = mine.items.filter((c) => !['closed', 'rejected', 'cancelled'].includes(c.state));
  return {
    awaitingMyApproval: awaiting.items.filter((c) => c.requester !== username),
    myOpen: open,
    owingRecordOrReview: open.filter((c) => c.overdue.record || c.overdue.review),
    upcoming: open.filter((c) => c.state === 'scheduled'),
    recentRefusals: mine.items.filter((c) => c.state === 'rejected'),
  };
}

export function Home() {
  const { user } = useSession();
  const queue = useQuery({
    queryKey: ['queue', user.username],
    queryFn: () =>
      api.myQueue().catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return queueFromList(user.username);
        throw err;
      }),
  });
  return (
    <main id="main">
      <h1>What needs me</h1>
      {queue.isPending && <p role="status">Loading…</p>}
      {queue.isError && (
        <p className="error" role="alert">
          {problem(queue.error)}
        </p>
      )}
      {queue.data &&
        SECTIONS.map((s) => (
          <section key={s.key} aria-labelledby={`q-${s.key}`}>
            <h2 id={`q-${s.key}`}>
              {s.title} <span className="count">({queue.data[s.key].length})</span>
            </h2>
            <ChangeTable rows={queue.data[s.key]} caption={s.title} />
          </section>
        ))}
    </main>
  );
}
