// The calendar API: changes holding windows, maintenance and freeze occurrences and conflicts in a range;
// the next free slot; the personal iCalendar feed's token.
import { z } from 'zod';
import {
  CALENDAR_WINDOW_KINDS,
  CHANGE_STATES,
  CONFLICT_KINDS,
  ENFORCEMENTS,
  RISK_RATINGS,
} from '../domain/vocabulary.ts';
import { Instant } from './common.ts';

/** The longest range one calendar request may cover. */
export const CALENDAR_MAX_DAYS = 366;

export const Conflict = z
  .object({
    kind: z.enum(CONFLICT_KINDS),
    severity: z.enum(ENFORCEMENTS).describe('soft: recorded and shown; hard: scheduling refused'),
    with: z.string().describe("The other change's id, or the freeze window's id"),
    start: z.string(),
    end: z.string(),
    message: z.string(),
  })
  .describe('A clash of a scheduled window with another change, a freeze, or the implementer’s bookings');

const Window = z.object({ start: z.string(), end: z.string() });

export const CalendarQuery = z
  .strictObject({
    from: Instant.describe('Start of the range (inclusive)'),
    to: Instant.describe(`End of the range (exclusive); at most ${CALENDAR_MAX_DAYS} days after from`),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= CALENDAR_MAX_DAYS * 86_400_000, {
    message: `the range may cover at most ${CALENDAR_MAX_DAYS} days; ask for a shorter one`,
    path: ['to'],
  });

export const CalendarChange = z.object({
  id: z.string(),
  title: z.string(),
  state: z.enum(CHANGE_STATES),
  riskRating: z.enum(RISK_RATINGS).nullable(),
  services: z.array(z.string()),
  requester: z.string(),
  owner: z
    .string()
    .describe('Who looks after it with its requester and implementer (they may reschedule it)'),
  implementer: z.string().nullable(),
  window: Window,
  conflicts: z
    .array(Conflict)
    .describe('Its clashes as they stand now, with everything else in the calendar'),
});

export const CalendarOccurrence = z.object({
  window: z.string().describe('The policy window id'),
  kind: z.enum(CALENDAR_WINDOW_KINDS),
  title: z.string(),
  enforcement: z.enum(ENFORCEMENTS),
  approvalGroup: z.string().nullable(),
  services: z.array(z.string()).describe('Empty: every service'),
  environments: z.array(z.string()).describe('Empty: every environment'),
  timeZone: z.string(),
  start: z.string(),
  end: z.string(),
});

export const CalendarView = z.object({
  from: z.string(),
  to: z.string(),
  changes: z.array(CalendarChange),
  occurrences: z.array(CalendarOccurrence),
});
export type CalendarView = z.infer<typeof CalendarView>;

const LENGTH = /^(?:\d+[mhd])+$/;

export const FreeSlotQuery = z.strictObject({
  service: z.string().min(1).describe('A registered service'),
  length: z
    .string()
    .regex(LENGTH, 'write the length as a duration such as 90m, 2h or 1d')
    .describe('How long the slot must be, e.g. 90m, 2h, 1d'),
  after: Instant.optional().describe('Earliest start; now when omitted'),
});

export const FreeSlotView = z.object({
  service: z.string(),
  lengthMinutes: z.number(),
  after: z.string(),
  slot: Window.nullable().describe('The first window with no conflict; null when none within 90 days'),
});

export const FeedTokenView = z.object({
  token: z.string().describe('Shown once; a capability for this feed only'),
  url: z.string().describe('The feed address to subscribe to, relative to the server'),
  createdAt: z.string(),
});

// Optional so that a feed asked without its token is a 401 like any other missing credential, not a 400.
export const FeedQuery = z.strictObject({ token: z.string().max(200).optional() });
