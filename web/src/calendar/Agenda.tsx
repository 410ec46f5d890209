// The phone layout: the period's days that hold something, as a list, with the same items and the
// Reschedule button in place of dragging. An item spanning days is listed once, on its first day shown.
import { daysShown, type View } from './dates.ts';
import { ChangeItem, OccurrenceItem } from './items.tsx';
import { onDay } from './layout.ts';
import { dayName, type GridProps } from './grid.ts';

export function Agenda(p: GridProps & { view: View }) {
  // Each item once, under the first day shown that it touches, with its whole window.
  const seen = new Set<string>();
  const firstTime = <T,>(key: string, item: T) => (seen.has(key) ? [] : (seen.add(key), [item]));
  const windows = p.occurrences.map((o) => ({ o, window: o }));
  const days = daysShown(p.view, p.date)
    .map((day) => ({
      day,
      windows: onDay(windows, day).flatMap((w) => firstTime(`${w.o.window}@${w.o.start}`, w)),
      changes: onDay(p.changes, day).flatMap((c) => firstTime(c.id, c)),
    }))
    .filter((d) => d.windows.length + d.changes.length > 0);
  if (days.length === 0) return <p className="empty">Nothing scheduled in this period.</p>;
  return (
    <ol className="agenda">
      {days.map((d) => (
        <li key={d.day}>
          <h3>{dayName(d.day)}</h3>
          {d.windows.map(({ o }) => (
            <OccurrenceItem key={`${o.window}-${o.start}`} o={o} />
          ))}
          {d.changes.map((c) => (
            <ChangeItem
              key={c.id}
              c={c}
              movable={p.movable(c)}
              onDragStart={p.onDragStart}
              onDragEnd={p.onDragEnd}
              onReschedule={p.onReschedule}
            />
          ))}
        </li>
      ))}
    </ol>
  );
}
