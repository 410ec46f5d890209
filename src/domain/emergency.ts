// What an emergency authorization covers. The duty manager authorizes doing something to these services,
// by this plan, by this implementer; the rest of the record (tests, rollback, impact, links, wording) is
// owed afterwards. Completing the record keeps the authorization; changing what was authorized does not.
import type { Change, ChangeContent } from './change.ts';
import type { Refusal } from './events.ts';
import type { ChangeType } from './vocabulary.ts';
import { fieldsMissing } from '../policy/risk.ts';
import type { Policy } from '../policy/types.ts';

/** Fields whose change alters what was authorized. The plan may still be written where it was left blank. */
const AUTHORIZED: (keyof ChangeContent)[] = ['services', 'implementer', 'proposedPolicy'];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The authorized fields an edit would change; empty when it only completes the owed record. */
export function authorizedScopeChanges(change: Change, fields: Partial<ChangeContent>): string[] {
  const changed: string[] = AUTHORIZED.filter((k) => k in fields && !same(fields[k], change[k]));
  const plan = fields.implementationPlan;
  if (plan !== undefined && change.implementationPlan.trim() !== '' && plan !== change.implementationPlan)
    changed.push('implementationPlan');
  return changed;
}

/** An emergency that has been authorized and not withdrawn since: its edits are checked against the scope. */
export function isAuthorizedEmergency(change: Change): boolean {
  return (
    change.type === 'emergency' &&
    change.authorizedAt !== null &&
    ['approved', 'scheduled', 'implementing', 'review'].includes(change.state)
  );
}

/**
 * What an emergency request must say: the policy's criterion that applies (a known one) and why, checked in
 * full when it is submitted for authorization; `performed` times lie in the past. Other types carry none.
 */
export function emergencyRequestRefusals(
  type: ChangeType,
  content: ChangeContent,
  policy: Policy,
  now: string | null,
  submitting: boolean,
): Refusal[] {
  const criterion = content.emergencyCriterion ?? null;
  const performed = content.performed ?? null;
  if (type !== 'emergency') {
    if (criterion === null && performed === null && (content.emergencyJustification ?? '') === '') return [];
    return [
      {
        code: 'not_an_emergency',
        message: 'emergencyCriterion, emergencyJustification and performed are for emergency changes only',
      },
    ];
  }
  const out: Refusal[] = [];
  const known = policy.emergency.criteria.map((c) => c.id);
  if (criterion !== null && !known.includes(criterion))
    out.push({
      code: 'unknown_emergency_criterion',
      message: `emergencyCriterion "${criterion}" is not one of the policy's: ${known.join(', ') || 'none are defined'}`,
    });
  if (submitting && known.length > 0) {
    if (criterion === null)
      out.push({
        code: 'emergency_criterion_required',
        message: `name the emergency criterion that applies (emergencyCriterion: one of ${known.join(', ')})`,
      });
    if ((content.emergencyJustification ?? '').trim() === '')
      out.push({
        code: 'emergency_justification_required',
        message: 'say why the emergency criterion applies (emergencyJustification)',
      });
  }
  if (performed !== null && now !== null && performed.end > now)
    out.push({
      code: 'performed_in_future',
      message: `performed ends at ${performed.end}, after now (${now}); it records work already done`,
    });
  return out;
}

/**
 * An edit is held to the request only where it writes the request's fields: an emergency raised before the
 * policy had criteria (or kept one the policy has since dropped) may still complete its owed record.
 */
export function emergencyEditRefusals(
  change: Change,
  fields: Partial<ChangeContent>,
  policy: Policy,
  now: string,
): Refusal[] {
  const touched = ['emergencyCriterion', 'emergencyJustification', 'performed'].some((k) => k in fields);
  if (!touched) return [];
  return emergencyRequestRefusals(
    change.type,
    { ...change, ...fields },
    policy,
    now,
    change.state !== 'draft',
  );
}

/** What the policy requires of an emergency before it starts that it still lacks (nothing once it was done). */
export function startMinimumRefusals(change: Change, policy: Policy): Refusal[] {
  if (change.type !== 'emergency' || (change.performed ?? null) !== null) return [];
  const missing = fieldsMissing(policy.emergency.beforeStart, change);
  if (missing.length === 0) return [];
  const message = `the policy requires of an emergency before it starts: ${missing.join(', ')}`;
  return [{ code: 'emergency_minimum_missing', message }];
}

/** When an emergency's deadlines run from: when it really started if recorded afterwards, else `now`. */
export function emergencyClock(change: Change, now: string): string {
  return change.performed?.start ?? now;
}
