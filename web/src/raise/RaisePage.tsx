// Raising a change: the form, and beside it the live assessment of the draft from POST /changes/assess
// (recorded nowhere) — the rating, why, who must approve and what is still missing.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CreateChangeInput } from '../../../src/client/api-client.ts';
import { REQUESTED_CHANGE_TYPES } from '../../../src/contracts/vocabulary.ts';
import { api, problem } from '../api.ts';
import { Risk } from '../changes/ChangeTable.tsx';
import { draftFrom } from './draft.ts';

const TEXTS = [
  { name: 'description', label: 'Description' },
  { name: 'reason', label: 'Reason (the business or security driver)' },
  { name: 'implementationPlan', label: 'Implementation plan' },
  { name: 'testPlan', label: 'Test plan' },
] as const;

export function RaisePage() {
  const navigate = useNavigate();
  const form = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<CreateChangeInput | null>(null);
  // The assessment follows the form half a second after the last keystroke.
  const [pending, setPending] = useState<CreateChangeInput | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setDraft(pending), 500);
    return () => clearTimeout(timer);
  }, [pending]);
  const assessment = useQuery({
    queryKey: ['assess', draft],
    queryFn: () => api.assessChange(draft!),
    enabled: draft !== null && draft.title.length >= 3,
  });
  const create = useMutation({
    mutationFn: (body: CreateChangeInput) => api.changes.create(body),
    onSuccess: (view) => void navigate({ to: '/changes/$id', params: { id: view.id } }),
  });
  const changed = () => form.current && setPending(draftFrom(new FormData(form.current)));
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    create.mutate(draftFrom(new FormData(e.currentTarget)));
  }
  return (
    <main id="main">
      <h1>Raise a change</h1>
      <div className="raise">
        <form ref={form} onSubmit={submit} onChange={changed}>
          <label htmlFor="r-title">Title</label>
          <input id="r-title" name="title" required minLength={3} maxLength={200} />
          <label htmlFor="r-type">Type</label>
          <select id="r-type" name="type" defaultValue="normal">
            {REQUESTED_CHANGE_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <label htmlFor="r-services">Services (comma-separated)</label>
          <input id="r-services" name="services" />
          <label htmlFor="r-implementer">Implementer (username)</label>
          <input id="r-implementer" name="implementer" />
          {TEXTS.map((t) => (
            <div key={t.name}>
              <label htmlFor={`r-${t.name}`}>{t.label}</label>
              <textarea id={`r-${t.name}`} name={t.name} rows={3} />
            </div>
          ))}
          {create.isError && (
            <p className="error" role="alert">
              {problem(create.error)}
            </p>
          )}
          <div className="buttons">
            <button type="submit" disabled={create.isPending}>
              Save as draft
            </button>
          </div>
        </form>
        <section aria-labelledby="assess-h" aria-live="polite" className="assessment">
          <h2 id="assess-h">Assessment</h2>
          {!assessment.data && !assessment.isError && <p className="note">Give a title to see the rating.</p>}
          {assessment.isError && <p className="error">{problem(assessment.error)}</p>}
          {assessment.data && (
            <>
              <p>
                Rated <Risk rating={assessment.data.assessment.rating} />
              </p>
              <ul>
                {assessment.data.assessment.reasons.map((r) => (
                  <li key={r.rule}>{r.reason}</li>
                ))}
              </ul>
              <p>
                Approvals:{' '}
                {assessment.data.assessment.requiredApprovals
                  .map((r) => `${r.count} from ${r.group}`)
                  .join(', ') || 'none'}
              </p>
              {assessment.data.assessment.missing.length > 0 && (
                <p className="late">
                  Missing before submitting: {assessment.data.assessment.missing.join(', ')}
                </p>
              )}
            </>
          )}
        </section>
      </div>
    </main>
  );
}
