import { z } from 'zod';
import { ChangeOriginEnum, RequiredFieldEnum, RiskRatingEnum } from './changes.ts';

export const PolicyVersionView = z
  .object({
    version: z.number(),
    name: z.string(),
    sha256: z.string(),
    activatedAt: z.string(),
    activatedBy: z.string(),
    changeId: z.string().nullable(),
    source: z.string(),
  })
  .meta({ id: 'PolicyVersion' });
export const PolicyHistory = z.object({ items: z.array(PolicyVersionView.omit({ source: true })) });
export const ProposePolicyBody = z.strictObject({
  source: z.string().min(1).max(1_000_000).describe('The complete changeproof.policy.yaml text'),
  title: z.string().min(3).max(200).optional(),
  reason: z.string().max(5_000).default(''),
});
export const CheckPolicyResponse = z.object({
  ok: z.boolean(),
  sha256: z.string().nullable(),
  errors: z.array(z.object({ path: z.string(), line: z.number(), column: z.number(), message: z.string() })),
});

/** Fields required at each rating (an object rather than a record, so OpenAPI names each rating). */
const ByRating = z.object({
  low: z.array(RequiredFieldEnum),
  medium: z.array(RequiredFieldEnum),
  high: z.array(RequiredFieldEnum),
});

/** What the raise-a-change form reads of the active policy: its questions, templates, requirements, emergency rules. */
export const PolicyForRaising = z
  .object({
    questions: z
      .array(z.object({ id: z.string(), text: z.string() }))
      .describe('Risk questions answered yes or no (`riskAnswers.<id>`)'),
    templates: z
      .array(
        z.object({
          id: z.string(),
          title: z.string(),
          description: z.string(),
          services: z.array(z.string()).describe('Services it may be used on; empty means any'),
          maxRisk: RiskRatingEnum.describe('Rated above this, the change must go through as a normal one'),
          defaults: z.object({
            implementationPlan: z.string().optional(),
            rollbackPlan: z
              .object({
                method: z.string(),
                expectedMinutes: z.number(),
                triggers: z.string(),
                backupConfirmed: z.boolean(),
              })
              .optional(),
            testPlan: z.string().optional(),
          }),
        }),
      )
      .describe('Standard changes: the pre-approved templates'),
    requirements: ByRating.describe('Fields a change must fill before it leaves draft, by rating'),
    requirementsByOrigin: z
      .partialRecord(ChangeOriginEnum, ByRating)
      .describe('Fields added for changes of an origin, by rating'),
    emergency: z.object({
      criteria: z.array(z.object({ id: z.string(), description: z.string() })),
      beforeStart: z.array(RequiredFieldEnum).describe('The least an emergency needs before it starts'),
      recordDueMinutes: z
        .number()
        .int()
        .describe('The full record is owed this long after authorization (or after `performed.start`)'),
      reviewDueMinutes: z
        .number()
        .int()
        .describe('The review is owed this long after implementation starts (or after `performed.start`)'),
    }),
  })
  .meta({ id: 'PolicyForRaising' });
export type PolicyForRaising = z.infer<typeof PolicyForRaising>;

export const ActivePolicyView = PolicyVersionView.extend({
  raising: PolicyForRaising.describe('What raising a change under this policy asks, for forms'),
}).meta({ id: 'ActivePolicy' });
