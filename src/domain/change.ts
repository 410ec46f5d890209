// The change record: what the projection stores and what the lifecycle decides over.
// Times are ISO 8601 strings in UTC with milliseconds, so they sort as text on every engine.
import type { ApprovalRequirement } from '../policy/types.ts';
import type { DeploymentNote } from './events.ts';
import type {
  ApprovalDecision,
  ApprovalReasonField,
  ChangeOrigin,
  ChangeState,
  ChangeType,
  LinkKind,
  Outcome,
  RequiredField,
  RiskRating,
  RolloutStrategy,
  TestKind,
} from './vocabulary.ts';

export {
  CHANGE_ORIGINS,
  CHANGE_STATES,
  type ChangeOrigin,
  type ChangeState,
  type LinkKind,
} from './vocabulary.ts';

export interface ChangeLink {
  kind: LinkKind;
  /** URL, SHA or identifier. */
  ref: string;
  title?: string;
  /** For commits and pull requests: the author's username or e-mail, so they cannot approve. */
  author?: string;
}

export interface RollbackPlan {
  method: string;
  expectedMinutes: number;
  triggers: string;
  backupConfirmed: boolean;
}

export interface TestEvidence {
  environment: string;
  results: string;
  artifactDigest?: string;
  url?: string;
}

/** One test run of a kind, and where it ran (a named environment or a catalogued service). */
export interface TestResult {
  kind: TestKind;
  passed: boolean;
  summary: string;
  environment: string;
  url?: string;
}

/** No test environment exists: the step in production that verifies the change instead. */
export interface TestEnvironmentExemption {
  reason: string;
  productionVerification: string;
}

export interface VerificationCheck {
  name: string;
  passed: boolean;
  detail?: string;
}

export interface Review {
  summary: string;
  whatWentWell?: string;
  whatWentWrong?: string;
  followUps: string[];
  continuityPlanNeedsUpdate: boolean;
  reviewer: string;
  at: string;
}

/**
 * ISO/IEC 27001:2022 A.5.21: a change in a supplier's service triggers a reassessment of what the supplier
 * now has access to and how that access is managed, whether the controls in place still apply, and whether
 * risk treatments or agreements need updating.
 */
export interface SupplierAccessReview {
  /** What the supplier can reach after the change, and how that access is managed, monitored and secured. */
  access: string;
  controlsStillApply: boolean;
  /** Risk treatments or the agreement with the supplier must be updated. */
  agreementsNeedUpdate: boolean;
}

/** The fields a requester writes; their canonical hash is the revision that approvals bind to. */
export interface ChangeContent {
  title: string;
  description: string;
  reason: string;
  services: string[];
  dataImpact: string;
  supplierImpact: string;
  links: ChangeLink[];
  riskAnswers: Record<string, boolean>;
  securityImpact: string;
  implementationPlan: string;
  implementer: string | null;
  rollbackPlan: RollbackPlan | null;
  testPlan: string;
  testEvidence: TestEvidence | null;
  /** For a change that replaces the active policy: the proposed YAML. */
  proposedPolicy: string | null;
  origin: ChangeOrigin;
  /** The supplier concerned, named as in the service catalogue; any origin may name one. */
  supplier: string | null;
  /** The supplier's own reference or notice: an id or a URL. */
  supplierReference: string | null;
  /** How and when customers are told, or why they need not be. */
  customerCommunication: string;
  supplierAccessReview: SupplierAccessReview | null;
  /** Accepts the risk of going ahead against the risk of holding back. */
  riskOwner: string | null;
  /** Who watch the services during and after the work. */
  monitors: string[];
  /** Who decides, during the work, to roll back. */
  rollbackDecider: string | null;
  /** When the requester proposes to do the work; scheduling after approval confirms it. */
  proposedWindow: Window | null;
  testResults: TestResult[];
  testEnvironmentExemption: TestEnvironmentExemption | null;
  /** Confirms that no unmasked personal data was used for testing. */
  testDataMasked: boolean | null;
  rolloutStrategy: RolloutStrategy | null;
  /** Who carries out the rollback. */
  rollbackOwner: string | null;
  /** The longest outage the services can bear while rolling back, in minutes. */
  maxOutageMinutes: number | null;
  /** Whether the rollback itself was tested. */
  rollbackTested: boolean | null;
  /** Emergencies: which of the policy's emergency criteria applies… */
  emergencyCriterion: string | null;
  /** …and why. */
  emergencyJustification: string;
  /** An emergency recorded after the work was done in a crisis: when it really started and ended. */
  performed: Window | null;
  /**
   * What the change ships, as `sha256:<64 hex>` digests (images, packages, bundles): bound by the revision
   * hash, so approvals cover them; with `testEvidence.artifactDigest`, the artifacts the deployment gate lets
   * through.
   */
  artifacts: string[];
}

export interface RiskReason {
  rule: string;
  rating: RiskRating;
  reason: string;
}

