// What an emergency authorization covers. The duty manager authorizes doing something to these services,
// by this plan, by this implementer; the rest of the record (tests, rollback, impact, links, wording) is
// owed afterwards. Completing the record keeps the authorization; changing what was authorized does not.
import type { Change, ChangeContent } from './change.ts';

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
