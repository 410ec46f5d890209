// The change lifecycle as a pure decision: given the record, a command, who is acting and when, return the
// events to record or the reasons for refusal. No clock, no database: the caller passes both in.
import type { Actor } from './actor.ts';
import { holdsGroup } from './approver-groups.ts';
import { addMinutes } from './minutes.ts';
import {
  contentOf,
  ownerOf,
  type ApprovalReasoning,
  type Assessment,
  type Change,
  type ChangeContent,
  type ChangeState,
  type Window,
} from './change.ts';
import {
  authorizedScopeChanges,
  emergencyClock,
  emergencyEditRefusals,
  emergencyRequestRefusals,
  isAuthorizedEmergency,
  startMinimumRefusals,
} from './emergency.ts';
import type { ChangeEvent, Refusal } from './events.ts';
import { chooseGroup, deciderRefusals, validApprovals } from './quorum.ts';
import { revisionHash } from './revision.ts';
import { independentReview, reviewerConflicts, reviewerRefusals } from './review.ts';
import { roleAllows } from './permissions.ts';
import { reassessment, startRefusals } from './start.ts';
import { approvalStanding, type ApproverNow, type Live } from './standing.ts';
import { decideReassign, reasoningRefusals } from './change-record.ts';
import type { Policy } from '../policy/types.ts';
import type { Outcome } from './vocabulary.ts';
import type { VerificationCheck, Review } from './change.ts';
import { standardRefusals } from './template.ts';
import { moveNeedsReapproval, windowRefusals } from './window.ts';
import { conflictRefusals, type Conflict } from './conflicts.ts';

export type ChangeCommand =
  | { type: 'edit'; fields: Partial<ChangeContent>; assessment: Assessment }
  | { type: 'submit'; assessment: Assessment }
  /** `live`: the assessment and approvers as they are now (the use-case always passes it). */
  | {
      type: 'approve';
      group: string | null;
      comment: string;
      live?: Live | null;
      reasoning?: ApprovalReasoning;
    }
  | { type: 'reject'; group: string | null; comment: string }
  /** No window: the change's proposed one. `conflicts`: its clashes (the use-case finds them), `freeSlot` the next without. */
  | { type: 'schedule'; window: Window | null; conflicts?: Conflict[]; freeSlot?: Window | null }
  /** `people`: the new owner as they are now (the use-case reads it). */
  | { type: 'reassign'; owner: string; people: Record<string, ApproverNow> }
  | { type: 'start'; live?: Live | null }
  | { type: 'complete'; outcome: Outcome; notes: string; verification: VerificationCheck[] }
  | { type: 'review'; review: Omit<Review, 'at' | 'reviewer'> }
  | { type: 'close' }
  | { type: 'cancel'; reason: string };

export interface DecideContext {
  actor: Actor;
  /** ISO 8601 time of the command. */
  now: string;
  policy: Policy;
}

/**
 * Events to record, or the reasons for refusal. A refusal may carry events that stand anyway, recorded
 * before it: `start` refused because approvals lapsed records the reassessment and the lapse.
 */
export type Decision =
  { ok: true; events: ChangeEvent[] } | { ok: false; refusals: Refusal[]; events?: ChangeEvent[] };

const refuse = (code: string, message: string): Decision => ({ ok: false, refusals: [{ code, message }] });
const accept = (...events: ChangeEvent[]): Decision => ({ ok: true, events });

/** Requester, owner, named implementer, or a change manager: the people who look after a change's record. */
function isSteward(change: Change, actor: Actor): boolean {
  return (
    change.requester === actor.id ||
    ownerOf(change) === actor.id ||
    change.implementer === actor.id ||
    roleAllows(actor, 'change.manage')
  );
}

function stateRefusal(change: Change, command: string, allowed: ChangeState[]): Decision | null {
  if (allowed.includes(change.state)) return null;
  return refuse(
    'invalid_transition',
    `${change.id} is ${change.state}; ${command} needs it to be ${allowed.join(' or ')}`,
  );
}

