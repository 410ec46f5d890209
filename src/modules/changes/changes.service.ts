// Change use-cases. Each one loads the record, asks the pure domain to decide, and records the events
// (ledger, projection, outbox) in one transaction. A refusal is recorded too, and returned as `Refused`
// rather than thrown so that the transaction that holds the record of it commits.
import type { CreateChangeBody, EditChangeBody } from '../../contracts/changes.ts';
import { AppError } from '../../contracts/errors.ts';
import type { Actor } from '../../domain/actor.ts';
import { roleAllows } from '../../domain/permissions.ts';
import { emptyContent, type Assessment, type Change, type ChangeContent } from '../../domain/change.ts';
import { decideChange, type ChangeCommand } from '../../domain/change-decide.ts';
import { decideCreate } from '../../domain/change-create.ts';
import {
  peopleNamed,
  peopleRefusals,
  productionTestRefusals,
  testEnvironments,
} from '../../domain/change-record.ts';
import { windowRefusals } from '../../domain/window.ts';
import type { ApproverNow, Live } from '../../domain/standing.ts';
import { changeId, evolveChange } from '../../domain/change-evolve.ts';
import type { ChangeEvent, RecordedEvent, Refusal } from '../../domain/events.ts';
import { assess, readsGraph } from '../../policy/risk.ts';
import { retiredRefusal, serviceGraph, type Service } from '../../domain/service.ts';
import type { Commands } from '../commands/command-runner.ts';
import type { RecordEvents } from '../commands/record.ts';
import type { PolicyService, ActivePolicy } from '../policy/policy.service.ts';
import { changeNotFound } from './changes.errors.ts';
import type { CalendarService } from '../calendar/calendar.service.ts';

/** The change records as the use-cases read them (the projection, or a fake). */
export interface ChangeRecords {
  load(id: string): Promise<Change | null>;
  /** The number the next change gets. */
  nextNumber(): Promise<number>;
  /** The named people as they are now, for checking that their approvals still count. */
  approvers(usernames: string[]): Promise<Record<string, ApproverNow>>;
  /** The change's history from the ledger. */
  events(id: string): Promise<RecordedEvent[]>;
}

/** What the change use-cases need, and nothing more. */
export interface ChangesCollaborators {
  commands: Commands;
  changes: ChangeRecords;
  record: RecordEvents;
  policies: Pick<PolicyService, 'active' | 'activate'>;
  /** The named services, in order; refuses names that are not registered. */
  catalogue: {
    many(names: string[]): Promise<Service[]>;
    /** The registered services among the names, without refusing the others. */
    known(names: string[]): Promise<Record<string, Service>>;
    /** The whole catalogue, read only when a risk rule follows the dependency graph. */
    list(): Promise<Service[]>;
  };
  /** Finds the conflicts of a window being scheduled, in the schedule's transaction. */
  calendar?: Pick<CalendarService, 'scheduleCheck'>;
  /** Opens the tracked items a review asks for, in the review's transaction. */
  followUps?: { openFromReview(actor: Actor, change: Change): Promise<unknown> };
}

/** A command the domain refused; the refusal is already in the ledger. */
export class Refused {
  readonly refusals: Refusal[];
  constructor(refusals: Refusal[]) {
    this.refusals = refusals;
  }
}

type Command =
  | Exclude<ChangeCommand, { type: 'edit' } | { type: 'submit' } | { type: 'reassign' }>
  | { type: 'edit'; fields: EditChangeBody }
  | { type: 'submit' }
  | { type: 'reassign'; owner: string };

/** The content a change is raised with: the template's plans where the body gives none. */
function draftContent(
  body: CreateChangeBody,
  active: ActivePolicy,
  proposedPolicy: string | null,
): ChangeContent {
  const { type: _type, template: templateId, window: _window, ...fields } = body;
  const template = active.policy.templates.find((t) => t.id === templateId);
  return {
    ...emptyContent(),
    implementationPlan: template?.defaults.implementationPlan ?? '',
    rollbackPlan: template?.defaults.rollbackPlan ?? null,
    testPlan: template?.defaults.testPlan ?? '',
    ...fields,
    proposedPolicy,
  };
}

export class ChangesService {
  private readonly commands: Commands;
  private readonly changes: ChangeRecords;
  private readonly record: RecordEvents;
  private readonly policies: ChangesCollaborators['policies'];
  private readonly catalogue: ChangesCollaborators['catalogue'];
  private readonly followUps: ChangesCollaborators['followUps'];
  private readonly calendar: ChangesCollaborators['calendar'];

