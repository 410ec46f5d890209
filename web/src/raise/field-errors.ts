// The API's error body as the form shows it: each detail next to the input it is about (validation paths,
// refusals by code, the policy's missing fields), the rest in one alert.
import type { FieldKey } from './fields.ts';
import { FIELD_ORDER, inputFor } from './fields.ts';

export interface FormErrors {
  fields: Partial<Record<FieldKey, string>>;
  general: string[];
}

interface Detail {
  code?: string;
  path?: string;
  message: string;
}

/** Refusals about one input, by code. */
const REFUSAL_INPUT: Record<string, FieldKey> = {
  emergency_criterion_required: 'emergencyCriterion',
  unknown_emergency_criterion: 'emergencyCriterion',
  emergency_justification_required: 'emergencyJustification',
  services_required: 'services',
  outside_template: 'services',
  unknown_service: 'services',
  service_retired: 'services',
  unknown_template: 'template',
  template_needs_standard: 'template',
};

function detailsOf(body: unknown): { message: string; details: Detail[] } | null {
  const error = (body as { error?: { message?: unknown; details?: unknown } } | null)?.error;
  if (!error || typeof error.message !== 'string') return null;
  const details = Array.isArray(error.details) ? (error.details as Detail[]) : [];
  return { message: error.message, details };
}

/**
 * Maps an error body to inputs. `missing` is the server's list of fields the change still lacks (from the
 * saved draft's assessment), placed next to their inputs when the refusal is `missing_fields`.
 */
export function errorsFrom(body: unknown, fallback: string, missing: readonly string[] = []): FormErrors {
  const out: FormErrors = { fields: {}, general: [] };
  const parsed = detailsOf(body);
  if (!parsed) return { fields: {}, general: [fallback] };
  const place = (key: FieldKey | null, message: string) => {
    if (key === null) out.general.push(message);
    else out.fields[key] = out.fields[key] ? `${out.fields[key]}; ${message}` : message;
  };
  const details = parsed.details.length > 0 ? parsed.details : [{ message: parsed.message }];
  for (const d of details) {
    if (d.path) place(inputFor(d.path), d.message);
    else if (d.code === 'missing_fields') {
      const rating = /^(\w+) risk requires/.exec(d.message)?.[1] ?? 'this';
      const unplaced = missing.filter((m) => inputFor(m) === null);
      for (const m of missing) if (inputFor(m)) place(inputFor(m), `required at ${rating} risk`);
      if (unplaced.length > 0 || missing.length === 0)
        out.general.push(
          unplaced.length > 0 ? `${rating} risk also requires: ${unplaced.join(', ')}` : d.message,
        );
    } else place(d.code ? (REFUSAL_INPUT[d.code] ?? null) : null, d.message);
  }
  return out;
}

/** The first input with an error, in the form's order: where the focus goes. */
export function firstInvalid(errors: FormErrors): FieldKey | null {
  return FIELD_ORDER.find((k) => errors.fields[k] !== undefined) ?? null;
}
