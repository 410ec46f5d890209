// Late approvals as the API lists them: changes waiting for their approvers past the policy's
// `deadlines.approvalSla`, with the groups that owe the approvals.
import { z } from 'zod';
import { ChangeTypeEnum, RiskRatingEnum } from './changes.ts';
import { Name } from './common.ts';

export const LateApprovalsQuery = z.strictObject({
  group: Name.optional().describe('Only the approvals this group owes'),
});
export type LateApprovalsQuery = z.infer<typeof LateApprovalsQuery>;

export const LateApproval = z
  .object({
    changeId: z.string(),
    title: z.string(),
    type: ChangeTypeEnum,
    riskRating: RiskRatingEnum.nullable(),
    requester: z.string(),
    since: z.string().describe('When the change went to its approvers'),
    dueAt: z.string().describe("since + the policy's deadlines.approvalSla"),
    owedBy: z.array(z.object({ group: z.string(), remaining: z.number() })),
  })
  .meta({ id: 'LateApproval' });
export type LateApproval = z.infer<typeof LateApproval>;

export const LateApprovalList = z.object({ items: z.array(LateApproval) });
export type LateApprovalList = z.infer<typeof LateApprovalList>;
