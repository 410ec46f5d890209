// Users (admins, change managers and auditors read; admins change): every account with its roles, groups
// and whether it is active; admins create users, edit roles and groups, and deactivate or reactivate them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { UserView } from '../../../src/client/api-client.ts';
import { api } from '../api.ts';
import { useSession } from '../app/session.ts';
import { mayEditUsers } from './access.ts';
import { AdminNav, Failure } from './AdminNav.tsx';
import { EditUser } from './EditUser.tsx';
import { NewUserForm } from './NewUserForm.tsx';

export function UsersPage() {
  const { user: me } = useSession();
  const editor = mayEditUsers(me);
  const list = useQuery({ queryKey: ['users'], queryFn: () => api.users.list(), retry: false });
  const [editing, setEditing] = useState<string | null>(null);
  const target = list.data?.items.find((u) => u.username === editing) ?? null;
  return (
    <main id="main">
      <h1>Users</h1>
      <AdminNav />
      {list.isPending && <p role="status">Loading…</p>}
      {list.isError && <Failure error={list.error} />}
      {list.data && (
        <div className="table-wrap">
          <table className="stack">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Display name</th>
                <th scope="col">Roles</th>
                <th scope="col">Groups</th>
                <th scope="col">Active</th>
                {editor && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((u) => (
                <tr key={u.username} className={u.active ? undefined : 'retired'}>
                  <th scope="row" data-label="Username">
                    {u.username}
                    {u.kind === 'bot' && ' (bot)'}
                  </th>
                  <td data-label="Display name">{u.displayName}</td>
                  <td data-label="Roles">{u.roles.join(', ')}</td>
                  <td data-label="Groups">{u.groups.join(', ') || '—'}</td>
                  <td data-label="Active">{u.active ? 'yes' : 'no (deactivated)'}</td>
                  {editor && (
                    <td data-label="Actions">
                      <div className="row-actions">
                        <button type="button" className="secondary" onClick={() => setEditing(u.username)}>
                          Edit<span className="visually-hidden"> {u.username}</span>
                        </button>
                        {u.username !== me.username && <ActiveToggle user={u} />}
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editor && target && <EditUser key={target.username} user={target} onDone={() => setEditing(null)} />}
      {editor && list.data && <NewUserForm />}
    </main>
  );
}

/** Deactivate (ends the account's sessions; its tokens are refused until reactivated) or reactivate. */
function ActiveToggle({ user }: { user: UserView }) {
  const queries = useQueryClient();
  const toggle = useMutation({
    mutationFn: () => api.users.update(user.username, { active: !user.active }),
    onSettled: () => queries.invalidateQueries({ queryKey: ['users'] }),
  });
  function click() {
    if (user.active && !window.confirm(`Deactivate ${user.username}? Their sessions end now.`)) return;
    toggle.mutate();
  }
  return (
    <>
      <button type="button" className="secondary" onClick={click} disabled={toggle.isPending}>
        {user.active ? 'Deactivate' : 'Reactivate'}
        <span className="visually-hidden"> {user.username}</span>
      </button>
      {toggle.isError && <Failure error={toggle.error} />}
    </>
  );
}
