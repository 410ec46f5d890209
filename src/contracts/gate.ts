// The deployment gate and deployments as the API takes and shows them.
import { z } from 'zod';
import {
  DEPLOYMENT_NOTES,
  DEPLOYMENT_RESULTS,
  GATE_DECISIONS,
  GATE_REASONS,
  GATE_SOURCES,
} from '../domain/vocabulary.ts';
import { Digest } from './common.ts';

const ChangeId = z.string().regex(/^CHG-[1-9][0-9]{0,14}$/, 'a change id looks like CHG-42');
const Label = (what: string) => z.string().trim().min(1, `name the ${what}`).max(200);
const PipelineUrl = z.url().max(2_000).describe('Where the deployment runs: a pipeline or workflow run');

export const GateReasonView = z.object({
  code: z.string().describe(`One of: ${GATE_REASONS.join(', ')}`),
  message: z.string(),
});
export const DeploymentResultEnum = z.enum(DEPLOYMENT_RESULTS);

export const DeploymentNoteView = z.object({
  kind: z.enum(DEPLOYMENT_NOTES),
  ref: z.string().describe('The deployment (DEP-n), or for a break-glass the emergency change raised'),
  service: z.string(),
  environment: z.string(),
  detail: z.string(),
});

const Artifacts = {
  artifact: Digest.optional().describe('The artifact about to run (or give artifacts)'),
  artifacts: z.array(Digest).min(1).max(100).optional().describe('Every artifact about to run'),
};
const oneArtifactForm = (b: { artifact?: string | undefined; artifacts?: string[] | undefined }) =>
  (b.artifact === undefined) !== (b.artifacts === undefined);
const artifactMessage = {
  message: 'give the artifact (artifact: sha256:…) or the list of them (artifacts), one of the two',
  path: ['artifact'],
};

export const GateBody = z
  .strictObject({
    change: ChangeId,
    service: Label('service'),
    environment: Label('environment'),
    ...Artifacts,
    dryRun: z.boolean().default(false).describe('Answered the same way, recorded nowhere'),
    pipelineUrl: PipelineUrl.optional(),
  })
  .refine(oneArtifactForm, artifactMessage);
export type GateBody = z.output<typeof GateBody>;

export const BreakGlassBody = z
  .strictObject({
    change: ChangeId.optional().describe('The change the deployment claims, if any'),
    service: Label('service'),
    environment: Label('environment'),
    ...Artifacts,
    reason: z.string().trim().min(10, 'say why the gate is bypassed (at least 10 characters)').max(5_000),
    pipelineUrl: PipelineUrl.optional(),
  })
  .refine(oneArtifactForm, artifactMessage);
export type BreakGlassBody = z.output<typeof BreakGlassBody>;

export const GateDecisionView = z
  .object({
    id: z
      .string()
      .nullable()
      .describe('The recorded decision, to name when the deployment starts; null for a dry run'),
    decision: z.enum(GATE_DECISIONS),
    reasons: z.array(GateReasonView).describe('Every reason to deny, not only the first; empty when allowed'),
    change: z.string(),
    service: z.string(),
    environment: z.string(),
    artifacts: z.array(z.string()),
    dryRun: z.boolean(),
    source: z.enum(GATE_SOURCES),
    at: z.string(),
    breakGlass: z
      .object({ reason: z.string(), claimed: z.string().nullable() })
      .nullable()
      .optional()
      .describe('Set when the deployment was forced past the gate'),
  })
  .meta({ id: 'GateDecision' });

/** GET /changes/{id}/gate-decisions: a change's recorded decisions, newest first. */
export const ListGateDecisionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(200)
    .regex(/^[0-9T:.Z-]+,[0-9a-f-]+$/, 'the cursor is not one this server issued; start again without it')
    .optional(),
});
export type ListGateDecisionsQuery = z.infer<typeof ListGateDecisionsQuery>;
export const GateDecisionList = z.object({
  items: z.array(GateDecisionView),
  nextCursor: z.string().nullable().describe('Pass as cursor for the older decisions; null on the last page'),
});
export type GateDecisionList = z.infer<typeof GateDecisionList>;

export const BreakGlassView = z.object({
  change: z.string().describe('The emergency change raised, which owes its record and review'),
  claimed: z.string().nullable(),
  decision: GateDecisionView,
});

export const StartDeploymentBody = z.strictObject({
  decision: z.string().min(1).max(100).optional().describe('The allowing gate decision it runs under'),
  change: ChangeId.optional().describe('The change it belongs to; taken from the decision when omitted'),
  service: Label('service'),
  environment: Label('environment'),
  artifact: Digest,
  pipelineUrl: PipelineUrl.optional(),
});
export type StartDeploymentBody = z.output<typeof StartDeploymentBody>;

export const FinishDeploymentBody = z.strictObject({
  result: DeploymentResultEnum,
  notes: z.string().max(5_000).default(''),
});

export const DeploymentView = z
  .object({
    id: z.string(),
    number: z.number(),
    change: z.string().nullable(),
    decision: z.string().nullable(),
    service: z.string(),
    environment: z.string(),
    artifact: z.string(),
    pipelineUrl: z.string().nullable(),
    actor: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    result: DeploymentResultEnum.nullable(),
    notes: z.string(),
    unauthorized: z.string().nullable().describe('Why no allowing decision covers it; null when one does'),
  })
  .meta({ id: 'Deployment' });
export type DeploymentView = z.infer<typeof DeploymentView>;

export const DeploymentList = z.object({ items: z.array(DeploymentView), nextCursor: z.string().nullable() });
export type DeploymentList = z.infer<typeof DeploymentList>;

export const ListDeploymentsQuery = z.strictObject({
  change: ChangeId.optional(),
  unauthorized: z.enum(['true', 'false']).optional().describe('Only those no allowing decision covers'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^[0-9]{1,15}$/, 'the cursor is not one this server issued; start again without it')
    .optional(),
});
export type ListDeploymentsQuery = z.infer<typeof ListDeploymentsQuery>;

export const DeploymentIdParam = z.object({
  id: z.string().regex(/^DEP-[1-9][0-9]{0,14}$/, 'a deployment id looks like DEP-7'),
});

/** The ledger's gate and deployment events, for the event contract. */
export const GATE_EVENT_DATA = {
  'gate.decided': z.object({
    decision: z.enum(GATE_DECISIONS),
    reasons: z.array(GateReasonView),
    service: z.string(),
    environment: z.string(),
    artifacts: z.array(z.string()),
    source: z.enum(GATE_SOURCES),
    pipelineUrl: z.string().nullable(),
    breakGlass: z.object({ reason: z.string(), claimed: z.string().nullable() }).nullable(),
  }),
  'deployment.started': z.object({
    number: z.number(),
    change: z.string().nullable(),
    decision: z.string().nullable(),
    service: z.string(),
    environment: z.string(),
    artifact: z.string(),
    pipelineUrl: z.string().nullable(),
    unauthorized: z.string().nullable(),
  }),
  'deployment.finished': z.object({ result: DeploymentResultEnum, notes: z.string() }),
  'change.deployment_noted': DeploymentNoteView,
  'change.break_glass': z.object({
    reason: z.string(),
    claimed: z.string().nullable(),
    recordDueAt: z.string(),
    reviewDueAt: z.string(),
  }),
} as const;
