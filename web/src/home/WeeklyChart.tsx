// Changes raised per week by how they ended (GET /metrics/changes/weekly), drawn on a canvas by Chart.js,
// which is fetched only when this renders. The same numbers are in a visually hidden table for screen readers
// (and stand in when the chart cannot load); the canvas itself is hidden from them.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { WeeklyChangeMetrics } from '../../../src/client/api-client.ts';
import { api, problem } from '../api.ts';
import { OUTCOMES } from './outcomes.ts';

const WEEKS = 12;

function Drawing({ data }: { data: WeeklyChangeMetrics }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let undraw: (() => void) | undefined;
    let gone = false;
    import('./weeklyChart.ts')
      .then(({ drawWeekly }) => {
        if (!gone && canvas.current) undraw = drawWeekly(canvas.current, data);
      })
      .catch(() => setFailed(true));
    return () => {
      gone = true;
      undraw?.();
    };
  }, [data]);
  if (failed) return <p>The chart could not be loaded; the numbers are in the table below.</p>;
  return (
    <div className="chart-box">
      <canvas ref={canvas} aria-hidden="true" data-testid="weekly-chart" />
    </div>
  );
}

function NumbersTable({ data }: { data: WeeklyChangeMetrics }) {
  return (
    <table className="visually-hidden">
      <caption>Changes raised per week by outcome, last {WEEKS} weeks</caption>
      <thead>
        <tr>
          <th scope="col">Week starting</th>
          {OUTCOMES.map((o) => (
            <th key={o.key} scope="col">
              {o.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.weeks.map((w) => (
          <tr key={w.week}>
            <th scope="row">{w.week}</th>
            {OUTCOMES.map((o) => (
              <td key={o.key}>{w[o.key]}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WeeklyChart() {
  const weekly = useQuery({ queryKey: ['weekly', WEEKS], queryFn: () => api.weeklyMetrics(WEEKS) });
  return (
    <section aria-labelledby="weekly-title" className="weekly">
      <h2 id="weekly-title">Changes per week</h2>
      {weekly.isPending && <p role="status">Loading…</p>}
      {weekly.isError && (
        <p className="error" role="alert">
          {problem(weekly.error)}
        </p>
      )}
      {weekly.data && (
        <>
          <Drawing data={weekly.data} />
          <NumbersTable data={weekly.data} />
        </>
      )}
    </section>
  );
}
