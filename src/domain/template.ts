// Standard changes are pre-approved only within their template: its services and its maximum risk.
import type { Assessment } from './change.ts';
import type { Refusal } from './events.ts';
import type { Policy } from '../policy/types.ts';
import { RISK_RATINGS } from './vocabulary.ts';

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

/**
 * Everything a standard change must meet, at creation, on every edit and again when it starts: at least one
 * service, all within its template, risk within the template's maximum, and the fields the policy requires
 * for its rating (the template's defaults count, being copied into the change).
 */
export function standardRefusals(
  templateId: string | null,
  services: string[],
  assessment: Assessment,
  policy: Policy,
): Refusal[] {
  const out = templateRefusals(templateId, services, assessment, policy);
  if (out.some((r) => r.code === 'unknown_template')) return out;
  if (services.length === 0)
    out.push({
      code: 'services_required',
      message: `name the services the standard change touches (template ${templateId} ${scopeText(templateId, policy)})`,
    });
  const missing = assessment.missing.filter((m) => m !== 'services');
  if (missing.length > 0)
    out.push({
      code: 'missing_fields',
      message: `${assessment.rating} risk requires: ${missing.join(', ')}`,
    });
  return out;
}

function scopeText(templateId: string | null, policy: Policy): string {
  const scope = policy.templates.find((t) => t.id === templateId)?.services ?? [];
  return scope.length === 0 ? 'covers any service' : `covers ${scope.join(', ')}`;
}
