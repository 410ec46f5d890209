// Where the calendar's items go: which days a window touches, which hour rows it covers on each day of the
// week view and in which side-by-side lane, and how hour slots are marked by freezes and maintenance. Pure;
// positions are class names from a fixed set (the CSP allows no style attribute).
import { addDays, localTime } from './dates.ts';

export interface Span {
  start: string;
  end: string;
}

/** The most changes shown side by side in a week view day; more share the last lane. */
export const MAX_LANES = 4;

const ms = (iso: string) => Date.parse(iso);

/** Local midnight of the day and of the day after, in milliseconds. */
export function dayBounds(day: string): [number, number] {
  return [localTime(day).getTime(), localTime(addDays(day, 1)).getTime()];
}

export function overlapsDay(w: Span, day: string): boolean {
  const [from, to] = dayBounds(day);
  return ms(w.start) < to && ms(w.end) > from;
}

export type DayPart = 'within' | 'starts' | 'ends' | 'through';

/**
 * How a window sits on a day: starting and ending inside it, starting or ending in it, or covering it whole
 * (a window from midnight to midnight covers its day).
 */
export function dayPart(w: Span, day: string): DayPart {
  const [from, to] = dayBounds(day);
  const starts = ms(w.start) > from;
  const ends = ms(w.end) < to;
  return starts && ends ? 'within' : starts ? 'starts' : ends ? 'ends' : 'through';
}

/** The items overlapping a day, earliest first. */
export function onDay<T extends { window: Span }>(items: T[], day: string): T[] {
  return items
    .filter((i) => overlapsDay(i.window, day))
    .sort((a, b) => ms(a.window.start) - ms(b.window.start));
}

/** The hour rows [first, last) a window covers on a day of the week view: 0–24, at least one row. */
export function hourRows(w: Span, day: string): { first: number; last: number } {
  const [from, to] = dayBounds(day);
  const start = new Date(Math.max(ms(w.start), from));
  const first = ms(w.start) <= from ? 0 : start.getHours();
  let last = 24;
  if (ms(w.end) < to) {
    const end = new Date(ms(w.end));
    last = end.getHours() + (end.getMinutes() > 0 || end.getSeconds() > 0 ? 1 : 0);
  }
  return { first, last: Math.max(last, first + 1) };
}

/**
 * Lanes for items shown side by side: each takes the first lane free at its first row (greedy interval
 * partitioning, in start order), capped at MAX_LANES; `lanes` is how many the day needs.
 */
export function assignLanes(rows: { first: number; last: number }[]): { lane: number[]; lanes: number } {
  const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.first - rows[b]!.first || a - b);
  const busyUntil: number[] = [];
  const lane: number[] = new Array<number>(rows.length).fill(0);
  for (const i of order) {
    let l = busyUntil.findIndex((until) => until <= rows[i]!.first);
    if (l === -1) l = busyUntil.length < MAX_LANES ? busyUntil.length : MAX_LANES - 1;
    busyUntil[l] = Math.max(busyUntil[l] ?? 0, rows[i]!.last);
    lane[i] = l;
  }
  return { lane, lanes: Math.max(1, busyUntil.length) };
}

/** The class placing a change in the week view's day column: its row, its height in rows, its lane. */
export function placement(rows: { first: number; last: number }, lane: number): string {
  return `at-h${rows.first} span-h${rows.last - rows.first} lane-${lane}`;
}

export interface WindowMark {
  kind: 'maintenance' | 'freeze';
  enforcement: 'hard' | 'soft';
  start: string;
  end: string;
}

/** How an hour slot is marked: a hard freeze over a soft one over a maintenance window; null when none. */
export function slotMark(marks: WindowMark[], day: string, hour: number): string | null {
  const from = localTime(day, hour).getTime();
  const to = from + 3_600_000;
  const here = marks.filter((m) => ms(m.start) < to && ms(m.end) > from);
  if (here.some((m) => m.kind === 'freeze' && m.enforcement === 'hard')) return 'freeze-hard';
  if (here.some((m) => m.kind === 'freeze')) return 'freeze-soft';
  if (here.some((m) => m.kind === 'maintenance')) return 'maintenance';
  return null;
}
