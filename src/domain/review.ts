// Who reviews emergency and unauthorized changes: nobody marks their own homework. The reviewer holds one
// of the policy's `review.reviewers` groups (any policy group when it names none) and neither requested
// nor implemented the change.
import type { Actor } from './actor.ts';
import type { Change } from './change.ts';
import type { Refusal } from './events.ts';
import type { Policy } from '../policy/types.ts';

/** Emergency and unauthorized changes are reviewed by someone independent of them. */
export function independentReview(change: Change): boolean {
  return change.type === 'emergency' || change.type === 'unauthorized';
}

export function reviewerConflicts(change: Change, who: string): Refusal[] {
  const out: Refusal[] = [];
  if (change.requester === who)
    out.push({
      code: 'sod_reviewer_requester',
      message: `${who} requested ${change.id} and cannot review it`,
    });
  if (change.implementer === who || change.implementedBy === who)
    out.push({
      code: 'sod_reviewer_implementer',
      message: `${who} implemented ${change.id} and cannot review it`,
    });
  return out;
}

export function reviewerRefusals(change: Change, actor: Actor, policy: Policy): Refusal[] {
  const out = reviewerConflicts(change, actor.id);
  const groups =
    policy.review.reviewers.length > 0 ? policy.review.reviewers : policy.groups.map((g) => g.id);
  if (actor.kind !== 'human')
    out.push({ code: 'bot_cannot_approve', message: `${actor.id} is not a person and cannot review` });
  else if (!groups.some((g) => actor.groups.includes(g)))
    out.push({
      code: 'not_a_reviewer',
      message: `${change.type} changes are reviewed by a member of ${groups.join(' or ')} (review.reviewers); ${actor.id} holds none`,
    });
  return out;
}
