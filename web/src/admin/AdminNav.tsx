// The admin section's own navigation, and how its screens show an API refusal.
import { Link } from '@tanstack/react-router';
import { ApiError } from '../../../src/client/errors.ts';
import { problem } from '../api.ts';

export function AdminNav() {
  return (
    <nav aria-label="Admin" className="subnav">
      <Link to="/admin/users">Users</Link>
      <Link to="/admin/groups">Groups</Link>
      <Link to="/admin/tokens">API tokens</Link>
      <Link to="/admin/policy">Policy</Link>
    </nav>
  );
}

/** A failed call as an alert; a 403 says plainly that the server refused this user, and why. */
export function Failure({ error }: { error: unknown }) {
  const refused = error instanceof ApiError && error.status === 403;
  return (
    <p className="error" role="alert">
      {refused ? `Not allowed: ${problem(error)}.` : problem(error)}
    </p>
  );
}
