// The week as seven day columns of 24 hour rows. Windows mark the hours they cover (hatched: hard freeze,
// dotted: soft freeze, lined: maintenance) and are listed in words above each day; changes sit on their
// hours, side by side when they overlap; a dragged change can be dropped on any hour.
import { dayKey, weekDays } from './dates.ts';
import { ChangeItem, OccurrenceItem } from './items.tsx';
import { assignLanes, hourRows, onDay, placement, slotMark } from './layout.ts';
import { dayName, dropTarget, type GridProps } from './grid.ts';

const HOURS = Array.from({ length: 24 }, (_, h) => h);
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
/** An hour's label as the user's locale writes times, like the items' own. */
const hourLabel = (h: number) => new Date(2000, 0, 1, h).toLocaleTimeString(undefined, { hour: 'numeric' });

export function WeekView(p: GridProps) {
  const today = dayKey(new Date());
  const windows = p.occurrences.map((o) => ({ o, window: o }));
  const days = weekDays(p.date);
  return (
    <div className={`week${p.dragging ? ' dragging' : ''}`}>
      <div className="week-head week-corner" aria-hidden="true" />
      {days.map((day) => (
        <div key={day} className={`week-head${day === today ? ' today' : ''}`}>
          <h3>
            {dayName(day, 'short')}
            {day === today && <span className="today-label"> today</span>}
          </h3>
          {onDay(windows, day).map(({ o }) => (
            <OccurrenceItem key={`${o.window}-${o.start}`} o={o} day={day} />
          ))}
        </div>
      ))}
      <div className="week-hours" aria-hidden="true">
        {HOURS.map((h) => (
          <span key={h} className={`at-h${h}`}>
            {hourLabel(h)}
          </span>
        ))}
      </div>
      {days.map((day) => {
        const changes = onDay(p.changes, day);
        const rows = changes.map((c) => hourRows(c.window, day));
        const { lane, lanes } = assignLanes(rows);
        return (
          <div key={day} className={`week-day lanes-${lanes}`} data-day={day}>
            {HOURS.map((h) => {
              const mark = slotMark(p.occurrences, day, h);
              return (
                <div
                  key={h}
                  className={`slot at-h${h}${mark ? ` mark-${mark}` : ''}`}
                  data-slot={`${day}T${hh(h)}`}
                  {...dropTarget(p, { day, hour: h })}
                />
              );
            })}
            {changes.map((c, i) => (
              <ChangeItem
                key={c.id}
                c={c}
                day={day}
                place={placement(rows[i]!, lane[i]!)}
                movable={p.movable(c)}
                onDragStart={p.onDragStart}
                onDragEnd={p.onDragEnd}
                onReschedule={p.onReschedule}
              />
            ))}
          </div>
        );
      })}
    </div>
  );
}
