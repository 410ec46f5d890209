// Creating an API token: a name, its scopes (from the contract's list) and an expiry; admins may also make
// one for a bot. The secret comes back once, is held only in this component's memory and is shown until
// dismissed; the server keeps only its hash, so a reload can never show it again.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { TokenView } from '../../../src/client/api-client.ts';
import { SCOPES } from '../../../src/contracts/vocabulary.ts';
import { api } from '../api.ts';
import { useSession } from '../app/session.ts';
import { field } from '../form.ts';
import { mayAdministerTokens } from './access.ts';
import { Field, fieldErrors, generalError } from './fields.tsx';

const FIELDS = ['name', 'owner', 'scopes', 'expiresAt'] as const;

/** The end of the chosen day in the browser's zone, as an instant; null for no expiry. */
export function expiryOf(date: string): string | null {
  return date ? new Date(`${date}T23:59:59`).toISOString() : null;
}

export function NewToken() {
  const { user } = useSession();
  const admin = mayAdministerTokens(user);
  const queries = useQueryClient();
  const bots = useQuery({
    queryKey: ['users'],
    queryFn: () => api.users.list(),
    enabled: admin,
    select: (l) => l.items.filter((u) => u.kind === 'bot' && u.active).map((u) => u.username),
  });
  const [secret, setSecret] = useState<(TokenView & { token: string }) | null>(null);
  const create = useMutation({
    mutationFn: (form: FormData) => {
      const owner = field(form, 'owner');
      return api.tokens.create({
        name: field(form, 'name').trim(),
        ...(owner && owner !== user.username ? { owner } : {}),
        scopes: form.getAll('scopes').map(String) as (typeof SCOPES)[number][],
        expiresAt: expiryOf(field(form, 'expiresAt')),
      });
    },
    onSuccess: async (created) => {
      setSecret(created);
      await queries.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const errors = fieldErrors(create.error, FIELDS);
  const general = generalError(create.error, FIELDS);
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    create.mutate(new FormData(form), { onSuccess: () => form.reset() });
  }
  return (
    <section aria-labelledby="new-token-h" className="admin-form">
      <h2 id="new-token-h">Create a token</h2>
      {secret && <SecretOnce created={secret} onDismiss={() => setSecret(null)} />}
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field id="nt-name" label="Name" hint="What uses it, e.g. ci-deploy" error={errors.name}>
            {(aria) => <input id="nt-name" name="name" autoComplete="off" {...aria} />}
          </Field>
          <Field id="nt-expiresAt" label="Expires (end of day)" hint="Empty: never" error={errors.expiresAt}>
            {(aria) => <input id="nt-expiresAt" name="expiresAt" type="date" {...aria} />}
          </Field>
          {admin && (bots.data?.length ?? 0) > 0 && (
            <Field id="nt-owner" label="For" hint="Admins may create tokens for bots" error={errors.owner}>
              {(aria) => (
                <select id="nt-owner" name="owner" defaultValue={user.username} {...aria}>
                  <option value={user.username}>myself ({user.username})</option>
                  {bots.data?.map((b) => (
                    <option key={b} value={b}>
                      {b} (bot)
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </div>
        <fieldset className="checks" {...(errors.scopes ? { 'aria-describedby': 'nt-scopes-err' } : {})}>
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" name="scopes" value={s} /> {s}
            </label>
          ))}
          {errors.scopes && (
            <p id="nt-scopes-err" className="field-error">
              {errors.scopes}
            </p>
          )}
        </fieldset>
        {general && (
          <p className="error" role="alert">
            {general}
          </p>
        )}
        <div className="buttons">
          <button type="submit" disabled={create.isPending}>
            Create token
          </button>
        </div>
      </form>
    </section>
  );
}

function SecretOnce({
  created,
  onDismiss,
}: {
  created: TokenView & { token: string };
  onDismiss: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => box.current?.focus(), []);
  function copy() {
    navigator.clipboard.writeText(created.token).then(
      () => setCopied('Copied to the clipboard.'),
      () => setCopied('Copying was refused by the browser: select the token and copy it.'),
    );
  }
  return (
    <div ref={box} tabIndex={-1} className="secret" role="region" aria-labelledby="secret-h">
      <h3 id="secret-h">Copy the token {created.name} now</h3>
      <p className="warning">
        This is the only time it is shown. The server keeps only its hash: once you leave or reload this page
        it cannot be shown again, only revoked.
      </p>
      <label htmlFor="secret-value">Token secret</label>
      <input
        id="secret-value"
        className="code"
        readOnly
        value={created.token}
        onFocus={(e) => e.target.select()}
      />
      <div className="buttons">
        <button type="button" onClick={copy}>
          Copy token
        </button>
        <button type="button" className="secondary" onClick={onDismiss}>
          I have stored it
        </button>
      </div>
      <p role="status">{copied}</p>
    </div>
  );
}
