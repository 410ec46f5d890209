// Follow-up use-cases: open one on a change, close it (done, with a reference where the kind needs one),
// cancel or reassign it, and open those a review lists. Each decides with the pure domain and records its
// event in the command's transaction; a refusal is recorded on the change as `change.command_refused`.
import { AppError } from '../../contracts/errors.ts';
import type { OpenFollowUpBody } from '../../contracts/follow-ups.ts';
import type { Actor } from '../../domain/actor.ts';
import { ownerOf, type Change } from '../../domain/change.ts';
import type { RecordedEvent, Refusal } from '../../domain/events.ts';
import {
  decideFollowUp,
  decideOpen,
  evolveFollowUp,
  followUpId,
  fromReview,
  type CloseCommand,
  type FollowUp,
  type FollowUpEvent,
  type FollowUpInput,
} from '../../domain/follow-up.ts';
import { addMinutes } from '../../domain/minutes.ts';
import type { ApproverNow } from '../../domain/standing.ts';
import type { Policy } from '../../policy/types.ts';
import { Refused } from '../changes/changes.service.ts';
import type { Commands } from '../commands/command-runner.ts';
import type { RecordEvents } from '../commands/record.ts';
import { assertMay, may } from '../identity/access.ts';

export interface FollowUpRecords {
  find(id: string): Promise<FollowUp | null>;
  nextNumber(): Promise<number>;
}

export interface FollowUpsCollaborators {
  commands: Commands;
  record: RecordEvents;
  items: FollowUpRecords;
  changes: {
    load(id: string): Promise<Change | null>;
    /** The named people as they are now; a name missing from the answer is no user. */
    approvers(usernames: string[]): Promise<Record<string, ApproverNow>>;
  };
  policies: { active(): Promise<{ policy: Policy }> };
}

export class FollowUpsService {
  private readonly c: FollowUpsCollaborators;

  constructor(c: FollowUpsCollaborators) {
    this.c = c;
  }

  async get(id: string): Promise<FollowUp> {
    const item = await this.c.items.find(id);
    if (!item) throw new AppError('not_found', `no follow-up ${id}; GET /api/v1/follow-ups lists them`);
    return item;
  }

  /** A named owner must be an active user. */
  private async checkOwner(owner: string): Promise<void> {
    const found = (await this.c.changes.approvers([owner]))[owner];
    if (!found || !found.active)
      throw new AppError('validation_failed', `owner: ${owner} is not an active user`, [
        { path: 'owner', message: `${owner} is not an active user` },
      ]);
  }

  private async refused(actor: Actor, at: string, changeId: string, command: string, refusals: Refusal[]) {
    await this.c.record(actor, at, [
      { subject: changeId, event: { type: 'change.command_refused', data: { command, reasons: refusals } } },
    ]);
    return new Refused(refusals);
  }

  private async openAll(actor: Actor, at: string, change: Change, inputs: FollowUpInput[]) {
    let number = await this.c.items.nextNumber();
    const opened: FollowUp[] = [];
    for (const input of inputs) {
      const decision = decideOpen(change, number, input);
      if (!decision.ok) return this.refused(actor, at, change.id, 'follow_up.open', decision.refusals);
      const [recorded] = await this.c.record(actor, at, [
        { subject: followUpId(number), event: decision.event },
      ]);
      opened.push(this.evolve(null, recorded!));
      number += 1;
    }
    return opened;
  }

  private evolve(item: FollowUp | null, recorded: RecordedEvent): FollowUp {
    const event = { type: recorded.type, data: recorded.data } as FollowUpEvent;
    return evolveFollowUp(item, event, {
      subject: recorded.subject,
      at: recorded.at,
      actor: recorded.actor.id,
    });
  }

  async open(actor: Actor, body: OpenFollowUpBody): Promise<FollowUp | Refused> {
    assertMay(actor, 'follow_up.open');
    return this.c.commands.execute(actor, async ({ at }) => {
      const { changeId, ...input } = body;
      const change = await this.c.changes.load(changeId);
      if (!change)
        throw new AppError('validation_failed', `changeId: no change ${changeId}`, [
          { path: 'changeId', message: `no change ${changeId}` },
        ]);
      await this.checkOwner(input.owner);
      const result = await this.openAll(actor, at, change, [input]);
      return result instanceof Refused ? result : result[0]!;
    });
  }

  /**
   * The items a review lists, opened as it is recorded (in its command): each follow-up an action, and the
   * continuity plan update if the review asks for one, owned by the change's owner and due after the
   * policy's `deadlines.followUp`.
   */
  async openFromReview(actor: Actor, change: Change): Promise<FollowUp[]> {
    return this.c.commands.execute(actor, async ({ at }) => {
      const { policy } = await this.c.policies.active();
      const inputs = fromReview(change, ownerOf(change), addMinutes(at, policy.deadlines.followUpMinutes));
      if (inputs.length === 0) return [];
      const result = await this.openAll(actor, at, change, inputs);
      if (result instanceof Refused) throw new Error(`follow-ups of ${change.id}'s review were refused`);
      return result;
    });
  }

  async handle(actor: Actor, id: string, cmd: CloseCommand): Promise<FollowUp | Refused> {
    assertMay(actor, 'follow_up.close');
    return this.c.commands.execute(actor, async ({ at }) => {
      const item = await this.get(id);
      if (cmd.type === 'reassign' && cmd.owner !== null) await this.checkOwner(cmd.owner);
      const manager = may(actor, 'change.manage') === null;
      const decision = decideFollowUp(item, cmd, actor, manager);
      if (!decision.ok)
        return this.refused(actor, at, item.changeId, `follow_up.${cmd.type}`, decision.refusals);
      const [recorded] = await this.c.record(actor, at, [{ subject: id, event: decision.event }]);
      return this.evolve(item, recorded!);
    });
  }
}
