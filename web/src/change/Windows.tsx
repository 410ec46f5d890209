// The change's windows (planned, agreed, performed) and the scheduling conflicts recorded on it: of what kind,
// with what, soft or hard.
import type { ChangeView } from '../../../src/client/api-client.ts';
import { When } from '../changes/ChangeTable.tsx';

function Span({ name, w }: { name: string; w: { start: string; end: string } | null }) {
  if (!w) return null;
  return (
    <li>
      {name}: <When at={w.start} /> to <When at={w.end} />
    </li>
  );
}

export function Windows({ c }: { c: ChangeView }) {
  return (
    <section aria-labelledby="windows-h">
      <h2 id="windows-h">Windows</h2>
      {!c.window && !c.agreedWindow && !c.performed && !c.proposedWindow ? (
        <p>No window yet.</p>
      ) : (
        <ul>
          <Span name="Proposed" w={c.state === 'draft' || !c.window ? c.proposedWindow : null} />
          <Span name="Planned" w={c.window} />
          <Span name="Agreed" w={c.agreedWindow} />
          <Span name="Performed" w={c.performed} />
        </ul>
      )}
      <h3 id="conflicts-h">Conflicts</h3>
      {c.conflicts.length === 0 ? (
        <p className="note">None recorded when it was scheduled.</p>
      ) : (
        <ul aria-labelledby="conflicts-h">
          {c.conflicts.map((x) => (
            <li key={`${x.kind}-${x.with}-${x.start}`}>
              <strong>
                {x.kind} with {x.with} ({x.severity})
              </strong>
              : <When at={x.start} /> to <When at={x.end} /> — {x.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
