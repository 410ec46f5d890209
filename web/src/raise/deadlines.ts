// An emergency's deadlines as the policy sets them (the server's minutes): the full record after its
// authorization, the review after implementation starts; both from when the work really started when it
// is recorded after the fact, and then authorized retrospectively.
import type { PolicyForRaising } from '../../../src/client/api-client.ts';

export interface Deadline {
  what: string;
  /** e.g. "within 24 hours of authorization" */
  rule: string;
  /** When it falls due if the clock starts now (or at the recorded start); ISO 8601. */
  dueAt: string;
}

/** A duration in the largest whole unit: "5 days", "24 hours", "1 week", "90 minutes". */
export function minutesWords(minutes: number): string {
  const units: [number, string][] = [
    [7 * 24 * 60, 'week'],
    [24 * 60, 'day'],
    [60, 'hour'],
  ];
  // Hours read better than days up to a day (a "24h" deadline is said as 24 hours).
  for (const [size, name] of units) {
    if (minutes % size !== 0 || (name === 'day' && minutes <= 24 * 60)) continue;
    const n = minutes / size;
    return `${n} ${name}${n === 1 ? '' : 's'}`;
  }
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

const later = (from: Date, minutes: number) => new Date(from.getTime() + minutes * 60_000).toISOString();

export function emergencyDeadlines(
  e: Pick<PolicyForRaising['emergency'], 'recordDueMinutes' | 'reviewDueMinutes'>,
  now: Date,
  performedStart: Date | null = null,
): Deadline[] {
  const clock = performedStart ?? now;
  const after = performedStart ? 'of when the work started' : null;
  return [
    {
      what: 'Full record',
      rule: `within ${minutesWords(e.recordDueMinutes)} ${after ?? 'of authorization'}`,
      dueAt: later(clock, e.recordDueMinutes),
    },
    {
      what: 'Post-implementation review',
      rule: `within ${minutesWords(e.reviewDueMinutes)} ${after ?? 'of implementation starting'}`,
      dueAt: later(clock, e.reviewDueMinutes),
    },
  ];
}
