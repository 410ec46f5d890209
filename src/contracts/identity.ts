import { z } from 'zod';
import { Instant, Name } from './common.ts';
import { ROLES, SCOPES, USER_KINDS } from '../domain/vocabulary.ts';

export { SCOPES, type Scope } from '../domain/vocabulary.ts';
export const RoleEnum = z.enum(ROLES);
export const ScopeEnum = z.enum(SCOPES);
export const UserKindEnum = z.enum(USER_KINDS);

export const LoginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  cookie: z
    .boolean()
    .optional()
    .describe('true: a browser sign-in; the session goes in an HttpOnly cookie, never in the body'),
});
export const UserView = z
  .object({
    username: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    kind: UserKindEnum,
    roles: z.array(RoleEnum),
    groups: z.array(z.string()),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'User' });
export type UserView = z.infer<typeof UserView>;
export const LoginResponse = z.object({ token: z.string(), expiresAt: z.string(), user: UserView });
/** A browser sign-in: the session is in the cp_session cookie; writes send csrfToken as X-CSRF-Token. */
export const CookieLoginResponse = z.object({
  user: UserView,
  expiresAt: z.string(),
  csrfToken: z.string().describe('Send as the X-CSRF-Token header on every write signed in by the cookie'),
});
export const CsrfView = z.object({
  csrfToken: z.string().describe("This session's token, for the X-CSRF-Token header"),
});

const NewPassword = z.string().min(12, 'use a password of at least 12 characters').max(1024);
export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: NewPassword,
});
export const PasswordChanged = UserView.extend({
  endedSessions: z.number().int().describe('How many of your other sessions were ended'),
});
export const SessionView = z
  .object({
    id: z.string(),
    username: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string().describe('When it ends at the latest; it ends sooner when left idle'),
    current: z.boolean().describe('The session making this request'),
  })
  .meta({ id: 'Session' });
export const SessionList = z.object({ items: z.array(SessionView) });
export const SessionIdParam = z.object({ id: z.string().max(64) });

export const CreateUserBody = z.strictObject({
  username: Name,
  displayName: z.string().min(1).max(200).optional(),
  email: z.email().max(320).nullable().default(null),
  kind: UserKindEnum.default('human'),
  roles: z.array(RoleEnum).min(1, 'give the user at least one role').max(10),
  groups: z.array(Name).max(20).default([]),
  password: NewPassword.optional().describe('Omit for bots, which use API tokens only'),
});
export const UpdateUserBody = z
  .strictObject({
    displayName: z.string().min(1).max(200).optional(),
    email: z.email().max(320).nullable().optional(),
    roles: z.array(RoleEnum).min(1).max(10).optional(),
    groups: z.array(Name).max(20).optional(),
    active: z.boolean().optional(),
    // Nobody sets a password through a profile: that would let an admin sign in as someone else.
    password: z
      .never({
        error:
          'a password is changed by its owner, signed in, with the current one: POST /api/v1/auth/password (changeproof password)',
      })
      .optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'send at least one field to change' });
export const UserList = z.object({ items: z.array(UserView) });
export const UsernameParam = z.object({ username: Name });

export const CreateTokenBody = z.strictObject({
  name: z.string().min(1).max(100),
  owner: Name.optional().describe(
    'Yourself (the default); admins may also create tokens for bots, never for other people',
  ),
  scopes: z.array(ScopeEnum).min(1).max(SCOPES.length),
  expiresAt: Instant.nullable().default(null),
});
export const TokenView = z
  .object({
    id: z.string(),
    name: z.string(),
    owner: z.string(),
    scopes: z.array(z.string()),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z
      .string()
      .nullable()
      .describe('When it last authenticated a request, to within a minute; null if never'),
  })
  .meta({ id: 'ApiToken' });
export const CreatedToken = TokenView.extend({ token: z.string().describe('Shown once; store it now') });
export const TokenList = z.object({ items: z.array(TokenView) });
export const TokenIdParam = z.object({ id: z.string().max(64) });
