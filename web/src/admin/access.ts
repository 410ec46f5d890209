// What the admin screens offer a user, read from the permission table the API enforces. A guide only: the
// API decides, and its refusal is shown as it comes.
import type { UserView } from '../../../src/client/api-client.ts';
import { roleAllows } from '../app/access.ts';

export { roleAllows };

/** The admin section opens on the users list: shown to those who may read it (admins, change managers, auditors). */
export const mayOpenAdmin = (user: Pick<UserView, 'roles'>) => roleAllows(user, 'user.list');
/** Creating users and changing roles, groups and whether an account is active. */
export const mayEditUsers = (user: Pick<UserView, 'roles'>) => roleAllows(user, 'user.update');
/** Seeing and revoking everyone's tokens, and creating tokens for bots. */
export const mayAdministerTokens = (user: Pick<UserView, 'roles'>) => roleAllows(user, 'token.administer');
