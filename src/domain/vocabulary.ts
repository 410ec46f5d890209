// Every closed list of values the program knows, each declared once as a const tuple with its type. The
// domain's records, the API contracts (zod enums), the policy schema and the CLI's choices all take them
// from here, so adding a value is one edit. Where order matters it is said.

/** Risk ratings, in rising order: comparisons use the index. */
export const RISK_RATINGS = ['low', 'medium', 'high'] as const;
export type RiskRating = (typeof RISK_RATINGS)[number];

export const CHANGE_TYPES = ['standard', 'normal', 'emergency', 'unauthorized'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
/** The types a requester may raise; an unauthorized change is recorded as found, never requested. */
export const REQUESTED_CHANGE_TYPES = ['standard', 'normal', 'emergency'] as const satisfies ChangeType[];
export type RequestedChangeType = (typeof REQUESTED_CHANGE_TYPES)[number];

/** The orders a change list can be read in: both walk the same indexes, so either stays fast at any depth. */
export const LIST_ORDERS = ['newest', 'oldest'] as const;

/** Who set a change going; supplier-initiated changes are governed like any other (ISO/IEC 27001 A.5.21–5.22). */
export const CHANGE_ORIGINS = ['internal', 'supplier', 'customer', 'automation'] as const;
export type ChangeOrigin = (typeof CHANGE_ORIGINS)[number];

export const CHANGE_STATES = [
  'draft',
  'awaiting_approval',
  'approved',
  'scheduled',
  'implementing',
  'review',
  'closed',
  'rejected',
  'cancelled',
] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];

