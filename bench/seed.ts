// Users (with API tokens) and services for the benchmarks, written through the use-cases so they are
// recorded exactly as the API would record them.
import type { Container } from '../src/container.ts';
import { SCOPES } from '../src/contracts/identity.ts';
import type { CreateServiceBody } from '../src/contracts/services.ts';
import { SYSTEM_ACTOR, type Actor, type Role } from '../src/domain/actor.ts';

export interface BenchUser {
  username: string;
  roles: Role[];
  groups: string[];
}

export const actorOf = (u: BenchUser): Actor => ({
  id: u.username,
  kind: 'human',
  roles: u.roles,
  groups: u.groups,
  scopes: null,
  email: `${u.username}@example.test`,
});

/** Creates the users; returns a bearer token for each of those named in `withTokens`. */
export async function createUsers(
  c: Container,
  users: BenchUser[],
  withTokens: string[] = [],
): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const u of users) {
    await c.identity.createUser(SYSTEM_ACTOR, {
      username: u.username,
      email: `${u.username}@example.test`,
      kind: 'human',
      roles: u.roles,
      groups: u.groups,
    });
    if (!withTokens.includes(u.username)) continue;
    const t = await c.identity.createToken(SYSTEM_ACTOR, {
      name: 'bench',
      owner: u.username,
      scopes: [...SCOPES],
      expiresAt: null,
    });
    tokens[u.username] = t.token;
  }
  return tokens;
}

export async function registerServices(c: Container, services: CreateServiceBody[]): Promise<void> {
  for (const s of services) await c.services.register(SYSTEM_ACTOR, s);
}
