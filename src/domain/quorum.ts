// Quorum and segregation of duties: who may decide on a change, and whether enough distinct people have.
import type { Actor } from './actor.ts';
import type { Approval, Change } from './change.ts';
import type { Refusal } from './events.ts';
import type { ApprovalRequirement } from '../policy/types.ts';

/** Approvals that still count: for the current revision and not withdrawn by an edit. */
export function validApprovals(change: Change): Approval[] {
  return change.approvals.filter(
    (a) => a.decision === 'approved' && a.withdrawnAt === null && a.revisionHash === change.revisionHash,
  );
}

export interface RequirementProgress extends ApprovalRequirement {
  approvedBy: string[];
  remaining: number;
}

export function approvalProgress(change: Change): {
  requirements: RequirementProgress[];
  satisfied: boolean;
} {
  const valid = validApprovals(change);
  const requirements = (change.assessment?.requiredApprovals ?? []).map((req) => {
    const approvedBy = [...new Set(valid.filter((a) => a.group === req.group).map((a) => a.approver))];
    return { ...req, approvedBy, remaining: Math.max(0, req.count - approvedBy.length) };
  });
  return { requirements, satisfied: requirements.every((r) => r.remaining === 0) };
}

/** Quorum is met when every requirement has its count of distinct people and nobody counts twice. */
export function quorumMet(change: Change): boolean {
  const valid = validApprovals(change);
  const people = valid.map((a) => a.approver);
  if (new Set(people).size !== people.length) return false;
  return approvalProgress(change).satisfied;
}

/**
 * Segregation of duties: the people who asked for, last shaped, will carry out, or wrote the code of a
 * change never decide on it. Admin is no exception. Returns every reason that applies.
 */
export function dutiesConflicts(change: Change, actor: Actor): Refusal[] {
  const out: Refusal[] = [];
  const who = actor.id;
  if (change.requester === who)
    out.push({ code: 'sod_requester', message: `${who} requested ${change.id} and cannot decide on it` });
  if (change.lastEditor === who)
    out.push({ code: 'sod_last_editor', message: `${who} last edited ${change.id} and cannot decide on it` });
  if (change.implementer === who || change.implementedBy === who)
    out.push({ code: 'sod_implementer', message: `${who} implements ${change.id} and cannot decide on it` });
  const ids = new Set([who.toLowerCase(), ...(actor.email ? [actor.email.toLowerCase()] : [])]);
  const authored = change.links.filter(
    (l) => (l.kind === 'commit' || l.kind === 'pull_request') && l.author && ids.has(l.author.toLowerCase()),
  );
  if (authored.length > 0)
    out.push({
      code: 'sod_commit_author',
      message: `${who} authored linked ${authored.map((l) => l.ref).join(', ')} and cannot decide on ${change.id}`,
    });
  return out;
}

/** Checks that apply to anyone deciding (approve or reject); the group is chosen by the caller. */
export function deciderRefusals(change: Change, actor: Actor): Refusal[] {
  const out: Refusal[] = [];
  if (actor.kind !== 'human')
    out.push({
      code: 'bot_cannot_approve',
      message: `${actor.id} is not a person: bots and services approve nothing`,
    });
  if (actor.scopes !== null && !actor.scopes.includes('changes:approve'))
    out.push({ code: 'token_cannot_approve', message: 'this API token lacks the changes:approve scope' });
  out.push(...dutiesConflicts(change, actor));
  return out;
}

/** Picks the group an approval counts for: the one asked for, else the first still open that the actor holds. */
export function chooseGroup(
  change: Change,
  actor: Actor,
  requested: string | null,
): { group: string } | { refusal: Refusal } {
  const progress = approvalProgress(change).requirements;
  const required = progress.map((r) => r.group);
  if (requested !== null) {
    if (!actor.groups.includes(requested))
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
  const open = progress.find((r) => r.remaining > 0 && actor.groups.includes(r.group));
  if (open) return { group: open.group };
  const held = progress.find((r) => actor.groups.includes(r.group));
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
