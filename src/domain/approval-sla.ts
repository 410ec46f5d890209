// Late approvals: a change waiting for its approvers longer than the policy's `deadlines.approvalSla` is
// late, owed by the groups whose requirement is not yet met. Pure: the standing, the SLA and now are inputs.
import { addMinutes } from './minutes.ts';
import type { Change } from './change.ts';
import type { Standing } from './standing.ts';

export interface PendingApproval {
  /** When the change last went to its approvers. */
  since: string;
  /** When the pending approvals fall late. */
  dueAt: string;
  late: boolean;
  /** The groups that still owe approvals, and how many each. */
  owedBy: { group: string; remaining: number }[];
}

export function pendingApproval(
  change: Change,
  standing: Pick<Standing, 'requirements'>,
  slaMinutes: number,
  now: string,
): PendingApproval | null {
  const since = change.awaitingApprovalSince;
  if (change.state !== 'awaiting_approval' || !since) return null;
  const owedBy = standing.requirements
    .filter((r) => r.remaining > 0)
    .map((r) => ({ group: r.group, remaining: r.remaining }));
  const dueAt = approvalDueAt(since, slaMinutes);
  return { since, dueAt, late: owedBy.length > 0 && now > dueAt, owedBy };
}

/** Whether a change has waited for its approvers longer than the SLA: what lists show without the standing. */
export function approvalLate(change: Change, slaMinutes: number, now: string): boolean {
  const since = change.awaitingApprovalSince;
  if (change.state !== 'awaiting_approval' || !since) return false;
  return now > approvalDueAt(since, slaMinutes);
}

/** When approvals asked for at `since` fall late. */
function approvalDueAt(since: string, slaMinutes: number): string {
  return addMinutes(since, slaMinutes);
}
