// Moving a change's window: the old and the new window side by side, start and end fields to adjust (the
// keyboard's and phone's way, and what a drop fills in), then the API's answer. A hard conflict is refused
// with every clash and the next free slot offered; soft conflicts are scheduled and listed; a move outside
// the window the approvals agreed (beyond the policy's tolerance) withdraws them, which is said before and after.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ChangeView } from '../../../src/client/api-client.ts';
import { errorDetails, offeredSlot } from '../api-errors.ts';
import { api, problem } from '../api.ts';
import { label } from '../changes/ChangeTable.tsx';
import { spanText, type CalChange } from './items.tsx';
import type { Span } from './layout.ts';
import { fromLocalInput, toLocalInput } from '../app/local-time.ts';
import { sameWindow } from './move.ts';

const outside = (w: Span, agreed: Span | null) =>
  agreed !== null && (w.start < agreed.start || w.end > agreed.end);

export interface Moved {
  change: ChangeView;
  from: Span;
}

export function Reschedule({
  change,
  proposed,
  onClose,
  onMoved,
}: {
  change: CalChange;
  proposed: Span;
  onClose: () => void;
  onMoved: (m: Moved) => void;
}) {
  const queries = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const [start, setStart] = useState(toLocalInput(proposed.start));
  const [end, setEnd] = useState(toLocalInput(proposed.end));
  useEffect(() => heading.current?.focus(), [change.id]);
  const full = useQuery({ queryKey: ['change', change.id], queryFn: () => api.changes.get(change.id) });
  const move = useMutation({
    mutationFn: (window: Span) => api.changes.action(change.id, 'schedule', { window }),
    onSuccess: (view) => {
      queries.setQueryData(['change', change.id], view);
      void queries.invalidateQueries({ queryKey: ['calendar'] });
      void queries.invalidateQueries({ queryKey: ['events', change.id] });
      void queries.invalidateQueries({ queryKey: ['changes'] });
      onMoved({ change: view, from: change.window });
    },
  });
  const next = { start: fromLocalInput(start), end: fromLocalInput(end) };
  const valid = next.start !== null && next.end !== null && next.end > next.start;
  const agreed = full.data?.agreedWindow ?? null;
  const slot = offeredSlot(errorDetails(move.error));
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (valid) move.mutate({ start: next.start!, end: next.end! });
  }
  return (
    <section className="move-panel" aria-labelledby="move-h">
      <h2 id="move-h" ref={heading} tabIndex={-1}>
        Reschedule {change.id}: {change.title}
      </h2>
      <dl className="move-windows">
        <div>
          <dt>Now</dt>
          <dd>{spanText(change.window)}</dd>
        </div>
        <div>
          <dt>New</dt>
          <dd>{valid ? spanText({ start: next.start!, end: next.end! }) : 'enter a start before the end'}</dd>
        </div>
      </dl>
      {valid && outside({ start: next.start!, end: next.end! }, agreed) && (
        <p className="note" role="note">
          Its approvals agreed {spanText(agreed!)}: moving it further than the policy's tolerance from that
          window withdraws them and the change goes back for approval.
        </p>
      )}
      <form onSubmit={submit} className="move-form">
        <div>
          <label htmlFor="move-start">Start</label>
          <input
            id="move-start"
            type="datetime-local"
            required
            value={start}
            onChange={(e) => setStart(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="move-end">End</label>
          <input
            id="move-end"
            type="datetime-local"
            required
            value={end}
            aria-invalid={!valid}
            aria-describedby={!valid ? 'move-end-error' : undefined}
            onChange={(e) => setEnd(e.target.value)}
          />
          {!valid && (
            <p id="move-end-error" className="error">
              The end must come after the start.
            </p>
          )}
        </div>
        <div className="buttons">
          <button
            type="submit"
            disabled={
              !valid || move.isPending || sameWindow(change.window, { start: next.start!, end: next.end! })
            }
          >
            Confirm new window
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
      {move.isError && (
        <div className="error" role="alert">
          <p>Refused: {problem(move.error)}</p>
          {errorDetails(move.error).length > 0 && (
            <ul>
              {errorDetails(move.error).map((d) => (
                <li key={`${d.code}-${d.message}`}>{d.message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {slot && (
        <p>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              move.reset();
              setStart(toLocalInput(slot.start));
              setEnd(toLocalInput(slot.end));
            }}
          >
            Use the next free slot: {spanText(slot)}
          </button>
        </p>
      )}
    </section>
  );
}

/** What the API made of a move: the new window, the soft conflicts it recorded, approvals withdrawn. */
export function MovedNote({ moved }: { moved: Moved }) {
  const c = moved.change;
  return (
    <div className="moved" role="status">
      <p>
        {c.id} moved from {spanText(moved.from)} to {c.window ? spanText(c.window) : 'no window'}.
        {c.state !== 'scheduled' && ` Its approvals were withdrawn: it is now ${label(c.state)}.`}
      </p>
      {c.conflicts.length > 0 && (
        <ul>
          {c.conflicts.map((x) => (
            <li key={`${x.kind}-${x.with}`}>
              Soft {x.kind} conflict: {x.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
