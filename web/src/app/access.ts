// What the screens offer a user, from the permission table the API enforces (`domain/permissions.ts`). A
// guide only: the API decides, and its refusal is shown as it comes.
import type { UserView } from '../../../src/client/api-client.ts';
import { roleAllows } from '../../../src/contracts/vocabulary.ts';

export { roleAllows };

type Person = Pick<UserView, 'username' | 'roles'>;

/** The requester, the owner, the named implementer or a change manager: who looks after a change's record. */
export function isSteward(
  c: { requester: string; owner: string; implementer: string | null },
  u: Person,
): boolean {
  return (
    c.requester === u.username ||
    c.owner === u.username ||
    c.implementer === u.username ||
    roleAllows(u, 'change.manage')
  );
}
