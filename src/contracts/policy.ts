import { z } from 'zod';

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