  constructor(c: ChangesCollaborators) {
    this.calendar = c.calendar;
    this.followUps = c.followUps;
    this.commands = c.commands;
    this.changes = c.changes;
    this.record = c.record;
    this.policies = c.policies;
    this.catalogue = c.catalogue;
  }

  async assess(type: Change['type'], content: ChangeContent, active: ActivePolicy): Promise<Assessment> {
    const services = await this.catalogue.many(content.services);
    const graph = readsGraph(active.policy)
      ? serviceGraph(content.services, await this.catalogue.list())
      : undefined;
    const assessment = assess(active.policy, {
      type,
      content,
      services,
      ...(graph ? { graph } : {}),
      // A scheduled change's window, else the proposed one: soft freezes it overlaps ask one more approval.
      window: ('window' in content ? (content as Change).window : null) ?? content.proposedWindow ?? null,
      policyVersion: active.version,
    });
    // A policy replacement touches Changeproof itself rather than a catalogued service.
    if (content.proposedPolicy !== null)
      return { ...assessment, missing: assessment.missing.filter((m) => m !== 'services') };
    return assessment;
  }

  /**
   * What raising this change would be assessed as now, recording nothing: the form's live rating. The same
   * content and assessment as `create` builds, outside any transaction and without the record's checks.
   */
  async assessDraft(actor: Actor, body: CreateChangeBody): Promise<Assessment> {
    if (!roleAllows(actor, 'change.create'))
      throw new AppError('forbidden', `${actor.id} may not raise changes (needs the requester role)`);
    const active = await this.policies.active();
    return this.assess(body.type, draftContent(body, active, null), active);
  }

  async create(
    actor: Actor,
    body: CreateChangeBody,
    proposedPolicy: string | null = null,
  ): Promise<Change | Refused> {
    return this.commands.execute(actor, async ({ at }) => {
      const active = await this.policies.active();
      const { type, template: templateId, window } = body;
      const content = draftContent(body, active, proposedPolicy);
      const retired = retiredRefusal(await this.catalogue.many(content.services));
      if (retired) return new Refused([retired]);
      const number = await this.changes.nextNumber();
      const assessment = await this.assess(type, content, active);
      // A standard change raised into a window is scheduled by being raised: its clashes count now.
      const found =
        window && type === 'standard' && this.calendar
          ? await this.calendar.scheduleCheck(
              { id: changeId(number), services: content.services, implementer: content.implementer },
              window,
              active.policy,
              at,
            )
          : {};
      const decision = decideCreate(
        {
          number,
          type,
          template: templateId ?? null,
          content,
          assessment,
          window: window ?? null,
          now: at,
          ...found,
        },
        actor,
        active.policy,
      );
      const checks = await this.recordChecks(content, content, assessment, active);
      if (!decision.ok || checks.length > 0)
        return new Refused([...(decision.ok ? [] : decision.refusals), ...checks]);
      const [created] = await this.record(actor, at, [{ subject: changeId(number), event: decision.event }]);
      // The changes projection applied the same pure evolve to the same event: no need to read the row back.
      return evolveChange(null, created as RecordedEvent<ChangeEvent>);
    });
  }

