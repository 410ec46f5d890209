// What a form needs of the active policy to raise a change: the questions, templates, requirements and
// emergency rules, with durations as the server counts them. Read-only; the policy file stays the source.
import type { PolicyForRaising } from '../../contracts/policy.ts';
import type { Policy } from '../../policy/types.ts';

export function raisingView(policy: Policy): PolicyForRaising {
  const { byOrigin, ...requirements } = policy.requirements;
  return {
    questions: policy.risk.questions.map(({ id, text }) => ({ id, text })),
    templates: policy.templates.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      services: t.services,
      maxRisk: t.maxRisk,
      defaults: t.defaults,
    })),
    requirements,
    requirementsByOrigin: byOrigin ?? {},
    emergency: {
      criteria: policy.emergency.criteria,
      beforeStart: policy.emergency.beforeStart,
      recordDueMinutes: policy.deadlines.emergencyRecordMinutes,
      reviewDueMinutes: policy.deadlines.emergencyReviewMinutes,
    },
  };
}
