// API contract for changes: request bodies (strict: unknown fields are errors) and the change as returned.
import { z } from 'zod';
import { Conflict } from './calendar.ts';
import { Instant, Name } from './common.ts';
import { ApprovalReasoning, RecordInput, RecordView } from './change-record.ts';
import { DeploymentNoteView } from './gate.ts';
import {
  APPROVAL_DECISIONS,
  CHANGE_ORIGINS,
  CHANGE_STATES,
  CHANGE_TYPES,
  LINK_KINDS,
  LIST_ORDERS,
  OUTCOMES,
  REQUESTED_CHANGE_TYPES,
  REQUIRED_FIELDS,
  RISK_RATINGS,
} from '../domain/vocabulary.ts';

const text = (max: number) => z.string().max(max);
export const RiskRatingEnum = z.enum(RISK_RATINGS);
export const OutcomeEnum = z.enum(OUTCOMES);
export const ChangeStateEnum = z.enum(CHANGE_STATES);
export const ChangeTypeEnum = z.enum(CHANGE_TYPES);
export const ChangeOriginEnum = z.enum(CHANGE_ORIGINS);
export const RequiredFieldEnum = z.enum(REQUIRED_FIELDS);
export const ApprovalDecisionEnum = z.enum(APPROVAL_DECISIONS);
const RiskRating = RiskRatingEnum;
const Outcome = OutcomeEnum;
/** A supplier's name as the service catalogue holds it; lists match it whole, ignoring case. */
const SupplierName = z.string().trim().min(1, 'name the supplier, or send null for none').max(200);

const Link = z.strictObject({
  kind: z.enum(LINK_KINDS),
  ref: z.string().min(1).max(500),
  title: text(200).optional(),
  author: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Author of a commit or pull request; they cannot approve'),
});
const RollbackPlan = z.strictObject({
  method: z.string().min(1).max(2000),
  expectedMinutes: z.number().int().min(0).max(100_000),
  triggers: text(2000),
  backupConfirmed: z.boolean(),
});
const TestEvidence = z.strictObject({
  environment: z.string().min(1).max(100),
  results: z.string().min(1).max(10_000),
  artifactDigest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, 'an artifact digest looks like sha256:<64 hex digits>')
    .optional(),
  url: z.url().max(2000).optional(),
});
const SupplierAccessReview = z
  .strictObject({
    access: z
      .string()
      .trim()
      .min(1, 'say what the supplier can reach now and how that access is managed and monitored')
      .max(5_000),
    controlsStillApply: z.boolean().describe('The controls in place for this supplier still apply'),
    agreementsNeedUpdate: z
      .boolean()
      .describe('Risk treatments or the agreement with the supplier must be updated'),
  })
  .describe("Reassessment of the supplier's access after its change (ISO/IEC 27001:2022 A.5.21)");
export const WindowInput = z
  .strictObject({ start: Instant, end: Instant })
  .refine((w) => w.end > w.start, { message: 'the window must end after it starts', path: ['end'] });

/** The fields a requester writes. */
export const ContentInput = z.strictObject({
  title: z.string().trim().min(3, 'give the change a title of at least 3 characters').max(200),
  description: text(20_000),
  reason: text(5_000).describe('The business or security driver'),
  services: z.array(Name).max(100),
  dataImpact: text(5_000),
  supplierImpact: text(5_000),
  links: z.array(Link).max(100),
  riskAnswers: z.record(z.string().max(64), z.boolean()),
  securityImpact: text(5_000),
  implementationPlan: text(20_000),
  implementer: Name.nullable(),
  rollbackPlan: RollbackPlan.nullable(),
  testPlan: text(20_000),
  testEvidence: TestEvidence.nullable(),
  origin: ChangeOriginEnum.describe('Who set the change going; internal unless said otherwise'),
  supplier: SupplierName.nullable().describe('The supplier concerned, as named in the service catalogue'),
  supplierReference: z
    .string()
    .trim()
    .min(1, "give the supplier's reference or notice, or send null for none")
    .max(500)
    .nullable()
    .describe("The supplier's own reference or notice: an id or a URL"),
  customerCommunication: text(5_000).describe('How and when customers are told, or why they need not be'),
  supplierAccessReview: SupplierAccessReview.nullable(),
  ...RecordInput,
  emergencyCriterion: z
    .string()
    .max(64)
    .nullable()
    .describe("Emergencies: the id of the policy's emergency criterion that applies"),
  emergencyJustification: text(5_000).describe('Emergencies: why that criterion applies'),
  performed: WindowInput.nullable().describe(
    'Emergencies recorded after the work was done in a crisis: when it really started and ended',
  ),
});

