// `changeproof changes …`: raise, list, read and edit changes. The lifecycle actions are in change-actions.ts.
import type { Command } from 'commander';
import type { ChangeContent, ChangeList, ListQuery } from '../client.ts';
import {
  choice,
  clientCommand,
  ctx,
  given,
  integer,
  link,
  many,
  readJsonObject,
  riskAnswer,
  RISKS,
  STATES,
  CHANGE_TYPES,
} from '../options.ts';
import { CliError, EXIT_USAGE } from '../exit.ts';
import { changeBlock, clip, emit, table, when } from '../output.ts';
import { changeActions } from './change-actions.ts';

interface ContentOpts {
  title?: string;
  description?: string;
  reason?: string;
  service?: string[];
  dataImpact?: string;
  supplierImpact?: string;
  securityImpact?: string;
  implementationPlan?: string;
  testPlan?: string;
  implementer?: string;
  answer?: Record<string, boolean>;
  link?: { kind: string; ref: string }[];
  file?: string;
}

/** The requester's fields, shared by create and edit; anything else (rollback plan, test evidence) via --file. */
function contentOptions(cmd: Command): Command {
  return cmd
    .option('--title <text>', 'short title (at least 3 characters)')
    .option('--description <text>', 'what will change')
    .option('--reason <text>', 'the business or security driver')
    .option('--service <name>', 'affected service (repeatable, or comma-separated)', many())
    .option('--implementer <username>', 'who will carry it out (they cannot approve it)')
    .option('--answer <id=yes|no>', "answer to one of the policy's risk questions (repeatable)", riskAnswer)
    .option('--link <kind:ref>', 'a PR, commit, ticket, ... e.g. ticket:OPS-12 (repeatable)', link)
    .option('--data-impact <text>', 'effect on data (personal data, retention, ...)')
    .option('--supplier-impact <text>', 'effect on or dependence on a supplier')
    .option('--security-impact <text>', 'security impact assessment')
    .option('--implementation-plan <text>', 'the steps')
    .option('--test-plan <text>', 'how it is tested before production')
    .option(
      '--file <change.json>',
      'JSON object with any change fields (e.g. rollbackPlan, testEvidence); flags override it; - reads stdin',
    );
}

function content(o: ContentOpts): Partial<ChangeContent> {
  return {
    ...(o.file ? readJsonObject(o.file) : {}),
    ...given({
      title: o.title,
      description: o.description,
      reason: o.reason,
      services: o.service,
      dataImpact: o.dataImpact,
      supplierImpact: o.supplierImpact,
      securityImpact: o.securityImpact,
      implementationPlan: o.implementationPlan,
      testPlan: o.testPlan,
      implementer: o.implementer,
      riskAnswers: o.answer,
      links: o.link,
    }),
  };
}

function changesTable(list: ChangeList): string {
  const rows = list.items.map((c) => [
    c.id,
    c.state,
    c.type,
    c.riskRating ?? '-',
    c.overdue.record || c.overdue.review ? 'OVERDUE' : '',
    c.requester,
    clip(c.services.join(','), 24),
    when(c.updatedAt),
    clip(c.title, 50),
  ]);
  const text = table(
    ['ID', 'STATE', 'TYPE', 'RISK', 'DUE', 'REQUESTER', 'SERVICES', 'UPDATED', 'TITLE'],
    rows,
    'no changes match',
  );
  return list.nextCursor ? `${text}\nmore: add --cursor ${list.nextCursor} (or --all)` : text;
}

