// The window form of the schedule action: start and end in the user's local time, with the zone named, sent as
// instants. Prefilled with the change's proposed window when it is still ahead, else from now for an hour.
import type { FormEvent } from 'react';
import type { ChangeView } from '../../../src/client/api-client.ts';
import { fromLocalInput, toLocalInput, zoneName } from '../app/local-time.ts';
import { field } from '../form.ts';

export interface Window {
  start: string;
  end: string;
}

function initial(c: ChangeView, now: Date): { start: string; end: string } {
  const p = c.proposedWindow;
  if (p && new Date(p.end) > now) return { start: toLocalInput(p.start), end: toLocalInput(p.end) };
  const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return { start: toLocalInput(start), end: toLocalInput(new Date(start.getTime() + 3_600_000)) };
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
    const start = field(form, 'start');
    const end = field(form, 'end');
    // A value the browser let through but that names no time goes as typed, for the API to say what to fix.
    props.onSchedule({ start: fromLocalInput(start) ?? start, end: fromLocalInput(end) ?? end });
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