export const CreateChangeBody = ContentInput.partial()
  .extend({
    title: ContentInput.shape.title,
    type: z.enum(REQUESTED_CHANGE_TYPES).default('normal'),
    template: z.string().max(64).optional().describe('Standard changes: the policy template to use'),
    window: WindowInput.optional().describe('Standard changes only: when it will be carried out'),
  })
  .strict();
export type CreateChangeBody = z.infer<typeof CreateChangeBody>;

export const EditChangeBody = ContentInput.partial().refine((b) => Object.keys(b).length > 0, {
  message: 'send at least one field to change',
});
export type EditChangeBody = z.infer<typeof EditChangeBody>;

export const DecisionBody = z.strictObject({
  group: z
    .string()
    .max(64)
    .optional()
    .describe('The approver group this decision counts for; defaults to the first open one you hold'),
  comment: text(5_000).default(''),
  reasoning: ApprovalReasoning.optional().describe(
    'The reasoning as fields; the policy may require some by rating (approvalReasoning)',
  ),
});
export const ScheduleBody = z.strictObject({
  window: WindowInput.optional().describe("Defaults to the change's proposed window"),
});
export const CompleteBody = z.strictObject({
  outcome: Outcome,
  notes: text(20_000).default(''),
  verification: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(200),
        passed: z.boolean(),
        detail: text(2_000).optional(),
      }),
    )
    .max(100)
    .default([]),
});
export const ReviewBody = z.strictObject({
  summary: z.string().min(1, 'summarise what happened').max(20_000),
  whatWentWell: text(20_000).optional(),
  whatWentWrong: text(20_000).optional(),
  followUps: z.array(z.string().min(1).max(2_000)).max(100).default([]),
  continuityPlanNeedsUpdate: z.boolean().default(false),
});
export const CancelBody = z.strictObject({
  reason: z.string().min(1, 'say why the change is cancelled').max(5_000),
});

export const ListChangesQuery = z.strictObject({
  state: z.union([ChangeStateEnum, z.array(ChangeStateEnum)]).optional(),
  type: ChangeTypeEnum.optional(),
  risk: RiskRating.optional(),
  service: Name.optional(),
  requester: z.string().max(64).optional(),
  origin: ChangeOriginEnum.optional(),
  supplier: SupplierName.optional().describe('The supplier, matched whole and ignoring case'),
  from: Instant.optional().describe('Created at or after'),
  to: Instant.optional().describe('Created before'),
  q: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      "Text in the title, description, supplier, supplier's reference or supplier impact; a whole change id (CHG-42) finds that change",
    ),
  overdue: z
    .enum(['true', 'false'])
    .optional()
    .describe('Emergency changes owing their record or review past the deadline'),
  order: z
    .enum(LIST_ORDERS)
    .default('newest')
    .describe(
      'Newest changes first (the default) or oldest first; a cursor pages on in the order it was issued for',
    ),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});
export type ListChangesQuery = z.infer<typeof ListChangesQuery>;

const Approval = z.object({
  approver: z.string(),
  group: z.string(),
  decision: ApprovalDecisionEnum,
  comment: z.string(),
  at: z.string(),
  revisionHash: z.string(),
  withdrawnAt: z.string().nullable(),
  reasoning: ApprovalReasoning.optional(),
});
const Requirement = z.object({
  group: z
    .string()
    .describe(
      'An approver group, or `person:<username>` for a named person (`unnamed:…` when the record names nobody yet)',
    ),
  count: z.number(),
  label: z
    .string()
    .optional()
    .describe('Who the named person is to this change, e.g. "business owner of payments"'),
});

