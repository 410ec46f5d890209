// API tokens: your own (admins: everyone's), with scopes, dates and standing; create one (its secret shown
// once) and revoke one after confirming. Every signed-in user may manage their own tokens here.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { TokenView } from '../../../src/client/api-client.ts';
import { api } from '../api.ts';
import { useSession } from '../app/session.ts';
import { When } from '../changes/ChangeTable.tsx';
import { mayAdministerTokens } from './access.ts';
import { AdminNav, Failure } from './AdminNav.tsx';
import { NewToken } from './NewToken.tsx';

function standing(t: TokenView, now: number): string {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return 'expired';
  return 'active';
}

export function TokensPage() {
  const admin = mayAdministerTokens(useSession().user);
  const list = useQuery({ queryKey: ['tokens'], queryFn: () => api.tokens.list(), retry: false });
  const now = Date.now();
  return (
    <main id="main">
      <h1>API tokens</h1>
      <AdminNav />
      <p className="note">
        {admin ? 'Every token, yours and everyone else’s.' : 'Your tokens.'} A token acts as its owner,
        limited to its scopes. Its secret is shown once, when it is created; after that only its id and name.
      </p>
      {list.isPending && <p role="status">Loading…</p>}
      {list.isError && <Failure error={list.error} />}
      {list.data && list.data.items.length === 0 && <p className="empty">No tokens.</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="stack">
            <caption className="visually-hidden">API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Id</th>
                {admin && <th scope="col">Owner</th>}
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((t) => (
                <tr key={t.id} className={standing(t, now) === 'active' ? undefined : 'retired'}>
                  <th scope="row" data-label="Name">
                    {t.name}
                  </th>
                  <td data-label="Id" className="code">
                    {t.id}
                  </td>
                  {admin && <td data-label="Owner">{t.owner}</td>}
                  <td data-label="Scopes">{t.scopes.join(', ')}</td>
                  <td data-label="Created">
                    <When at={t.createdAt} />
                  </td>
                  <td data-label="Last used">{t.lastUsedAt ? <When at={t.lastUsedAt} /> : 'never'}</td>
                  <td data-label="Expires">{t.expiresAt ? <When at={t.expiresAt} /> : 'never'}</td>
                  <td data-label="Status">{standing(t, now)}</td>
                  <td data-label="Actions">{!t.revokedAt && <Revoke token={t} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewToken />
    </main>
  );
}

/** Revoke, after a second, explicit confirmation in place. */
function Revoke({ token }: { token: TokenView }) {
  const queries = useQueryClient();
  const [asking, setAsking] = useState(false);
  const revoke = useMutation({
    mutationFn: () => api.tokens.revoke(token.id),
    onSettled: () => queries.invalidateQueries({ queryKey: ['tokens'] }),
  });
  if (!asking)
    return (
      <button type="button" className="secondary" onClick={() => setAsking(true)}>
        Revoke<span className="visually-hidden"> {token.name}</span>
      </button>
    );
  return (
    <div role="group" aria-label={`Revoke ${token.name}?`} className="confirm">
      <p>Revoke {token.name}? Whatever uses it stops working at once.</p>
      <div className="row-actions">
        <button type="button" className="danger" onClick={() => revoke.mutate()} disabled={revoke.isPending}>
          Yes, revoke {token.name}
        </button>
        <button type="button" className="secondary" onClick={() => setAsking(false)}>
          Keep it
        </button>
      </div>
      {revoke.isError && <Failure error={revoke.error} />}
    </div>
  );
}
