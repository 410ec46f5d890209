// Follow-ups as the API takes and shows them: tracked items a change leaves to do after it.
import { z } from 'zod';
import { FOLLOW_UP_KINDS, FOLLOW_UP_STATUSES } from '../domain/vocabulary.ts';
import { Instant } from './common.ts';

export const FollowUpKindEnum = z.enum(FOLLOW_UP_KINDS);
export const FollowUpStatusEnum = z.enum(FOLLOW_UP_STATUSES);
const Username = z.string().min(1).max(64);
const ChangeId = z.string().regex(/^CHG-[1-9][0-9]*$/, 'a change id looks like CHG-42');

export const OpenFollowUpBody = z.strictObject({
  changeId: ChangeId.describe('The change it comes from'),
  kind: FollowUpKindEnum.describe(
    'action; temporary_measure (removing what an emergency put in place); continuity_plan or documentation (closed with a reference to the updated revision)',
  ),
  title: z.string().trim().min(1, 'say what is to be done').max(2_000),
  owner: Username.describe('Who is to do it: a username'),
  dueAt: Instant,
});
export type OpenFollowUpBody = z.infer<typeof OpenFollowUpBody>;

export const DoneFollowUpBody = z.strictObject({
  note: z.string().max(5_000).default(''),
  reference: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .describe(
      'The updated plan or document, at its revision (required for continuity_plan and documentation)',
    ),
});
export const CancelFollowUpBody = z.strictObject({
  note: z.string().trim().min(1, 'say why it is cancelled').max(5_000),
});
export const ReassignFollowUpBody = z
  .strictObject({
    owner: Username.optional(),
    dueAt: Instant.optional(),
    note: z.string().max(5_000).default(''),
  })
  .refine((b) => b.owner !== undefined || b.dueAt !== undefined, {
    message: 'give a new owner or a new due date',
  });

export const FollowUpView = z
  .object({
    id: z.string(),
    number: z.number(),
    changeId: z.string(),
    kind: FollowUpKindEnum,
    title: z.string(),
    owner: z.string(),
    dueAt: z.string(),
    status: FollowUpStatusEnum,
    reference: z.string().nullable(),
    note: z.string(),
    openedBy: z.string(),
    openedAt: z.string(),
    closedBy: z.string().nullable(),
    closedAt: z.string().nullable(),
    overdue: z.boolean().describe('Open and past its due date'),
  })
  .meta({ id: 'FollowUp' });
export type FollowUpView = z.infer<typeof FollowUpView>;

export const FollowUpList = z.object({ items: z.array(FollowUpView), nextCursor: z.string().nullable() });
export type FollowUpList = z.infer<typeof FollowUpList>;

export const ListFollowUpsQuery = z.strictObject({
  owner: Username.optional(),
  status: FollowUpStatusEnum.optional(),
  kind: FollowUpKindEnum.optional(),
  change: ChangeId.optional(),
  overdue: z.enum(['true', 'false']).optional().describe('Only open items past their due date'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^[0-9]{1,15}$/, 'the cursor is not one this server issued; start again without it')
    .optional(),
});
export type ListFollowUpsQuery = z.infer<typeof ListFollowUpsQuery>;

export const FollowUpIdParam = z.object({
  id: z.string().regex(/^FU-[1-9][0-9]*$/, 'a follow-up id looks like FU-7'),
});
