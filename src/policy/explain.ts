// What a parsed policy does, key by key, in plain language: `changeproof policy check FILE --explain`.
// Keys are the policy file's own (`windows.maxLength`, not the parsed `maxLengthMinutes`); a section or
// key at its default says so. Every key of the schema gets at least one line whatever its value, so the
// explanation of an empty list is a sentence too (the test walks the schema and the example to hold this).
import {
  RISK_RATINGS,
  type ApprovalRule,
  type PersonApprover,
  type Policy,
  type RiskRating,
} from './types.ts';
import { PolicySchema } from './schema.ts';
import { and, fieldWords, minutesWords, or, ORIGIN_WORDS, plural } from './explain-words.ts';
import { explainCalendar } from './explain-calendar.ts';

export interface PolicyExplanation {
  /** Dotted path into the policy file, e.g. `approvals.normal.high` or `risk.rules.critical-downstream`. */
  key: string;
  text: string;
}

type Line = PolicyExplanation;
type Section = (p: Policy, d: Policy | null) => Line[];

const PERSON_WORDS: Record<PersonApprover, string> = {
  businessOwner: "the business owner of each affected service (the catalogue's `owners.business`)",
  technicalOwner: "the technical owner of each affected service (the catalogue's `owners.technical`)",
  riskOwner: "the change's risk owner",
};

/** `1 approval from technical and 2 from business`, or `… and one from the change's risk owner`. */
function approvalWords(list: readonly ApprovalRule[], noun = 'approval'): string {
  return and(
    list.map((a, i) => {
      const n = 'group' in a ? a.count : 1;
      const from = 'group' in a ? `\`${a.group}\`` : PERSON_WORDS[a.person];
      return `${i === 0 ? plural(n, noun) : n} from ${from}`;
    }),
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const dflt = (value: unknown, d: unknown, present: boolean) =>
  present && same(value, d) ? ' (default)' : '';

const RATED: Record<RiskRating, string> = { low: 'A low-risk', medium: 'A medium-risk', high: 'A high-risk' };

const about: Section = (p) => [
  { key: 'version', text: `Policy format ${p.version}.` },
  {
    key: 'name',
    text: `The policy is called "${p.name}"; every version the server runs is kept with its hash.`,
  },
  {
    key: 'groups',
    text: `${plural(p.groups.length, 'approver group')}: ${and(p.groups.map((g) => `\`${g.id}\``))}. An admin or the OIDC group mapping puts people in them; an approval counts for a group only if the approver holds it both when approving and when the change is deployed.`,
  },
  ...p.groups.map((g) => ({
    key: `groups.${g.id}`,
    text: `Group \`${g.id}\`${g.description ? `: ${g.description}` : ' (no description).'}`,
  })),
];

const risk: Section = (p, d) => {
  const r = p.risk;
  return [
    {
      key: 'risk.default',
      text: `A change no rule matches is rated ${r.default}.${dflt(r.default, d?.risk.default, !!d)}`,
    },
    r.questions.length
      ? {
          key: 'risk.questions',
          text: `The requester answers ${plural(r.questions.length, 'yes/no question')}; rules read them as \`answers.<id>\` (unanswered counts as no).`,
        }
      : {
          key: 'risk.questions',
          text: 'No risk questions: rules read only the change and its services. (default)',
        },
    ...r.questions.map((q) => ({ key: `risk.questions.${q.id}`, text: `Question \`${q.id}\`: ${q.text}` })),
    r.rules.length
      ? {
          key: 'risk.rules',
          text: `${plural(r.rules.length, 'rule')}; the highest rating among the rules a change matches wins, and a rule that fails to evaluate counts as matched at high.`,
        }
      : { key: 'risk.rules', text: `No risk rules: every change is rated ${r.default}. (default)` },
    ...r.rules.map((rule) => ({
      key: `risk.rules.${rule.id}`,
      text:
        `Rule \`${rule.id}\` rates ${rule.rating} when \`${rule.when}\`: ${rule.reason.replace(/\.$/, '')}` +
        (rule.approvals?.length
          ? `; it also asks for ${approvalWords(rule.approvals)} (the larger count per group wins).`
          : '.'),
    })),
  ];
};

