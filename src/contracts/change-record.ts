// The parts of a change's record that say who owns what and how it was planned and tested (issue 14):
// named people, the proposed window, test results by kind, the "no test environment" exemption, the
// rollout strategy and the rollback's owner, tolerable outage and test. Shared by the request bodies,
// the change as returned and the ledger's event schemas.
import { z } from 'zod';
import { Digest, Instant, Name } from './common.ts';
import { APPROVAL_REASON_FIELDS, ROLLOUT_STRATEGIES, TEST_KINDS } from '../domain/vocabulary.ts';

const text = (max: number) => z.string().max(max);
const required = (message: string, max: number) => z.string().trim().min(1, message).max(max);

export const TestResult = z.strictObject({
  kind: z.enum(TEST_KINDS),
  passed: z.boolean(),
  summary: required('summarise what the test showed', 5_000),
  environment: required(
    'name where the test ran: an environment (dev, test, staging, prod) or a catalogued service',
    100,
  ),
  url: z.url().max(2000).optional(),
});

export const TestEnvironmentExemption = z
  .strictObject({
    reason: required('say why there is no test environment', 5_000),
    productionVerification: required(
      'describe the verification step in production that replaces testing; the exemption needs it',
      5_000,
    ),
  })
  .describe('No test environment exists: the production verification step that replaces testing');

const WindowShape = z.strictObject({ start: Instant, end: Instant });
export const ProposedWindow = WindowShape.refine((w) => w.end > w.start, {
  message: 'the window must end after it starts',
  path: ['end'],
});

/** The request fields, as `ContentInput` spreads them. */
export const RecordInput = {
  riskOwner: Name.nullable().describe('Accepts the risk of going ahead against the risk of holding back'),
  monitors: z.array(Name).max(50).describe('Who watch the services during and after the work'),
  rollbackDecider: Name.nullable().describe('Who decides on a rollback during the work'),
  proposedWindow: ProposedWindow.nullable().describe(
    'When the work is proposed to happen; scheduling without a window confirms it',
  ),
  testResults: z.array(TestResult).max(100),
  testEnvironmentExemption: TestEnvironmentExemption.nullable(),
  testDataMasked: z.boolean().nullable().describe('No unmasked personal data was used for testing'),
  rolloutStrategy: z.enum(ROLLOUT_STRATEGIES).nullable(),
  rollbackOwner: Name.nullable().describe('Who carries out the rollback'),
  maxOutageMinutes: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .nullable()
    .describe('The longest outage the services can bear while rolling back'),
  rollbackTested: z.boolean().nullable().describe('Whether the rollback itself was tested'),
  artifacts: z
    .array(Digest)
    .max(100)
    .describe('What the change ships, as sha256 digests: the artifacts the deployment gate lets through'),
};

const Window = z.object({ start: z.string(), end: z.string() });

/** The same fields as the change returns them. */
export const RecordView = {
  owner: z.string().describe('Answers for the change: the requester until reassigned'),
  riskOwner: z.string().nullable(),
  monitors: z.array(z.string()),
  rollbackDecider: z.string().nullable(),
  proposedWindow: Window.nullable(),
  testResults: z.array(TestResult),
  testEnvironmentExemption: TestEnvironmentExemption.nullable(),
  testDataMasked: z.boolean().nullable(),
  rolloutStrategy: z.enum(ROLLOUT_STRATEGIES).nullable(),
  rollbackOwner: z.string().nullable(),
  maxOutageMinutes: z.number().nullable(),
  rollbackTested: z.boolean().nullable(),
  artifacts: z.array(z.string()),
};

/** In the ledger: optional, since changes recorded before these fields carry none of them. */
export const RecordEventContent = {
  riskOwner: RecordView.riskOwner.optional(),
  monitors: RecordView.monitors.optional(),
  rollbackDecider: RecordView.rollbackDecider.optional(),
  proposedWindow: RecordView.proposedWindow.optional(),
  testResults: RecordView.testResults.optional(),
  testEnvironmentExemption: RecordView.testEnvironmentExemption.optional(),
  testDataMasked: RecordView.testDataMasked.optional(),
  rolloutStrategy: RecordView.rolloutStrategy.optional(),
  rollbackOwner: RecordView.rollbackOwner.optional(),
  maxOutageMinutes: RecordView.maxOutageMinutes.optional(),
  rollbackTested: RecordView.rollbackTested.optional(),
  artifacts: RecordView.artifacts.optional(),
};

/** Reasoning an approval carries as fields; the policy can require them by rating. */
export const ApprovalReasoning = z.strictObject({
  riskAcceptance: text(5_000)
    .optional()
    .describe('Why the risk of going ahead is accepted against the risk of holding back'),
  compensatingControls: text(5_000).optional().describe('Controls that offset the remaining risk'),
  successConfirmation: text(5_000).optional().describe('How success will be confirmed'),
});
export const APPROVAL_REASONS = APPROVAL_REASON_FIELDS;

export const ReassignOwnerBody = z.strictObject({
  owner: Name.describe('The new owner: an active user'),
});
