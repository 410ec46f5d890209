// `changeproof follow-ups …`: what changes leave to do after them (a review's actions, removing an
// emergency's temporary measures, continuity plan and documentation updates), and `approvals late`.
import type { Command } from 'commander';
import type { FollowUpList, FollowUpView, LateApprovalList } from '../client.ts';
import { choice, clientCommand, ctx, FOLLOW_UP_KINDS, FOLLOW_UP_STATUSES, given } from '../options.ts';
import { clip, emit, table, when } from '../output.ts';

function followUpsTable(list: FollowUpList): string {
  const rows = list.items.map((f) => [
    f.id,
    f.changeId,
    f.kind,
    f.status,
    f.owner,
    when(f.dueAt),
    f.overdue ? 'OVERDUE' : '',
    clip(f.title, 60),
  ]);
  const text = table(['ID', 'CHANGE', 'KIND', 'STATUS', 'OWNER', 'DUE', '', 'TITLE'], rows, 'no follow-ups');
  return list.nextCursor ? `${text}\nmore: add --cursor ${list.nextCursor}` : text;
}

function followUpBlock(f: FollowUpView): string {
  const rows: [string, string][] = [
    ['change', f.changeId],
    ['kind', f.kind],
    ['status', `${f.status}${f.overdue ? ' (OVERDUE)' : ''}`],
    ['owner', f.owner],
    ['due', when(f.dueAt)],
    ['opened', `${when(f.openedAt)} by ${f.openedBy}`],
  ];
  if (f.closedAt) rows.push(['closed', `${when(f.closedAt)} by ${f.closedBy ?? '-'}`]);
  if (f.reference) rows.push(['reference', f.reference]);
  if (f.note) rows.push(['note', f.note]);
  return [`${f.id}  ${f.title}`, ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(11)}${v}`)].join('\n');
}

function lateTable(list: LateApprovalList): string {
  return table(
    ['CHANGE', 'SINCE', 'DUE', 'OWED BY', 'TITLE'],
    list.items.map((l) => [
      l.changeId,
      when(l.since),
      when(l.dueAt),
      l.owedBy.map((o) => `${o.group} ×${o.remaining}`).join(', '),
      clip(l.title, 50),
    ]),
    'no late approvals',
  );
}

export function followUpsCommands(program: Command): void {
  const followUps = program
    .command('follow-ups')
    .description('Tracked follow-ups of changes: owner, due date, status')
    .addHelpText(
      'after',
      `
A review's follow-ups (and "the continuity plan needs an update") become items owned by the change's
requester, due after the policy's deadlines.followUp. Continuity plan and documentation items are closed
with --reference, the updated plan's or document's revision.
Example:
  changeproof follow-ups list --overdue
  changeproof follow-ups add CHG-12 --kind temporary_measure --title "Lift the WAF block" \\
    --owner ivan --due 2026-12-01T12:00:00Z
  changeproof follow-ups done FU-3 --reference "BCP-7 rev 4"`,
    );

  clientCommand(followUps, 'list', 'List follow-ups, oldest first, with filters')
    .option('--owner <username>', 'owned by this user')
    .addOption(choice('--status <status>', 'open, done or cancelled', FOLLOW_UP_STATUSES))
    .addOption(choice('--kind <kind>', 'what it is for', FOLLOW_UP_KINDS))
    .option('--change <id>', 'from this change')
    .option('--overdue', 'only open ones past their due date')
    .option('--cursor <cursor>', 'continue a long list')
    .action(
      async (
        o: {
          owner?: string;
          status?: string;
          kind?: string;
          change?: string;
          overdue?: boolean;
          cursor?: string;
        },
        cmd: Command,
      ) => {
        const c = ctx(cmd);
        const query = given({
          owner: o.owner,
          status: o.status as FollowUpView['status'] | undefined,
          kind: o.kind as FollowUpView['kind'] | undefined,
          change: o.change,
          overdue: o.overdue ? ('true' as const) : undefined,
          cursor: o.cursor,
        });
        emit(c, await c.client.followUps.list(query), followUpsTable);
      },
    );

  clientCommand(followUps, 'show <id>', 'One follow-up').action(async (id: string, _o, cmd: Command) => {
    const c = ctx(cmd);
    emit(c, await c.client.followUps.get(id), followUpBlock);
  });

  clientCommand(followUps, 'add <change>', 'Open a follow-up on a change')
    .addOption(choice('--kind <kind>', 'what it is for', FOLLOW_UP_KINDS).makeOptionMandatory())
    .requiredOption('--title <text>', 'what is to be done')
    .requiredOption('--owner <username>', 'who is to do it')
    .requiredOption('--due <date-time>', 'when it is due, e.g. 2026-12-01T12:00:00Z')
    .action(
      async (
        changeId: string,
        o: { kind: FollowUpView['kind']; title: string; owner: string; due: string },
        cmd: Command,
      ) => {
        const c = ctx(cmd);
        const body = { changeId, kind: o.kind, title: o.title, owner: o.owner, dueAt: o.due };
        emit(c, await c.client.followUps.open(body), followUpBlock);
      },
    );

  clientCommand(followUps, 'done <id>', 'Close a follow-up as done')
    .option('--reference <ref>', "the updated plan's or document's revision (continuity_plan, documentation)")
    .option('--note <text>', 'what was done')
    .action(async (id: string, o: { reference?: string; note?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const body = given({ reference: o.reference, note: o.note });
      emit(c, await c.client.followUps.action(id, 'done', body), followUpBlock);
    });

  clientCommand(followUps, 'cancel <id>', 'Cancel a follow-up, saying why')
    .requiredOption('--note <text>', 'why it is no longer needed')
    .action(async (id: string, o: { note: string }, cmd: Command) => {
      const c = ctx(cmd);
      emit(c, await c.client.followUps.action(id, 'cancel', { note: o.note }), followUpBlock);
    });

  clientCommand(followUps, 'reassign <id>', 'Give a follow-up another owner or due date')
    .option('--owner <username>', 'the new owner')
    .option('--due <date-time>', 'the new due date')
    .option('--note <text>', 'why')
    .action(async (id: string, o: { owner?: string; due?: string; note?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const body = given({ owner: o.owner, dueAt: o.due, note: o.note });
      emit(c, await c.client.followUps.action(id, 'reassign', body), followUpBlock);
    });

  const approvals = program.command('approvals').description('Approvals across changes');
  clientCommand(approvals, 'late', "Approvals pending longer than the policy's deadlines.approvalSla")
    .option('--group <group>', 'only those this group owes')
    .action(async (o: { group?: string }, cmd: Command) => {
      const c = ctx(cmd);
      emit(c, await c.client.approvals.late(o.group), lateTable);
    });
}