export const OUTCOMES = [
  'successful',
  'successful_with_issues',
  'failed',
  'rolled_back',
  'cancelled',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const LINK_KINDS = [
  'pull_request',
  'commit',
  'ticket',
  'vulnerability',
  'incident',
  'risk',
  'document',
] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const APPROVAL_DECISIONS = ['approved', 'rejected'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** Fields a change must carry before it may leave draft (or, for emergencies, before its record is complete). */
export const REQUIRED_FIELDS = [
  'description',
  'reason',
  'services',
  'implementationPlan',
  'rollbackPlan',
  'backupConfirmed',
  'testPlan',
  'testEvidence',
  'securityImpact',
  'supplier',
  'supplierReference',
  'supplierImpact',
  'customerCommunication',
  'supplierAccessReview',
  // Every other content field can be required too (issue 14); title is always required, origin always set.
  'dataImpact',
  'links',
  'riskAnswers',
  'implementer',
  'riskOwner',
  'monitors',
  'rollbackDecider',
  'proposedWindow',
  'functionalTests',
  'securityTests',
  'performanceTests',
  'rollbackTests',
  'testDataMasked',
  'rolloutStrategy',
  'rollbackOwner',
  'maxOutage',
  'rollbackTested',
  // The artifacts (sha256 digests) the change ships: what the deployment gate lets through (issue 15).
  'artifacts',
] as const;
export type RequiredField = (typeof REQUIRED_FIELDS)[number];

/** Kinds of test result a change records; the policy can require a passing one of each kind per rating. */
/**
 * Named people a policy can require an approval from, resolved per change: the business or technical owner
 * of each affected service in the catalogue, or the change's own risk owner.
 */
export const PERSON_APPROVERS = ['businessOwner', 'technicalOwner', 'riskOwner'] as const;
export type PersonApprover = (typeof PERSON_APPROVERS)[number];

export const TEST_KINDS = ['functional', 'security', 'performance', 'rollback'] as const;
export type TestKind = (typeof TEST_KINDS)[number];

/** How the change reaches its users. */
export const ROLLOUT_STRATEGIES = ['all_at_once', 'phased', 'canary', 'blue_green'] as const;
export type RolloutStrategy = (typeof ROLLOUT_STRATEGIES)[number];

/** The reasoning an approval can carry as fields, beside its comment. */
export const APPROVAL_REASON_FIELDS = [
  'riskAcceptance',
  'compensatingControls',
  'successConfirmation',
] as const;
export type ApprovalReasonField = (typeof APPROVAL_REASON_FIELDS)[number];

export const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Business criticality of a service, in rising order. */
export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

/** Who acts: people and bots have accounts; `system` is the server itself. */
export const ACTOR_KINDS = ['human', 'bot', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];
export const USER_KINDS = ['human', 'bot'] as const satisfies ActorKind[];
export type UserKind = (typeof USER_KINDS)[number];

export const ROLES = [
  'admin',
  'change_manager',
  'requester',
  'implementer',
  'approver',
  'auditor',
  'viewer',
  /** CI bots and connectors: ask the deployment gate and record deployments, nothing else. */
  'deployer',
] as const;
export type Role = (typeof ROLES)[number];

/** What an API token may do; a signed-in session is not limited by scopes. */
export const SCOPES = [
  'changes:read',
  'changes:write',
  'changes:approve',
  'services:read',
  'services:write',
  'users:read',
  'users:admin',
  'policy:read',
  'policy:write',
  /** CI and connectors: ask the deployment gate, break glass, record deployments; nothing else. */
  'gate',
] as const;
export type Scope = (typeof SCOPES)[number];

/** The databases a server runs on: embedded SQLite by default, PostgreSQL when configured. */
export const DATABASE_ENGINES = ['sqlite', 'postgres'] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

/** `degraded`: the API serves, but something after commit (a subscriber's delivery) is stuck. */
export const HEALTH_STATUSES = ['ok', 'degraded'] as const;

/**
 * How the Kubernetes admission webhook answers what the gate denies: `enforce` refuses the object, `warn`
 * admits it with the reasons as warnings (to roll the gate out before it blocks anything).
 */
export const ADMISSION_MODES = ['warn', 'enforce'] as const;
export type AdmissionMode = (typeof ADMISSION_MODES)[number];

/**
 * What a tracked follow-up is for: an action from a review, the removal of a temporary measure an emergency
 * put in place, an update of the continuity plan, an update of documentation. The last two are closed only
 * with a reference to the updated plan's or document's revision.
 */
export const FOLLOW_UP_KINDS = ['action', 'temporary_measure', 'continuity_plan', 'documentation'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export const FOLLOW_UP_STATUSES = ['open', 'done', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** Policy calendar windows: when changes may be deployed (maintenance) and when they may not (freeze). */
export const CALENDAR_WINDOW_KINDS = ['maintenance', 'freeze'] as const;
export type CalendarWindowKind = (typeof CALENDAR_WINDOW_KINDS)[number];

/** hard: refused outright; soft: allowed, recorded, and (for windows) one more approval from a named group. */
export const ENFORCEMENTS = ['hard', 'soft'] as const;
export type Enforcement = (typeof ENFORCEMENTS)[number];

/**
 * What a scheduled window can clash with: another change on the same service, on a service it depends on
 * or that depends on it, a freeze, or another change of the same implementer.
 */
export const CONFLICT_KINDS = ['service', 'dependency', 'freeze', 'implementer'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];
/** What the deployment gate answers. */
export const GATE_DECISIONS = ['allow', 'deny'] as const;
export type GateVerdict = (typeof GATE_DECISIONS)[number];

/** Who asked the gate: our API and CLI, or the connector that saw the deployment. */
export const GATE_SOURCES = ['api', 'github', 'gitlab', 'kubernetes'] as const;
export type GateSource = (typeof GATE_SOURCES)[number];

/**
 * Why the gate denies; every one that applies is given, not only the first. `gate_error`: the gate could not
 * decide (database, policy, timeout) and fails closed.
 */
export const GATE_REASONS = [
  'change_not_found',
  'not_approved',
  'approvals_withdrawn',
  'approver_lost_group',
  'approvals_insufficient',
  'change_closed',
  'outside_change_window',
  'freeze_hard',
  'freeze_soft',
  'outside_maintenance_window',
  'artifact_not_approved',
  'service_not_in_change',
  'environment_not_in_change',
  'emergency_authorization_expired',
  'emergency_record_overdue',
  'gate_error',
] as const;
export type GateReasonCode = (typeof GATE_REASONS)[number];

/** How a deployment ended. */
export const DEPLOYMENT_RESULTS = ['succeeded', 'failed', 'rolled_back'] as const;
export type DeploymentResult = (typeof DEPLOYMENT_RESULTS)[number];

/** What a change's record notes about deployments beyond its own plan: each one is owed an account. */
export const DEPLOYMENT_NOTES = ['unauthorized', 'failed', 'rolled_back', 'break_glass'] as const;
export type DeploymentNoteKind = (typeof DEPLOYMENT_NOTES)[number];
