// Schema of `changeproof.policy.yaml`. Strict everywhere: a misspelt key in a policy is a control that
// silently does nothing, so it must be an error. Cross-references (groups, questions, ids) are checked in
// one refinement at the end so each problem carries the path of the node to fix. Nested objects use
// `prefault` (not `default`) so an omitted section still gets its fields' defaults.
import { z } from 'zod';
import {
  APPROVAL_REASON_FIELDS,
  CHANGE_TYPES,
  OUTCOMES,
  PERSON_APPROVERS,
  REQUIRED_FIELDS,
  RISK_RATINGS,
} from '../domain/vocabulary.ts';
import type { Policy } from './types.ts';
import { compileRule } from './cel.ts';
import { LIST_BOUNDS } from './cel-budget.ts';
import { calendarSection } from './calendar-schema.ts';

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 24 * 60, w: 7 * 24 * 60 };
const DURATION = /^(?:\d+[mhdw])+$/;

/** `90m`, `24h`, `5d`, `2w` or combinations such as `1d12h`, to whole minutes; null if malformed. */
export function parseDuration(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let minutes = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([mhdw])/g)) minutes += Number(n) * UNIT_MINUTES[unit!]!;
  return minutes;
}

const duration = z
  .string({ error: 'expected a duration such as 90m, 24h, 5d or 2w' })
  .transform((text, ctx) => {
    const minutes = parseDuration(text.trim());
    if (minutes === null || minutes <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a duration; write a positive number followed by m, h, d or w (e.g. 90m, 24h, 5d, 2w)`,
      });
      return z.NEVER;
    }
    return minutes;
  });

// Tolerances may be zero: `0m` means "no slack".
const nonNegativeDuration = z
  .string({ error: 'expected a duration such as 0m, 30m, 2h or 1d' })
  .transform((text, ctx) => {
    const minutes = text.trim() === '0' ? 0 : parseDuration(text.trim());
    if (minutes === null) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a duration; write a number followed by m, h, d or w (e.g. 0m, 30m, 2h)`,
      });
      return z.NEVER;
    }
    return minutes;
  });

const ID = /^[a-z][a-z0-9_-]*$/;
const id = z.string().regex(ID, 'use lowercase letters, digits, "-" and "_", starting with a letter');
// Question ids are read in CEL as `answers.<id>`, so they must be CEL identifiers.
const questionId = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and "_" only, so rules can read answers.<id>');
const text = z.string().trim().min(1, 'must not be empty');
const rating = z.enum(RISK_RATINGS);
const positiveInt = z.number().int('must be a whole number').positive('must be at least 1');

// `celOffset` lets the loader point at the character CEL complained about, not just the line.
// The raw scalar is compiled before trimming so offsets match the YAML source.
const celExpression = z
  .string()
  .check((ctx) => {
    if (ctx.value.trim() === '') {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: 'must not be empty; write a CEL condition',
      });
      return;
    }
    const compiled = compileRule(ctx.value);
    if (compiled.ok) return;
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: compiled.budget ? compiled.message : `invalid CEL: ${compiled.message}`,
      params: compiled.offset === undefined ? {} : { celOffset: compiled.offset },
    });
  })
  .trim();

const approval = z.strictObject({ group: id, count: positiveInt.default(1) });
const approvalList = z
  .array(approval)
  .min(1, 'list at least one approval; an empty list would approve nothing');
// A named person's approval: the affected services' business or technical owners, or the risk owner.
const personApproval = z.strictObject({
  person: z.enum(PERSON_APPROVERS, {
    error: `person must be one of: ${PERSON_APPROVERS.join(', ')}`,
  }),
});
// Dispatched on the key written, so an error points into the form meant (`count`, `person`), not at the line.
const approvalRule = z.unknown().transform((value, ctx) => {
  const named = typeof value === 'object' && value !== null && 'person' in value;
  const parsed = (named ? personApproval : approval).safeParse(value, { reportInput: true });
  if (!parsed.success) {
    // Each issue as it was raised (its code and input), so the loader words it as for any other key.
    for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }
  return parsed.data;
});
const approvalRuleList = z
  .array(approvalRule)
  .min(1, 'list at least one approval; an empty list would approve nothing');
const approvalsByRating = z.strictObject({
  low: approvalRuleList,
  medium: approvalRuleList,
  high: approvalRuleList,
});

/**
 * Emergency authorizations by risk rating, like normal approvals. The older single list still reads,
 * as the same list for every rating; errors keep the path of the form that was written.
 */
const emergencyApprovals = z.unknown().transform((value, ctx) => {
  const parsed = (Array.isArray(value) ? approvalRuleList : approvalsByRating).safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', path: issue.path });
    return z.NEVER;
  }
  const d = parsed.data;
  return Array.isArray(d) ? { low: d, medium: d, high: d } : d;
});

