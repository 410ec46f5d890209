// "What needs me": the signed-in user's queue from GET /me/queue, overdue items marked in red, under a small
// chart of the changes raised each week by outcome.
import { useQuery } from '@tanstack/react-query';
import type { MyQueue } from '../../../src/client/api-client.ts';
import { api, problem } from '../api.ts';
import { useSession } from '../app/session.ts';
import { ChangeTable } from '../changes/ChangeTable.tsx';
import { WeeklyChart } from './WeeklyChart.tsx';

const SECTIONS: { key: keyof MyQueue; title: string }[] = [
  { key: 'awaitingMyApproval', title: 'Awaiting my approval' },
  { key: 'owingRecordOrReview', title: 'Owing a record or review' },
  { key: 'myOpen', title: 'My open changes' },
  { key: 'upcoming', title: 'Upcoming' },
  { key: 'recentRefusals', title: 'Recently refused' },
];

export function Home() {
  const { user } = useSession();
  const queue = useQuery({
    queryKey: ['queue', user.username],
    queryFn: () => api.myQueue(),
  });
  return (
    <main id="main">
      <h1>What needs me</h1>
      <WeeklyChart />
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
