// Proposing a replacement policy: edit the text, check it (POST /policy/check lists every error with its
// path and line), then propose it (POST /policy), which raises a change that someone else must approve; the
// page then opens that change.
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useRef, type FormEvent } from 'react';
import { ApiError } from '../../../src/client/errors.ts';
import { api, problem } from '../api.ts';
import { field } from '../form.ts';

interface Finding {
  path?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  message: string;
}

function Findings({ items, label }: { items: Finding[]; label: string }) {
  return (
    <div className="error" role="alert">
      <p>{label}</p>
      <ul>
        {items.map((e, i) => (
          <li key={i}>
            {e.line ? `line ${e.line}${e.column ? `:${e.column}` : ''}` : ''}
            {e.path ? ` ${e.path}` : ''}
            {e.line || e.path ? ': ' : ''}
            {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ProposePolicy({ current }: { current: string }) {
  const navigate = useNavigate();
  const source = useRef<HTMLTextAreaElement>(null);
  const check = useMutation({ mutationFn: (text: string) => api.policy.check(text) });
  const propose = useMutation({
    mutationFn: (form: FormData) => {
      const title = field(form, 'title').trim();
      return api.policy.propose({
        source: field(form, 'source'),
        ...(title ? { title } : {}),
        reason: field(form, 'reason'),
      });
    },
    onSuccess: (change) => void navigate({ to: '/changes/$id', params: { id: change.id } }),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    check.reset();
    propose.mutate(new FormData(e.currentTarget));
  }
  const refused =
    propose.error instanceof ApiError
      ? ((propose.error.body as { error?: { details?: Finding[] } } | null)?.error?.details ?? [])
      : [];
  return (
    <section aria-labelledby="propose-h" className="admin-form">
      <h2 id="propose-h">Propose a replacement</h2>
      <p className="note">
        A new policy is never activated from here: proposing it raises a change that someone other than you
        must approve, and it becomes active when that change starts.
      </p>
      <form onSubmit={submit}>
        <label htmlFor="pp-source">Policy file (YAML)</label>
        <textarea
          id="pp-source"
          ref={source}
          name="source"
          className="code-input"
          rows={20}
          spellCheck={false}
          defaultValue={current}
          onChange={() => check.reset()}
        />
        <div className="buttons">
          <button
            type="button"
            className="secondary"
            disabled={check.isPending}
            onClick={() => {
              propose.reset();
              check.mutate(source.current?.value ?? '');
            }}
          >
            Check
          </button>
        </div>
        {check.data?.ok && (
          <p className="ok" role="status">
            The policy is valid (sha256 <span className="code">{check.data.sha256}</span>).
          </p>
        )}
        {check.data && !check.data.ok && (
          <Findings
            items={check.data.errors}
            label={`The policy has ${check.data.errors.length} error(s):`}
          />
        )}
        {check.isError && (
          <p className="error" role="alert">
            {problem(check.error)}
          </p>
        )}
        <label htmlFor="pp-title">Title of the change (optional)</label>
        <input id="pp-title" name="title" maxLength={200} />
        <label htmlFor="pp-reason">Reason</label>
        <textarea id="pp-reason" name="reason" rows={3} />
        {propose.isError && <Findings items={refused} label={`Not proposed: ${problem(propose.error)}`} />}
        <div className="buttons">
          <button type="submit" disabled={propose.isPending}>
            Propose
          </button>
        </div>
      </form>
    </section>
  );
}