const requiredField = z.enum(REQUIRED_FIELDS);

const byRating = z
  .strictObject({
    low: z.array(requiredField).default([]),
    medium: z.array(requiredField).default([]),
    high: z.array(requiredField).default([]),
  })
  .prefault({});

const reasonField = z.enum(APPROVAL_REASON_FIELDS);
const reasonsByRating = z
  .strictObject({
    low: z.array(reasonField).default([]),
    medium: z.array(reasonField).default([]),
    high: z.array(reasonField).default([]),
  })
  .prefault({});

const template = z.strictObject({
  id,
  title: text,
  description: z.string().default(''),
  services: z.array(z.string().min(1)).default([]),
  maxRisk: rating.default('low'),
  defaults: z
    .strictObject({
      implementationPlan: z.string().optional(),
      rollbackPlan: z
        .strictObject({
          method: text,
          expectedMinutes: positiveInt,
          triggers: text,
          backupConfirmed: z.boolean().default(false),
        })
        .optional(),
      testPlan: z.string().optional(),
    })
    .prefault({}),
});

const baseSchema = z.strictObject({
  version: z.literal(1, { error: 'version must be 1 (the only policy format so far)' }),
  name: text,
  groups: z.array(z.strictObject({ id, description: z.string().default('') })).min(1),
  risk: z.strictObject({
    default: rating.default('low'),
    questions: z
      .array(z.strictObject({ id: questionId, text }))
      .max(LIST_BOUNDS.answers, `at most ${LIST_BOUNDS.answers} questions`)
      .default([]),
    rules: z
      .array(
        z.strictObject({
          id,
          when: celExpression,
          rating,
          reason: text,
          // Approvals a match adds to those of the rating, e.g. business sign-off when customers notice.
          approvals: z.array(approvalRule).default([]),
        }),
      )
      .default([]),
  }),
  requirements: z
    .strictObject({
      low: z.array(requiredField).default([]),
      medium: z.array(requiredField).default([]),
      high: z.array(requiredField).default([]),
      // Strict, so a misspelt origin is an error rather than a requirement that never applies.
      byOrigin: z
        .strictObject({
          internal: byRating.optional(),
          supplier: byRating.optional(),
          customer: byRating.optional(),
          automation: byRating.optional(),
        })
        .default({}),
    })
    .prefault({}),
  testing: z
    .strictObject({
      outsideProduction: z.array(rating).default([]),
      maskedDataClasses: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  approvalReasoning: z.strictObject({ any: reasonsByRating, riskOwner: reasonsByRating }).prefault({}),
  approvals: z.strictObject({
    normal: approvalsByRating,
    emergency: emergencyApprovals,
    policy: approvalList,
  }),
  review: z
    .strictObject({
      types: z.array(z.enum(CHANGE_TYPES)).default(['emergency', 'unauthorized']),
      outcomes: z.array(z.enum(OUTCOMES)).default(['failed', 'rolled_back']),
      ratings: z.array(rating).default([]),
      reviewers: z.array(id).default([]),
    })
    .prefault({}),
  windows: z
    .strictObject({
      maxLength: duration.default(7 * 24 * 60),
      reapproveOnMove: z.boolean().default(true),
      moveTolerance: nonNegativeDuration.default(0),
    })
    .prefault({})
    .transform((w) => ({
      maxLengthMinutes: w.maxLength,
      reapproveOnMove: w.reapproveOnMove,
      moveToleranceMinutes: w.moveTolerance,
    })),
  deadlines: z
    .strictObject({
      emergencyRecord: duration.default(24 * 60),
      emergencyReview: duration.default(5 * 24 * 60),
      approvalSla: duration.default(2 * 24 * 60),
      followUp: duration.default(30 * 24 * 60),
    })
    .prefault({})
    .transform((d) => ({
      emergencyRecordMinutes: d.emergencyRecord,
      emergencyReviewMinutes: d.emergencyReview,
      approvalSlaMinutes: d.approvalSla,
      followUpMinutes: d.followUp,
    })),
  ledger: z
    .strictObject({
      checkpointEvery: duration.default(1),
      checkpointIdle: duration.default(60),
    })
    .prefault({})
    .transform((l) => ({
      checkpointEveryMinutes: l.checkpointEvery,
      checkpointIdleMinutes: l.checkpointIdle,
    })),
  templates: z.array(template).default([]),
  emergency: z
    .strictObject({
      // When listed, an emergency request names the criterion that applies and why.
      criteria: z.array(z.strictObject({ id, description: text })).default([]),
      beforeStart: z.array(requiredField).default([]),
    })
    .prefault({}),
  calendar: calendarSection(id, duration),
});

type Parsed = z.output<typeof baseSchema>;
type Ctx = z.RefinementCtx;

function uniqueIds(items: { id: string }[], path: (string | number)[], what: string, ctx: Ctx): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.id);
    if (first === undefined) seen.set(item.id, i);
    else
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'id'],
        message: `duplicate ${what} id "${item.id}" (already used at ${path.join('.')}[${first}]); ids must be unique`,
      });
  });
}

