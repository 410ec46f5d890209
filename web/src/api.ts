// The one API client of the page. Signed in through the browser, the session is the server's HttpOnly cookie
// (the page's scripts never hold it) and every write carries the session's CSRF token and a key of its own.
import { ApiClient, type UserView } from '../../src/client/api-client.ts';
import { ApiError } from '../../src/client/errors.ts';

const origin = window.location.origin;

export let api = new ApiClient({ url: origin, token: null, cookies: true, retries: 0, keyPerRequest: true });

interface CookieLogin {
  user: UserView;
  expiresAt: string;
  csrfToken?: string;
}

/** Signs in; on success every later call of `api` is authenticated. */
export async function signIn(username: string, password: string): Promise<UserView> {
  const anonymous = new ApiClient({
    url: origin,
    token: null,
    cookies: true,
    retries: 0,
    keyPerRequest: true,
  });
  const answer = await anonymous.request<CookieLogin>('POST', '/auth/login', {
    body: { username, password, cookie: true },
    auth: false,
  });
  api = new ApiClient({
    url: origin,
    token: null,
    cookies: true,
    csrfToken: answer.csrfToken ?? null,
    retries: 0,
    keyPerRequest: true,
  });
  return answer.user;
}

/** After a reload: the cookie's session if there is one, with its CSRF token; null when signed out. */
export async function resume(): Promise<UserView | null> {
  try {
    // Both at once: the first screen waits on them.
    const [user, { csrfToken }] = await Promise.all([
      api.me(),
      api.csrf().catch(() => ({ csrfToken: null })),
    ]);
    api.setCsrfToken(csrfToken);
    return user;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 0)) return null;
    throw err;
  }
}

export async function signOut(): Promise<void> {
  await api.logout().catch(() => undefined);
  api = new ApiClient({ url: origin, token: null, cookies: true, retries: 0, keyPerRequest: true });
}

/** What to show for a failed call: the API's message, without the client's status suffix. */
export function problem(err: unknown): string {
  if (err instanceof ApiError) {
    const body = err.body as { error?: { message?: string } } | null;
    return body?.error?.message ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
