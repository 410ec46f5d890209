// Rescheduling from the calendar: the window a drop asks for (same length, moved to the day or hour dropped
// on), who may reschedule which change (as the API decides: the change's requester, owner or implementer, or
// a change manager, while it is scheduled), and the free slot a refusal names. Pure.
import type { UserView } from '../../../src/client/api-client.ts';
import { isSteward, roleAllows } from '../app/access.ts';
import { localTime } from './dates.ts';
import type { Span } from './layout.ts';

/** A drop target: a day of the month view, or an hour of a day in the week view. */
export type Drop = { day: string; hour?: number };

/**
 * The window a drop asks for: the start moves to the dropped day at the same wall-clock time (month view),
 * or to the dropped hour keeping its minutes (week view); the end keeps the length in real time, so a window
 * moved across a daylight-saving change lasts as long as before. A wall-clock time the clock skips lands
 * where the browser puts it (an hour later).
 */
export function moveWindow(w: Span, drop: Drop): Span {
  const start = new Date(w.start);
  const length = Date.parse(w.end) - start.getTime();
  const next = localTime(
    drop.day,
    drop.hour ?? start.getHours(),
    start.getMinutes(),
    drop.hour === undefined ? start.getSeconds() : 0,
    drop.hour === undefined ? start.getMilliseconds() : 0,
  );
  return { start: next.toISOString(), end: new Date(next.getTime() + length).toISOString() };
}

/** Whether the drop leaves the window where it is. */
export function sameWindow(a: Span, b: Span): boolean {
  return Date.parse(a.start) === Date.parse(b.start) && Date.parse(a.end) === Date.parse(b.end);
}

export interface Reschedulable {
  state: string;
  requester: string;
  owner: string;
  implementer: string | null;
}

/** Whether the API would let this user move this change's window (a guide: the API decides). */
export function mayReschedule(c: Reschedulable, u: Pick<UserView, 'username' | 'roles'>): boolean {
  if (c.state !== 'scheduled') return false;
  return roleAllows(u, 'change.work') && isSteward(c, u);
}
