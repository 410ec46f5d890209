// Do this change's approvals suffice now? One pure answer for `start` (and the deployment gate): given the
// change, the assessment recomputed from the catalogue and policy of the moment, and each approver's profile
// as it is now, say whether the quorum holds and, per approval, whether it still counts and why not.
import type { ActorKind } from './actor.ts';
import type { Approval, Assessment, Change } from './change.ts';
import { holdsGroup } from './approver-groups.ts';
import { dutiesConflicts } from './duties.ts';
import type { Refusal } from './events.ts';
import type { ApprovalRequirement } from '../policy/types.ts';
import { RISK_RATINGS, type RiskRating } from './vocabulary.ts';

/** An approver as they are now. */
export interface ApproverNow {
  kind: ActorKind;
  groups: string[];
  active: boolean;
  email: string | null;
}

/** What is true now, outside the change record. */
export interface Live {
  /** The assessment recomputed from the current catalogue and policy. */
  assessment: Assessment;
  /** The current profile of each approver named on the change; missing means no such user any more. */
  approvers: Record<string, ApproverNow>;
}

export interface RequirementProgress extends ApprovalRequirement {
  approvedBy: string[];
  remaining: number;
}

export interface ApprovalCount {
  approver: string;
  group: string;
  at: string;
  counts: boolean;
  /** Why it does not count; empty when it does. */
  reasons: Refusal[];
}

export interface Standing {
  satisfied: boolean;
  /** The rating the requirements come from: the live one when given, else the recorded one. */
  rating: RiskRating | null;
  requirements: RequirementProgress[];
  approvals: ApprovalCount[];
  /** Set when the live assessment asks for more than the recorded one did. */
  rose: { from: RiskRating | null; to: RiskRating; message: string } | null;
}

/** Why an approval does not count on the record alone, or null when it does. */
export function recordedStanding(change: Change, a: Approval): Refusal | null {
  if (a.decision !== 'approved') return { code: 'rejection', message: `${a.approver} rejected the change` };
  if (a.withdrawnAt !== null)
    return { code: 'withdrawn', message: `withdrawn at ${a.withdrawnAt} by an edit or a lapse` };
  if (a.revisionHash === change.revisionHash) return null;
  // After an emergency's authorization only edits that complete the owed record keep it; any other edit
  // withdraws it (decideEdit), so an authorization not withdrawn still covers what was authorized.
  const authorized =
    change.type === 'emergency' && change.authorizedAt !== null && a.at <= change.authorizedAt;
  if (authorized) return null;
  return { code: 'other_revision', message: `given for an earlier revision of ${change.id}` };
}

/** Approvals that count on the record alone (no live data): see recordedStanding. */
export function validApprovals(change: Change): Approval[] {
  return change.approvals.filter((a) => recordedStanding(change, a) === null);
}

const rank = (r: RiskRating | null | undefined): number => (r ? RISK_RATINGS.indexOf(r) : -1);

function rose(before: Assessment | null, now: Assessment): Standing['rose'] {
  const from = before?.rating ?? null;
  const old = before?.requiredApprovals ?? [];
  const more = now.requiredApprovals.filter(
    (r) => r.count > (old.find((o) => o.group === r.group)?.count ?? 0),
  );
  if (rank(now.rating) <= rank(from) && more.length === 0) return null;
  const needs = now.requiredApprovals.map(requirementWords).join(', ');
  const moved =
    now.rating === from ? `still ${from}, but` : `reassessed as ${now.rating} (was ${from ?? 'unrated'})`;
  return {
    from,
    to: now.rating,
    message: `${moved} the current catalogue and policy need ${needs}`,
  };
}

/** `1 technical`, or `the business owner of ledger (pete)` for a named person. */
export function requirementWords(r: ApprovalRequirement): string {
  if (!r.label) return `${r.count} ${r.group}`;
  return r.group.startsWith('person:')
    ? `the ${r.label} (${r.group.slice('person:'.length)})`
    : `the ${r.label}`;
}

function liveReasons(a: Approval, now: ApproverNow | undefined): Refusal[] {
  if (!now || !now.active)
    return [{ code: 'approver_inactive', message: `${a.approver} no longer has an active account` }];
  const out: Refusal[] = [];
  if (now.kind !== 'human')
    out.push({ code: 'approver_not_human', message: `${a.approver} is no longer a person's account` });
  if (!holdsGroup({ id: a.approver, groups: now.groups }, a.group))
    out.push({ code: 'group_not_held', message: `${a.approver} no longer holds the ${a.group} group` });
  return out;
}

/**
 * The standing of every approval given and whether together they make the quorum: each requirement its
 * count of distinct people, each person counted once, for the current revision, from people who hold the
 * group now and are not in conflict. Without `live`, only what the record shows is checked.
 */
export function approvalStanding(change: Change, live: Live | null = null): Standing {
  const assessment = live?.assessment ?? change.assessment;
  const required = assessment?.requiredApprovals ?? [];
  const counted = new Set<string>();
  const approvals: ApprovalCount[] = change.approvals
    .filter((a) => a.decision === 'approved')
    .map((a) => {
      const reasons: Refusal[] = [];
      const recorded = recordedStanding(change, a);
      if (recorded) reasons.push(recorded);
      if (a.withdrawnAt === null) {
        if (live) reasons.push(...liveReasons(a, live.approvers[a.approver]));
        const email = live?.approvers[a.approver]?.email ?? null;
        const conflicts = dutiesConflicts(change, { id: a.approver, email });
        if (conflicts.length > 0)
          reasons.push({ code: 'approver_conflict', message: conflicts.map((c) => c.message).join('; ') });
        if (!required.some((r) => r.group === a.group))
          reasons.push({
            code: 'group_not_required',
            message: `rated ${assessment?.rating ?? 'unrated'}, ${change.id} needs no approval from ${a.group}`,
          });
      }
      if (reasons.length === 0 && counted.has(a.approver))
        reasons.push({
          code: 'counted_once',
          message: `${a.approver} already counts once; one person, one vote`,
        });
      if (reasons.length === 0) counted.add(a.approver);
      return { approver: a.approver, group: a.group, at: a.at, counts: reasons.length === 0, reasons };
    });
  const requirements = required.map((req) => {
    const approvedBy = [
      ...new Set(approvals.filter((a) => a.counts && a.group === req.group).map((a) => a.approver)),
    ];
    return { ...req, approvedBy, remaining: Math.max(0, req.count - approvedBy.length) };
  });
  return {
    satisfied: requirements.every((r) => r.remaining === 0),
    rating: assessment?.rating ?? null,
    requirements,
    approvals,
    rose: live ? rose(change.assessment, live.assessment) : null,
  };
}
