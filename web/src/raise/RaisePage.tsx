// Raising a change: a guided form from the policy (GET /policy's `raising`) and the catalogue, and beside
// it the server's live assessment of the draft. Saving creates a draft; submitting also sends it for
// approval, and the API's errors come back next to their inputs with the focus on the first.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import type { ChangeView, CreateChangeInput } from '../../../src/client/api-client.ts';
import { ApiError } from '../../../src/client/errors.ts';
import { api, problem } from '../api.ts';
import { AssessmentPanel } from './AssessmentPanel.tsx';
import { draftFrom, editFrom, EMPTY_FORM, type RaiseForm } from './draft.ts';
import { FieldError, RequiredMark, TextField, ariaOf, inputId } from './Field.tsx';
import { errorsFrom, firstInvalid, type FormErrors } from './field-errors.ts';
import { LABELS, requiredInputs, type FieldKey } from './fields.ts';
import { RiskQuestions } from './RiskQuestions.tsx';
import { ServicePicker } from './ServicePicker.tsx';
import { prefill } from './templates.ts';
import { TypeFields } from './TypeFields.tsx';

type Texts = 'description' | 'reason' | 'implementationPlan' | 'implementer' | 'testPlan';
const TEXTS: { key: Texts; multiline: boolean }[] = [
  { key: 'description', multiline: true },
  { key: 'reason', multiline: true },
  { key: 'implementationPlan', multiline: true },
  { key: 'implementer', multiline: false },
];
const NO_ERRORS: FormErrors = { fields: {}, general: [] };

export function RaisePage() {
  const navigate = useNavigate();
  const [form, setForm] = useState<RaiseForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [saved, setSaved] = useState<ChangeView | null>(null);
  const [busy, setBusy] = useState(false);
  const policy = useQuery({ queryKey: ['policy'], queryFn: () => api.policy.active() });
  const services = useQuery({ queryKey: ['services'], queryFn: () => api.services.list() });
  // The assessment follows the form half a second after the last change.
  const [draft, setDraft] = useState<CreateChangeInput | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setDraft(draftFrom(form)), 500);
    return () => clearTimeout(timer);
  }, [form]);
  const assessment = useQuery({
    queryKey: ['assess', draft],
    queryFn: () => api.assessChange(draft!),
    enabled: draft !== null && draft.title.length >= 3,
    placeholderData: keepPreviousData,
  });
  const rated = assessment.data?.assessment;
  const raising = policy.data?.raising;
  const required = raising
    ? requiredInputs(raising, rated?.rating ?? null, form.type, rated?.missing ?? [])
    : new Set<FieldKey>(['title']);
  const set = <K extends keyof RaiseForm>(key: K, value: RaiseForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  function show(next: FormErrors) {
    setErrors(next);
    const first = firstInvalid(next);
    // After the render that marks the inputs, so the first one is announced with its error.
    setTimeout(() => {
      if (first) document.getElementById(inputId(first))?.focus();
      else document.getElementById('raise-alert')?.focus();
    });
  }

  async function save(submit: boolean) {
    setBusy(true);
    setErrors(NO_ERRORS);
    let view = saved;
    try {
      view = saved ? await editDraft(saved, form) : await api.changes.create(draftFrom(form));
      setSaved(view);
      if (submit && view.type !== 'standard') view = await api.changes.action(view.id, 'submit');
      void navigate({ to: '/changes/$id', params: { id: view.id } });
    } catch (err) {
      const body = err instanceof ApiError ? err.body : null;
      show(errorsFrom(body, problem(err), view?.assessment?.missing ?? []));
    } finally {
      setBusy(false);
    }
  }
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter;
    void save(submitter?.getAttribute('value') !== 'draft');
  }

  const fieldError = errors.fields;
  const text = (key: Texts, multiline: boolean) => (
    <TextField
      key={key}
      field={key}
      multiline={multiline}
      value={form[key]}
      onChange={(v) => set(key, v)}
      required={required.has(key)}
      error={fieldError[key]}
    />
  );
  const titleAria = ariaOf('title', true, fieldError.title);
  return (
    <main id="main">
      <h1>Raise a change</h1>
      {(policy.isError || services.isError) && (
        <p className="error" role="alert">
          {problem(policy.error ?? services.error)}
        </p>
      )}
      {!raising && !policy.isError && <p role="status">Loading the policy…</p>}
      {raising && (
        <div className="raise">
          <form onSubmit={onSubmit} noValidate aria-label="Raise a change">
            {saved && (
              <p className="note" role="status">
                Saved as draft {saved.id}; it goes for approval once the marked fields are filled in.
              </p>
            )}
            <label htmlFor={titleAria.id}>
              Title
              <RequiredMark required />
            </label>
            <input {...titleAria} value={form.title} onChange={(e) => set('title', e.target.value)} />
            <FieldError field="title" error={fieldError.title} />
            <TypeFields
              form={form}
              raising={raising}
              locked={saved !== null}
              onType={(t) => set('type', t)}
              onTemplate={(t) => setForm((f) => (t ? prefill(f, t) : { ...f, template: '' }))}
              set={(key, value) => set(key, value)}
              required={required}
              errors={fieldError}
            />
            <ServicePicker
              services={services.data?.items ?? []}
              chosen={form.services}
              onChange={(chosen) => set('services', chosen)}
              required={required.has('services')}
              error={fieldError.services}
            />
            <RiskQuestions
              questions={raising.questions}
              answers={form.answers}
              onAnswer={(id, yes) => set('answers', { ...form.answers, [id]: yes })}
              required={required.has('answers')}
              error={fieldError.answers}
            />
            {TEXTS.map((t) => text(t.key, t.multiline))}
            <RollbackAndTests form={form} set={set} required={required} errors={fieldError} />
            {text('testPlan', true)}
            {errors.general.length > 0 && (
              <div className="error" role="alert" id="raise-alert" tabIndex={-1}>
                {errors.general.map((m) => (
                  <p key={m}>{m}</p>
                ))}
              </div>
            )}
            <div className="buttons">
              {form.type === 'standard' ? (
                <button type="submit" value="submit" disabled={busy}>
                  Raise standard change
                </button>
              ) : (
                <>
                  <button type="submit" value="submit" disabled={busy}>
                    Submit for approval
                  </button>
                  <button type="submit" value="draft" className="secondary" disabled={busy}>
                    Save as draft
                  </button>
                </>
              )}
            </div>
          </form>
          <AssessmentPanel
            assessment={rated}
            error={assessment.isError ? assessment.error : null}
            updating={assessment.isFetching}
            type={form.type}
            template={raising.templates.find((t) => t.id === form.template) ?? null}
          />
        </div>
      )}
    </main>
  );
}