  async command(actor: Actor, id: string, command: Command): Promise<Change | Refused> {
    return this.commands.execute(actor, async ({ at: now }) => {
      const change = await this.changes.load(id);
      if (!change) throw changeNotFound(id);
      const active = await this.policies.active();
      const retired = await this.targetsRetired(change, command);
      if (retired) return this.refuse(actor, now, id, command.type, [retired]);
      let cmd: ChangeCommand;
      let checks: Refusal[] = [];
      if (command.type === 'edit') {
        if (command.fields.services) await this.catalogue.many(command.fields.services);
        const content = { ...change, ...command.fields };
        const assessment = await this.assess(change.type, content, active);
        cmd = { type: 'edit', fields: command.fields, assessment };
        checks = await this.recordChecks(command.fields, content, assessment, active);
      } else if (command.type === 'submit') {
        const assessment = await this.assess(change.type, change, active);
        cmd = { type: 'submit', assessment };
        checks = await this.recordChecks({}, change, assessment, active);
      } else if (command.type === 'reassign') {
        const people = await this.changes.approvers([command.owner]);
        cmd = { type: 'reassign', owner: command.owner, people };
      } else if (command.type === 'schedule') {
        const window = command.window ?? change.proposedWindow;
        const found =
          window && this.calendar
            ? await this.calendar.scheduleCheck(change, window, active.policy, now)
            : {};
        cmd = { ...command, ...found };
      } else if (command.type === 'approve' || command.type === 'start') {
        cmd = { ...command, live: await this.liveFor(change, active) };
      } else cmd = command;
      const decision = decideChange(change, cmd, { actor, now, policy: active.policy });
      // Events that stand despite the refusal (a reassessment, lapsed approvals) are recorded before it.
      if (!decision.ok || checks.length > 0)
        return this.refuse(
          actor,
          now,
          id,
          cmd.type,
          [...(decision.ok ? [] : decision.refusals), ...checks],
          decision.ok ? [] : decision.events,
        );
      const recorded = await this.record(
        actor,
        now,
        decision.events.map((event) => ({ subject: id, event })),
      );
      const after = recorded.reduce<Change>(
        (c, e) => evolveChange(c, e as RecordedEvent<ChangeEvent>),
        change,
      );
      // Implementing a policy change is activating the policy it carries, in the same transaction.
      if (cmd.type === 'start' && change.proposedPolicy !== null)
        await this.policies.activate(actor, change.proposedPolicy, id);
      // A review's follow-ups become tracked items in the same transaction.
      if (cmd.type === 'review') await this.followUps?.openFromReview(actor, after);
      return after;
    });
  }

  /**
   * What the record itself must satisfy beyond the required fields: the people it names (in `fields`, the
   * fields being set) exist and are active, a proposed window keeps the policy's rules, and test evidence
   * comes from outside production where the policy requires it at the change's rating.
   */
  private async recordChecks(
    fields: Partial<ChangeContent>,
    content: ChangeContent,
    assessment: Assessment,
    active: ActivePolicy,
  ): Promise<Refusal[]> {
    const people = await this.changes.approvers(peopleNamed(fields));
    const environments = await this.catalogue.known(testEnvironments(content));
    return [
      ...peopleRefusals(fields, people),
      ...(fields.proposedWindow ? windowRefusals(fields.proposedWindow, active.policy) : []),
      ...productionTestRefusals(content, assessment, environments, active.policy),
    ];
  }

  private async refuse(
    actor: Actor,
    at: string,
    id: string,
    command: string,
    reasons: Refusal[],
    standing: ChangeEvent[] = [],
  ): Promise<Refused> {
    await this.record(actor, at, [
      ...standing.map((event) => ({ subject: id, event })),
      { subject: id, event: { type: 'change.command_refused', data: { command, reasons } } },
    ]);
    return new Refused(reasons);
  }

  /**
   * A retired service may not be added to a change, and a change that still names one may not be submitted
   * or started: what the catalogue no longer runs cannot be changed.
   */
  private async targetsRetired(change: Change, command: Command): Promise<Refusal | null> {
    let names: string[] = [];
    if (command.type === 'edit')
      names = (command.fields.services ?? []).filter((n) => !change.services.includes(n));
    else if (command.type === 'submit' || command.type === 'start') names = change.services;
    return names.length === 0 ? null : retiredRefusal(await this.catalogue.many(names));
  }

  /** The assessment from the catalogue and policy of the moment, and every approver as they are now. */
  private async liveFor(change: Change, active: ActivePolicy): Promise<Live> {
    return {
      assessment: await this.assess(change.type, change, active),
      approvers: await this.changes.approvers(change.approvals.map((a) => a.approver)),
    };
  }

  /**
   * What the change view shows approvals against: the world as it is now while the change waits to start;
   * after that, the record as it was decided on. Null for a refusal and for changes past that point.
   */
  async live(result: Change | Refused): Promise<Live | null> {
    if (result instanceof Refused) return null;
    if (!['awaiting_approval', 'approved', 'scheduled'].includes(result.state)) return null;
    return this.liveFor(result, await this.policies.active());
  }

  async get(id: string): Promise<Change> {
    const change = await this.changes.load(id);
    if (!change) throw changeNotFound(id);
    return change;
  }

  async events(id: string) {
    await this.get(id);
    return this.changes.events(id);
  }

  async activePolicy(): Promise<ActivePolicy> {
    return this.policies.active();
  }
}
