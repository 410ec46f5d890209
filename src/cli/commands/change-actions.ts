// `changeproof changes submit|approve|reject|schedule|reassign|start|complete|review|close|cancel CHG-n`: one
// lifecycle action each, printing the change as it now is. A refusal (segregation of duties, a transition
// the state does not allow) exits 1 with the API's reason.
import { Option, type Command } from 'commander';
import { clientCommand, ctx, OUTCOMES, verificationCheck } from '../options.ts';
import { changeBlock, emit } from '../output.ts';
import { timeOption } from '../time.ts';
import { CliError, EXIT_USAGE } from '../exit.ts';

type Body = (o: Record<string, unknown>) => unknown;

interface Action {
  name: string;
  description: string;
  options?: (cmd: Command) => Command;
  body?: Body;
}

const decision = (cmd: Command) =>
  cmd
    .option('--comment <text>', 'why; recorded with the decision')
    .option('--group <group>', 'the approver group this counts for (default: the first open one you hold)');

const ACTIONS: Action[] = [
  { name: 'submit', description: 'Submit for approval: assesses risk and fixes the approvals needed' },
  {
    name: 'approve',
    description: 'Approve the current revision (not as its requester, implementer or last editor)',
    options: (cmd) =>
      decision(cmd)
        .option('--risk-acceptance <text>', 'why the risk of going ahead is accepted against holding back')
        .option('--compensating-controls <text>', 'controls that offset the remaining risk')
        .option('--success-confirmation <text>', 'how success will be confirmed'),
    body: (o) => {
      const reasoning = {
        riskAcceptance: o.riskAcceptance,
        compensatingControls: o.compensatingControls,
        successConfirmation: o.successConfirmation,
      };
      const given = Object.values(reasoning).some((v) => v !== undefined);
      return { comment: o.comment, group: o.group, ...(given ? { reasoning } : {}) };
    },
  },
  {
    name: 'reject',
    description: 'Reject the change',
    options: decision,
    body: (o) => ({ comment: o.comment, group: o.group }),
  },
  {
    name: 'schedule',
    description: 'Schedule an approved change into a window (without one: the window it proposed)',
    options: (cmd) =>
      cmd
        .option(
          '--start <time>',
          'window start: now, +30m, +2h, +1d (from now) or ISO 8601 with a zone, e.g. 2026-12-01T22:00:00Z',
          timeOption,
        )
        .option(
          '--end <time>',
          'window end, after the start (same forms; +1h is an hour from now)',
          timeOption,
        ),
    body: (o) => {
      if (o.start === undefined && o.end === undefined) return {};
      if (o.start === undefined || o.end === undefined)
        throw new CliError(
          'give both --start and --end, or neither to confirm the proposed window',
          EXIT_USAGE,
        );
      return { window: { start: o.start, end: o.end } };
    },
  },
  {
    name: 'reassign',
    description: 'Hand the change to another owner (as its owner or a change manager)',
    options: (cmd) => cmd.requiredOption('--owner <username>', 'the new owner, an active user'),
    body: (o) => ({ owner: o.owner }),
  },
  { name: 'start', description: 'Start implementing (approved and scheduled, or an authorized emergency)' },
  {
    name: 'complete',
    description: 'Record the verification checks and the outcome',
    options: (cmd) =>
      cmd
        .addOption(new Option('--outcome <outcome>', 'how it went').choices(OUTCOMES).makeOptionMandatory())
        .option('--notes <text>', 'what happened')
        .option(
          '--check <name=pass|fail>',
          'a verification check, e.g. smoke=pass or db=fail:replica lag (repeatable)',
          verificationCheck,
        ),
    body: (o) => ({ outcome: o.outcome, notes: o.notes, verification: o.check }),
  },
  {
    name: 'review',
    description: 'Write the post-implementation review',
    options: (cmd) =>
      cmd
        .requiredOption('--summary <text>', 'what happened and what was learned')
        .option('--went-well <text>', 'what went well')
        .option('--went-wrong <text>', 'what went wrong')
        .option('--follow-up <text>', 'a follow-up action (repeatable)', (v: string, p?: string[]) => [
          ...(p ?? []),
          v,
        ])
        .option('--continuity-update', 'the business continuity plan needs an update'),
    body: (o) => ({
      summary: o.summary,
      whatWentWell: o.wentWell,
      whatWentWrong: o.wentWrong,
      followUps: o.followUp,
      continuityPlanNeedsUpdate: o.continuityUpdate,
    }),
  },
  { name: 'close', description: 'Close a change that is complete (and reviewed, where a review is owed)' },
  {
    name: 'cancel',
    description: 'Cancel a change that has not started',
    options: (cmd) => cmd.requiredOption('--reason <text>', 'why it is cancelled'),
    body: (o) => ({ reason: o.reason }),
  },
];

export function changeActions(changes: Command): void {
  for (const a of ACTIONS) {
    const cmd = clientCommand(changes, `${a.name} <id>`, a.description);
    (a.options ?? ((c: Command) => c))(cmd).action(
      async (id: string, o: Record<string, unknown>, self: Command) => {
        const c = ctx(self);
        emit(c, await c.client.changes.action(id, a.name, a.body ? a.body(o) : undefined), changeBlock);
      },
    );
  }
}
