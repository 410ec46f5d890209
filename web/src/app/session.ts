// Who is signed in, for every screen below the router.
import { createContext, useContext } from 'react';
import type { UserView } from '../../../src/client/api-client.ts';

export interface Session {
  user: UserView;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