export function changesCommands(program: Command): void {
  const changes = program
    .command('changes')
    .description('Raise, list, read, edit and move changes through their lifecycle')
    .addHelpText(
      'after',
      `
Lifecycle (normal): draft → submit → awaiting_approval → approve (quorum) → approved → schedule →
scheduled → start → implementing → complete → review → review → close → closed. Emergency changes
may start once the duty manager authorizes them and owe their record and review afterwards.

Examples:
  changeproof changes create --title "TLS 1.3 only" --service payments-api --file change.json
  changeproof changes submit CHG-12
  changeproof changes approve CHG-12 --comment "rollback plan looks good"
  changeproof changes list --state awaiting_approval --risk high
  changeproof changes show CHG-12`,
    );

  contentOptions(clientCommand(changes, 'create', 'Raise a change (a draft; standard changes are scheduled)'))
    .addOption(choice('--type <type>', 'change type (default normal)', ['normal', 'standard', 'emergency']))
    .option('--template <id>', 'standard changes: the policy template to use')
    .option('--start <time>', 'standard changes: window start, e.g. 2026-12-01T22:00:00Z')
    .option('--end <time>', 'standard changes: window end')
    .action(async (o: ContentOpts & { type?: string; template?: string; start?: string; end?: string }, cmd) => {
      const c = ctx(cmd);
      const body = { ...content(o), ...given({ type: o.type, template: o.template }) } as Parameters<
        typeof c.client.changes.create
      >[0];
      if (o.start || o.end) body.window = { start: o.start ?? '', end: o.end ?? '' };
      emit(c, await c.client.changes.create(body), changeBlock);
    });

  clientCommand(changes, 'list', 'List changes, newest first, with filters')
    .option('--state <state>', `only these states (repeatable): ${STATES.join(', ')}`, many(STATES))
    .addOption(choice('--type <type>', 'only this type', CHANGE_TYPES))
    .addOption(choice('--risk <rating>', 'only this risk rating', RISKS))
    .option('--service <name>', 'only changes touching this service')
    .option('--requester <username>', 'only changes raised by this user')
    .option('--from <time>', 'created at or after (ISO 8601, e.g. 2026-11-01T00:00:00Z)')
    .option('--to <time>', 'created before')
    .option('--q <text>', 'text in the id, title or description')
    .option('--overdue', 'only emergency changes owing their record or review past the deadline')
    .option('--no-overdue', 'only changes that are not overdue')
    .option('--limit <n>', 'page size (1-200, default 50)', integer)
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--all', 'follow the cursors and print every matching change')
    .action(async (o: Omit<ListQuery, 'overdue'> & { overdue?: boolean; all?: boolean }, cmd) => {
      const c = ctx(cmd);
      const { all, overdue, ...rest } = o;
      const query: ListQuery = { ...given(rest), overdue: overdue === undefined ? undefined : String(overdue) } as ListQuery;
      let page = await c.client.changes.list(query);
      if (all) {
        const items = [...page.items];
        while (page.nextCursor) {
          page = await c.client.changes.list({ ...query, cursor: page.nextCursor });
          items.push(...page.items);
        }
        page = { items, nextCursor: null };
      }
      emit(c, page, changesTable);
    });

  clientCommand(changes, 'show <id>', 'One change: state, risk and reasons, approvals, window, deadlines').action(
    async (id: string, _o, cmd: Command) => {
      const c = ctx(cmd);
      emit(c, await c.client.changes.get(id), changeBlock);
    },
  );

  clientCommand(changes, 'events <id>', "The change's full history from the ledger").action(
    async (id: string, _o, cmd: Command) => {
      const c = ctx(cmd);
      emit(c, await c.client.changes.events(id), (e) =>
        table(
          ['SEQ', 'AT', 'ACTOR', 'EVENT', 'DETAILS'],
          e.items.map((ev) => [
            String(ev.seq),
            when(ev.at),
            ev.actor.id,
            ev.type.replace(/^change\./, ''),
            clip(details(ev.data), 90),
          ]),
        ),
      );
    },
  );

  contentOptions(
    clientCommand(changes, 'edit <id>', 'Edit a change; after approval this withdraws the approvals'),
  ).action(async (id: string, o: ContentOpts, cmd: Command) => {
    const c = ctx(cmd);
    const body = content(o);
    if (Object.keys(body).length === 0)
      throw new CliError('nothing to change: give at least one field option or --file', EXIT_USAGE);
    emit(c, await c.client.changes.edit(id, body), changeBlock);
  });

  changeActions(changes);
}

/** Scalar event fields as `key=value`, enough to read the history at a glance. */
function details(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== '' && ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}
