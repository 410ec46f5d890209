// Generates a realistic database of changes for the list benchmark, through the real use-cases (so every
// row, ledger entry and projection is what the server would have written), 1000 changes per transaction.
// Varied types, risk (from ~50 services with different attributes), requesters, titles, states and
// creation dates spread over two years.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import type { Change } from '../src/domain/change.ts';
import { reviewRequired } from '../src/domain/change-decide.ts';
import { Refused } from '../src/modules/changes/changes.service.ts';
import { initialise, openContainer } from '../src/server/start.ts';
import { actorOf, createUsers, registerServices, type BenchUser } from './seed.ts';

const BATCH = 1000;
const START = Date.parse('2024-07-01T00:00:00Z');
const SPAN = 2 * 365 * 86_400_000;

const people = (names: string, role: BenchUser['roles'][number], group?: string): BenchUser[] =>
  names.split(' ').map((username) => ({ username, roles: [role], groups: group ? [group] : [] }));
const REQUESTERS = people(
  'alice bob carol dave erin frank grace heidi ivy judy karl liam mia nina oscar pat quinn rosa sven tara',
  'requester',
);
const GROUPS: Record<string, BenchUser[]> = {
  technical: people('tom tina theo tess', 'approver', 'technical'),
  business: people('betty bruno bea', 'approver', 'business'),
  security: people('sam sara sid', 'approver', 'security'),
  duty_manager: people('dora dan', 'approver', 'duty_manager'),
};
const IMPLEMENTERS = people('ivan irene igor isla ian', 'implementer');
const AUDITOR: BenchUser = { username: 'audrey', roles: ['auditor'], groups: [] };

const DOMAINS =
  'payments checkout identity search catalog orders billing shipping inventory reports notifications analytics crm hr ledger pricing fraud media audit gateway profile loyalty partner support warehouse'.split(
    ' ',
  );
const SERVICES = DOMAINS.flatMap((d) => [`${d}-api`, `${d}-worker`]).map((name, i) => {
  const kind = i % 10; // 0–3 rate high, 4–5 medium, 6–9 low under the example policy
  const environment = kind <= 6 ? ('prod' as const) : (['staging', 'test', 'dev'] as const)[kind - 7]!;
  return {
    name,
    environment,
    internetFacing: kind <= 1,
    dataClasses: kind === 2 ? ['personal'] : [],
    securityControl: kind === 3,
    criticality: kind === 4 || kind === 5 ? ('high' as const) : ('low' as const),
  };
});
const VERBS = [
  'Upgrade',
  'Patch',
  'Reconfigure',
  'Migrate',
  'Tune',
  'Rotate credentials of',
  'Enable',
  'Replace',
];
const PARTS = [
  'postgres',
  'kafka',
  'redis',
  'nginx',
  'TLS certificates',
  'the JVM',
  'the base image',
  'log shipping',
  'backups',
  'firewall rules',
  'DNS records',
  'CDN cache rules',
  'the OAuth client',
  'the feature flags',
  'autoscaling',
];

// About one change in twenty on a service rated medium or high is started by a supplier, drawn from an RNG
// of its own and never where it would raise the rating (which would add approvals and draws): the rest of
// the data is what it was before supplier changes existed.
const SUPPLIERS = ['PayCo Ltd', 'Example Cloud', 'MailRelay Inc', 'IdentityHub', 'CDN Partners'];

