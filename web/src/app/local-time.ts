// The browser's local time in forms: a datetime-local input holds a wall-clock time with no zone, the API
// takes instants. One reading for every form that asks for a window (schedule, reschedule, raise).
const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local value in the browser's zone, to the minute. */
export function toLocalInput(at: string | Date): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant a datetime-local value names in the browser's zone; null when empty or not such a value. */
export function fromLocalInput(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The zone the forms' times are in, as the browser names it, with its offset now (e.g. "UTC+01:00"). */
export function zoneName(now = new Date()): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const minutes = -now.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${zone}, UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