export interface Assessment {
  rating: RiskRating;
  reasons: RiskReason[];
  requiredApprovals: ApprovalRequirement[];
  /** Required fields that are still empty. */
  missing: RequiredField[];
  policyVersion: number;
}

export interface Approval {
  approver: string;
  group: string;
  decision: ApprovalDecision;
  comment: string;
  at: string;
  revisionHash: string;
  /** Set when an edit withdrew it. */
  withdrawnAt: string | null;
  /** The reasoning as fields (risk acceptance, compensating controls, how success is confirmed), when given. */
  reasoning?: ApprovalReasoning;
}

export type ApprovalReasoning = Partial<Record<ApprovalReasonField, string>>;

import type { Conflict } from './conflicts.ts';

export interface Window {
  start: string;
  end: string;
}

export interface Change extends ChangeContent {
  id: string;
  number: number;
  type: ChangeType;
  state: ChangeState;
  template: string | null;
  requester: string;
  /** Answers for the change; the requester until reassigned. */
  owner: string;
  lastEditor: string;
  /** Everyone who wrote content into any revision (the requester included): none of them may approve. */
  authors: string[];
  revision: number;
  revisionHash: string;
  assessment: Assessment | null;
  approvals: Approval[];
  window: Window | null;
  /**
   * The window the approvers agreed to: the one the change had when approved, else the first one it was
   * scheduled into afterwards. Moving beyond it (plus the policy's tolerance) needs approval again.
   */
  agreedWindow: Window | null;
  /** The soft scheduling conflicts recorded when it was last scheduled; absent until a schedule has any. */
  conflicts?: Conflict[];
  /**
   * When the change last went to its approvers (submitted, or sent back by an edit or a lapse): pending
   * approvals are late once older than the policy's `deadlines.approvalSla`. Absent before it was kept.
   */
  awaitingApprovalSince?: string | null;
  implementedBy: string | null;
  startedAt: string | null;
  completedAt: string | null;
  outcome: Outcome | null;
  outcomeNotes: string;
  verification: VerificationCheck[];
  review: Review | null;
  /** Emergency changes: when authorized, and the deadlines that follow. */
  authorizedAt: string | null;
  recordDueAt: string | null;
  recordCompletedAt: string | null;
  reviewDueAt: string | null;
  cancelReason: string | null;
  /** Deployments the record must account for (unauthorized, failed, rolled back, forced); absent when none. */
  deploymentNotes?: DeploymentNote[];
  /** Raised by a deployment forced past the gate: why, which change it claimed, who, when. */
  breakGlass?: { reason: string; claimed: string | null; by: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export function emptyContent(): ChangeContent {
  return {
    title: '',
    description: '',
    reason: '',
    services: [],
    dataImpact: '',
    supplierImpact: '',
    links: [],
    riskAnswers: {},
    securityImpact: '',
    implementationPlan: '',
    implementer: null,
    rollbackPlan: null,
    testPlan: '',
    testEvidence: null,
    proposedPolicy: null,
    ...LATER_CONTENT,
  };
}

/** The change's owner; records projected before owners were kept know only the requester. */
export function ownerOf(change: Change): string {
  return change.owner ?? change.requester;
}

/** Authors of a change; records projected before authors were kept know only the requester and last editor. */
export function authorsOf(change: Change): string[] {
  return change.authors ?? [...new Set([change.requester, change.lastEditor])];
}

/**
 * Content fields added after changes were first recorded, at their defaults. A revision hash leaves them out
 * while they hold these values, so changes recorded before them keep their hash (and their approvals).
 */
export const LATER_CONTENT: Pick<
  ChangeContent,
  | 'origin'
  | 'supplier'
  | 'supplierReference'
  | 'customerCommunication'
  | 'supplierAccessReview'
  | 'riskOwner'
  | 'monitors'
  | 'rollbackDecider'
  | 'proposedWindow'
  | 'testResults'
  | 'testEnvironmentExemption'
  | 'testDataMasked'
  | 'rolloutStrategy'
  | 'rollbackOwner'
  | 'maxOutageMinutes'
  | 'rollbackTested'
  | 'emergencyCriterion'
  | 'emergencyJustification'
  | 'performed'
  | 'artifacts'
> = {
  origin: 'internal',
  supplier: null,
  supplierReference: null,
  customerCommunication: '',
  supplierAccessReview: null,
  riskOwner: null,
  monitors: [],
  rollbackDecider: null,
  proposedWindow: null,
  testResults: [],
  testEnvironmentExemption: null,
  testDataMasked: null,
  rolloutStrategy: null,
  rollbackOwner: null,
  maxOutageMinutes: null,
  rollbackTested: null,
  emergencyCriterion: null,
  emergencyJustification: '',
  performed: null,
  artifacts: [],
};

export const CONTENT_KEYS = Object.keys(emptyContent()) as (keyof ChangeContent)[];

export function contentOf(change: ChangeContent): ChangeContent {
  const out = emptyContent();
  // A record projected before a field existed has none: it reads as the field's default.
  for (const key of CONTENT_KEYS)
    if (change[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = change[key];
  return out;
}
