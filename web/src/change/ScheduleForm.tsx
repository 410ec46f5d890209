// The window form of the schedule action: start and end in the user's local time, with the zone named, sent as
// instants. Prefilled with the change's proposed window when it is still ahead, else from now for an hour.
import type { FormEvent } from 'react';
import type { ChangeView } from '../../../src/client/api-client.ts';
import { field } from '../form.ts';

export interface Window {
  start: string;
  end: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local value in the browser's zone, to the minute. */
export function localValue(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** The zone the form's times are in, as the browser names it, with its offset now (e.g. "UTC+01:00"). */
export function zoneName(now = new Date()): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const minutes = -now.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${zone}, UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function initial(c: ChangeView, now: Date): { start: string; end: string } {
  const p = c.proposedWindow;
  if (p && new Date(p.end) > now)
    return { start: localValue(new Date(p.start)), end: localValue(new Date(p.end)) };
  const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return { start: localValue(start), end: localValue(new Date(start.getTime() + 3_600_000)) };
}

export function ScheduleForm(props: {
  change: ChangeView;
  pending: boolean;
  onSchedule: (window: Window) => void;
}) {
  const now = new Date();
  const start = initial(props.change, now);
  const zone = zoneName(now);
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    // A datetime-local value has no zone: Date reads it as the browser's local time.
    const from = new Date(field(form, 'start'));
    const to = new Date(field(form, 'end'));
    props.onSchedule({ start: from.toISOString(), end: to.toISOString() });
  }
  return (
    <form className="action-form" onSubmit={submit} aria-describedby="zone-note">
      <p className="note" id="zone-note">
        Times are in your time zone ({zone}).
      </p>
      <label htmlFor="w-start">Window start</label>
      <input id="w-start" name="start" type="datetime-local" required defaultValue={start.start} />
      <label htmlFor="w-end">Window end</label>
      <input id="w-end" name="end" type="datetime-local" required defaultValue={start.end} />
      <button type="submit" disabled={props.pending}>
        Confirm schedule
      </button>
    </form>
  );
}
