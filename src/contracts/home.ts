// What the web app's home page and change form read: the live assessment of a draft, the signed-in
// person's queue, and changes per week by outcome.
import { z } from 'zod';
import { ChangeSummary, ChangeView } from './changes.ts';

/** The assessment as a change view shows it: rating, reasons, approvals required (named people too), gaps. */
export const AssessmentView = ChangeView.shape.assessment.unwrap().meta({ id: 'Assessment' });

export const AssessResponse = z.object({
  assessment: AssessmentView.describe(
    'What raising this change would be assessed as now, by the active policy and catalogue; nothing is recorded',
  ),
});
export type AssessResponse = z.infer<typeof AssessResponse>;

/** A change this person was refused something on, with what and why. */
export const RefusalSummary = ChangeSummary.extend({
  refused: z.object({
    command: z.string(),
    at: z.string(),
    reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  }),
}).meta({ id: 'RefusalSummary' });

export const MyQueue = z
  .object({
    awaitingMyApproval: z
      .array(ChangeSummary)
      .describe('Awaiting an approval from a group (or as the named person) you hold, that you may decide'),
    myOpen: z.array(ChangeSummary).describe('Not yet closed, rejected or cancelled; you requested or own it'),
    owingRecordOrReview: z
      .array(ChangeSummary)
      .describe(
        'Yours (requested, owned or implemented) and owing a record or review; `overdue` says if late',
      ),
    upcoming: z.array(ChangeSummary).describe('Scheduled to start in the next 7 days (all changes)'),
    recentRefusals: z.array(RefusalSummary).describe('Your most recent refused commands'),
  })
  .meta({ id: 'MyQueue' });
export type MyQueue = z.infer<typeof MyQueue>;

export const WeeklyQuery = z.strictObject({
  weeks: z.coerce.number().int().min(1).max(52).default(12),
});

export const WeeklyMetrics = z
  .object({
    weeks: z.array(
      z.object({
        week: z.string().describe('The Monday the week starts on (UTC), YYYY-MM-DD'),
        successful: z.number().int(),
        failed: z.number().int(),
        rolledBack: z.number().int(),
        cancelled: z.number().int(),
        open: z.number().int().describe('Not finished yet'),
      }),
    ),
  })
  .describe('Changes raised each week (oldest first, this week last), by how they ended')
  .meta({ id: 'WeeklyMetrics' });
export type WeeklyMetrics = z.infer<typeof WeeklyMetrics>;
