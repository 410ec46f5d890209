// Late approvals: the changes awaiting approval (few, found by the state index) whose pending approvals are
// older than the policy's `deadlines.approvalSla`, oldest first, with the groups that owe them.
import type { LateApprovalList, LateApprovalsQuery } from '../../contracts/approvals.ts';
import { pendingApproval } from '../../domain/approval-sla.ts';
import type { Change } from '../../domain/change.ts';
import { approvalStanding } from '../../domain/standing.ts';
import type { Policy } from '../../policy/types.ts';
import type { Store } from '../../store/database.ts';

export class LateApprovalsReadModel {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async list(query: LateApprovalsQuery, policy: Policy, now: string): Promise<LateApprovalList> {
    const rows = await this.store.db
      .selectFrom('changes')
      .select('doc')
      .where('state', '=', 'awaiting_approval')
      .orderBy('number')
      .execute();
    const items = rows.flatMap(({ doc }) => {
      const change = JSON.parse(doc) as Change;
      const pending = pendingApproval(
        change,
        approvalStanding(change),
        policy.deadlines.approvalSlaMinutes,
        now,
      );
      if (!pending?.late) return [];
      if (query.group && !pending.owedBy.some((o) => o.group === query.group)) return [];
      return [
        {
          changeId: change.id,
          title: change.title,
          type: change.type,
          riskRating: change.assessment?.rating ?? null,
          requester: change.requester,
          since: pending.since,
          dueAt: pending.dueAt,
          owedBy: pending.owedBy,
        },
      ];
    });
    return { items: items.sort((a, b) => a.since.localeCompare(b.since)) };
  }
}
