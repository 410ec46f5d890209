// The actions the user may take on a change, each sent to the API; a refusal is shown with its reason, and an
// action held back by segregation of duties or the window says why. Scheduling has a window form; a hard
// conflict shows the clashes and the next free slot.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ChangeView } from '../../../src/client/api-client.ts';
import { OUTCOMES } from '../../../src/contracts/vocabulary.ts';
import { api } from '../api.ts';
import { useSession } from '../app/session.ts';
import { field } from '../form.ts';
import { label } from '../changes/ChangeTable.tsx';
import { actionBody, INPUT, myOpenGroups, offer, type Action } from './actions.ts';
import { Refusal } from './Refusal.tsx';
import { ScheduleForm, type Window } from './ScheduleForm.tsx';

/** Actions that open a form first: a text, an outcome, a window, or a confirmation. */
const hasForm = (a: Action) => a === 'schedule' || INPUT[a] !== undefined;

export function ActionBar({ change }: { change: ChangeView }) {
  const { user } = useSession();
  const queries = useQueryClient();
  const [open, setOpen] = useState<Action | null>(null);
  const act = useMutation({
    mutationFn: ({ action, body }: { action: Action; body: unknown }) =>
      api.changes.action(change.id, action, body),
    onSuccess: (view) => {
      queries.setQueryData(['change', change.id], view);
      for (const key of ['events', 'gate-decisions', 'deployments'])
        void queries.invalidateQueries({ queryKey: [key, change.id] });
      void queries.invalidateQueries({ queryKey: ['changes'] });
      void queries.invalidateQueries({ queryKey: ['queue'] });
      setOpen(null);
    },
    // A refusal is recorded too: the timeline shows it.
    onError: () => void queries.invalidateQueries({ queryKey: ['events', change.id] }),
  });
  const { actions, held } = offer(change, user);
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
  const schedule = (window: Window) => act.mutate({ action: 'schedule', body: { window } });
  if (actions.length === 0 && held.length === 0) return null;
  return (
    <section aria-labelledby="actions-h" className="actions">
      <h2 id="actions-h">Actions</h2>
      {held.map((h, i) => (
        <p className="barred" id={i === 0 ? 'duty-bar' : undefined} key={h.action}>
          {h.why}
        </p>
      ))}
      {actions.includes('approve') && (
        <p className="note">You decide for {groups.map((g) => g.replace(/^person:/, '')).join(', ')}.</p>
      )}
      {actions.length > 0 && (
        <div className="buttons">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              className={a === 'reject' || a === 'cancel' ? 'secondary' : undefined}
              aria-expanded={hasForm(a) ? open === a : undefined}
              disabled={act.isPending}
              onClick={() => {
                act.reset();
                if (hasForm(a)) setOpen(open === a ? null : a);
                else send(a);
              }}
            >
              {label(a)}
            </button>
          ))}
        </div>
      )}
      {open === 'schedule' && <ScheduleForm change={change} pending={act.isPending} onSchedule={schedule} />}
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
          {open === 'cancel' && <p className="barred">Cancelling is final: the change cannot be reopened.</p>}
          <label htmlFor="a-text">{INPUT[open].label}</label>
          <textarea id="a-text" name="text" required={INPUT[open].required} rows={3} />
          <button type="submit" disabled={act.isPending}>
            Confirm {label(open)}
          </button>
        </form>
      )}
      {act.isError && <Refusal error={act.error} pending={act.isPending} onUseSlot={schedule} />}
    </section>
  );
}