export interface ListDbMeta {
  changes: number;
  token: string;
  requester: string;
  service: string;
  word: string;
  /** Absent from databases generated before supplier changes existed. */
  supplier?: string;
  from: string;
  to: string;
  generatedSeconds: number;
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function generateChanges(dataDir: string, count: number): Promise<ListDbMeta> {
  const t0 = performance.now();
  const rnd = mulberry32(42);
  const supplierRnd = mulberry32(5_21);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const weighted = <T extends string>(w: Record<T, number>): T => {
    let r = rnd() * Object.values<number>(w).reduce((a, b) => a + b, 0);
    for (const [k, v] of Object.entries<number>(w)) if ((r -= v) < 0) return k as T;
    return Object.keys(w)[0] as T;
  };
  let clock = START;
  // Opened as the server opens it (same database, ledger key and signed state), so it starts on it later.
  const c = openContainer(loadConfig({ CHANGEPROOF_DATA: dataDir }), () => new Date(clock));
  const store = c.store;
  // The example policy without its calendar: the simulated months cross its month-end soft freeze, which
  // would withdraw approvals at start. The list's queries do not read windows of the calendar.
  const example = readFileSync(new URL('../examples/changeproof.policy.yaml', import.meta.url), 'utf8');
  const policyFile = join(dataDir, 'bench-policy.yaml');
  writeFileSync(policyFile, example.replace(/\ncalendar:\n(?:[ #].*\n|\n)*/, '\n'));
  await initialise(c, policyFile);
  await registerServices(c, SERVICES);
  const all = [...REQUESTERS, ...Object.values(GROUPS).flat(), ...IMPLEMENTERS, AUDITOR];
  const tokens = await createUsers(c, all, [AUDITOR.username]);

  const ok = (r: Change | Refused): Change => {
    if (r instanceof Refused) throw new Error(`generation refused: ${JSON.stringify(r.refusals)}`);
    return r;
  };
  const later = (minutes: number) => (clock += minutes * 60_000);

  async function one(i: number): Promise<void> {
    clock = START + Math.floor((i / count) * SPAN);
    const requester = actorOf(pick(REQUESTERS));
    const implementer = actorOf(pick(IMPLEMENTERS));
    const type = weighted({ normal: 77, standard: 15, emergency: 8 });
    const service =
      type === 'standard' ? pick(SERVICES.filter((s) => s.environment !== 'prod')) : pick(SERVICES);
    const services =
      rnd() < 0.15 && type !== 'standard' ? [service.name, pick(SERVICES).name] : [service.name];
    const part = pick(PARTS);
    const supplier =
      type !== 'standard' && SERVICES.indexOf(service) % 10 <= 5 && supplierRnd() < 0.05
        ? SUPPLIERS[Math.floor(supplierRnd() * SUPPLIERS.length)]!
        : null;
    let ch = ok(
      await c.changes.create(requester, {
        type,
        title: `${pick(VERBS)} ${part} on ${service.name}`,
        services: [...new Set(services)],
        description: `${part} on ${service.name} is behind the supported version; this brings it up to date and applies the vendor's hardening guide.`,
        reason: pick([
          'Vendor end of support',
          'Security advisory',
          'Capacity for the peak season',
          'Audit finding',
          'Cost reduction',
        ]),
        riskAnswers: { customerVisible: type !== 'standard' && rnd() < 0.1 },
        implementationPlan: 'Roll out with a canary, then the rest of the fleet.',
        rollbackPlan: {
          method: 'Redeploy the previous release.',
          expectedMinutes: 15,
          triggers: 'Error rate above 1%.',
          backupConfirmed: true,
        },
        testPlan: 'Integration suite and a load test in staging.',
        testEvidence: { environment: 'staging', results: 'All integration tests passed.' },
        testDataMasked: true,
        ...(type === 'emergency' && {
          emergencyCriterion: 'service-outage',
          emergencyJustification: `${service.name} is failing for customers; waiting for the CAB would prolong the outage.`,
        }),
        ...(supplier !== null && {
          origin: 'supplier' as const,
          supplier,
          supplierReference: `NOTICE-${i}`,
          supplierImpact: `${supplier} changes the ${part} it runs for ${service.name}; maintenance notice attached.`,
          supplierAccessReview: {
            access: 'Unchanged: the supplier keeps its scoped API key, rotated yearly and logged.',
            controlsStillApply: true,
            agreementsNeedUpdate: false,
          },
          customerCommunication: 'Status page entry a week ahead.',
        }),
        ...(type === 'standard' && {
          template: 'os-patch-non-prod',
          window: {
            start: new Date(clock).toISOString(),
            end: new Date(clock + 4 * 3_600_000).toISOString(),
          },
        }),
      }),
    );
    const target =
      type === 'normal'
        ? weighted({
            draft: 6,
            awaiting_approval: 8,
            approved: 3,
            scheduled: 5,
            implementing: 2,
            review: 4,
            closed: 62,
            rejected: 5,
            cancelled: 5,
          })
        : weighted({ scheduled: type === 'standard' ? 8 : 0, implementing: 4, review: 6, closed: 82 });
    const run = async (actor: typeof requester, cmd: Parameters<typeof c.changes.command>[2]) => {
      later(1 + Math.floor(rnd() * 30));
      ch = ok(await c.changes.command(actor, ch.id, cmd));
    };
    if (ch.state === 'draft') {
      if (target === 'draft') return;
      if (target === 'cancelled' && rnd() < 0.5)
        return run(requester, { type: 'cancel', reason: 'No longer needed.' });
      await run(requester, { type: 'submit' });
      if (target === 'awaiting_approval') return;
      if (target === 'cancelled')
        return run(requester, { type: 'cancel', reason: 'Superseded by another change.' });
      const required = ch.assessment!.requiredApprovals;
      if (target === 'rejected')
        return run(actorOf(pick(GROUPS[required[0]!.group]!)), {
          type: 'reject',
          group: required[0]!.group,
          comment: 'Rollback plan is not tested.',
        });
      for (const r of required)
        for (const u of GROUPS[r.group]!.slice(0, r.count))
          await run(actorOf(u), { type: 'approve', group: r.group, comment: 'Looks good.' });
      if (target === 'approved') return;
      if (type === 'normal') {
        await run(requester, {
          type: 'schedule',
          window: {
            start: new Date(clock).toISOString(),
            end: new Date(clock + 4 * 3_600_000).toISOString(),
          },
        });
        if (target === 'scheduled') return;
      }
    } else if (target === 'scheduled') return; // standard changes start out scheduled
    await run(implementer, { type: 'start' });
    if (target === 'implementing') return;
    const outcome = weighted({ successful: 85, successful_with_issues: 7, failed: 4, rolled_back: 4 });
    await run(implementer, {
      type: 'complete',
      outcome,
      notes: '',
      verification: [{ name: 'smoke tests', passed: outcome !== 'failed' }],
    });
    if (target === 'review') return;
    // Emergencies are reviewed by someone independent of them, from a reviewer group of the policy.
    const reviewer = type === 'emergency' ? actorOf(pick(GROUPS.security!)) : implementer;
    if (reviewRequired(ch, (await c.policies.active()).policy) || rnd() < 0.2)
      await run(reviewer, {
        type: 'review',
        review: { summary: 'Went as planned.', followUps: [], continuityPlanNeedsUpdate: false },
      });
    await run(implementer, { type: 'close' });
  }

  for (let from = 0; from < count; from += BATCH) {
    await store.write(async () => {
      for (let i = from; i < Math.min(count, from + BATCH); i++) await one(i);
    });
    const done = Math.min(count, from + BATCH);
    const s = (performance.now() - t0) / 1000;
    const line = `  generated ${done}/${count} changes in ${s.toFixed(0)} s (${(done / s).toFixed(0)}/s)`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}   `);
    else if (done % (10 * BATCH) === 0 || done === count) console.log(line);
  }
  if (process.stdout.isTTY) process.stdout.write('\n');
  // A long-running server has delivered its old events and pruned them from the outbox; without this the
  // dispatcher would be busy delivering hundreds of thousands of them while the list requests are timed.
  store.sqlite!.raw.exec('DELETE FROM outbox');
  store.sqlite!.raw.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  await store.close();
  const meta: ListDbMeta = {
    changes: count,
    token: tokens[AUDITOR.username]!,
    requester: REQUESTERS[3]!.username,
    service: SERVICES[12]!.name,
    word: 'kafka',
    supplier: SUPPLIERS[1],
    from: new Date(START + SPAN / 2).toISOString(),
    to: new Date(START + SPAN / 2 + 30 * 86_400_000).toISOString(),
    generatedSeconds: (performance.now() - t0) / 1000,
  };
  writeFileSync(join(dataDir, 'meta.json'), JSON.stringify(meta, null, 2));
  return meta;
}
