import { z } from 'zod';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;
// zod's ISO 8601 check (calendar-aware), with seconds and with minute precision, which clients also send.
const ISO = [z.iso.datetime({ offset: true }), z.iso.datetime({ offset: true, precision: -1 })];
const EXAMPLE = 'e.g. 2026-12-01T22:00:00Z';

function daysIn(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0); // day 0 of the next month: the last day of this one
  return d.getUTCDate();
}

/** Why `s` is not a date-time that exists, or null when it is one. */
export function instantProblem(s: string): string | null {
  const m = SHAPE.exec(s);
  if (!m) return `expected an ISO 8601 date-time with a time zone, ${EXAMPLE}`;
  const [
    year = 0,
    month = 0,
    day = 0,
    hour = 0,
    minute = 0,
    second = 0,
    ,
    offsetHours = 0,
    offsetMinutes = 0,
  ] = m.slice(1).map((part) => Number(part ?? 0));
  if (month < 1 || month > 12) return `month ${month} does not exist; use 01 to 12`;
  const days = daysIn(year, month);
  if (day < 1 || day > days)
    return `${s.slice(0, 10)} does not exist: ${MONTHS[month - 1]} ${year} has ${days} days`;
  if (hour > 23) return `hour ${hour} does not exist; use 00 to 23 (midnight is 00:00 of the next day)`;
  if (minute > 59) return `minute ${minute} does not exist; use 00 to 59`;
  if (second > 59) return `second ${second} does not exist; use 00 to 59 (leap seconds are not accepted)`;
  if (offsetHours > 23 || offsetMinutes > 59)
    return `the offset ${s.slice(-6)} does not exist; use -23:59 to +23:59, or Z for UTC`;
  if (!ISO.some((schema) => schema.safeParse(s).success))
    return `expected an ISO 8601 date-time with a time zone, ${EXAMPLE}`;
  // Round trip: the instant, read back in the offset it was written in, must show the same calendar fields.
  const offset = (m[7] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const local = new Date(Date.parse(s) + offset * 60_000);
  const same =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() + 1 === month &&
    local.getUTCDate() === day &&
    local.getUTCHours() === hour &&
    local.getUTCMinutes() === minute;
  return same ? null : `${s} is not a date-time that exists; ${EXAMPLE}`;
}

/**
 * ISO 8601 instant with an explicit offset; normalised to UTC with milliseconds. Every date-time field of the
 * API uses it, so a date that does not exist (30 February, 24:61) is refused with the reason, never rolled over.
 */
export const Instant = z
  .string()
  .superRefine((s, ctx) => {
    const problem = instantProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((s) => new Date(s).toISOString());

export const Name = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'use lower-case letters, digits, dot, dash or underscore, starting with a letter or digit',
  );

export const ChangeIdParam = z.object({
  id: z.string().regex(/^CHG-[1-9][0-9]*$/, 'a change id looks like CHG-42'),
});

/** An artifact's content digest: what a change ships and the deployment gate checks. */
export const Digest = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'an artifact digest looks like sha256:<64 lowercase hex digits>');
