// Groups are attributes of users: a group is the set of users naming it. Derived from GET /users, which
// answers every user in one list.
import type { UserView } from '../../../src/client/api-client.ts';

export interface Group {
  name: string;
  members: UserView[];
}

/** Every group any user holds, by name, each with its members by username. */
export function groupsOf(users: readonly UserView[]): Group[] {
  const byName = new Map<string, UserView[]>();
  for (const u of users) for (const g of u.groups) byName.set(g, [...(byName.get(g) ?? []), u]);
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, members]) => ({
      name,
      members: members.sort((a, b) => a.username.localeCompare(b.username)),
    }));
}

/** A comma- or space-separated list as typed in a form: trimmed, without empties or repeats. */
export function listOf(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((s) => s.length > 0))];
}
