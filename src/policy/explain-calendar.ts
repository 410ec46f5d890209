// `policy check --explain` for the `calendar` section: the zone, each window, and how conflicts count.
import { CONFLICT_KINDS } from '../domain/vocabulary.ts';
import { and, minutesWords, or, plural } from './explain-words.ts';
import type { CalendarPolicy, CalendarWindowRule, Policy } from './types.ts';
import type { PolicyExplanation } from './explain.ts';

const CONFLICT_WORDS: Record<(typeof CONFLICT_KINDS)[number], string> = {
  service: 'another change scheduled on the same service at an overlapping time',
  dependency: 'a change on a service it depends on, or that depends on it, at an overlapping time',
  freeze: 'a hard freeze overlapping its window (soft freezes are always soft conflicts)',
  implementer: 'its implementer being booked on another change at an overlapping time',
};

function scope(w: CalendarWindowRule): string {
  const services = w.services.length ? `on ${and(w.services.map((s) => `\`${s}\``))}` : 'on every service';
  const envs = w.environments.length ? ` in ${or(w.environments)}` : '';
  return services + envs;
}

function when(w: CalendarWindowRule): string {
  const zone = `(${w.timeZone})`;
  if (w.rrule === null)
    return w.end !== null
      ? `from ${w.start} to ${w.end} ${zone}`
      : `from ${w.start} ${zone} for ${minutesWords(w.durationMinutes ?? 0)}`;
  const except = w.except.length ? `, except ${and(w.except)}` : '';
  return `for ${minutesWords(w.durationMinutes ?? 0)} at each occurrence of \`${w.rrule}\` from ${w.start} ${zone}${except}`;
}

function windowLine(w: CalendarWindowRule): PolicyExplanation {
  const effect =
    w.kind === 'freeze'
      ? w.enforcement === 'hard'
        ? 'deployments are denied'
        : `deployments need one more approval, from \`${w.approvalGroup}\``
      : w.enforcement === 'hard'
        ? 'deployments are allowed only inside it'
        : `deployments outside it need one more approval, from \`${w.approvalGroup}\``;
  const what = w.kind === 'freeze' ? 'Freeze' : 'Maintenance window';
  return {
    key: `calendar.windows.${w.id}`,
    text: `${what} \`${w.id}\` (${w.title}) ${scope(w)}, ${when(w)}: ${effect}.`,
  };
}

export function explainCalendar(p: Policy, d: Policy | null): PolicyExplanation[] {
  const c: CalendarPolicy = p.calendar ?? { timeZone: 'UTC', windows: [], conflicts: d!.calendar!.conflicts };
  const dc = d?.calendar;
  const hard = CONFLICT_KINDS.filter((k) => c.conflicts[k] === 'hard');
  return [
    {
      key: 'calendar.timeZone',
      text: `Window times without a zone of their own are read in ${c.timeZone}; a time the clock skips moves forward by the gap, a repeated one means its first instance.${dc && dc.timeZone === c.timeZone ? ' (default)' : ''}`,
    },
    c.windows.length
      ? {
          key: 'calendar.windows',
          text: `${plural(c.windows.length, 'window')}: where a maintenance window applies, deployments belong inside it; a freeze in force stops them. Changing them is a policy change.`,
        }
      : { key: 'calendar.windows', text: 'No maintenance or freeze windows. (default)' },
    ...c.windows.map(windowLine),
    {
      key: 'calendar.conflicts',
      text:
        `When a change is scheduled, clashes with ${and(CONFLICT_KINDS.map((k) => CONFLICT_WORDS[k]))} are recorded and shown` +
        (hard.length
          ? `; scheduling is refused for: ${and(hard)}, with the next free slot suggested.`
          : '.') +
        (dc && JSON.stringify(dc.conflicts) === JSON.stringify(c.conflicts) ? ' (default)' : ''),
    },
  ];
}
