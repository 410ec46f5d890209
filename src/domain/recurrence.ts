// Occurrences of one policy window in real time. Recurrence is `rrule-temporal`'s (RFC 5545); the time
// zone is applied to each occurrence's wall-clock time afterwards (ADR 0014): the rule is expanded as
// floating time, then every local start is placed in the window's zone with `compatible` disambiguation,
// so a 02:30 window on the spring-forward day starts at 03:30 rather than vanishing, and a 01:30 window
// on the fall-back day starts at the first 01:30.
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import type { CalendarWindowRule } from '../policy/types.ts';

/** `2026-03-29T02:30` or `2026-03-29T02:30:00`: a wall-clock time with no offset. */
export const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/;

/** Sub-daily frequencies would make a window repeat within itself, and cost without bound. */
const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];

const DAY_MINUTES = 24 * 60;
const HOUR_MS = 3_600_000;

export interface Span {
  startMs: number;
  endMs: number;
}

export interface Recurrence {
  /** Occurrences that overlap [fromMs, toMs), in start order. */
  between(fromMs: number, toMs: number): Span[];
  /** Whether an occurrence ends after `ms`: false once a one-off window or a bounded series is over. */
  continuesAfter(ms: number): boolean;
}

export function isTimeZone(zone: string): boolean {
  try {
    Temporal.ZonedDateTime.from({ year: 2000, month: 1, day: 1, timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The local time as a Temporal value, or null when it is not a real calendar date and time. */
export function plainTime(local: string): Temporal.PlainDateTime | null {
  if (!LOCAL_TIME.test(local)) return null;
  try {
    return Temporal.PlainDateTime.from(local, { overflow: 'reject' });
  } catch {
    return null;
  }
}

/** The RRULE value without an `RRULE:` prefix; refuses DTSTART (the window's `start` is that). */
function ruleText(rrule: string): string {
  return rrule.trim().replace(/^RRULE:/i, '');
}

/** Why `rrule` cannot be used as a window's recurrence, or null when it can. */
export function rruleProblem(rrule: string): string | null {
  const text = ruleText(rrule);
  if (/[\n\r]|DTSTART|EXDATE|RDATE/i.test(text))
    return 'give only the RRULE value (e.g. FREQ=WEEKLY;BYDAY=SU); the start is `start` and exceptions are `except`';
  const freq = /(?:^|;)FREQ=([A-Z]+)/i.exec(text)?.[1]?.toUpperCase();
  if (!freq || !FREQUENCIES.includes(freq))
    return `FREQ must be one of ${FREQUENCIES.join(', ')}; a window cannot repeat more often than daily`;
  try {
    const rule = new RRuleTemporal({
      rruleString: text,
      dtstart: Temporal.ZonedDateTime.from('2026-01-01T00:00:00[UTC]'),
    });
    rule.next();
    return null;
  } catch (err) {
    return `invalid RRULE: ${(err as Error).message}`;
  }
}

function floating(local: string): Temporal.ZonedDateTime {
  return Temporal.PlainDateTime.from(local).toZonedDateTime('UTC');
}

/** A local wall time placed in `zone`: a time skipped by the clock moves forward by the gap, a repeated one takes its first instance. */
function inZone(plain: Temporal.PlainDateTime, zone: string): Temporal.ZonedDateTime {
  return plain.toZonedDateTime(zone, { disambiguation: 'compatible' });
}

/** The end of an occurrence: whole days are calendar days in the zone (RFC 5545 nominal duration), the rest exact. */
function endOf(start: Temporal.ZonedDateTime, minutes: number): number {
  const days = Math.floor(minutes / DAY_MINUTES);
  return start.add({ days }).add({ minutes: minutes - days * DAY_MINUTES }).epochMilliseconds;
}

/** Compiles a window of a validated policy. */
export function compileRecurrence(w: CalendarWindowRule): Recurrence {
  const zone = w.timeZone;
  const start = inZone(Temporal.PlainDateTime.from(w.start), zone);
  if (w.rrule === null) {
    const endMs =
      w.end !== null
        ? inZone(Temporal.PlainDateTime.from(w.end), zone).epochMilliseconds
        : endOf(start, w.durationMinutes ?? 0);
    const span = { startMs: start.epochMilliseconds, endMs };
    return {
      between: (from, to) => (span.startMs < to && span.endMs > from ? [span] : []),
      continuesAfter: (ms) => span.endMs > ms,
    };
  }
  const minutes = w.durationMinutes ?? 0;
  const rule = new RRuleTemporal({
    rruleString: ruleText(w.rrule),
    dtstart: floating(w.start),
    exDate: w.except.map(floating),
  });
  // Floating times differ from real ones by at most the zone's offset (under 15 hours); a day of slack
  // on each side, plus the window's length before, catches every occurrence that can overlap.
  const slackMs = 26 * HOUR_MS + minutes * 60_000 + 2 * DAY_MINUTES * 60_000;
  const bounded = /(?:^|;)(?:COUNT|UNTIL)=/i.test(ruleText(w.rrule));
  const between = (fromMs: number, toMs: number): Span[] => {
    const hits = rule.between(new Date(fromMs - slackMs), new Date(toMs + 26 * HOUR_MS), true);
    const spans: Span[] = [];
    for (const hit of hits) {
      const real = inZone(hit.toPlainDateTime(), zone);
      const span = { startMs: real.epochMilliseconds, endMs: endOf(real, minutes) };
      if (span.startMs < toMs && span.endMs > fromMs) spans.push(span);
    }
    return spans;
  };
  return {
    between,
    continuesAfter(ms) {
      if (!bounded) return true;
      // Walk from a little before `ms` (floating and real time differ by under a day) past the
      // occurrences already over; the slack holds only a few of them (the series is at most daily).
      let next = rule.next(new Date(ms - slackMs), true);
      for (let i = 0; next !== null && i < 16; i++) {
        if (endOf(inZone(next.toPlainDateTime(), zone), minutes) > ms) return true;
        next = rule.next(next, false);
      }
      return next !== null;
    },
  };
}