/** Whether the policy demands a post-implementation review before this change may close. */
export function reviewRequired(change: Change, policy: Policy): boolean {
  const rating = change.assessment?.rating;
  return (
    policy.review.types.includes(change.type) ||
    (change.outcome !== null && policy.review.outcomes.includes(change.outcome)) ||
    (rating !== undefined && policy.review.ratings.includes(rating))
  );
}

function decideEdit(
  change: Change,
  cmd: Extract<ChangeCommand, { type: 'edit' }>,
  ctx: DecideContext,
): Decision {
  if (!isSteward(change, ctx.actor))
    return refuse(
      'forbidden',
      `${ctx.actor.id} may not edit ${change.id}: only its requester, implementer or a change manager`,
    );
  const emergencyRecord =
    change.type === 'emergency' && ['approved', 'implementing', 'review'].includes(change.state);
  const editable: ChangeState[] = ['draft', 'awaiting_approval', 'approved', 'scheduled'];
  if (!emergencyRecord && !editable.includes(change.state))
    return refuse('invalid_transition', `${change.id} is ${change.state} and can no longer be edited`);
  const content = { ...contentOf(change), ...cmd.fields };
  const hash = revisionHash(content);
  if (hash === change.revisionHash) return refuse('no_change', 'the edit changes nothing');
  const request = emergencyEditRefusals(change, cmd.fields, ctx.policy, ctx.now);
  if (request.length > 0) return { ok: false, refusals: request };
  if (change.type === 'standard') {
    const refusals = standardRefusals(change.template, content.services, cmd.assessment, ctx.policy);
    if (refusals.length > 0) return { ok: false, refusals };
  }
  // An emergency being implemented under its authorization may complete its owed record, but what was
  // authorized can no longer change. Before it starts, any edit withdraws the authorization (below).
  const underWay = isAuthorizedEmergency(change) && ['implementing', 'review'].includes(change.state);
  const scope = underWay ? authorizedScopeChanges(change, cmd.fields) : [];
  if (scope.length > 0)
    return refuse(
      'authorized_scope',
      `${change.id} is ${change.state} under an authorization for its ${scope.join(', ')}; complete its record here and raise a new change for anything else`,
    );
  // Once submitted (normal) or once its record is complete (emergency), a change may not shed required fields.
  const recordKept = change.type === 'normal' || change.recordCompletedAt !== null;
  if (change.state !== 'draft' && recordKept && cmd.assessment.missing.length > 0)
    return refuse(
      'missing_fields',
      `${cmd.assessment.rating} risk requires: ${cmd.assessment.missing.join(', ')}`,
    );
  const events: ChangeEvent[] = [
    {
      type: 'change.edited',
      data: {
        fields: cmd.fields,
        revision: change.revision + 1,
        revisionHash: hash,
        assessment: cmd.assessment,
      },
    },
  ];
  // Emergency changes completing their record while under way keep their authorization; everything else
  // goes back for approval, because what was approved is no longer what would ship.
  const withdraw = !underWay && change.type !== 'standard' && change.state !== 'draft';
  const live = validApprovals(change).length;
  if (withdraw && (live > 0 || change.state === 'approved' || change.state === 'scheduled'))
    events.push({
      type: 'change.approvals_withdrawn',
      data: {
        reason: `edited by ${ctx.actor.id} after approval`,
        withdrawn: live,
        revisionHash: change.revisionHash,
      },
    });
  // The record may be completed while still awaiting authorization, not only after it.
  const owesRecord =
    change.type === 'emergency' && change.state !== 'draft' && change.recordCompletedAt === null;
  if (owesRecord && cmd.assessment.missing.length === 0)
    events.push({ type: 'change.record_completed', data: {} });
  return { ok: true, events };
}

