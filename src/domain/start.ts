// The checks `start` makes against the world as it is now: the assessment recomputed from the current
// catalogue and policy, and the approvals held by people who still hold their groups. When they no longer
// suffice the change goes back for approval, and the history says which approvals stopped counting and why.
import type { Assessment, Change } from './change.ts';
import type { ChangeEvent, LapsedApproval, Refusal } from './events.ts';
import { approvalStanding, requirementWords, type Live } from './standing.ts';
import { standardRefusals } from './template.ts';
import type { Policy } from '../policy/types.ts';

/** Reasons that belong to the approver rather than to the change: the approval itself lapses. */
const PERSONAL = new Set(['group_not_held', 'approver_inactive', 'approver_not_human', 'approver_conflict']);

// Field by field: a recorded assessment comes back from canonical JSON with its keys in another order.
const summary = (a: Assessment | null) =>
  JSON.stringify([
    a?.rating ?? null,
    (a?.requiredApprovals ?? []).map((r) => [r.group, r.count]),
    a?.missing ?? [],
  ]);

/** A `change.reassessed` event when the assessment of the moment differs from the recorded one, else null. */
export function reassessment(change: Change, now: Assessment): ChangeEvent | null {
  if (summary(change.assessment) === summary(now)) return null;
  return {
    type: 'change.reassessed',
    data: {
      assessment: now,
      previous: {
        rating: change.assessment?.rating ?? null,
        requiredApprovals: change.assessment?.requiredApprovals ?? [],
      },
    },
  };
}

export function startRefusals(
  change: Change,
  live: Live | null,
  policy: Policy,
): { refusals: Refusal[]; events: ChangeEvent[] } {
  const reassessed = live ? reassessment(change, live.assessment) : null;
  const events: ChangeEvent[] = reassessed ? [reassessed] : [];
  const assessment = live?.assessment ?? change.assessment;
  if (change.type === 'standard')
    return {
      refusals: assessment ? standardRefusals(change.template, change.services, assessment, policy) : [],
      events,
    };
  if (change.type === 'normal' && assessment && assessment.missing.length > 0)
    return {
      refusals: [
        {
          code: 'missing_fields',
          message: `${assessment.rating} risk now requires: ${assessment.missing.join(', ')}; edit the change (it will need approval again)`,
        },
      ],
      events,
    };
  const standing = approvalStanding(change, live);
  if (standing.satisfied) return { refusals: [], events };
  const lapsed: LapsedApproval[] = standing.approvals.flatMap((a) => {
    const personal = a.reasons.filter((r) => PERSONAL.has(r.code));
    return personal.length === a.reasons.length && personal.length > 0
      ? [
          {
            approver: a.approver,
            group: a.group,
            code: personal[0]!.code,
            message: personal.map((r) => r.message).join('; '),
          },
        ]
      : [];
  });
  const why = [...(standing.rose ? [standing.rose.message] : []), ...lapsed.map((l) => l.message)];
  const open = standing.requirements
    .filter((r) => r.remaining > 0)
    .map((r) => (r.label ? requirementWords(r) : `${r.remaining} more from ${r.group}`));
  const reason = `${why.join('; ') || 'the approvals no longer make the quorum'}; needs ${open.join(', ')}`;
  events.push({
    type: 'change.approvals_lapsed',
    data: { reason, lapsed, requiredApprovals: assessment?.requiredApprovals ?? [] },
  });
  const refusals: Refusal[] = [
    {
      code: 'approvals_lapsed',
      message: `${change.id}'s approvals no longer suffice (${reason}); it is back awaiting approval`,
    },
  ];
  if (standing.rose) refusals.push({ code: 'risk_rose', message: standing.rose.message });
  for (const l of lapsed) refusals.push({ code: l.code, message: l.message });
  return { refusals, events };
}
