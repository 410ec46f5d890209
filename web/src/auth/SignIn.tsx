// The sign-in form: username and password, the API's refusal shown as it says it.
import { useState, type FormEvent } from 'react';
import type { UserView } from '../../../src/client/api-client.ts';
import { problem, signIn } from '../api.ts';
import { field } from '../form.ts';

export function SignIn({ onSignedIn, notice }: { onSignedIn: (u: UserView) => void; notice: string | null }) {
  const [error, setError] = useState<string | null>(notice);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(field(form, 'username'), field(form, 'password')));
    } catch (err) {
      setError(problem(err));
      setBusy(false);
    }
  }
  return (
    <main className="sign-in">
      <h1>Changeproof</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby={error ? 'sign-in-error' : undefined}>
        <h2>Sign in</h2>
        <label htmlFor="username">Username</label>
        <input id="username" name="username" autoComplete="username" required autoFocus />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        {error && (
          <p id="sign-in-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