const requirements: Section = (p, d) => {
  const q = p.requirements;
  const lines: Line[] = RISK_RATINGS.map((rating) => ({
    key: `requirements.${rating}`,
    text: q[rating].length
      ? `${RATED[rating]} change must fill in, before it leaves draft (an emergency: before its record is complete): ${q[rating].map(fieldWords).join(', ')}.${dflt(q[rating], d?.requirements[rating], !!d)}`
      : `${RATED[rating]} change needs no field beyond its title.${dflt(q[rating], d?.requirements[rating], !!d)}`,
  }));
  const origins = Object.entries(q.byOrigin ?? {}).filter(([, byRating]) =>
    RISK_RATINGS.some((r) => byRating?.[r].length),
  );
  if (origins.length === 0)
    lines.push({
      key: 'requirements.byOrigin',
      text: 'No fields are added by where a change came from. (default)',
    });
  for (const [origin, byRating] of origins) {
    for (const rating of RISK_RATINGS) {
      const fields = byRating?.[rating] ?? [];
      lines.push({
        key: `requirements.byOrigin.${origin}.${rating}`,
        text: fields.length
          ? `${RATED[rating]} ${(ORIGIN_WORDS[origin] ?? `change of origin ${origin}`).replace(/^an? /, '')} must also fill in: ${fields.map(fieldWords).join(', ')}.`
          : `${RATED[rating]} ${(ORIGIN_WORDS[origin] ?? `change of origin ${origin}`).replace(/^an? /, '')} needs no field beyond those of its rating.`,
      });
    }
  }
  return lines;
};

const testing: Section = (p) => {
  const t = p.testing;
  return [
    {
      key: 'testing.outsideProduction',
      text: t.outsideProduction.length
        ? `At ${and(t.outsideProduction)} risk, test evidence and results from production are refused: testing happens outside production, or the change records a "no test environment" exemption with the production verification that replaces it.`
        : 'Test evidence may come from any environment, production included. (default)',
    },
    {
      key: 'testing.maskedDataClasses',
      text: t.maskedDataClasses.length
        ? `Where an affected service holds ${or(t.maskedDataClasses)} data, the change must confirm that no unmasked data was used for testing before it leaves draft.`
        : 'No confirmation of masked test data is asked. (default)',
    },
  ];
};

const reasoning: Section = (p) => {
  return (['any', 'riskOwner'] as const).map((k) => {
    const byRating = p.approvalReasoning[k];
    const asked = RISK_RATINGS.filter((r) => byRating[r].length);
    if (asked.length === 0) {
      const none =
        k === 'any'
          ? 'Approvers need not give their reasoning as fields; a comment is enough. (default)'
          : 'The risk owner approves like any other approver. (default)';
      return { key: `approvalReasoning.${k}`, text: none };
    }
    const who = (r: RiskRating) =>
      k === 'any' ? `Every approver of a ${r}-risk change` : `The risk owner, approving a ${r}-risk change,`;
    const text = asked.map((r) => `${who(r)} must give: ${byRating[r].map(fieldWords).join(', ')}.`);
    return { key: `approvalReasoning.${k}`, text: text.join(' ') };
  });
};

