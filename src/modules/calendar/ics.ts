// The calendar as an RFC 5545 iCalendar document, for calendar apps that subscribe to a personal feed.
// Generated with ical-generator; times are UTC instants (each occurrence is already placed in its zone).
import ical, { ICalEventBusyStatus } from 'ical-generator';
import type { CalendarView } from '../../contracts/calendar.ts';

/** `host`: a stable domain for the events' UIDs, so apps update events rather than duplicate them. */
export function toICalendar(view: CalendarView, stamp: string, host = 'changeproof'): string {
  const cal = ical({
    name: 'Changeproof',
    prodId: { company: 'changeproof', product: 'calendar', language: 'EN' },
    ttl: 15 * 60,
  });
  for (const c of view.changes) {
    const conflicts = c.conflicts.map((x) => `- ${x.severity} ${x.kind}: ${x.message}`);
    cal.createEvent({
      id: `${c.id}@${host}`,
      start: new Date(c.window.start),
      end: new Date(c.window.end),
      stamp: new Date(stamp),
      summary: `${c.id}: ${c.title}`,
      description: [
        `State: ${c.state}`,
        `Services: ${c.services.join(', ') || 'none'}`,
        `Implementer: ${c.implementer ?? 'not named'}`,
        ...(conflicts.length ? ['Conflicts:', ...conflicts] : []),
      ].join('\n'),
      categories: [{ name: 'change' }],
      busystatus: ICalEventBusyStatus.BUSY,
    });
  }
  for (const o of view.occurrences) {
    const scope = [
      o.services.length ? o.services.join(', ') : 'every service',
      o.environments.length ? o.environments.join(', ') : 'every environment',
    ].join('; ');
    cal.createEvent({
      id: `${o.window}-${o.start}@${host}`,
      start: new Date(o.start),
      end: new Date(o.end),
      stamp: new Date(stamp),
      summary: `${o.kind === 'freeze' ? 'Freeze' : 'Maintenance'}: ${o.title}`,
      description: `${o.enforcement}${o.approvalGroup ? ` (one more approval from ${o.approvalGroup})` : ''}; ${scope}; times set in ${o.timeZone}`,
      categories: [{ name: o.kind }],
      busystatus: o.kind === 'freeze' ? ICalEventBusyStatus.BUSY : ICalEventBusyStatus.FREE,
    });
  }
  return cal.toString();
}
