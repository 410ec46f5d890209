// Standard changes are pre-approved only within their template: its services and its maximum risk.
import type { Assessment } from './change.ts';
import type { Refusal } from './events.ts';
import { RISK_RATINGS, type Policy } from '../policy/types.ts';

export function templateRefusals(
  templateId: string | null,
  services: string[],
  assessment: Assessment,
  policy: Policy,
): Refusal[] {
  const template = policy.templates.find((t) => t.id === templateId);
  if (!template) {
    const known = policy.templates.map((t) => t.id).join(', ') || 'none';
    return [
      { code: 'unknown_template', message: `no template "${templateId}"; the active policy has: ${known}` },
    ];
  }
  const out: Refusal[] = [];
  const outside =
    template.services.length === 0 ? [] : services.filter((s) => !template.services.includes(s));
  if (outside.length > 0)
    out.push({
      code: 'outside_template',
      message: `template ${template.id} does not cover ${outside.join(', ')}; raise a normal change instead`,
    });
  if (RISK_RATINGS.indexOf(assessment.rating) > RISK_RATINGS.indexOf(template.maxRisk))
    out.push({
      code: 'template_risk_exceeded',
      message: `rated ${assessment.rating} (${assessment.reasons.map((r) => r.reason).join('; ')}), above template ${template.id}'s maximum ${template.maxRisk}; raise a normal change instead`,
    });
  return out;
}