export const ChangeView = z
  .object({
    id: z.string(),
    number: z.number(),
    type: ChangeTypeEnum,
    state: ChangeStateEnum,
    riskRating: RiskRating.nullable(),
    title: z.string(),
    description: z.string(),
    reason: z.string(),
    services: z.array(z.string()),
    dataImpact: z.string(),
    supplierImpact: z.string(),
    links: z.array(Link),
    riskAnswers: z.record(z.string(), z.boolean()),
    securityImpact: z.string(),
    implementationPlan: z.string(),
    implementer: z.string().nullable(),
    rollbackPlan: RollbackPlan.nullable(),
    testPlan: z.string(),
    testEvidence: TestEvidence.nullable(),
    proposedPolicy: z.string().nullable(),
    origin: ChangeOriginEnum,
    supplier: z.string().nullable(),
    supplierReference: z.string().nullable(),
    customerCommunication: z.string(),
    supplierAccessReview: SupplierAccessReview.nullable(),
    ...RecordView,
    emergencyCriterion: z.string().nullable(),
    emergencyJustification: z.string(),
    performed: z.object({ start: z.string(), end: z.string() }).nullable(),
    template: z.string().nullable(),
    requester: z.string(),
    lastEditor: z.string(),
    revision: z.number(),
    revisionHash: z.string(),
    assessment: z
      .object({
        rating: RiskRating,
        reasons: z.array(z.object({ rule: z.string(), rating: RiskRating, reason: z.string() })),
        requiredApprovals: z.array(Requirement),
        missing: z.array(z.string()),
        policyVersion: z.number(),
      })
      .nullable(),
    approvals: z.array(Approval),
    authors: z.array(z.string()).describe('Everyone who wrote a revision; none of them may approve'),
    approvalStatus: z
      .object({
        satisfied: z.boolean(),
        rating: RiskRating.nullable().describe('The rating the requirements are from, as assessed now'),
        requirements: z.array(Requirement.extend({ approvedBy: z.array(z.string()), remaining: z.number() })),
        approvals: z
          .array(
            z.object({
              approver: z.string(),
              group: z.string(),
              at: z.string(),
              counts: z.boolean(),
              reasons: z.array(z.object({ code: z.string(), message: z.string() })),
            }),
          )
          .describe('Each approval given and whether it still counts; when not, why'),
        rose: z
          .object({ from: RiskRating.nullable(), to: RiskRating, message: z.string() })
          .nullable()
          .describe('Set when the current catalogue and policy rate the change higher than recorded'),
      })
      .describe(
        'Until implementation starts: checked against the catalogue, policy and group memberships of now',
      ),
    awaitingApprovalSince: z.string().nullable().describe('When the change last went to its approvers'),
    pendingApproval: z
      .object({
        since: z.string(),
        dueAt: z.string().describe("since + the policy's deadlines.approvalSla"),
        late: z.boolean().describe('Past dueAt with approvals still owed'),
        owedBy: z.array(z.object({ group: z.string(), remaining: z.number() })),
      })
      .nullable()
      .describe('While awaiting approval: the groups that still owe approvals, and whether they are late'),
    window: z.object({ start: z.string(), end: z.string() }).nullable(),
    agreedWindow: z
      .object({ start: z.string(), end: z.string() })
      .nullable()
      .describe(
        'The window approvers agreed to; moving outside it (plus the tolerance) needs approval again',
      ),
    conflicts: z
      .array(Conflict)
      .describe(
        'Soft scheduling conflicts recorded when it was last scheduled (GET /calendar shows them live)',
      ),
    implementedBy: z.string().nullable(),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    outcome: Outcome.nullable(),
    outcomeNotes: z.string(),
    verification: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string().optional() })),
    review: z
      .object({
        summary: z.string(),
        whatWentWell: z.string().optional(),
        whatWentWrong: z.string().optional(),
        followUps: z.array(z.string()),
        continuityPlanNeedsUpdate: z.boolean(),
        reviewer: z.string(),
        at: z.string(),
      })
      .nullable(),
    reviewRequired: z.boolean(),
    authorizedAt: z.string().nullable(),
    recordDueAt: z.string().nullable(),
    recordCompletedAt: z.string().nullable(),
    reviewDueAt: z.string().nullable(),
    overdue: z.object({ record: z.boolean(), review: z.boolean() }),
    cancelReason: z.string().nullable(),
    deploymentNotes: z
      .array(DeploymentNoteView)
      .describe('Deployments the record must account for: unauthorized, failed, rolled back, forced'),
    breakGlass: z
      .object({ reason: z.string(), claimed: z.string().nullable(), by: z.string(), at: z.string() })
      .nullable()
      .describe('Set when a deployment forced past the gate raised this emergency change'),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'Change' });
export type ChangeView = z.infer<typeof ChangeView>;

export const ChangeSummary = ChangeView.pick({
  id: true,
  number: true,
  type: true,
  state: true,
  riskRating: true,
  title: true,
  services: true,
  origin: true,
  supplier: true,
  requester: true,
  implementer: true,
  window: true,
  overdue: true,
  createdAt: true,
  updatedAt: true,
})
  .extend({
    approvalLate: z
      .boolean()
      .describe(
        "Awaiting approval for longer than the policy's deadlines.approvalSla (the view says who owes it)",
      ),
  })
  .meta({ id: 'ChangeSummary' });
export type ChangeSummary = z.infer<typeof ChangeSummary>;

export const ChangeList = z.object({ items: z.array(ChangeSummary), nextCursor: z.string().nullable() });
export type ChangeList = z.infer<typeof ChangeList>;
