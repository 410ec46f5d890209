// Standard changes: the templates that cover every chosen service, what each was approved for, and its
// defaults copied into the form (the server copies the same defaults where a change gives none).
import type { PolicyForRaising } from '../../../src/client/api-client.ts';
import type { RaiseForm } from './draft.ts';

export type Template = PolicyForRaising['templates'][number];

/** Templates usable on all the chosen services (an empty template scope covers any service). */
export function templatesFor(templates: readonly Template[], services: readonly string[]): Template[] {
  return templates.filter((t) => t.services.length === 0 || services.every((s) => t.services.includes(s)));
}

/** What the template was approved for, in words. */
export function approvedFor(t: Template): string {
  const scope = t.services.length === 0 ? 'any service' : t.services.join(', ');
  return `${t.description} Approved for ${scope}, at most ${t.maxRisk} risk.`;
}

/** The form with the template chosen and its defaults filled in; a title already written is kept. */
export function prefill(form: RaiseForm, t: Template): RaiseForm {
  const d = t.defaults;
  return {
    ...form,
    template: t.id,
    title: form.title.trim() === '' ? t.title : form.title,
    implementationPlan: d.implementationPlan ?? form.implementationPlan,
    testPlan: d.testPlan ?? form.testPlan,
    ...(d.rollbackPlan
      ? {
          rollbackMethod: d.rollbackPlan.method,
          rollbackMinutes: String(d.rollbackPlan.expectedMinutes),
          rollbackTriggers: d.rollbackPlan.triggers,
          backupConfirmed: d.rollbackPlan.backupConfirmed,
        }
      : {}),
  };
}
