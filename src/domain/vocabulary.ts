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
] as const;
export type Scope = (typeof SCOPES)[number];

/** The databases a server runs on: embedded SQLite by default, PostgreSQL when configured. */
export const DATABASE_ENGINES = ['sqlite', 'postgres'] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

/** `degraded`: the API serves, but something after commit (a subscriber's delivery) is stuck. */
export const HEALTH_STATUSES = ['ok', 'degraded'] as const;

/**
 * What a tracked follow-up is for: an action from a review, the removal of a temporary measure an emergency
 * put in place, an update of the continuity plan, an update of documentation. The last two are closed only
 * with a reference to the updated plan's or document's revision.
 */
export const FOLLOW_UP_KINDS = ['action', 'temporary_measure', 'continuity_plan', 'documentation'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export const FOLLOW_UP_STATUSES = ['open', 'done', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
