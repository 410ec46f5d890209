// One change or one maintenance/freeze window as the calendar shows it. A change links to its page, is
// coloured and labelled by risk, says when it clashes, and, when the user may move it, has a drag handle
// and a Reschedule button. Freezes and maintenance say their kind and enforcement in words, not colour alone.
import { Link } from '@tanstack/react-router';
import type { CalendarView } from '../../../src/client/api-client.ts';
import { label } from '../changes/ChangeTable.tsx';
import { dayPart } from './layout.ts';

export type CalChange = CalendarView['changes'][number];
export type Occurrence = CalendarView['occurrences'][number];

export const time = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A window as text: times only within one day, dates too when it spans days. */
export function spanText(w: { start: string; end: string }): string {
  const sameDay = new Date(w.start).toDateString() === new Date(w.end).toDateString();
  return sameDay ? `${dateTime(w.start)}–${time(w.end)}` : `${dateTime(w.start)} – ${dateTime(w.end)}`;
}

/** A window's times as they concern one day of the grid: from, until, or all day when it spans days. */
export function onDayText(w: { start: string; end: string }, day: string): string {
  switch (dayPart(w, day)) {
    case 'within':
      return `${time(w.start)}–${time(w.end)}`;
    case 'starts':
      return `from ${time(w.start)}`;
    case 'ends':
      return `until ${time(w.end)}`;
    case 'through':
      return 'all day';
  }
}

export function conflictText(c: CalChange): string | null {
  if (c.conflicts.length === 0) return null;
  const hard = c.conflicts.some((x) => x.severity === 'hard');
  return `${hard ? 'hard' : 'soft'} conflict${c.conflicts.length > 1 ? `s (${c.conflicts.length})` : ''}`;
}

interface ChangeItemProps {
  c: CalChange;
  movable: boolean;
  /** Extra classes: the week view's placement. */
  place?: string;
  /** The grid's day the item is shown on (its times as they concern that day); none: the full window. */
  day?: string;
  onDragStart: (c: CalChange) => void;
  onDragEnd: () => void;
  onReschedule: (c: CalChange) => void;
}

export function ChangeItem({
  c,
  movable,
  place,
  day,
  onDragStart,
  onDragEnd,
  onReschedule,
}: ChangeItemProps) {
  const clash = conflictText(c);
  const classes = ['cal-change', `risk-edge-${c.riskRating ?? 'none'}`, clash ? 'clash' : '', place ?? ''];
  return (
    <div className={classes.filter(Boolean).join(' ')} data-change={c.id}>
      {movable && (
        <span
          className="drag-handle"
          draggable
          aria-hidden="true"
          title={`Drag ${c.id} to another day or hour`}
          onDragStart={(e) => {
            e.dataTransfer.setData('text/plain', c.id);
            e.dataTransfer.effectAllowed = 'move';
            onDragStart(c);
          }}
          onDragEnd={onDragEnd}
        >
          ⠿
        </span>
      )}
      <Link to="/changes/$id" params={{ id: c.id }}>
        {c.id}
      </Link>{' '}
      <span className="cal-title">{c.title}</span>
      <span className="cal-meta">
        {day ? onDayText(c.window, day) : spanText(c.window)} · {c.riskRating ?? 'not rated'} risk
        {c.state !== 'scheduled' && ` · ${label(c.state)}`}
      </span>
      {clash && <span className="cal-clash">⚠ {clash}</span>}
      {movable && (
        <button
          type="button"
          className="link cal-move"
          aria-label={`Reschedule ${c.id}`}
          onClick={() => onReschedule(c)}
        >
          Reschedule
        </button>
      )}
    </div>
  );
}

export function occurrenceLabel(o: Occurrence): string {
  return o.kind === 'maintenance' ? 'Maintenance' : `${o.enforcement === 'hard' ? 'Hard' : 'Soft'} freeze`;
}

export function OccurrenceItem({ o, day }: { o: Occurrence; day?: string }) {
  const kind = o.kind === 'maintenance' ? 'maintenance' : `freeze-${o.enforcement}`;
  const scope = o.services.length ? o.services.join(', ') : 'all services';
  return (
    <div className={`cal-window win-${kind}`}>
      <strong>{occurrenceLabel(o)}</strong>: {o.title}
      <span className="cal-meta">
        {day ? onDayText(o, day) : spanText(o)} · {scope}
        {o.approvalGroup && ` · one more approval from ${o.approvalGroup}`}
      </span>
    </div>
  );
}
