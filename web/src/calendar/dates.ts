// The calendar's days and ranges in the browser's time zone, as 'YYYY-MM-DD' keys: which days a month or week
// view shows, the instants it asks the API for, and stepping back and forth. Pure (the clock is an input);
// local-time Date arithmetic, so a day is 23 or 25 hours long across a daylight-saving change.

export const VIEWS = ['month', 'week'] as const;
export type View = (typeof VIEWS)[number];

export interface CalendarSearch {
  view: View;
  /** Any day of the month or week shown. */
  date: string;
}

const KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number) => String(n).padStart(2, '0');

/** The local day of an instant. */
export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Whether `s` names a day that exists (2026-02-30 does not). */
export function isDayKey(s: string): boolean {
  const m = KEY.exec(s);
  if (!m) return false;
  return dayKey(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) === s;
}

/** Local midnight of a day, or a later hour and minute of it. */
export function localTime(key: string, hour = 0, minute = 0, second = 0, ms = 0): Date {
  const m = KEY.exec(key);
  if (!m) throw new Error(`not a day: ${key}`);
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour, minute, second, ms);
}

export function addDays(key: string, n: number): string {
  const d = localTime(key);
  return dayKey(new Date(d.getFullYear(), d.getMonth(), d.getDate() + n));
}

/** The Monday of the week holding the day (weeks run Monday to Sunday, as ISO 8601 has them). */
export function mondayOf(key: string): string {
  return addDays(key, -((localTime(key).getDay() + 6) % 7));
}

/** What the address holds, valid values only (a link to the calendar may give neither). */
export function pickCalendarSearch(search: Record<string, unknown>): Partial<CalendarSearch> {
  const out: Partial<CalendarSearch> = {};
  const view = VIEWS.find((v) => v === search.view);
  if (view) out.view = view;
  if (typeof search.date === 'string' && isDayKey(search.date)) out.date = search.date;
  return out;
}

/** The address's view and day, missing or invalid values replaced by month view and today. */
export function parseCalendarSearch(search: Record<string, unknown>, now = new Date()): CalendarSearch {
  const view = VIEWS.find((v) => v === search.view) ?? 'month';
  const date = typeof search.date === 'string' && isDayKey(search.date) ? search.date : dayKey(now);
  return { view, date };
}

export interface MonthCell {
  day: string;
  inMonth: boolean;
}

/** The month's days in whole weeks, Monday first: 4 to 6 rows of 7. */
export function monthWeeks(key: string): MonthCell[][] {
  const month = key.slice(0, 7);
  const first = mondayOf(`${month}-01`);
  const weeks: MonthCell[][] = [];
  for (let day = first; weeks.length === 0 || day.slice(0, 7) === month;) {
    const week: MonthCell[] = [];
    for (let i = 0; i < 7; i++, day = addDays(day, 1)) week.push({ day, inMonth: day.slice(0, 7) === month });
    weeks.push(week);
  }
  return weeks;
}

/** The seven days of the week holding the day. */
export function weekDays(key: string): string[] {
  const monday = mondayOf(key);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The days a view shows. */
export function daysShown(view: View, key: string): string[] {
  return view === 'week'
    ? weekDays(key)
    : monthWeeks(key)
        .flat()
        .map((c) => c.day);
}

/** The instants to ask the API for: from the first day's midnight to the midnight after the last day. */
export function rangeOf(view: View, key: string): { from: string; to: string } {
  const days = daysShown(view, key);
  return {
    from: localTime(days[0]!).toISOString(),
    to: localTime(addDays(days[days.length - 1]!, 1)).toISOString(),
  };
}

/** The day to show after stepping one month or week back (-1) or forward (1). */
export function step(view: View, key: string, by: -1 | 1): string {
  if (view === 'week') return addDays(key, 7 * by);
  const d = localTime(key);
  return dayKey(new Date(d.getFullYear(), d.getMonth() + by, 1));
}
