// `changeproof changes …`: raise, list, read and edit changes. The lifecycle actions are in change-actions.ts.
import type { Command } from 'commander';
import type { ChangeContent, ChangeList, ChangeView, CreateChangeInput, ListQuery } from '../client.ts';
import {
  choice,
  REQUESTED_CHANGE_TYPES,
  clientCommand,
  ctx,
  given,
  integer,
  link,
  LIST_ORDERS,
  many,
  readJsonObject,
  riskAnswer,
  ORIGINS,
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
  origin?: ChangeContent['origin'];
  supplier?: string;
  supplierRef?: string;
  customerCommunication?: string;
  securityImpact?: string;
  implementationPlan?: string;
  testPlan?: string;
  implementer?: string;
  answer?: Record<string, boolean>;
  link?: ChangeView['links'];
  emergencyCriterion?: string;
  emergencyWhy?: string;
  file?: string;
}

/**
 * The requester's fields, shared by create and edit; anything else (rollback plan, test evidence, the
 * review of a supplier's access) via --file.
 */
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
    .addOption(choice('--origin <origin>', 'who set the change going (default internal)', ORIGINS))
    .option('--supplier <name>', 'the supplier concerned, as named in the service catalogue')
    .option('--supplier-ref <id|url>', "the supplier's own reference or notice")
    .option('--customer-communication <text>', 'how and when customers are told, or why not')
    .option('--security-impact <text>', 'security impact assessment')
    .option('--implementation-plan <text>', 'the steps')
    .option('--test-plan <text>', 'how it is tested before production')
    .option('--emergency-criterion <id>', "emergencies: the policy's emergency criterion that applies")
    .option('--emergency-why <text>', 'emergencies: why that criterion applies')
    .option(
      '--file <change.json>',
      'JSON object with any change fields (e.g. rollbackPlan, testEvidence, supplierAccessReview); flags override it; - reads stdin',
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
      origin: o.origin,
      supplier: o.supplier,
      supplierReference: o.supplierRef,
      customerCommunication: o.customerCommunication,
      securityImpact: o.securityImpact,
      implementationPlan: o.implementationPlan,
      testPlan: o.testPlan,
      implementer: o.implementer,
      riskAnswers: o.answer,
      links: o.link,
      emergencyCriterion: o.emergencyCriterion,
      emergencyJustification: o.emergencyWhy,
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
Lifecycle of a normal change, with the actions in brackets:
  draft [submit] awaiting_approval [approve, until the policy's quorum] approved [schedule] scheduled
  [start] implementing [complete] review [review: the post-implementation review, where owed] [close] closed
  [reject] rejected; [cancel] cancelled (any time before it starts)
Emergency changes may start once a duty manager approves them; they owe their full record and their
review afterwards, and show as OVERDUE past the policy's deadlines.

Examples:
  changeproof changes create --title "TLS 1.3 only" --service payments-api --file change.json
  changeproof changes submit CHG-12
  changeproof changes approve CHG-12 --comment "rollback plan looks good"
  changeproof changes list --state awaiting_approval --risk high
  changeproof changes list --origin supplier --supplier "PayCo Ltd"
  changeproof changes show CHG-12`,
    );

  contentOptions(clientCommand(changes, 'create', 'Raise a change (a draft; standard changes are scheduled)'))
    .addOption(choice('--type <type>', 'change type (default normal)', REQUESTED_CHANGE_TYPES))
    .option('--template <id>', 'standard changes: the policy template to use')
    .option('--start <time>', 'standard changes: window start, e.g. 2026-12-01T22:00:00Z')
    .option('--end <time>', 'standard changes: window end')
    .action(
      async (
        o: ContentOpts & Pick<CreateChangeInput, 'type' | 'template'> & { start?: string; end?: string },
        cmd: Command,
      ) => {
        const c = ctx(cmd);
        const body = { ...content(o), ...given({ type: o.type, template: o.template }) } as CreateChangeInput;
        if (o.start || o.end) body.window = { start: o.start ?? '', end: o.end ?? '' };
        emit(c, await c.client.changes.create(body), changeBlock);
      },
    );

  clientCommand(changes, 'list', 'List changes, newest first (or oldest), with filters')
    .option('--state <state>', `only these states (repeatable): ${STATES.join(', ')}`, many(STATES))
    .addOption(choice('--type <type>', 'only this type', CHANGE_TYPES))
    .addOption(choice('--risk <rating>', 'only this risk rating', RISKS))
    .option('--service <name>', 'only changes touching this service')
    .option('--requester <username>', 'only changes raised by this user')
    .addOption(choice('--origin <origin>', 'only changes of this origin', ORIGINS))
    .option('--supplier <name>', 'only changes naming this supplier (whole name, any case)')
    .option('--from <time>', 'created at or after (ISO 8601, e.g. 2026-11-01T00:00:00Z)')
    .option('--to <time>', 'created before')
    .option('--q <text>', "text in the id, title, description or the supplier's name, reference or impact")
    .option('--overdue', 'only emergency changes owing their record or review past the deadline')
    .option('--no-overdue', 'only changes that are not overdue')
    .addOption(choice('--order <order>', 'newest first (default) or oldest first', LIST_ORDERS))
    .option('--limit <n>', 'page size (1-200, default 50)', integer)
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--all', 'follow the cursors and print every matching change')
    .action(
      async (
        o: Omit<ListQuery, 'overdue'> & { overdue?: boolean; all?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        const c = ctx(cmd);
        const query: ListQuery = given({
          state: o.state,
          type: o.type,
          risk: o.risk,
          service: o.service,
          requester: o.requester,
          origin: o.origin,
          supplier: o.supplier,
          from: o.from,
          to: o.to,
          q: o.q,
          overdue: o.overdue === undefined ? undefined : o.overdue ? ('true' as const) : ('false' as const),
          order: o.order,
          limit: o.limit,
          cursor: o.cursor,
        });
        let page = await c.client.changes.list(query);
        if (o.all) {
          const items = [...page.items];
          while (page.nextCursor) {
            page = await c.client.changes.list({ ...query, cursor: page.nextCursor });
            items.push(...page.items);
          }
          page = { items, nextCursor: null };
        }
        emit(c, page, changesTable);
      },
    );

  clientCommand(
    changes,
    'show <id>',
    'One change: state, risk and reasons, approvals, window, deadlines',
  ).action(async (id: string, _o, cmd: Command) => {
    const c = ctx(cmd);
    emit(c, await c.client.changes.get(id), changeBlock);
  });

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

/** An event's data on one line: scalars, lists, refusal messages and one level of nesting (risk, window). */
function details(data: Record<string, unknown>, prefix = ''): string {
  const parts: string[] = [];
  const nested: string[] = [];
  for (const [key, v] of Object.entries(data)) {
    const k = prefix + key;
    if (v === null || v === '' || v === undefined) continue;
    if (typeof v === 'string') parts.push(`${k}=${/^[0-9a-f]{64}$/.test(v) ? v.slice(0, 12) : v}`);
    else if (typeof v === 'number' || typeof v === 'boolean') parts.push(`${k}=${String(v)}`);
    else if (Array.isArray(v)) {
      const texts = v.map((x) =>
        typeof x === 'string' ? x : ((x as { message?: string; name?: string }).message ?? ''),
      );
      if (texts.some(Boolean)) parts.push(`${k}=${texts.filter(Boolean).join('; ')}`);
    } else if (!prefix && typeof v === 'object') nested.push(details(v as Record<string, unknown>, `${k}.`));
  }
  return [...parts, ...nested].filter(Boolean).join(' ');
}
