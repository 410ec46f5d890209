// The change as the API shows it: the record plus what is derived at read time (risk at the top level,
// each approval's standing and the quorum, whether deadlines have passed).
import type { ChangeSummary, ChangeView } from '../../contracts/changes.ts';
import { LATER_CONTENT, ownerOf, type Change } from '../../domain/change.ts';
import { reviewRequired } from '../../domain/change-decide.ts';
import { approvalLate, pendingApproval } from '../../domain/approval-sla.ts';
import { approvalStanding, type Live } from '../../domain/standing.ts';
import type { Policy } from '../../policy/types.ts';

export function overdue(change: Change, now: string): { record: boolean; review: boolean } {
  return {
    record: change.recordDueAt !== null && change.recordCompletedAt === null && now > change.recordDueAt,
    review: change.reviewDueAt !== null && change.review === null && now > change.reviewDueAt,
  };
}

/** `live`: the assessment and approvers as they are now, so the view shows which approvals still count. */
export function toView(change: Change, now: string, policy: Policy, live: Live | null = null): ChangeView {
  const approvalStatus = approvalStanding(change, live);
  return {
    ...LATER_CONTENT,
    ...change,
    awaitingApprovalSince: change.awaitingApprovalSince ?? null,
    pendingApproval: pendingApproval(change, approvalStatus, policy.deadlines.approvalSlaMinutes, now),
    owner: ownerOf(change),
    authors: change.authors ?? [...new Set([change.requester, change.lastEditor])],
    agreedWindow: change.agreedWindow ?? null,
    conflicts: change.conflicts ?? [],
    riskRating: change.assessment?.rating ?? null,
    approvalStatus,
    reviewRequired: reviewRequired(change, policy),
    overdue: overdue(change, now),
    deploymentNotes: change.deploymentNotes ?? [],
    breakGlass: change.breakGlass ?? null,
  };
}

export function toSummary(change: Change, now: string, approvalSlaMinutes: number): ChangeSummary {
  return {
    id: change.id,
    number: change.number,
    type: change.type,
    state: change.state,
    riskRating: change.assessment?.rating ?? null,
    title: change.title,
    services: change.services,
    origin: change.origin,
    supplier: change.supplier,
    requester: change.requester,
    implementer: change.implementer,
    window: change.window,
    overdue: overdue(change, now),
    approvalLate: approvalLate(change, approvalSlaMinutes, now),
    createdAt: change.createdAt,
    updatedAt: change.updatedAt,
  };
}
