// Quorum and segregation of duties: who may decide on a change, and whether enough distinct people have.
import type { Actor } from './actor.ts';
import type { Change } from './change.ts';
import { holdsGroup } from './approver-groups.ts';
import { dutiesConflicts } from './duties.ts';
import type { Refusal } from './events.ts';
import { scopeAllows } from './permissions.ts';
import { approvalStanding, type Live, type RequirementProgress } from './standing.ts';

export { dutiesConflicts } from './duties.ts';
export { validApprovals, type RequirementProgress } from './standing.ts';

export function approvalProgress(
  change: Change,
  live: Live | null = null,
): {
  requirements: RequirementProgress[];
  satisfied: boolean;
} {
  const s = approvalStanding(change, live);
  return { requirements: s.requirements, satisfied: s.satisfied };
}

/** Quorum is met when every requirement has its count of distinct people and nobody counts twice. */
export function quorumMet(change: Change, live: Live | null = null): boolean {
  return approvalStanding(change, live).satisfied;
}

/** Checks that apply to anyone deciding (approve or reject); the group is chosen by the caller. */
export function deciderRefusals(change: Change, actor: Actor): Refusal[] {
  const out: Refusal[] = [];
  if (actor.kind !== 'human')
    out.push({
      code: 'bot_cannot_approve',
      message: `${actor.id} is not a person: bots and services approve nothing`,
    });
  if (!scopeAllows(actor, 'change.approve'))
    out.push({ code: 'token_cannot_approve', message: 'this API token lacks the changes:approve scope' });
  out.push(...dutiesConflicts(change, actor));
  return out;
}

/** Picks the group an approval counts for: the one asked for, else the first still open that the actor holds. */
export function chooseGroup(
  change: Change,
  actor: Actor,
  requested: string | null,
  live: Live | null = null,
): { group: string } | { refusal: Refusal } {
  const progress = approvalProgress(change, live).requirements;
  const required = progress.map((r) => r.group);
  if (requested !== null) {
    if (!holdsGroup(actor, requested))
      return {
        refusal: { code: 'not_in_group', message: `${actor.id} is not a member of group ${requested}` },
      };
    const req = progress.find((r) => r.group === requested);
    if (!req)
      return {
        refusal: {
          code: 'group_not_required',
          message: `${change.id} needs no approval from ${requested}; it needs: ${required.join(', ') || 'none'}`,
        },
      };
    if (req.remaining === 0)
      return {
        refusal: { code: 'group_satisfied', message: `${requested} has already approved ${change.id}` },
      };
    return { group: requested };
  }
  // A named person's own line first: only they can meet it, while a group's line others can meet too.
  const mine = progress.filter((r) => holdsGroup(actor, r.group));
  const open =
    mine.find((r) => r.remaining > 0 && r.group.includes(':')) ?? mine.find((r) => r.remaining > 0);
  if (open) return { group: open.group };
  const held = mine[0];
  if (held)
    return {
      refusal: {
        code: 'group_satisfied',
        message: `your groups have already given their approvals for ${change.id}`,
      },
    };
  return {
    refusal: {
      code: 'not_an_approver',
      message: `${actor.id} holds none of the groups ${change.id} needs: ${required.join(', ') || 'none'}`,
    },
  };
}
