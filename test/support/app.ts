// A real application on a real database for HTTP tests, with a cast of users covering every role and
// approver group of the example policy. Requests go through Fastify's inject (the full HTTP stack
// without a socket); `startTestServer` in server.ts listens on a port when a test needs one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createContainer, type Container } from '../../src/container.ts';
import { SCOPES } from '../../src/contracts/identity.ts';
import { SYSTEM_ACTOR, type Role } from '../../src/domain/actor.ts';
import { buildApp, type AppOptions } from '../../src/server/app.ts';
import { initialise } from '../../src/server/start.ts';
import type { Engine } from '../../src/store/database.ts';
import { freshStore } from './db.ts';
import { generateEd25519Key } from '../../src/ledger/note.ts';
import { parseLedgerKey } from '../../src/modules/ledger/ledger-key.ts';
import { memorySignedState } from '../../src/modules/ledger/signed-state.ts';

/** A fresh in-memory signing key and signed-state record for a test log. */
export function testLedger(origin = 'changeproof.test/log') {
  return { key: parseLedgerKey(generateEd25519Key(origin).signerKey, null), state: memorySignedState() };
}

export const CAST: { username: string; roles: Role[]; groups: string[]; kind?: 'human' | 'bot' }[] = [
  { username: 'alice', roles: ['requester'], groups: [] },
  { username: 'bob', roles: ['requester', 'implementer'], groups: [] },
  { username: 'sam', roles: ['approver'], groups: ['security'] },
  { username: 'tom', roles: ['approver'], groups: ['technical'] },
  { username: 'tina', roles: ['approver'], groups: ['technical'] },
  { username: 'betty', roles: ['approver'], groups: ['business'] },
  { username: 'dora', roles: ['approver'], groups: ['duty_manager'] },
  { username: 'ivan', roles: ['implementer'], groups: [] },
  { username: 'carl', roles: ['change_manager'], groups: [] },
  { username: 'audrey', roles: ['auditor'], groups: [] },
  { username: 'ci', roles: ['implementer'], groups: ['technical', 'security'], kind: 'bot' },
];

export interface TestApp {
  app: FastifyInstance;
  c: Container;
  /** Bearer tokens by username; `admin` is the bootstrap admin. */
  tokens: Record<string, string>;
  /** Moves the application's clock. */
  clock: { now: Date };
  req: (
    as: string | null,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<LightMyRequestResponse>;
  close: () => Promise<void>;
}

/** A policy other than the example to start on, as YAML source. */
export interface TestAppSetup {
  policySource?: string;
}

export async function startTestApp(
  engine: Engine = 'sqlite',
  options: AppOptions = {},
  setup: TestAppSetup = {},
): Promise<TestApp> {
  const { store, cleanup } = await freshStore(engine);
  const clock = { now: new Date('2026-11-25T10:00:00.000Z') };
  const c = createContainer(store, testLedger(), () => clock.now);
  let policyFile: string | undefined;
  if (setup.policySource !== undefined) {
    policyFile = join(mkdtempSync(join(tmpdir(), 'changeproof-policy-')), 'policy.yaml');
    writeFileSync(policyFile, setup.policySource);
  }
  const init = await initialise(c, policyFile);
  const app = await buildApp(c, options);
  const tokens: Record<string, string> = { admin: init.admin!.token };
  for (const u of CAST) {
    await c.identity.createUser(SYSTEM_ACTOR, {
      username: u.username,
      email: `${u.username}@example.test`,
      kind: u.kind ?? 'human',
      roles: u.roles,
      groups: u.groups,
      password: u.kind === 'bot' ? undefined : `${u.username}-password-123`,
    });
    const t = await c.identity.createToken(SYSTEM_ACTOR, {
      name: 'test',
      owner: u.username,
      scopes: [...SCOPES],
      expiresAt: null,
    });
    tokens[u.username] = t.token;
  }
  return {
    app,
    c,
    tokens,
    clock,
    req: (as, method, url, body, headers = {}) =>
      app.inject({
        method,
        url,
        headers: { ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}), ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      }),
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}

/** A high-risk change body for the example policy's internet-facing production service. */
export const SERVICES = [
  {
    name: 'payments-api',
    environment: 'prod',
    internetFacing: true,
    dataClasses: ['personal', 'payment'],
    criticality: 'critical',
  },
  { name: 'reports-batch', environment: 'dev', criticality: 'low' },
  {
    name: 'edge-proxy',
    environment: 'prod',
    internetFacing: true,
    securityControl: true,
    criticality: 'high',
  },
];

export const COMPLETE_RECORD = {
  description: 'Move the payments API to TLS 1.3 only.',
  reason: 'Security: TLS 1.2 ciphers flagged by the pentest.',
  implementationPlan: 'Roll out the new ingress config with a canary.',
  testPlan: 'Run the integration suite against staging.',
  rollbackPlan: {
    method: 'Redeploy the previous ingress config',
    expectedMinutes: 5,
    triggers: 'Error rate above 1%',
    backupConfirmed: true,
  },
  testEvidence: { environment: 'staging', results: 'All 412 integration tests passed' },
  testDataMasked: true,
};

/**
 * What the example policy asks of an emergency request (a criterion and why) and before it starts (a way
 * back); the rest of its record is owed afterwards.
 */
export const EMERGENCY_REQUEST = {
  emergencyCriterion: 'security-incident',
  emergencyJustification: 'The endpoint is being exploited right now (WAF alerts since 01:50).',
  rollbackPlan: {
    method: 'Revert the WAF rule',
    expectedMinutes: 2,
    triggers: 'Legitimate traffic blocked',
    backupConfirmed: false,
  },
};

export async function registerServices(t: TestApp): Promise<void> {
  for (const s of SERVICES) {
    const res = await t.req('admin', 'POST', '/api/v1/services', s);
    if (res.statusCode !== 201) throw new Error(`service ${s.name}: ${res.body}`);
  }
}