const approvals: Section = (p) => {
  const a = p.approvals;
  const e = a.emergency;
  const lines: Line[] = RISK_RATINGS.map((r) => ({
    key: `approvals.normal.${r}`,
    text: `${RATED[r]} normal change needs ${approvalWords(a.normal[r])}, from people who neither requested, implement nor edited it.`,
  }));
  if (same(e.low, e.medium) && same(e.medium, e.high))
    lines.push({
      key: 'approvals.emergency',
      text: `An emergency, at any rating, needs ${approvalWords(e.low, 'authorization')} before it starts; its full record and review follow.`,
    });
  else
    for (const r of RISK_RATINGS)
      lines.push({
        key: `approvals.emergency.${r}`,
        text: `${RATED[r]} emergency needs ${approvalWords(e[r], 'authorization')} before it starts.`,
      });
  lines.push({
    key: 'approvals.policy',
    text: `Replacing this policy needs ${approvalWords(a.policy)}, from someone other than the author of the new version.`,
  });
  return lines;
};

const review: Section = (p, d) => {
  const r = p.review;
  const mark = (k: keyof Policy['review']) => dflt(r[k], d?.review[k], !!d);
  return [
    {
      key: 'review.types',
      text: r.types.length
        ? `A post-implementation review is required before close for every ${or(r.types)} change.${mark('types')}`
        : `No change type by itself requires a review.${mark('types')}`,
    },
    {
      key: 'review.outcomes',
      text: r.outcomes.length
        ? `A review is required when a change ended ${or(r.outcomes.map((o) => o.replace(/_/g, ' ')))}.${mark('outcomes')}`
        : `No outcome by itself requires a review.${mark('outcomes')}`,
    },
    {
      key: 'review.ratings',
      text: r.ratings.length
        ? `A review is required for every ${or(r.ratings)}-risk change.${mark('ratings')}`
        : `No rating by itself requires a review.${mark('ratings')}`,
    },
    {
      key: 'review.reviewers',
      text: `Emergency and unauthorized changes are reviewed by a member of ${r.reviewers.length ? or(r.reviewers.map((g) => `\`${g}\``)) : 'any group'} who neither requested nor implemented the change.${mark('reviewers')}`,
    },
  ];
};

const windows: Section = (p, d) => {
  const w = p.windows;
  const mark = (k: keyof Policy['windows']) => dflt(w[k], d?.windows[k], !!d);
  return [
    {
      key: 'windows.maxLength',
      text: `An implementation window may last at most ${minutesWords(w.maxLengthMinutes)}.${mark('maxLengthMinutes')}`,
    },
    {
      key: 'windows.reapproveOnMove',
      text: w.reapproveOnMove
        ? `Moving an approved change's window withdraws its approvals.${mark('reapproveOnMove')}`
        : `Moving an approved change's window keeps its approvals.${mark('reapproveOnMove')}`,
    },
    {
      key: 'windows.moveTolerance',
      text: !w.reapproveOnMove
        ? `Not used while moving a window keeps its approvals.${mark('moveToleranceMinutes')}`
        : w.moveToleranceMinutes
          ? `A move is tolerated when the new window lies within the agreed one widened by ${minutesWords(w.moveToleranceMinutes)} on each side.${mark('moveToleranceMinutes')}`
          : `Any move counts, however small.${mark('moveToleranceMinutes')}`,
    },
  ];
};

const deadlines: Section = (p, d) => {
  const t = p.deadlines;
  const mark = (k: keyof Policy['deadlines']) => dflt(t[k], d?.deadlines[k], !!d);
  return [
    {
      key: 'deadlines.emergencyRecord',
      text: `An emergency's full record is owed within ${minutesWords(t.emergencyRecordMinutes)} of its authorization.${mark('emergencyRecordMinutes')}`,
    },
    {
      key: 'deadlines.emergencyReview',
      text: `An emergency's review is owed within ${minutesWords(t.emergencyReviewMinutes)} of when its implementation started.${mark('emergencyReviewMinutes')}`,
    },
    {
      key: 'deadlines.approvalSla',
      text: `A pending approval older than ${minutesWords(t.approvalSlaMinutes)} is marked late and listed, with the group that owes it.${mark('approvalSlaMinutes')}`,
    },
    {
      key: 'deadlines.followUp',
      text: `Follow-ups a review opens are due ${minutesWords(t.followUpMinutes)} after it.${mark('followUpMinutes')}`,
    },
  ];
};