function decideApprove(
  change: Change,
  cmd: Extract<ChangeCommand, { type: 'approve' }>,
  ctx: DecideContext,
): Decision {
  const state = stateRefusal(change, 'approval', ['awaiting_approval']);
  if (state) return state;
  const refusals = deciderRefusals(change, ctx.actor);
  if (validApprovals(change).some((a) => a.approver === ctx.actor.id))
    refusals.push({
      code: 'already_approved',
      message: `${ctx.actor.id} has already approved this revision`,
    });
  refusals.push(...reasoningRefusals(change, ctx.actor.id, cmd.reasoning, ctx.policy));
  if (refusals.length > 0) return { ok: false, refusals };
  // The approver counts as they are now; the others as the use-case found them.
  const live: Live | null = cmd.live
    ? {
        ...cmd.live,
        approvers: {
          ...cmd.live.approvers,
          [ctx.actor.id]: {
            kind: ctx.actor.kind,
            groups: ctx.actor.groups,
            active: true,
            email: ctx.actor.email,
          },
        },
      }
    : null;
  // Approvals are given under the assessment of the moment, recorded first when it has moved.
  const reassessed = live ? reassessment(change, live.assessment) : null;
  const current: Change = reassessed ? { ...change, assessment: live!.assessment } : change;
  const chosen = chooseGroup(current, ctx.actor, cmd.group, live);
  if ('refusal' in chosen) return { ok: false, refusals: [chosen.refusal] };
  const grant: ChangeEvent = {
    type: 'change.approval_granted',
    data: {
      approver: ctx.actor.id,
      group: chosen.group,
      comment: cmd.comment,
      revisionHash: change.revisionHash,
      ...given(cmd.reasoning),
    },
  };
  const after: Change = {
    ...current,
    approvals: [
      ...current.approvals,
      { ...grant.data, decision: 'approved', at: ctx.now, withdrawnAt: null },
    ],
  };
  const first: ChangeEvent[] = reassessed ? [reassessed, grant] : [grant];
  const standing = approvalStanding(after, live);
  if (!standing.satisfied) return accept(...first);
  const approvers = standing.approvals.filter((a) => a.counts).map((a) => a.approver);
  // An emergency recorded after the fact owes its record from when it really started.
  const recordDueAt =
    change.type === 'emergency'
      ? addMinutes(emergencyClock(change, ctx.now), ctx.policy.deadlines.emergencyRecordMinutes)
      : null;
  return accept(...first, {
    type: 'change.approved',
    data: { quorum: current.assessment?.requiredApprovals ?? [], approvers, recordDueAt },
  });
}

/** The reasoning fields given, if any: an approval without them records what it always did. */
function given(reasoning: ApprovalReasoning | undefined): { reasoning?: ApprovalReasoning } {
  const filled = Object.entries(reasoning ?? {}).filter(([, v]) => v.trim() !== '');
  return filled.length > 0 ? { reasoning: Object.fromEntries(filled) } : {};
}

function decideReject(
  change: Change,
  cmd: { group: string | null; comment: string },
  ctx: DecideContext,
): Decision {
  const state = stateRefusal(change, 'rejection', ['awaiting_approval']);
  if (state) return state;
  const refusals = deciderRefusals(change, ctx.actor);
  if (refusals.length > 0) return { ok: false, refusals };
  const required = (change.assessment?.requiredApprovals ?? []).map((r) => r.group);
  const group = cmd.group ?? required.find((g) => holdsGroup(ctx.actor, g)) ?? null;
  if (group === null || !holdsGroup(ctx.actor, group) || !required.includes(group))
    return refuse(
      'not_an_approver',
      `${ctx.actor.id} holds none of the groups ${change.id} needs: ${required.join(', ')}`,
    );
  if (cmd.comment.trim() === '') return refuse('comment_required', 'say why the change is rejected');
  return accept({
    type: 'change.rejected',
    data: { approver: ctx.actor.id, group, comment: cmd.comment, revisionHash: change.revisionHash },
  });
}

