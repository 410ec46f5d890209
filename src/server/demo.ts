// CHANGEPROOF_DEMO=1: a fresh instance gets a small, realistic catalogue, a cast of users and changes in
// every state, all created through the ordinary use-cases so that they are in the ledger like real work.
import type { Container } from '../container.ts';
import { SYSTEM_ACTOR, type Actor, type Role } from '../domain/actor.ts';
import { actorOf } from '../modules/identity/identity.repository.ts';
import { Refused } from '../modules/changes/changes.service.ts';

export const DEMO_PASSWORD = 'changeproof-demo';

const SERVICES = [
  {
    name: 'payments-api',
    environment: 'prod',
    internetFacing: true,
    dataClasses: ['personal', 'payment'],
    criticality: 'critical',
    doraCriticalFunction: true,
    // The policy asks the business owner of a regulated function to sign off its planned changes.
    owners: { technical: 'tom', business: 'betty' },
  },
  {
    name: 'identity-provider',
    environment: 'prod',
    internetFacing: true,
    securityControl: true,
    dataClasses: ['personal'],
    criticality: 'critical',
  },
  { name: 'reports-batch', environment: 'staging', criticality: 'low' },
  {
    name: 'data-warehouse',
    environment: 'prod',
    dataClasses: ['personal'],
    criticality: 'high',
    supplier: 'Example Cloud Ltd',
  },
  { name: 'status-page', environment: 'prod', internetFacing: true, criticality: 'medium' },
] as const;

const PEOPLE: { username: string; displayName: string; roles: Role[]; groups: string[] }[] = [
  { username: 'alice', displayName: 'Alice Requester', roles: ['requester'], groups: [] },
  { username: 'sam', displayName: 'Sam Security', roles: ['approver'], groups: ['security'] },
  { username: 'tom', displayName: 'Tom Technical', roles: ['approver'], groups: ['technical'] },
  { username: 'betty', displayName: 'Betty Business', roles: ['approver'], groups: ['business'] },
  { username: 'dora', displayName: 'Dora Duty Manager', roles: ['approver'], groups: ['duty_manager'] },
  { username: 'ivan', displayName: 'Ivan Implementer', roles: ['implementer'], groups: [] },
];

const PLAN = {
  description: 'Rotate the signing keys and roll the new ingress configuration out behind a canary.',
  reason: 'Security: quarterly key rotation required by the crypto policy.',
  implementationPlan: 'Canary 5% for 30 minutes, then 100%.',
  testPlan: 'Integration suite on staging, then synthetic checks in production.',
  rollbackPlan: {
    method: 'Redeploy the previous release',
    expectedMinutes: 10,
    triggers: 'Error rate above 1% for 5 minutes',
    backupConfirmed: true,
  },
  testEvidence: { environment: 'staging', results: 'All integration tests passed' },
  testDataMasked: true,
};

export async function seedDemo(c: Container): Promise<void> {
  for (const s of SERVICES)
    await c.services.register(SYSTEM_ACTOR, {
      ...s,
      dataClasses: [...('dataClasses' in s ? s.dataClasses : [])],
    });
  const as: Record<string, Actor> = {};
  for (const p of PEOPLE) {
    const user = await c.identity.createUser(SYSTEM_ACTOR, {
      ...p,
      email: `${p.username}@example.com`,
      kind: 'human',
      password: DEMO_PASSWORD,
    });
    as[p.username] = actorOf(user, null);
  }
  const must = <T>(result: T | Refused): T => {
    if (result instanceof Refused)
      throw new Error(`demo data refused: ${result.refusals.map((r) => r.message).join('; ')}`);
    return result;
  };
  const raise = async (title: string, services: string[]) =>
    must(await c.changes.create(as.alice!, { type: 'normal', title, services, ...PLAN })).id;
  type Cmd = Parameters<Container['changes']['command']>[2];
  const step = async (who: string, id: string, cmd: Cmd) => must(await c.changes.command(as[who]!, id, cmd));

  await raise('Draft: move status page to the new CDN', ['status-page']);
  const waiting = await raise('Rotate identity provider signing keys', ['identity-provider']);
  await step('alice', waiting, { type: 'submit' });
  await step('sam', waiting, { type: 'approve', group: null, comment: 'Key ceremony reviewed.' });
  const now = Date.now();
  const window = {
    start: new Date(now - 3_600_000).toISOString(),
    end: new Date(now + 6 * 86_400_000).toISOString(),
  };
  const scheduled = await raise('Upgrade payments API to TLS 1.3 only', ['payments-api']);
  for (const [who, cmd] of [
    ['alice', { type: 'submit' }],
    ['sam', { type: 'approve', group: null, comment: '' }],
    ['tom', { type: 'approve', group: null, comment: '' }],
    ['betty', { type: 'approve', group: null, comment: 'Business owner: timing agreed.' }],
    ['alice', { type: 'schedule', window }],
  ] as [string, Cmd][])
    await step(who, scheduled, cmd);
  const closed = await raise('Nightly reports: new partition scheme', ['reports-batch']);
  for (const [who, cmd] of [
    ['alice', { type: 'submit' }],
    ['tom', { type: 'approve', group: null, comment: 'Looks safe.' }],
    ['alice', { type: 'schedule', window }],
    ['ivan', { type: 'start' }],
    [
      'ivan',
      {
        type: 'complete',
        outcome: 'successful',
        notes: '',
        verification: [{ name: 'report totals match', passed: true }],
      },
    ],
    [
      'ivan',
      {
        type: 'review',
        review: { summary: 'Went as planned.', followUps: [], continuityPlanNeedsUpdate: false },
      },
    ],
    ['ivan', { type: 'close' }],
  ] as [string, Cmd][])
    await step(who, closed, cmd);
  const emergency = must(
    await c.changes.create(as.alice!, {
      type: 'emergency',
      title: 'Block exploited endpoint on payments API',
      services: ['payments-api'],
      reason: 'Active exploitation seen in WAF logs.',
      emergencyCriterion: 'security-incident',
      emergencyJustification:
        'The payments API is being exploited now; waiting for the CAB would prolong it.',
      rollbackPlan: {
        method: 'Remove the WAF block rule',
        expectedMinutes: 2,
        triggers: 'Legitimate payments blocked',
        backupConfirmed: false,
      },
    }),
  ).id;
  await step('alice', emergency, { type: 'submit' });
  await step('dora', emergency, { type: 'approve', group: null, comment: 'Authorized by phone at 02:10.' });
  await step('ivan', emergency, { type: 'start' });
}