const ledger: Section = (p, d) => {
  const l = p.ledger;
  const mark = (k: keyof Policy['ledger']) => dflt(l[k], d?.ledger[k], !!d);
  return [
    {
      key: 'ledger.checkpointEvery',
      text: `While changes are being recorded, the ledger signs a checkpoint every ${minutesWords(l.checkpointEveryMinutes)}.${mark('checkpointEveryMinutes')}`,
    },
    {
      key: 'ledger.checkpointIdle',
      text: `When nothing happens it still signs one at least every ${minutesWords(l.checkpointIdleMinutes)}, so a gap in time is itself visible.${mark('checkpointIdleMinutes')}`,
    },
  ];
};

const templates: Section = (p) => {
  if (p.templates.length === 0)
    return [
      { key: 'templates', text: 'No standard-change templates: every change needs approval. (default)' },
    ];
  return [
    {
      key: 'templates',
      text: `${plural(p.templates.length, 'standard-change template')}: a change created from one skips approval but is still risk-assessed (again when it starts), and goes through as a normal change if it rates above the template's maximum.`,
    },
    ...p.templates.map((t) => {
      const filled = (['implementationPlan', 'rollbackPlan', 'testPlan'] as const).filter(
        (f) => t.defaults[f] !== undefined,
      );
      const on = t.services.length ? `on ${or(t.services.map((s) => `\`${s}\``))}` : 'on any service';
      return {
        key: `templates.${t.id}`,
        text:
          `Template \`${t.id}\` (${t.title}) is a pre-approved standard change ${on}, up to ${t.maxRisk} risk` +
          (filled.length ? `; it fills in: ${filled.map(fieldWords).join(', ')}.` : '.'),
      };
    }),
  ];
};

const emergency: Section = (p) => {
  const e = p.emergency;
  const record = minutesWords(p.deadlines.emergencyRecordMinutes);
  return [
    e.criteria.length
      ? {
          key: 'emergency.criteria',
          text: `A change qualifies as an emergency only under one of ${plural(e.criteria.length, 'criterion', 'criteria')}: ${and(e.criteria.map((c) => `\`${c.id}\``))}. The request names the one that applies and says why; anything else takes the normal path.`,
        }
      : {
          key: 'emergency.criteria',
          text: 'Any urgent change may be raised as an emergency; the request names no criterion. (default)',
        },
    ...e.criteria.map((c) => ({
      key: `emergency.criteria.${c.id}`,
      text: `Criterion \`${c.id}\`: ${c.description}`,
    })),
    {
      key: 'emergency.beforeStart',
      text: e.beforeStart.length
        ? `An emergency must have, before it starts: ${e.beforeStart.map(fieldWords).join(', ')}; the rest of its record is owed within ${record}.`
        : `An emergency needs no field before it starts; its whole record is owed within ${record}. (default)`,
    },
  ];
};

const SECTIONS: Section[] = [
  about,
  risk,
  requirements,
  testing,
  reasoning,
  approvals,
  review,
  windows,
  deadlines,
  ledger,
  templates,
  emergency,
  explainCalendar,
];

let defaults: Policy | null | undefined;

/** The values a policy gets for every key it leaves out: the schema's defaults, read off a minimal policy. */
function policyDefaults(): Policy | null {
  if (defaults !== undefined) return defaults;
  const one = [{ group: 'g' }];
  const parsed = PolicySchema.safeParse({
    version: 1,
    name: 'defaults',
    groups: [{ id: 'g' }],
    risk: {},
    approvals: { normal: { low: one, medium: one, high: one }, emergency: one, policy: one },
  });
  defaults = parsed.success ? parsed.data : null;
  return defaults;
}

/** What the policy does, key by key, in the order of the example policy. */
export function explainPolicy(policy: Policy): PolicyExplanation[] {
  const d = policyDefaults();
  return SECTIONS.flatMap((section) => section(policy, d));
}