function decideStart(
  change: Change,
  cmd: Extract<ChangeCommand, { type: 'start' }>,
  ctx: DecideContext,
): Decision {
  const direct = change.type === 'emergency' || change.proposedPolicy !== null;
  const state = stateRefusal(change, 'start', direct ? ['approved', 'scheduled'] : ['scheduled']);
  if (state) return state;
  const { actor, now } = ctx;
  if (!roleAllows(actor, 'change.implement') && change.implementer !== actor.id)
    return refuse('forbidden', `${actor.id} is not an implementer`);
  if (change.implementer !== null && change.implementer !== actor.id && !roleAllows(actor, 'change.manage'))
    return refuse('not_the_implementer', `${change.id} names ${change.implementer} as its implementer`);
  if (validApprovals(change).some((a) => a.approver === actor.id))
    return refuse(
      'sod_approver_implements',
      `${actor.id} approved ${change.id} and cannot also implement it`,
    );
  if (change.window && change.state === 'scheduled') {
    if (now < change.window.start)
      return refuse('window_not_open', `${change.id}'s window opens at ${change.window.start}`);
    if (now > change.window.end)
      return refuse('window_closed', `${change.id}'s window closed at ${change.window.end}; reschedule it`);
  }
  // Approvals, groups and risk are checked again as they are now, not as they were when approved.
  const checked = startRefusals(change, cmd.live ?? null, ctx.policy);
  checked.refusals.push(...startMinimumRefusals(change, ctx.policy));
  if (checked.refusals.length > 0) return { ok: false, refusals: checked.refusals, events: checked.events };
  const reviewDueAt =
    change.type === 'emergency'
      ? addMinutes(emergencyClock(change, now), ctx.policy.deadlines.emergencyReviewMinutes)
      : null;
  return accept(...checked.events, { type: 'change.started', data: { implementer: actor.id, reviewDueAt } });
}