/** The saved draft brought up to the form; sent again unchanged, it stays as it was. */
async function editDraft(saved: ChangeView, form: RaiseForm): Promise<ChangeView> {
  try {
    return await api.changes.edit(saved.id, editFrom(form));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'no_change') return saved;
    throw err;
  }
}

interface PartsProps {
  form: RaiseForm;
  set: <K extends keyof RaiseForm>(key: K, value: RaiseForm[K]) => void;
  required: Set<FieldKey>;
  errors: FormErrors['fields'];
}

/** The rollback plan and the test evidence, each written in parts. */
function RollbackAndTests({ form, set, required, errors }: PartsProps) {
  const backup = ariaOf('backupConfirmed', required.has('backupConfirmed'), errors.backupConfirmed);
  const masked = ariaOf('testDataMasked', required.has('testDataMasked'), errors.testDataMasked);
  const part = (
    key: 'rollbackMethod' | 'rollbackMinutes' | 'rollbackTriggers' | 'testEnvironment' | 'testResults',
    multiline = false,
  ) => (
    <TextField
      field={key}
      multiline={multiline}
      type={key === 'rollbackMinutes' ? 'number' : 'text'}
      value={form[key]}
      onChange={(v) => set(key, v)}
      required={required.has(key)}
      error={errors[key]}
    />
  );
  return (
    <>
      <fieldset className="group">
        <legend>Rollback plan</legend>
        {part('rollbackMethod', true)}
        {part('rollbackMinutes')}
        {part('rollbackTriggers')}
        <label className="check" htmlFor={backup.id}>
          <input
            {...backup}
            type="checkbox"
            checked={form.backupConfirmed}
            onChange={(e) => set('backupConfirmed', e.target.checked)}
          />{' '}
          {LABELS.backupConfirmed}
          <RequiredMark required={required.has('backupConfirmed')} />
        </label>
        <FieldError field="backupConfirmed" error={errors.backupConfirmed} />
      </fieldset>
      <fieldset className="group">
        <legend>Test evidence (tested outside production)</legend>
        {part('testEnvironment')}
        {part('testResults', true)}
        <label className="check" htmlFor={masked.id}>
          <input
            {...masked}
            type="checkbox"
            checked={form.testDataMasked}
            onChange={(e) => set('testDataMasked', e.target.checked)}
          />{' '}
          {LABELS.testDataMasked}
          <RequiredMark required={required.has('testDataMasked')} />
        </label>
        <FieldError field="testDataMasked" error={errors.testDataMasked} />
      </fieldset>
    </>
  );
}
