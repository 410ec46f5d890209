// The change's type, and what each type asks: a standard change's template (only those covering the
// chosen services, with what each was approved for), an emergency's criterion, justification and deadlines.
import type { PolicyForRaising } from '../../../src/client/api-client.ts';
import { REQUESTED_CHANGE_TYPES } from '../../../src/contracts/vocabulary.ts';
import { zoneName } from '../app/local-time.ts';
import { emergencyDeadlines } from './deadlines.ts';
import { FieldError, RequiredMark, TextField, ariaOf } from './Field.tsx';
import type { RaiseForm, RequestedChangeType } from './draft.ts';
import type { FieldKey } from './fields.ts';
import { approvedFor, templatesFor, type Template } from './templates.ts';

const TYPE_TEXT: Record<RequestedChangeType, string> = {
  normal: 'Normal: assessed and approved before it is scheduled',
  standard: 'Standard: from a pre-approved template',
  emergency: 'Emergency: authorized by the duty manager now, recorded and reviewed after',
};

interface Props {
  form: RaiseForm;
  raising: PolicyForRaising;
  /** A saved draft keeps its type. */
  locked: boolean;
  onType: (type: RequestedChangeType) => void;
  onTemplate: (t: Template | null) => void;
  set: (
    key: 'emergencyCriterion' | 'emergencyJustification' | 'windowStart' | 'windowEnd',
    value: string,
  ) => void;
  required: Set<FieldKey>;
  errors: Partial<Record<FieldKey, string>>;
}

export const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function TypeFields({ form, raising, locked, onType, onTemplate, set, required, errors }: Props) {
  const usable = templatesFor(raising.templates, form.services);
  const chosen = raising.templates.find((t) => t.id === form.template) ?? null;
  const templateAria = ariaOf('template', true, errors.template);
  const criterionAria = ariaOf('emergencyCriterion', true, errors.emergencyCriterion);
  return (
    <>
      <fieldset className="group">
        <legend>Type</legend>
        {REQUESTED_CHANGE_TYPES.map((t) => (
          <label key={t} className="check">
            <input
              type="radio"
              name="type"
              value={t}
              checked={form.type === t}
              disabled={locked && form.type !== t}
              onChange={() => onType(t)}
            />{' '}
            {TYPE_TEXT[t]}
          </label>
        ))}
      </fieldset>
      {form.type === 'standard' && (
        <div className="field">
          <label htmlFor={templateAria.id}>
            Template
            <RequiredMark required />
          </label>
          <select
            {...templateAria}
            value={form.template}
            onChange={(e) => onTemplate(raising.templates.find((t) => t.id === e.target.value) ?? null)}
          >
            <option value="">Choose a template</option>
            {usable.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title}
              </option>
            ))}
          </select>
          {usable.length === 0 && (
            <p className="note">No template covers all the chosen services; raise a normal change.</p>
          )}
          {chosen && <p className="note">{approvedFor(chosen)} Its plans are filled in below.</p>}
          <FieldError field="template" error={errors.template} />
        </div>
      )}
      {form.type === 'standard' && (
        <fieldset className="group">
          <legend>When it will be carried out</legend>
          <p className="note">In your time zone ({zoneName()}); leave both blank to schedule it later.</p>
          <TextField
            field="windowStart"
            type="datetime-local"
            value={form.windowStart}
            onChange={(v) => set('windowStart', v)}
            required={false}
            error={errors.windowStart}
          />
          <TextField
            field="windowEnd"
            type="datetime-local"
            value={form.windowEnd}
            onChange={(v) => set('windowEnd', v)}
            required={false}
            error={errors.windowEnd}
          />
        </fieldset>
      )}
      {form.type === 'emergency' && (
        <>
          <div className="field">
            <label htmlFor={criterionAria.id}>
              Emergency criterion
              <RequiredMark required />
            </label>
            <select
              {...criterionAria}
              value={form.emergencyCriterion}
              onChange={(e) => set('emergencyCriterion', e.target.value)}
            >
              <option value="">Choose what qualifies it</option>
              {raising.emergency.criteria.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.description}
                </option>
              ))}
            </select>
            <FieldError field="emergencyCriterion" error={errors.emergencyCriterion} />
          </div>
          <TextField
            field="emergencyJustification"
            multiline
            value={form.emergencyJustification}
            onChange={(v) => set('emergencyJustification', v)}
            required={required.has('emergencyJustification')}
            error={errors.emergencyJustification}
          />
          <EmergencyDeadlines emergency={raising.emergency} />
        </>
      )}
    </>
  );
}

function EmergencyDeadlines({ emergency }: { emergency: PolicyForRaising['emergency'] }) {
  const lines = emergencyDeadlines(emergency, new Date());
  return (
    <section aria-labelledby="deadlines-h" className="deadlines">
      <h2 id="deadlines-h">Emergency deadlines</h2>
      <p className="note">
        Authorized by the duty manager; the rest of the record may follow.
        {emergency.beforeStart.length > 0 && ` Needed before it starts: ${emergency.beforeStart.join(', ')}.`}
      </p>
      <ul>
        {lines.map((d) => (
          <li key={d.what}>
            {d.what} {d.rule}: by {when(d.dueAt)} if authorized and started now.
          </li>
        ))}
      </ul>
    </section>
  );
}