export function decideChange(change: Change, cmd: ChangeCommand, ctx: DecideContext): Decision {
  const { actor, now } = ctx;
  if (!roleAllows(actor, 'change.work')) return refuse('forbidden', `${actor.id} has read-only access`);
  switch (cmd.type) {
    case 'edit':
      return decideEdit(change, cmd, ctx);
    case 'submit': {
      const state = stateRefusal(change, 'submit', ['draft']);
      if (state) return state;
      if (!isSteward(change, actor)) return refuse('forbidden', `${actor.id} may not submit ${change.id}`);
      if (change.type === 'normal' && cmd.assessment.missing.length > 0)
        return refuse(
          'missing_fields',
          `${cmd.assessment.rating} risk requires: ${cmd.assessment.missing.join(', ')}`,
        );
      const request = emergencyRequestRefusals(change.type, change, ctx.policy, now, true);
      if (request.length > 0) return { ok: false, refusals: request };
      return accept({
        type: 'change.submitted',
        data: { assessment: cmd.assessment, revisionHash: change.revisionHash },
      });
    }
    case 'approve':
      return decideApprove(change, cmd, ctx);
    case 'reject':
      return decideReject(change, cmd, ctx);
    case 'schedule': {
      const state = stateRefusal(change, 'scheduling', ['approved', 'scheduled']);
      if (state) return state;
      if (!isSteward(change, actor)) return refuse('forbidden', `${actor.id} may not schedule ${change.id}`);
      // Without a window, scheduling confirms the one proposed with the change.
      const window = cmd.window ?? change.proposedWindow ?? null;
      if (window === null)
        return refuse('invalid_window', `${change.id} proposes no window; give one to schedule it`);
      const bad = windowRefusals(window, ctx.policy);
      if (bad.length > 0) return { ok: false, refusals: bad };
      if (window.end <= now)
        return refuse('invalid_window', 'the window has already ended; pick a future end');
      const clash = conflictRefusals(cmd.conflicts ?? [], cmd.freeSlot ?? null);
      if (clash.length > 0) return { ok: false, refusals: clash };
      const soft = cmd.conflicts ?? [];
      const scheduled: ChangeEvent = {
        type: 'change.scheduled',
        data: soft.length > 0 ? { window, conflicts: soft } : { window },
      };
      if (!moveNeedsReapproval(change, window, ctx.policy)) return accept(scheduled);
      const agreed = change.agreedWindow!;
      return accept(scheduled, {
        type: 'change.approvals_withdrawn',
        data: {
          reason: `window moved by ${actor.id} outside the agreed ${agreed.start} – ${agreed.end} (tolerance ${ctx.policy.windows.moveToleranceMinutes} minutes)`,
          withdrawn: validApprovals(change).length,
          revisionHash: change.revisionHash,
        },
      });
    }
    case 'start':
      return decideStart(change, cmd, ctx);
    case 'reassign': {
      const decided = decideReassign(change, cmd.owner, cmd.people, actor);
      return decided.ok ? accept(decided.event) : decided;
    }
    case 'complete': {
      const state = stateRefusal(change, 'recording the outcome', ['implementing']);
      if (state) return state;
      if (change.implementedBy !== actor.id && !isSteward(change, actor))
        return refuse('forbidden', `${actor.id} may not record the outcome of ${change.id}`);
      const failed = (change.deploymentNotes ?? []).filter(
        (n) => n.kind === 'failed' || n.kind === 'rolled_back',
      );
      if (failed.length > 0 && cmd.outcome === 'successful')
        return refuse(
          'deployment_failed',
          `deployments of ${change.id} failed or were rolled back (${failed.map((n) => n.ref).join(', ')}): record the outcome as failed, rolled_back or successful_with_issues`,
        );
      return accept({
        type: 'change.completed',
        data: { outcome: cmd.outcome, notes: cmd.notes, verification: cmd.verification },
      });
    }
    case 'review': {
      const state = stateRefusal(change, 'the review', ['review']);
      if (state) return state;
      if (independentReview(change)) {
        const refusals = reviewerRefusals(change, actor, ctx.policy);
        if (refusals.length > 0) return { ok: false, refusals };
      } else if (change.implementedBy !== actor.id && !isSteward(change, actor))
        return refuse('forbidden', `${actor.id} may not review ${change.id}`);
      return accept({ type: 'change.reviewed', data: { review: cmd.review } });
    }
    case 'close': {
      const state = stateRefusal(change, 'closing', ['review']);
      if (state) return state;
      if (!isSteward(change, actor) && change.implementedBy !== actor.id)
        return refuse('forbidden', `${actor.id} may not close ${change.id}`);
      const refusals: Refusal[] = [];
      if (change.review === null && reviewRequired(change, ctx.policy))
        refusals.push({
          code: 'review_required',
          message: `the policy requires a post-implementation review before ${change.id} closes`,
        });
      // A review written before the rule existed, or by whoever implemented it later, does not count.
      if (change.review !== null && independentReview(change)) {
        if (reviewerConflicts(change, change.review.reviewer).length > 0)
          refusals.push({
            code: 'review_not_independent',
            message: `${change.id}'s review was written by ${change.review.reviewer}, who requested or implemented it; someone independent must review it`,
          });
      }
      if (change.type === 'emergency' && change.recordCompletedAt === null)
        refusals.push({
          code: 'record_incomplete',
          message: `${change.id} still owes: ${(change.assessment?.missing ?? []).join(', ')}`,
        });
      if (refusals.length > 0) return { ok: false, refusals };
      return accept({ type: 'change.closed', data: {} });
    }
    case 'cancel': {
      const state = stateRefusal(change, 'cancelling', [
        'draft',
        'awaiting_approval',
        'approved',
        'scheduled',
      ]);
      if (state) return state;
      if (!isSteward(change, actor)) return refuse('forbidden', `${actor.id} may not cancel ${change.id}`);
      return accept({ type: 'change.cancelled', data: { reason: cmd.reason } });
    }
  }
}
