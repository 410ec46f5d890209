// The deployment gate as a pure decision: may this artifact go to this service and environment under this
// change, now? Every reason to deny is given, not only the first, so a pipeline's log says all that is
// wrong at once. No clock, database or policy lookup: the caller passes the record, the live standing of its
// approvals (the same `approvalStanding` that `start` asks), the catalogued service and the windows in force.
import type { CalendarWindow, WindowsAt } from './calendar.ts';
import type { Change } from './change.ts';
import { addMinutes } from './minutes.ts';
import { validApprovals } from './quorum.ts';
import { approvalStanding, type Live } from './standing.ts';
import type { ChangeState, Environment, GateReasonCode, GateVerdict } from './vocabulary.ts';

export interface GateReasonOf {
  code: GateReasonCode;
  message: string;
}

export interface GateQuestion {
  changeId: string;
  service: string;
  environment: string;
  /** `sha256:<hex>` digests about to run. */
  artifacts: string[];
}

export interface GateFacts {
  /** Null when no such change exists. */
  change: Change | null;
  /** The assessment and approvers as they are now; null where approvals are not checked (standard changes). */
  live: Live | null;
  /** The catalogued service's environment, null when the service is not catalogued. */
  serviceEnvironment: Environment | null;
  windows: WindowsAt;
  /** The policy's emergency deadlines, in minutes. */
  deadlines: { emergencyRecordMinutes: number; emergencyReviewMinutes: number };
  now: string;
}

export interface GateAnswer {
  decision: GateVerdict;
  reasons: GateReasonOf[];
}

/** The states a change may be deployed in: approved, scheduled, or being implemented. */
export const DEPLOYABLE_STATES: readonly ChangeState[] = ['approved', 'scheduled', 'implementing'];
const NOT_YET: readonly ChangeState[] = ['draft', 'awaiting_approval', 'rejected'];

/** Reasons that belong to an approver rather than the change: they lost the group, the account, or are in conflict. */
const PERSONAL = new Set(['group_not_held', 'approver_inactive', 'approver_not_human', 'approver_conflict']);
/** Reasons an approval stopped counting because the change moved on: an edit, a window move, a lapse. */
const WITHDRAWN = new Set(['withdrawn', 'other_revision']);

/**
 * The artifacts a change lets through: those it lists (`artifacts`) and the one its test evidence names. Both
 * are content, bound by the revision hash that approvals are given for, so an approved change's set is what
 * was approved; an edit that changes it withdraws the approvals.
 */
export function approvedArtifacts(change: Change): string[] {
  const digest = change.testEvidence?.artifactDigest;
  return [...new Set([...(change.artifacts ?? []), ...(digest ? [digest] : [])])];
}

function stateReasons(change: Change): GateReasonOf[] {
  if (NOT_YET.includes(change.state))
    return [
      {
        code: 'not_approved',
        message: `${change.id} is ${change.state.replace('_', ' ')}; only approved changes ship`,
      },
    ];
  if (!DEPLOYABLE_STATES.includes(change.state))
    return [
      {
        code: 'change_closed',
        message: `${change.id} is ${change.state === 'review' ? 'completed (in review)' : change.state}; raise a new change to deploy again`,
      },
    ];
  return [];
}

function approvalReasons(change: Change, live: Live | null): GateReasonOf[] {
  // Standard changes are approved by their template; policy checks of the template are start's concern.
  if (change.type === 'standard' || change.state === 'rejected') return [];
  const standing = approvalStanding(change, live);
  if (standing.satisfied) return [];
  const out: GateReasonOf[] = [];
  const withdrawn = standing.approvals.filter((a) => a.reasons.some((r) => WITHDRAWN.has(r.code)));
  if (withdrawn.length > 0)
    out.push({
      code: 'approvals_withdrawn',
      message: `approvals of ${withdrawn.map((a) => a.approver).join(', ')} were withdrawn by an edit or no longer cover the current revision of ${change.id}`,
    });
  for (const a of standing.approvals) {
    const personal = a.reasons.filter((r) => PERSONAL.has(r.code));
    if (personal.length > 0)
      out.push({
        code: 'approver_lost_group',
        message: `${a.approver}'s approval for ${a.group} no longer counts: ${personal.map((r) => r.message).join('; ')}`,
      });
  }
  // Only where the state claims approval: a change awaiting approval is already `not_approved`.
  if (out.length === 0 && DEPLOYABLE_STATES.includes(change.state)) {
    const open = standing.requirements
      .filter((r) => r.remaining > 0)
      .map((r) => `${r.remaining} more from ${r.group}`);
    out.push({
      code: 'approvals_insufficient',
      message: `${standing.rose ? `${standing.rose.message}; ` : ''}${change.id}'s approvals no longer make the quorum: needs ${open.join(', ')}`,
    });
  }
  return out;
}

