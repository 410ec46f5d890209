// Groups and their members. A group is an attribute of users (approval rules name groups), so it exists
// while someone holds it; adding or removing a member is an update of that user's groups.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent } from 'react';
import type { UserView } from '../../../src/client/api-client.ts';
import { api } from '../api.ts';
import { useSession } from '../app/session.ts';
import { field } from '../form.ts';
import { mayEditUsers } from './access.ts';
import { AdminNav, Failure } from './AdminNav.tsx';
import { groupsOf } from './groups.ts';

export function GroupsPage() {
  const editor = mayEditUsers(useSession().user);
  const list = useQuery({ queryKey: ['users'], queryFn: () => api.users.list(), retry: false });
  const queries = useQueryClient();
  const membership = useMutation({
    mutationFn: ({ user, groups }: { user: UserView; groups: string[] }) =>
      api.users.update(user.username, { groups }),
    onSettled: () => queries.invalidateQueries({ queryKey: ['users'] }),
  });
  const users = list.data?.items ?? [];
  const groups = groupsOf(users);
  const add = (group: string, username: string) => {
    const user = users.find((u) => u.username === username);
    if (user && !user.groups.includes(group)) membership.mutate({ user, groups: [...user.groups, group] });
  };
  function addTo(group: string | null) {
    return (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      const form = new FormData(e.currentTarget);
      const name = (group ?? field(form, 'group')).trim();
      if (name) add(name, field(form, 'member'));
    };
  }
  return (
    <main id="main">
      <h1>Groups</h1>
      <AdminNav />
      <p className="note">
        Approval rules name groups; a group exists while someone holds it. Membership is part of each user.
      </p>
      {list.isPending && <p role="status">Loading…</p>}
      {list.isError && <Failure error={list.error} />}
      {membership.isError && <Failure error={membership.error} />}
      {list.data && groups.length === 0 && <p className="empty">Nobody holds a group yet.</p>}
      {groups.map((g) => (
        <section key={g.name} aria-labelledby={`g-${g.name}`} className="group">
          <h2 id={`g-${g.name}`}>{g.name}</h2>
          <ul className="members">
            {g.members.map((m) => (
              <li key={m.username}>
                {m.username}
                {m.displayName !== m.username && ` (${m.displayName})`}
                {!m.active && ' — deactivated'}
                {editor && (
                  <button
                    type="button"
                    className="link"
                    disabled={membership.isPending}
                    onClick={() =>
                      membership.mutate({ user: m, groups: m.groups.filter((x) => x !== g.name) })
                    }
                  >
                    Remove {m.username} from {g.name}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {editor && (
            <form className="inline-form" onSubmit={addTo(g.name)}>
              <label htmlFor={`add-${g.name}`}>Add a member to {g.name}</label>
              <select id={`add-${g.name}`} name="member">
                {users
                  .filter((u) => !u.groups.includes(g.name))
                  .map((u) => (
                    <option key={u.username} value={u.username}>
                      {u.username}
                    </option>
                  ))}
              </select>
              <button type="submit" disabled={membership.isPending}>
                Add<span className="visually-hidden"> to {g.name}</span>
              </button>
            </form>
          )}
        </section>
      ))}
      {editor && list.data && (
        <section aria-labelledby="new-group-h">
          <h2 id="new-group-h">Add someone to a group</h2>
          <form className="inline-form" onSubmit={addTo(null)}>
            <label htmlFor="ng-group">Group (a new name starts a group)</label>
            <input id="ng-group" name="group" required maxLength={64} />
            <label htmlFor="ng-member">Member</label>
            <select id="ng-member" name="member">
              {users.map((u) => (
                <option key={u.username} value={u.username}>
                  {u.username}
                </option>
              ))}
            </select>
            <button type="submit" disabled={membership.isPending}>
              Add to group
            </button>
          </form>
        </section>
      )}
    </main>
  );
}
