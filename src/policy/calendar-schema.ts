// The `calendar` section of the policy: maintenance and freeze windows and how scheduling conflicts count.
// Zones, local times and RRULEs are checked here so that `policy check` names the line of a bad one.
import { z } from 'zod';
import { CALENDAR_WINDOW_KINDS, ENFORCEMENTS, ENVIRONMENTS } from '../domain/vocabulary.ts';
import { isTimeZone, plainTime, rruleProblem } from '../domain/recurrence.ts';
import type { CalendarPolicy, CalendarWindowRule } from './types.ts';

const timeZone = z.string().refine(isTimeZone, {
  error: (issue) =>
    `unknown time zone ${JSON.stringify(issue.input)}; use an IANA zone name such as Europe/Berlin, America/New_York or UTC`,
});

const localTime = z.string().refine((t) => plainTime(t) !== null, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a local date and time; write YYYY-MM-DDTHH:MM (no offset: the window's timeZone applies)`,
});

const enforcement = z.enum(ENFORCEMENTS);

/** Parses a duration the way the rest of the policy does (given by schema.ts, which owns the format). */
export function calendarSection(
  id: z.ZodType<string>,
  duration: z.ZodType<number, string>,
): z.ZodType<CalendarPolicy, unknown> {
  const window = z
    .strictObject({
      id,
      kind: z.enum(CALENDAR_WINDOW_KINDS),
      title: z.string().trim().min(1, 'must not be empty'),
      enforcement: enforcement.default('hard'),
      approvalGroup: id.optional(),
      services: z.array(z.string().min(1)).default([]),
      environments: z.array(z.enum(ENVIRONMENTS)).default([]),
      timeZone: timeZone.optional(),
      start: localTime,
      end: localTime.optional(),
      duration: duration.optional(),
      rrule: z.string().optional(),
      except: z.array(localTime).default([]),
    })
    .superRefine((w, ctx) => {
      const problem = (path: string, message: string) =>
        ctx.addIssue({ code: 'custom', path: [path], message });
      if (w.rrule !== undefined) {
        const bad = rruleProblem(w.rrule);
        if (bad) problem('rrule', bad);
        if (w.duration === undefined) problem('rrule', 'a recurring window needs a duration (e.g. 4h)');
        if (w.end !== undefined) problem('end', 'a recurring window has a duration, not an end; remove end');
      } else {
        if ((w.end === undefined) === (w.duration === undefined))
          problem('start', 'a one-off window needs either end or duration (not both)');
        if (w.except.length > 0) problem('except', 'exceptions apply to recurring windows only (add rrule)');
      }
      if (w.end !== undefined && plainTime(w.end) && plainTime(w.start) && w.end <= w.start)
        problem('end', 'the window must end after it starts');
      if (w.enforcement === 'soft' && w.approvalGroup === undefined)
        problem('approvalGroup', 'a soft window names the group the extra approval must come from');
    });
  return z
    .strictObject({
      timeZone: timeZone.default('UTC'),
      windows: z.array(window).default([]),
      conflicts: z
        .strictObject({
          service: enforcement.default('soft'),
          dependency: enforcement.default('soft'),
          freeze: enforcement.default('hard'),
          implementer: enforcement.default('soft'),
        })
        .prefault({}),
    })
    .prefault({})
    .transform((c): CalendarPolicy => ({
      timeZone: c.timeZone,
      conflicts: c.conflicts,
      windows: c.windows.map((w): CalendarWindowRule => ({
        id: w.id,
        kind: w.kind,
        title: w.title,
        enforcement: w.enforcement,
        approvalGroup: w.approvalGroup ?? null,
        services: w.services,
        environments: w.environments,
        timeZone: w.timeZone ?? c.timeZone,
        start: w.start,
        end: w.end ?? null,
        durationMinutes: w.duration ?? null,
        rrule: w.rrule?.trim() ?? null,
        except: w.except,
      })),
    }));
}
