// The actions the user may take on a change, each sent to the API; a refusal is shown with its reason, and
// approving is explained when segregation of duties bars it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ChangeView } from '../../../src/client/api-client.ts';
import { OUTCOMES } from '../../../src/contracts/vocabulary.ts';
import { api, problem } from '../api.ts';
import { useSession } from '../app/session.ts';
import { field } from '../form.ts';
import { label } from '../changes/ChangeTable.tsx';
import { actionBody, dutyBar, INPUT, myOpenGroups, offeredActions, type Action } from './actions.ts';

export function ActionBar({ change }: { change: ChangeView }) {
  const { user } = useSession();
  const queries = useQueryClient();
  const [open, setOpen] = useState<Action | null>(null);
  const act = useMutation({
    mutationFn: ({ action, body }: { action: Action; body: unknown }) =>
      api.changes.action(change.id, action, body),
    onSuccess: (view) => {
      queries.setQueryData(['change', change.id], view);
      void queries.invalidateQueries({ queryKey: ['events', change.id] });
      void queries.invalidateQueries({ queryKey: ['changes'] });
      void queries.invalidateQueries({ queryKey: ['queue'] });
      setOpen(null);
    },
  });
  const offered = offeredActions(change, user);
  const bar = dutyBar(change, user);
  const deciding = offered.includes('approve');
  const groups = myOpenGroups(change, user);
  function send(action: Action, e?: FormEvent<HTMLFormElement>) {
    e?.preventDefault();
    const form = e ? new FormData(e.currentTarget) : null;
    const body = actionBody(
      action,
      form ? field(form, 'text') : '',
      form ? field(form, 'outcome', 'successful') : 'successful',
    );
    act.mutate({ action, body });
  }
  if (offered.length === 0) return null;
  return (
    <section aria-labelledby="actions-h" className="actions">
      <h2 id="actions-h">Actions</h2>
      {deciding && bar && (
        <p className="barred" id="duty-bar">
          You cannot approve or reject: {bar}.
        </p>
      )}
      {deciding && !bar && groups.length === 0 && (
        <p className="note">
          None of your groups still owes a decision on this change; the API will say if it counts.
        </p>
      )}
      <div className="buttons">
        {offered.map((a) => (
          <button
            key={a}
            type="button"
            className={a === 'reject' || a === 'cancel' ? 'secondary' : undefined}
            aria-describedby={bar && (a === 'approve' || a === 'reject') ? 'duty-bar' : undefined}
            aria-expanded={INPUT[a] ? open === a : undefined}
            disabled={act.isPending}
            onClick={() => {
              act.reset();
              if (INPUT[a]) setOpen(open === a ? null : a);
              else send(a);
            }}
          >
            {label(a)}
          </button>
        ))}
      </div>
      {open && INPUT[open] && (
        <form className="action-form" onSubmit={(e) => send(open, e)}>
          {open === 'complete' && (
            <>
              <label htmlFor="a-outcome">Outcome</label>
              <select id="a-outcome" name="outcome" defaultValue="successful">
                {OUTCOMES.map((o) => (
                  <option key={o} value={o}>
                    {label(o)}
                  </option>
                ))}
              </select>
            </>
          )}
          <label htmlFor="a-text">{INPUT[open].label}</label>
          <textarea id="a-text" name="text" required={INPUT[open].required} rows={3} />
          <button type="submit" disabled={act.isPending}>
            Confirm {label(open)}
          </button>
        </form>
      )}
      {act.isError && (
        <p className="error" role="alert">
          Refused: {problem(act.error)}
        </p>
      )}
    </section>
  );
}
