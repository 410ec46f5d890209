// The policy as the rest of the program sees it once the YAML file has been parsed and validated.
// Durations are whole minutes; ratings are ordered low < medium < high.

// The enumerations are the domain's (src/domain/vocabulary.ts); they are re-exported for the policy's readers.
import type {
  ApprovalReasonField,
  CalendarWindowKind,
  ChangeOrigin,
  ConflictKind,
  Enforcement,
  ChangeType,
  Outcome,
  PersonApprover,
  RequiredField,
  RiskRating,
} from '../domain/vocabulary.ts';

export {
  CHANGE_ORIGINS,
  OUTCOMES,
  PERSON_APPROVERS,
  REQUIRED_FIELDS,
  RISK_RATINGS,
  type ChangeOrigin,
  type ChangeType,
  type Outcome,
  type PersonApprover,
  type RequiredField,
  type RiskRating,
} from '../domain/vocabulary.ts';

/**
 * One line of an approval requirement: `count` distinct people from `group`. A named person's approval is
 * the group `person:<username>`, which only that user holds; `label` says who they are to the change.
 */
export interface ApprovalRequirement {
  group: string;
  count: number;
  label?: string;
}

/** An approval the policy asks of a named person, resolved per change (see `PERSON_APPROVERS`). */
export interface PersonApproval {
  person: PersonApprover;
}

/** What a policy list of approvals may hold: groups, and (for changes) named people. */
export type ApprovalRule = ApprovalRequirement | PersonApproval;

export interface RiskQuestion {
  id: string;
  text: string;
}

export interface RiskRule {
  id: string;
  /** CEL source, kept for display and for the error messages of `policy check`. */
  when: string;
  rating: RiskRating;
  reason: string;
  /** Approvals the change needs when the rule matches, on top of those its rating needs (e.g. business sign-off). */
  approvals?: ApprovalRule[];
}

export interface ChangeTemplate {
  id: string;
  title: string;
  description: string;
  /** Services the template may be used on; empty means any. */
  services: string[];
  maxRisk: RiskRating;
  /** Defaults copied into the new change. */
  defaults: {
    implementationPlan?: string;
    rollbackPlan?: { method: string; expectedMinutes: number; triggers: string; backupConfirmed: boolean };
    testPlan?: string;
  };
}

/**
 * A maintenance or freeze window as the policy file states it. Times are local wall-clock times
 * (`YYYY-MM-DDTHH:MM[:SS]`) in `timeZone`; a recurring window repeats `start` by the RRULE for `durationMinutes`.
 */
export interface CalendarWindowRule {
  id: string;
  kind: CalendarWindowKind;
  title: string;
  enforcement: Enforcement;
  /** Soft windows: the group one more approval must come from. */
  approvalGroup: string | null;
  /** Empty means every service / environment. */
  services: string[];
  environments: string[];
  /** IANA zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  start: string;
  /** One-off windows: local end time (or `durationMinutes`). */
  end: string | null;
  durationMinutes: number | null;
  /** RFC 5545 RRULE value, e.g. `FREQ=WEEKLY;BYDAY=SU`; null for a one-off window. */
  rrule: string | null;
  /** EXDATEs: local start times of occurrences that do not happen. */
  except: string[];
}

export interface CalendarPolicy {
  /** Default zone of the windows that name none. */
  timeZone: string;
  windows: CalendarWindowRule[];
  /** Per kind of scheduling conflict: soft (recorded and shown) or hard (scheduling refused). */
  conflicts: Record<ConflictKind, Enforcement>;
}

export interface Policy {
  version: 1;
  name: string;
  /** Approver groups people can be members of (technical, business, security, cab, duty_manager, …). */
  groups: { id: string; description: string }[];
  risk: {
    default: RiskRating;
    questions: RiskQuestion[];
    rules: RiskRule[];
  };
  /**
   * Fields required by risk rating, checked on submit and on every later edit; `byOrigin` adds fields for
   * changes of that origin (e.g. a supplier's notice and a review of its access), again by rating.
   */
  requirements: Record<RiskRating, RequiredField[]> & {
    byOrigin?: Partial<Record<ChangeOrigin, Record<RiskRating, RequiredField[]>>>;
  };
  /** Testing: the ratings whose test evidence must come from outside production, and the data classes
   * whose presence in an affected service requires confirming that no unmasked data was used for testing. */
  testing: {
    outsideProduction: RiskRating[];
    maskedDataClasses: string[];
  };
  /** Reasoning an approval must carry as fields, by rating: from every approver, and from the risk owner. */
  approvalReasoning: {
    any: Record<RiskRating, ApprovalReasonField[]>;
    riskOwner: Record<RiskRating, ApprovalReasonField[]>;
  };
  /** Approvals needed: normal changes and emergency authorizations by risk rating, and policy replacement. */
  approvals: {
    normal: Record<RiskRating, ApprovalRule[]>;
    emergency: Record<RiskRating, ApprovalRule[]>;
    policy: ApprovalRequirement[];
  };
  /** Reviews required before close: for these types, outcomes and ratings. */
  review: {
    types: ChangeType[];
    outcomes: Outcome[];
    ratings: RiskRating[];
    /**
     * Who may write the review of an emergency or unauthorized change: a member of one of these groups
     * (any group of the policy when empty) who neither requested nor implemented it.
     */
    reviewers: string[];
  };
  /** Implementation windows: how long one may be, and whether moving it after approval needs approval again. */
  windows: {
    maxLengthMinutes: number;
    /** Moving an approved change's window withdraws its approvals… */
    reapproveOnMove: boolean;
    /** …unless the new window lies within the agreed one widened by this many minutes on each side. */
    moveToleranceMinutes: number;
  };
  deadlines: {
    /** Emergency change: full record owed within this many minutes of its authorization. */
    emergencyRecordMinutes: number;
    /** Emergency change: post-implementation review owed within this many minutes of implementation start. */
    emergencyReviewMinutes: number;
    /** How long an approval may stay pending before it counts as late. */
    approvalSlaMinutes: number;
    /** Follow-ups a review opens are due this many minutes after it. */
    followUpMinutes: number;
  };
  /** Signed checkpoints: how often while entries arrive, and at least how often when idle. */
  ledger: {
    checkpointEveryMinutes: number;
    checkpointIdleMinutes: number;
  };
  templates: ChangeTemplate[];
  /** What qualifies a change as an emergency, and the least it needs before it starts. */
  emergency: {
    criteria: { id: string; description: string }[];
    /** Fields an emergency must have before it starts (the rest of its record is owed afterwards). */
    beforeStart: RequiredField[];
  };
  /** Maintenance and freeze windows, and how scheduling conflicts count (absent in policies built by hand: none). */
  calendar?: CalendarPolicy;
}
