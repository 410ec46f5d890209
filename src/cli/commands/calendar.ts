// `changeproof calendar …`: changes holding windows, maintenance and freeze occurrences and conflicts in a
// range; the next free slot on a service; the personal iCalendar feed's token.
import type { Command } from 'commander';
import type { CalendarView, FeedTokenView, FreeSlotView } from '../client.ts';
import { clientCommand, ctx } from '../options.ts';
import { clip, emit, table, when } from '../output.ts';
import { parseTime, timeOption } from '../time.ts';

function calendarText(v: CalendarView): string {
  const changes = table(
    ['CHANGE', 'STATE', 'FROM', 'TO', 'SERVICES', 'CONFLICTS', 'TITLE'],
    v.changes.map((c) => [
      c.id,
      c.state,
      when(c.window.start),
      when(c.window.end),
      c.services.join(','),
      c.conflicts.map((x) => `${x.severity} ${x.kind} ${x.with}`).join('; '),
      clip(c.title, 40),
    ]),
    'no changes hold a window in this range',
  );
  const windows = table(
    ['WINDOW', 'KIND', 'ENFORCEMENT', 'FROM', 'TO', 'SCOPE'],
    v.occurrences.map((o) => [
      o.window,
      o.kind,
      o.enforcement + (o.approvalGroup ? ` (+1 from ${o.approvalGroup})` : ''),
      when(o.start),
      when(o.end),
      [o.services.join(',') || 'all services', o.environments.join(',') || 'all environments'].join(' / '),
    ]),
    'no maintenance or freeze windows in this range',
  );
  return `${changes}\n\n${windows}`;
}

const slotText = (s: FreeSlotView) =>
  s.slot
    ? `${s.service}: ${when(s.slot.start)} – ${when(s.slot.end)}`
    : `${s.service}: no free slot of ${s.lengthMinutes} minutes within 90 days after ${when(s.after)}`;

export function calendarCommands(program: Command): void {
  const calendar = clientCommand(
    program,
    'calendar',
    'Changes, maintenance and freeze windows and conflicts in a range (at most 366 days)',
  )
    .option('--from <time>', 'start of the range (default now)', timeOption)
    .option('--to <time>', 'end of the range (default 30 days after --from)', timeOption)
    .addHelpText(
      'after',
      `
Example:
  changeproof calendar --from now --to +2w
  changeproof calendar free-slot --service payments-api --length 2h
  changeproof calendar feed-token          # prints the address to subscribe to, once
  changeproof calendar feed-token --revoke`,
    )
    .action(async (o: { from?: string; to?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const from = o.from ?? parseTime('now');
      const to = o.to ?? new Date(Date.parse(from) + 30 * 86_400_000).toISOString();
      emit(c, await c.client.calendar.range(from, to), calendarText);
    });

  clientCommand(calendar, 'free-slot', 'The next window of a length on a service with no conflict')
    .requiredOption('--service <name>', 'the service')
    .requiredOption('--length <duration>', 'how long, e.g. 90m, 2h, 1d')
    .option('--after <time>', 'earliest start (default now)', timeOption)
    .action(async (o: { service: string; length: string; after?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const q = { service: o.service, length: o.length, ...(o.after ? { after: o.after } : {}) };
      emit(c, await c.client.calendar.freeSlot(q), slotText);
    });

  clientCommand(
    calendar,
    'feed-token',
    'Create your iCalendar feed token (replacing any earlier one), or --revoke it',
  )
    .option('--revoke', 'revoke it: subscribed calendar apps get 401 from then on')
    .action(async (o: { revoke?: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      if (o.revoke) {
        emit(c, await c.client.calendar.revokeFeedToken(), () => 'calendar feed token revoked');
        return;
      }
      const created = await c.client.calendar.createFeedToken();
      emit(
        c,
        created,
        (f: FeedTokenView) =>
          `subscribe your calendar app to (shown once; keep it private):\n${c.client.url}${f.url}`,
      );
    });
}
