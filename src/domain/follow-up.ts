// Follow-ups: what a change leaves to do after it, tracked with an owner, a due date and a status. Pure
// decisions: the change it comes from, the actor, the time and who may manage others' items are inputs.
import type { Actor } from './actor.ts';
import type { Change } from './change.ts';
import type { Refusal } from './events.ts';
import type { FollowUpEvent } from './follow-up-events.ts';
import type { FollowUpKind, FollowUpStatus } from './vocabulary.ts';

export type { FollowUpEvent } from './follow-up-events.ts';
export { FOLLOW_UP_KINDS, FOLLOW_UP_STATUSES, type FollowUpKind, type FollowUpStatus } from './vocabulary.ts';

export interface FollowUp {
  id: string;
  number: number;
  changeId: string;
  kind: FollowUpKind;
  title: string;
  owner: string;
  dueAt: string;
  status: FollowUpStatus;
  /** The revision of the updated plan or document (continuity_plan, documentation), once done. */
  reference: string | null;
  note: string;
  openedBy: string;
  openedAt: string;
  closedBy: string | null;
  closedAt: string | null;
}

export interface FollowUpInput {
  kind: FollowUpKind;
  title: string;
  owner: string;
  dueAt: string;
}

export const followUpId = (n: number) => `FU-${n}`;

/** Kinds closed only with a reference to the updated plan's or document's revision. */
export const NEEDS_REFERENCE: readonly FollowUpKind[] = ['continuity_plan', 'documentation'];

type Decision = { ok: true; event: FollowUpEvent } | { ok: false; refusals: Refusal[] };
const refuse = (code: string, message: string): Decision => ({ ok: false, refusals: [{ code, message }] });

/** Opening a follow-up on a change: temporary measures belong to emergencies (and changes found later). */
export function decideOpen(change: Change, number: number, input: FollowUpInput): Decision {
  if (change.state === 'draft' || change.state === 'cancelled' || change.state === 'rejected')
    return refuse(
      'invalid_transition',
      `${change.id} is ${change.state}: follow-ups belong to changes that were approved or carried out`,
    );
  if (input.kind === 'temporary_measure' && change.type !== 'emergency' && change.type !== 'unauthorized')
    return refuse(
      'not_an_emergency',
      `${change.id} is a ${change.type} change: temporary measures to remove are tracked on emergency and unauthorized changes`,
    );
  return { ok: true, event: { type: 'follow_up.opened', data: { number, changeId: change.id, ...input } } };
}

/** Who may close or reassign an item: its owner, or someone who may manage changes. */
function mayHandle(item: FollowUp, actor: Actor, manager: boolean): Refusal[] {
  if (item.owner === actor.id || manager) return [];
  return [
    {
      code: 'forbidden',
      message: `${item.id} is owned by ${item.owner}; only its owner or a change manager may close or reassign it`,
    },
  ];
}

function stillOpen(item: FollowUp): Refusal[] {
  if (item.status === 'open') return [];
  return [
    {
      code: 'invalid_transition',
      message: `${item.id} is already ${item.status} (by ${item.closedBy ?? '?'} at ${item.closedAt ?? '?'})`,
    },
  ];
}

export type CloseCommand =
  | { type: 'done'; note: string; reference: string | null }
  | { type: 'cancel'; note: string }
  | { type: 'reassign'; owner: string | null; dueAt: string | null; note: string };

export function decideFollowUp(item: FollowUp, cmd: CloseCommand, actor: Actor, manager: boolean): Decision {
  const first = [...stillOpen(item), ...mayHandle(item, actor, manager)];
  if (first.length > 0) return { ok: false, refusals: first };
  switch (cmd.type) {
    case 'done':
      if (NEEDS_REFERENCE.includes(item.kind) && !cmd.reference)
        return refuse(
          'reference_required',
          `${item.id} (${item.kind.replace('_', ' ')}) is closed with a reference to the updated revision (reference)`,
        );
      return {
        ok: true,
        event: { type: 'follow_up.done', data: { note: cmd.note, reference: cmd.reference } },
      };
    case 'cancel':
      if (cmd.note.trim() === '') return refuse('note_required', `say why ${item.id} is cancelled (note)`);
      return { ok: true, event: { type: 'follow_up.cancelled', data: { note: cmd.note } } };
    case 'reassign':
      if (cmd.owner === null && cmd.dueAt === null)
        return refuse('nothing_to_change', 'give a new owner or a new due date');
      return {
        ok: true,
        event: {
          type: 'follow_up.reassigned',
          data: { owner: cmd.owner ?? item.owner, dueAt: cmd.dueAt ?? item.dueAt, note: cmd.note },
        },
      };
  }
}

/** Applies one recorded event; pure, so the projection and the use-cases agree on the result. */
export function evolveFollowUp(
  item: FollowUp | null,
  event: FollowUpEvent,
  meta: { subject: string; at: string; actor: string },
): FollowUp {
  if (event.type === 'follow_up.opened')
    return {
      id: meta.subject,
      ...event.data,
      status: 'open',
      reference: null,
      note: '',
      openedBy: meta.actor,
      openedAt: meta.at,
      closedBy: null,
      closedAt: null,
    };
  if (!item) throw new Error(`${event.type} for ${meta.subject}, which was never opened`);
  switch (event.type) {
    case 'follow_up.reassigned':
      return {
        ...item,
        owner: event.data.owner,
        dueAt: event.data.dueAt,
        note: event.data.note || item.note,
      };
    case 'follow_up.done':
      return {
        ...item,
        status: 'done',
        note: event.data.note,
        reference: event.data.reference,
        closedBy: meta.actor,
        closedAt: meta.at,
      };
    case 'follow_up.cancelled':
      return { ...item, status: 'cancelled', note: event.data.note, closedBy: meta.actor, closedAt: meta.at };
  }
}

/** Open and past its due date. */
export function isOverdue(item: FollowUp, now: string): boolean {
  return item.status === 'open' && now > item.dueAt;
}

/** The items a review opens: one action per follow-up it lists, and a continuity plan update if it says so. */
export function fromReview(
  change: Pick<Change, 'review' | 'requester'>,
  owner: string,
  dueAt: string,
): FollowUpInput[] {
  const review = change.review;
  if (!review) return [];
  const items: FollowUpInput[] = review.followUps.map((title) => ({ kind: 'action', title, owner, dueAt }));
  if (review.continuityPlanNeedsUpdate)
    items.push({ kind: 'continuity_plan', title: 'Update the continuity plan', owner, dueAt });
  return items;
}