function windowReasons(change: Change, now: string): GateReasonOf[] {
  const w = change.window;
  if (w === null) {
    // Emergencies and policy replacements start without scheduling; standard and normal changes ship in a window.
    if (change.type === 'emergency' || change.proposedPolicy !== null || change.type === 'standard')
      return [];
    return [{ code: 'outside_change_window', message: `${change.id} has no window yet; schedule it first` }];
  }
  if (now < w.start)
    return [{ code: 'outside_change_window', message: `${change.id}'s window opens at ${w.start}` }];
  if (now > w.end)
    return [{ code: 'outside_change_window', message: `${change.id}'s window closed at ${w.end}` }];
  return [];
}

const named = (w: CalendarWindow) => `"${w.title}" (${w.id})`;

function calendarReasons(change: Change | null, windows: WindowsAt): GateReasonOf[] {
  const out: GateReasonOf[] = [];
  const approvals = change ? validApprovals(change) : [];
  for (const { window: w, end } of windows.freezes) {
    if (w.enforcement === 'hard') {
      out.push({ code: 'freeze_hard', message: `inside the freeze ${named(w)} until ${end}` });
      continue;
    }
    const group = w.approvalGroup;
    if (group !== null && approvals.some((a) => a.group === group)) continue;
    out.push({
      code: 'freeze_soft',
      message: `inside the freeze ${named(w)} until ${end}: it needs an approval from ${group ?? 'a named group'} on the change`,
    });
  }
  if (windows.maintenanceApplies && windows.maintenance === null)
    out.push({
      code: 'outside_maintenance_window',
      message: 'maintenance windows apply to this service and environment, and none is open now',
    });
  return out;
}

function scopeReasons(change: Change, q: GateQuestion, serviceEnvironment: Environment | null) {
  const out: GateReasonOf[] = [];
  if (!change.services.includes(q.service))
    out.push({
      code: 'service_not_in_change',
      message: `${change.id} changes ${change.services.join(', ') || 'no service'}, not ${q.service}`,
    });
  if (serviceEnvironment === null)
    out.push({
      code: 'environment_not_in_change',
      message: `${q.service} is not in the catalogue, so ${q.environment} is no environment of ${change.id}`,
    });
  else if (serviceEnvironment !== q.environment)
    out.push({
      code: 'environment_not_in_change',
      message: `${q.service} runs in ${serviceEnvironment}, not ${q.environment}`,
    });
  const approved = approvedArtifacts(change);
  const other = q.artifacts.filter((a) => !approved.includes(a));
  if (other.length > 0)
    out.push({
      code: 'artifact_not_approved',
      message:
        approved.length === 0
          ? `${change.id} names no artifact (artifacts, testEvidence.artifactDigest), so ${other.join(', ')} was not approved`
          : `not the artifacts tested and approved for ${change.id}: ${other.join(', ')}`,
    });
  return out;
}

function emergencyReasons(change: Change, f: GateFacts): GateReasonOf[] {
  if (change.type !== 'emergency' || change.authorizedAt === null) return [];
  const out: GateReasonOf[] = [];
  // An authorization covers the emergency, not a standing licence: it runs out when its review falls due.
  const expires = change.reviewDueAt ?? addMinutes(change.authorizedAt, f.deadlines.emergencyReviewMinutes);
  if (f.now > expires)
    out.push({
      code: 'emergency_authorization_expired',
      message: `${change.id}'s emergency authorization of ${change.authorizedAt} ran out at ${expires}`,
    });
  if (change.recordDueAt !== null && change.recordCompletedAt === null && f.now > change.recordDueAt)
    out.push({
      code: 'emergency_record_overdue',
      message: `${change.id}'s record was due at ${change.recordDueAt} and is still incomplete`,
    });
  return out;
}

/** Allow, or deny with every reason that applies. */
export function decideGate(q: GateQuestion, f: GateFacts): GateAnswer {
  const change = f.change;
  if (change === null) {
    const reasons: GateReasonOf[] = [
      { code: 'change_not_found', message: `no change ${q.changeId}` },
      ...calendarReasons(null, f.windows),
    ];
    return { decision: 'deny', reasons };
  }
  const reasons = [
    ...stateReasons(change),
    ...approvalReasons(change, f.live),
    ...(DEPLOYABLE_STATES.includes(change.state) ? windowReasons(change, f.now) : []),
    ...calendarReasons(change, f.windows),
    ...scopeReasons(change, q, f.serviceEnvironment),
    ...emergencyReasons(change, f),
  ];
  return { decision: reasons.length === 0 ? 'allow' : 'deny', reasons };
}

/** The answer when the gate could not decide: deny, saying why. */
export function gateError(message: string): GateAnswer {
  return { decision: 'deny', reasons: [{ code: 'gate_error', message }] };
}
