// The month as a table of weeks, Monday first: each day lists its maintenance and freeze windows and the
// changes holding a window that day; a change being dragged can be dropped on any day.
import { dayKey, monthWeeks } from './dates.ts';
import { ChangeItem, OccurrenceItem } from './items.tsx';
import { onDay } from './layout.ts';
import { dayName, dropTarget, type GridProps } from './grid.ts';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function MonthView(p: GridProps) {
  const today = dayKey(new Date());
  const windows = p.occurrences.map((o) => ({ o, window: o }));
  return (
    <table className={`month${p.dragging ? ' dragging' : ''}`}>
      <caption className="visually-hidden">Changes and windows by day</caption>
      <thead>
        <tr>
          {WEEKDAYS.map((d) => (
            <th key={d} scope="col">
              <abbr title={d}>{d.slice(0, 3)}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {monthWeeks(p.date).map((week) => (
          <tr key={week[0]!.day}>
            {week.map(({ day, inMonth }) => (
              <td
                key={day}
                className={
                  [inMonth ? '' : 'other-month', day === today ? 'today' : ''].join(' ').trim() || undefined
                }
                data-day={day}
                {...dropTarget(p, { day })}
              >
                <span className="day-number">
                  <span className="visually-hidden">{dayName(day)}</span>
                  <span aria-hidden="true">{Number(day.slice(8))}</span>
                  {day === today && <span className="today-label"> today</span>}
                </span>
                {onDay(windows, day).map(({ o }) => (
                  <OccurrenceItem key={`${o.window}-${o.start}`} o={o} day={day} />
                ))}
                {onDay(p.changes, day).map((c) => (
                  <ChangeItem
                    key={c.id}
                    c={c}
                    day={day}
                    movable={p.movable(c)}
                    onDragStart={p.onDragStart}
                    onDragEnd={p.onDragEnd}
                    onReschedule={p.onReschedule}
                  />
                ))}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
