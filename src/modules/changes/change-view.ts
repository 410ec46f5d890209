// The change as the API shows it: the record plus what is derived at read time (risk at the top level,
// approval progress, whether deadlines have passed).
import type { ChangeSummary, ChangeView } from '../../contracts/changes.ts';
import type { Change } from '../../domain/change.ts';
import { reviewRequired } from '../../domain/change-decide.ts';
import { approvalProgress } from '../../domain/quorum.ts';
import type { Policy } from '../../policy/types.ts';

export function overdue(change: Change, now: string): { record: boolean; review: boolean } {
  return {
    record: change.recordDueAt !== null && change.recordCompletedAt === null && now > change.recordDueAt,
    review: change.reviewDueAt !== null && change.review === null && now > change.reviewDueAt,
  };
}

export function toView(change: Change, now: string, policy: Policy): ChangeView {
  return {
    ...change,
    riskRating: change.assessment?.rating ?? null,
    approvalStatus: approvalProgress(change),
    reviewRequired: reviewRequired(change, policy),
    overdue: overdue(change, now),
  };
}

export function toSummary(change: Change, now: string): ChangeSummary {
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
    createdAt: change.createdAt,
    updatedAt: change.updatedAt,
  };
}
