// An action the API refused, said as the API said it. Scheduling refused for hard conflicts lists each clash
// and offers the next free slot the refusal names, to schedule into with one press.
import { errorDetails, offeredSlot } from '../api-errors.ts';
import { problem } from '../api.ts';
import { When } from '../changes/ChangeTable.tsx';
import type { Window } from './ScheduleForm.tsx';

export function Refusal(props: { error: unknown; pending: boolean; onUseSlot: (w: Window) => void }) {
  const details = errorDetails(props.error);
  const conflicts = details.filter((d) => d.code?.startsWith('conflict_'));
  if (conflicts.length === 0)
    return (
      <p className="error" role="alert">
        Refused: {problem(props.error)}
      </p>
    );
  const slot = offeredSlot(details);
  const noSlot = details.find((d) => d.code === 'next_free_slot' && !slot);
  return (
    <div className="error" role="alert">
      <p>Not scheduled: the window clashes with what cannot share it.</p>
      <ul>
        {conflicts.map((c) => (
          <li key={`${c.code}-${c.message}`}>
            {c.code?.replace('conflict_', '')} (hard): {c.message}
          </li>
        ))}
      </ul>
      {slot && (
        <p>
          The next free slot of the same length is <When at={slot.start} /> to <When at={slot.end} />.{' '}
          <button type="button" disabled={props.pending} onClick={() => props.onUseSlot(slot)}>
            Schedule into the next free slot
          </button>
        </p>
      )}
      {noSlot && <p>{noSlot.message}</p>}
    </div>
  );
}