function knownGroups(
  list: ({ group: string } | { person: string })[],
  path: (string | number)[],
  groups: string[],
  ctx: Ctx,
): void {
  const seen = new Set<string>();
  list.forEach((req, i) => {
    if (!('group' in req)) {
      if (seen.has(req.person))
        ctx.addIssue({
          code: 'custom',
          path: [...path, i, 'person'],
          message: `${req.person} is listed twice`,
        });
      seen.add(req.person);
      return;
    }
    if (!groups.includes(req.group)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'group'],
        message: `unknown group "${req.group}"; declare it under groups or use one of: ${groups.join(', ')}`,
      });
    } else if (seen.has(req.group)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'group'],
        message: `group "${req.group}" is listed twice; put the total in one count`,
      });
    }
    seen.add(req.group);
  });
}

/** Question ids a CEL rule reads as `answers.<id>` or `answers["<id>"]`. */
export function referencedAnswers(when: string): string[] {
  const ids = [...when.matchAll(/\banswers\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*["']([^"']*)["']\s*\])/g)];
  return ids.map((m) => m[1] ?? m[2] ?? '');
}

function crossCheck(p: Parsed, ctx: Ctx): void {
  uniqueIds(p.groups, ['groups'], 'group', ctx);
  uniqueIds(p.risk.questions, ['risk', 'questions'], 'question', ctx);
  uniqueIds(p.risk.rules, ['risk', 'rules'], 'rule', ctx);
  uniqueIds(p.templates, ['templates'], 'template', ctx);
  uniqueIds(p.emergency.criteria, ['emergency', 'criteria'], 'emergency criterion', ctx);
  const groups = [...new Set(p.groups.map((g) => g.id))];
  for (const r of RISK_RATINGS) knownGroups(p.approvals.normal[r], ['approvals', 'normal', r], groups, ctx);
  const e = p.approvals.emergency;
  // The single-list form is one array shared by every rating: report its problems once, at its own path.
  if (e.low === e.medium && e.medium === e.high) knownGroups(e.low, ['approvals', 'emergency'], groups, ctx);
  else for (const r of RISK_RATINGS) knownGroups(e[r], ['approvals', 'emergency', r], groups, ctx);
  p.review.reviewers.forEach((g, i) => {
    if (!groups.includes(g))
      ctx.addIssue({
        code: 'custom',
        path: ['review', 'reviewers', i],
        message: `unknown group "${g}"; declare it under groups or use one of: ${groups.join(', ')}`,
      });
  });
  knownGroups(p.approvals.policy, ['approvals', 'policy'], groups, ctx);
  // The section may have failed its own checks, leaving its fields unparsed: check what is there.
  const windows = Array.isArray(p.calendar?.windows) ? p.calendar.windows : [];
  uniqueIds(windows, ['calendar', 'windows'], 'window', ctx);
  windows.forEach((w, i) => {
    if (typeof w.approvalGroup === 'string' && !groups.includes(w.approvalGroup))
      ctx.addIssue({
        code: 'custom',
        path: ['calendar', 'windows', i, 'approvalGroup'],
        message: `unknown group "${w.approvalGroup}"; declare it under groups or use one of: ${groups.join(', ')}`,
      });
  });
  p.risk.rules.forEach((rule, i) =>
    knownGroups(rule.approvals, ['risk', 'rules', i, 'approvals'], groups, ctx),
  );
  const questions = p.risk.questions.map((q) => q.id);
  p.risk.rules.forEach((rule, i) => {
    for (const ref of referencedAnswers(rule.when)) {
      if (questions.includes(ref)) continue;
      const known = questions.length ? `one of: ${questions.join(', ')}` : 'none are declared';
      ctx.addIssue({
        code: 'custom',
        path: ['risk', 'rules', i, 'when'],
        message: `unknown risk question "${ref}"; declare it under risk.questions (${known})`,
      });
    }
  });
}

export const PolicySchema = baseSchema.superRefine(crossCheck);

// Fails to compile if the schema drifts from the Policy type the rest of the program consumes.
const _fits: (p: Parsed) => Policy = (p) => p;
void _fits;
