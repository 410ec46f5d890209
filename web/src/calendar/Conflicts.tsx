// The clashes in the period, in words: which change clashes with what, how hard, and why.
import { Link } from '@tanstack/react-router';
import type { CalChange } from './items.tsx';

export function Conflicts({ changes }: { changes: CalChange[] }) {
  const clashing = changes.filter((c) => c.conflicts.length > 0);
  return (
    <section aria-labelledby="conflicts-h">
      <h2 id="conflicts-h">Conflicts</h2>
      {clashing.length === 0 ? (
        <p className="empty">
          No change in this period clashes with another, a freeze, or its implementer’s bookings.
        </p>
      ) : (
        <ul className="conflicts">
          {clashing.map((c) => (
            <li key={c.id}>
              <Link to="/changes/$id" params={{ id: c.id }}>
                {c.id}
              </Link>{' '}
              {c.title}
              <ul>
                {c.conflicts.map((x) => (
                  <li key={`${x.kind}-${x.with}-${x.start}`}>
                    <strong>
                      {x.severity === 'hard' ? 'Hard' : 'Soft'} {x.kind} conflict
                    </strong>{' '}
                    with {x.with}: {x.message}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
