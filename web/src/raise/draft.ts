// The raise-a-change form's fields as the API's create body: blank fields left out, services split on commas.
import type { CreateChangeInput } from '../../../src/client/api-client.ts';
import { REQUESTED_CHANGE_TYPES } from '../../../src/contracts/vocabulary.ts';
import { field } from '../form.ts';

export function draftFrom(form: FormData): CreateChangeInput {
  const type = REQUESTED_CHANGE_TYPES.find((t) => t === field(form, 'type')) ?? 'normal';
  const services = field(form, 'services')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const implementer = field(form, 'implementer').trim();
  const draft: CreateChangeInput = { title: field(form, 'title').trim(), type, services };
  for (const key of ['description', 'reason', 'implementationPlan', 'testPlan'] as const) {
    const value = field(form, key).trim();
    if (value) draft[key] = value;
  }
  if (implementer) draft.implementer = implementer;
  return draft;
}
