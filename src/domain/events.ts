// The closed, versioned union of everything that can happen. Each event is stored once in the ledger as
// RFC 8785 JSON and applied to the projection by the pure `evolve` functions; adding a field means a new
// version of the event, never a rewrite of old ones.
import type { Approval, Assessment, ChangeContent, Review, VerificationCheck, Window } from './change.ts';
import type { ActorKind, Role } from './actor.ts';
import type { FollowUpEvent } from './follow-up-events.ts';
import type { CalendarEvent } from './calendar-events.ts';
import type { Conflict } from './conflicts.ts';
import type { GateEvent } from './gate-events.ts';
import type { ServiceAttributes } from './service.ts';
import type { ApprovalRequirement } from '../policy/types.ts';
import type { ChangeType, DeploymentNoteKind, Outcome, RiskRating, UserKind } from './vocabulary.ts';

export interface Refusal {
  code: string;
  message: string;
  /** A window the refusal offers instead (`next_free_slot`), so a client need not read it from the text. */
  slot?: { start: string; end: string };
}

/** An approval that stopped counting, and why (group no longer held, approver now in conflict…). */
export interface LapsedApproval {
  approver: string;
  group: string;
  code: string;
  message: string;
}

export type ChangeEvent =
  | {
      type: 'change.created';
      data: {
        number: number;
        changeType: ChangeType;
        template: string | null;
        content: ChangeContent;
        revisionHash: string;
        /** Standard changes are pre-approved: they are created already assessed and scheduled. */
        assessment: Assessment | null;
        window: Window | null;
        /** Standard changes raised into a window: the soft conflicts it was raised despite (absent when none). */
        conflicts?: Conflict[];
      };
    }
  | {
      type: 'change.edited';
      data: {
        fields: Partial<ChangeContent>;
        revision: number;
        revisionHash: string;
        assessment: Assessment | null;
      };
    }
  | { type: 'change.approvals_withdrawn'; data: { reason: string; withdrawn: number; revisionHash: string } }
  | { type: 'change.submitted'; data: { assessment: Assessment; revisionHash: string } }
  | {
      /** The assessment recomputed from the catalogue and policy of the moment differs from the recorded one. */
      type: 'change.reassessed';
      data: {
        assessment: Assessment;
        previous: { rating: RiskRating | null; requiredApprovals: ApprovalRequirement[] };
      };
    }
  | {
      /** The approvals no longer suffice (checked at start): the change goes back for approval. */
      type: 'change.approvals_lapsed';
      data: { reason: string; lapsed: LapsedApproval[]; requiredApprovals: ApprovalRequirement[] };
    }
  | { type: 'change.approval_granted'; data: Omit<Approval, 'withdrawnAt' | 'decision' | 'at'> }
  | {
      type: 'change.approved';
      data: { quorum: ApprovalRequirement[]; approvers: string[]; recordDueAt: string | null };
    }
  | { type: 'change.rejected'; data: Omit<Approval, 'withdrawnAt' | 'decision' | 'at'> }
  /** `conflicts`: the soft clashes the scheduler went ahead despite (absent when none). */
  | { type: 'change.scheduled'; data: { window: Window; conflicts?: Conflict[] } }
  /** The owner hands the change to someone else (or a change manager does). */
  | { type: 'change.owner_reassigned'; data: { owner: string; previous: string } }
  | { type: 'change.started'; data: { implementer: string; reviewDueAt: string | null } }
  | { type: 'change.record_completed'; data: Record<string, never> }
  | {
      type: 'change.completed';
      data: { outcome: Outcome; notes: string; verification: VerificationCheck[] };
    }
  | { type: 'change.reviewed'; data: { review: Omit<Review, 'at' | 'reviewer'> } }
  | { type: 'change.closed'; data: Record<string, never> }
  | { type: 'change.cancelled'; data: { reason: string } }
  | { type: 'change.command_refused'; data: { command: string; reasons: Refusal[] } }
  /** A deployment under this change that its record must account for: unauthorized, failed, rolled back, forced. */
  | { type: 'change.deployment_noted'; data: DeploymentNote }
  /**
   * A deployment forced past the gate raised this emergency change: it is under way from now, unauthorized,
   * and owes its record and review by the policy's emergency deadlines.
   */
  | {
      type: 'change.break_glass';
      data: { reason: string; claimed: string | null; recordDueAt: string; reviewDueAt: string };
    };

export interface DeploymentNote {
  kind: DeploymentNoteKind;
  /** The deployment (`DEP-n`), or for a break-glass the emergency change raised (`CHG-n`). */
  ref: string;
  service: string;
  environment: string;
  detail: string;
}

export type ServiceEvent =
  // `team` came later: services registered before it have none in their event.
  | {
      type: 'service.registered';
      data: { name: string; attributes: Omit<ServiceAttributes, 'team'> & { team?: string } };
    }
  | { type: 'service.updated'; data: { fields: Partial<ServiceAttributes> } }
  | { type: 'service.retired'; data: { reason: string } };

export interface UserProfile {
  username: string;
  displayName: string;
  email: string | null;
  kind: UserKind;
  roles: Role[];
  groups: string[];
  active: boolean;
}

export type IdentityEvent =
  | { type: 'user.created'; data: UserProfile }
  | { type: 'user.updated'; data: { fields: Partial<Omit<UserProfile, 'username' | 'kind'>> } }
  | { type: 'user.password_set'; data: Record<string, never> }
  | {
      type: 'token.created';
      data: { tokenId: string; name: string; owner: string; scopes: string[]; expiresAt: string | null };
    }
  | { type: 'token.revoked'; data: { tokenId: string } };

export type PolicyEvent = {
  type: 'policy.activated';
  data: { version: number; name: string; sha256: string; source: string; changeId: string | null };
};

/** The log's own signing key: the first one at init, then every rotation. */
export type LedgerEvent = {
  type: 'ledger.key_activated';
  data: { origin: string; verifierKey: string; keyId: string; previousKeyId: string | null };
};

export type { FollowUpEvent } from './follow-up-events.ts';
export type { CalendarEvent } from './calendar-events.ts';
export type { GateEvent } from './gate-events.ts';

export type DomainEvent =
  | ChangeEvent
  | ServiceEvent
  | IdentityEvent
  | PolicyEvent
  | LedgerEvent
  | FollowUpEvent
  | CalendarEvent
  | GateEvent;
export type EventType = DomainEvent['type'];

/** An event as the ledger holds it: the domain event plus who, when and what it is about. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> {
  v: 1;
  seq: number;
  id: string;
  type: E['type'];
  /** What the event is about: `CHG-12`, `service:payments-api`, `user:alice`, `policy`. */
  subject: string;
  at: string;
  actor: { id: string; kind: ActorKind };
  data: E['data'];
}
