// The calendar: a month or a week of scheduled changes with their conflicts, and the maintenance and freeze
// windows, in the browser's time zone; the view and the day are in the address. Changes the user may move
// are dragged onto a day or hour, or moved with the Reschedule button; below 700 px the period is a list.
import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useRef, useState, useSyncExternalStore } from 'react';
import { api, problem } from '../api.ts';
import { useSession } from '../app/session.ts';
import { Agenda } from './Agenda.tsx';
import { Conflicts } from './Conflicts.tsx';
import { dayKey, mondayOf, parseCalendarSearch, rangeOf, step, type View } from './dates.ts';
import type { CalChange } from './items.tsx';
import type { Span } from './layout.ts';
import type { GridProps } from './grid.ts';
import { MonthView } from './MonthView.tsx';
import { mayReschedule, moveWindow, sameWindow, type Drop } from './move.ts';
import { MovedNote, Reschedule, type Moved } from './Reschedule.tsx';
import { Subscribe } from './Subscribe.tsx';
import { WeekView } from './WeekView.tsx';
import './calendar.css';

const route = getRouteApi('/calendar');
const NARROW = '(max-width: 700px)';

function useNarrow(): boolean {
  return useSyncExternalStore(
    (notify) => {
      const q = window.matchMedia(NARROW);
      q.addEventListener('change', notify);
      return () => q.removeEventListener('change', notify);
    },
    () => window.matchMedia(NARROW).matches,
  );
}

function periodTitle(view: View, date: string): string {
  if (view === 'month')
    return new Date(`${date}T12:00:00`).toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
  const monday = new Date(`${mondayOf(date)}T12:00:00`);
  return `Week of ${monday.toLocaleDateString(undefined, { dateStyle: 'long' })}`;
}

export function CalendarPage() {
  const { view, date } = parseCalendarSearch(route.useSearch());
  const navigate = route.useNavigate();
  const { user } = useSession();
  const narrow = useNarrow();
  const range = rangeOf(view, date);
  const cal = useQuery({
    queryKey: ['calendar', range.from, range.to],
    queryFn: () => api.calendar.range(range.from, range.to),
  });
  const [dragging, setDragging] = useState<CalChange | null>(null);
  const dragged = useRef<CalChange | null>(null);
  const [moving, setMoving] = useState<{ change: CalChange; proposed: Span } | null>(null);
  const [moved, setMoved] = useState<Moved | null>(null);
  const go = (next: { view?: View; date?: string }) =>
    void navigate({ search: { view: next.view ?? view, date: next.date ?? date } });
  const unit = view === 'month' ? 'month' : 'week';

  const grid: GridProps = {
    date,
    changes: cal.data?.changes ?? [],
    occurrences: cal.data?.occurrences ?? [],
    movable: (c) => mayReschedule(c, user),
    dragging,
    dragged: () => dragged.current,
    // The page changes just after the drag has begun: changing it inside dragstart can end the drag at once.
    onDragStart: (c) => {
      dragged.current = c;
      setTimeout(() => {
        setMoved(null);
        setDragging(c);
      });
    },
    onDragEnd: () => {
      dragged.current = null;
      setDragging(null);
    },
    onDrop: (drop: Drop) => {
      const c = dragged.current;
      dragged.current = null;
      setDragging(null);
      if (!c) return;
      const proposed = moveWindow(c.window, drop);
      if (!sameWindow(proposed, c.window)) setMoving({ change: c, proposed });
    },
    onReschedule: (c) => {
      setMoved(null);
      setMoving({ change: c, proposed: c.window });
    },
  };

  return (
    <main id="main" className="calendar">
      <h1>Calendar</h1>
      <div className="cal-bar">
        <div className="buttons" role="group" aria-label="Period">
          <button type="button" className="secondary" onClick={() => go({ date: step(view, date, -1) })}>
            Previous {unit}
          </button>
          <button type="button" className="secondary" onClick={() => go({ date: dayKey(new Date()) })}>
            Today
          </button>
          <button type="button" className="secondary" onClick={() => go({ date: step(view, date, 1) })}>
            Next {unit}
          </button>
        </div>
        <div className="buttons" role="group" aria-label="View">
          {(['month', 'week'] as const).map((v) => (
            <button
              key={v}
              type="button"
              className={v === view ? undefined : 'secondary'}
              aria-pressed={v === view}
              onClick={() => go({ view: v })}
            >
              {v === 'month' ? 'Month' : 'Week'}
            </button>
          ))}
        </div>
      </div>
      <h2 aria-live="polite">{periodTitle(view, date)}</h2>
      <p className="cal-legend">
        Changes show their risk (coloured edge and in words) and ⚠ when they clash.{' '}
        <span className="win-freeze-hard legend-key">Hard freeze</span> refuses scheduling;{' '}
        <span className="win-freeze-soft legend-key">Soft freeze</span> asks one more approval;{' '}
        <span className="win-maintenance legend-key">Maintenance</span> is where changes to its services
        belong.
        {!narrow && ' Drag a change by its ⠿ handle to move it, or use Reschedule.'}
      </p>
      {moved && <MovedNote moved={moved} />}
      {moving && (
        <Reschedule
          key={`${moving.change.id}-${moving.proposed.start}`}
          change={moving.change}
          proposed={moving.proposed}
          onClose={() => setMoving(null)}
          onMoved={(m) => {
            setMoving(null);
            setMoved(m);
          }}
        />
      )}
      {cal.isPending && <p role="status">Loading…</p>}
      {cal.isError && (
        <p className="error" role="alert">
          {problem(cal.error)}
        </p>
      )}
      {cal.data &&
        (narrow ? (
          <Agenda {...grid} view={view} />
        ) : view === 'month' ? (
          <MonthView {...grid} />
        ) : (
          <WeekView {...grid} />
        ))}
      {cal.data && <Conflicts changes={cal.data.changes} />}
      <Subscribe />
    </main>
  );
}
