// Resumes the cookie's session on load; shows sign-in until there is one, then the routed screens.
import { useQueryClient } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import type { UserView } from '../../../src/client/api-client.ts';
import { problem, resume, signOut } from '../api.ts';
import { SignIn } from '../auth/SignIn.tsx';
import { router } from './router.tsx';
import { SessionContext, type Session } from './session.ts';

// Asked as the script loads, not after the first render: the first screen waits on the answer. The screen the
// address names is fetched meanwhile, so a signed-in load does not wait for the session and then for its code.
const resumed = resume();
void router.preloadRoute({ href: `${location.pathname}${location.search}` } as never).catch(() => undefined);

export function App() {
  const [user, setUser] = useState<UserView | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const queries = useQueryClient();
  useEffect(() => {
    resumed.then(setUser, (err: unknown) => {
      setError(problem(err));
      setUser(null);
    });
  }, []);
  const session = useMemo<Session | null>(
    () =>
      user
        ? {
            user,
            signOut: async () => {
              await signOut();
              queries.clear();
              setUser(null);
            },
          }
        : null,
    [user, queries],
  );
  if (user === undefined)
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (!session) return <SignIn onSignedIn={setUser} notice={error} />;
  return (
    <SessionContext.Provider value={session}>
      <RouterProvider router={router} />
    </SessionContext.Provider>
  );
}
