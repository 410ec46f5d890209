// Which input of the form stands for a field the policy names or an API error points at, and which
// inputs the policy requires at the rating the server gave the draft.
import type { Assessment, ChangeView, PolicyForRaising } from '../../../src/client/api-client.ts';
import type { RaiseForm, RequestedChangeType } from './draft.ts';

/** An input of the form (risk answers are one group; a rollback plan and test evidence have parts). */
export type FieldKey = Exclude<keyof RaiseForm, 'type'> | 'answers';

/** The inputs in the order they appear, so that the first invalid one can take the focus. */
export const FIELD_ORDER: readonly FieldKey[] = [
  'title',
  'template',
  'windowStart',
  'windowEnd',
  'emergencyCriterion',
  'emergencyJustification',
  'services',
  'answers',
  'description',
  'reason',
  'implementationPlan',
  'implementer',
  'rollbackMethod',
  'rollbackMinutes',
  'rollbackTriggers',
  'backupConfirmed',
  'testPlan',
  'testEnvironment',
  'testResults',
  'testDataMasked',
];

/** A field of the change (as the policy or the API body names it, dotted for parts) → its input. */
const INPUT_OF: Record<string, FieldKey> = {
  title: 'title',
  template: 'template',
  window: 'windowStart',
  'window.start': 'windowStart',
  'window.end': 'windowEnd',
  services: 'services',
  riskAnswers: 'answers',
  description: 'description',
  reason: 'reason',
  implementationPlan: 'implementationPlan',
  testPlan: 'testPlan',
  implementer: 'implementer',
  rollbackPlan: 'rollbackMethod',
  'rollbackPlan.method': 'rollbackMethod',
  'rollbackPlan.expectedMinutes': 'rollbackMinutes',
  'rollbackPlan.triggers': 'rollbackTriggers',
  'rollbackPlan.backupConfirmed': 'backupConfirmed',
  backupConfirmed: 'backupConfirmed',
  testEvidence: 'testEnvironment',
  'testEvidence.environment': 'testEnvironment',
  'testEvidence.results': 'testResults',
  testDataMasked: 'testDataMasked',
  emergencyCriterion: 'emergencyCriterion',
  emergencyJustification: 'emergencyJustification',
};

/**
 * The input for a field name or an API error path (`body.rollbackPlan.method`, `body.services.0`): the
 * longest known prefix wins; null when the form has no input for it.
 */
export function inputFor(path: string): FieldKey | null {
  const parts = path.replace(/^body\.?/, '').split('.');
  for (let n = parts.length; n > 0; n--) {
    const key = INPUT_OF[parts.slice(0, n).join('.')];
    if (key) return key;
  }
  return null;
}

/**
 * The inputs required before the change leaves draft: what the policy asks at this rating (and of this
 * origin), what the server still finds missing, and an emergency's criterion and justification.
 */
export function requiredInputs(
  raising: Pick<PolicyForRaising, 'requirements' | 'requirementsByOrigin'>,
  rating: Assessment['rating'] | null,
  type: RequestedChangeType,
  missing: readonly string[] = [],
  origin: ChangeView['origin'] = 'internal',
): Set<FieldKey> {
  const named = rating
    ? [...raising.requirements[rating], ...(raising.requirementsByOrigin[origin]?.[rating] ?? []), ...missing]
    : [...missing];
  if (type === 'emergency') named.push('emergencyCriterion', 'emergencyJustification');
  if (type === 'standard') named.push('template');
  const out = new Set<FieldKey>(['title']);
  for (const name of named) {
    const key = inputFor(name);
    if (key) out.add(key);
    // A rollback plan is written in full: method, expected minutes and triggers.
    if (key === 'rollbackMethod') out.add('rollbackMinutes');
    if (key === 'testEnvironment') out.add('testResults');
  }
  return out;
}

/** How the form labels each input (also used to name a missing field in words). */
export const LABELS: Record<FieldKey, string> = {
  title: 'Title',
  template: 'Template',
  windowStart: 'Window start (optional)',
  windowEnd: 'Window end (optional)',
  emergencyCriterion: 'Emergency criterion',
  emergencyJustification: 'Why the criterion applies',
  services: 'Services',
  answers: 'Risk questions',
  description: 'Description',
  reason: 'Reason (the business or security driver)',
  implementationPlan: 'Implementation plan',
  implementer: 'Implementer (username)',
  rollbackMethod: 'Rollback method',
  rollbackMinutes: 'Rollback time (minutes)',
  rollbackTriggers: 'Rollback triggers',
  backupConfirmed: 'A current, restorable backup exists',
  testPlan: 'Test plan',
  testEnvironment: 'Test environment',
  testResults: 'Test results',
  testDataMasked: 'Testing used no unmasked personal data',
};

/** A field the policy names, in the form's words where it has an input for it. */
export function fieldName(name: string): string {
  const key = inputFor(name);
  return key ? LABELS[key].replace(/ \(.*\)$/, '') : name;
}
