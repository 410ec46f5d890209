// What the adversary may do: every step is plain data (so fast-check can shrink a sequence and print it),
// and refers to people, changes and credentials by name or by index, resolved against what exists when
// it runs. Lifecycle commands come from anyone; `drive` walks a change to approval or to its window the
// proper way, so that the admin operations that follow land between approval and start.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { COMPLETE_RECORD, EMERGENCY_REQUEST } from '../support/app.ts';
import type { Cred, Harness } from './harness.ts';

const PEOPLE = [
  'alice',
  'bob',
  'sam',
  'tom',
  'tina',
  'betty',
  'dora',
  'ivan',
  'carl',
  'admin',
  'ci',
] as const;
const TARGETS = ['alice', 'bob', 'sam', 'tom', 'tina', 'betty', 'dora', 'ivan', 'carl', 'ci'] as const;
const IMPLEMENTERS = ['bob', 'ivan', 'ci', 'carl', 'admin'] as const;
const APPROVERS = ['sam', 'tom', 'tina', 'betty', 'dora', 'carl', 'admin', 'ci'] as const;
const GROUPS = ['technical', 'business', 'security', 'duty_manager', 'cab'] as const;
const ROLES = ['requester', 'implementer', 'approver', 'change_manager', 'admin'] as const;
const SCOPES = [
  'changes:read',
  'changes:write',
  'changes:approve',
  'services:read',
  'services:write',
  'users:admin',
  'policy:read',
  'policy:write',
] as const;
export const SERVICE_NAMES = [
  'payments-api',
  'reports-batch',
  'edge-proxy',
  'dev-tool',
  'web-frontend',
] as const;
const TEMPLATES = ['tls-certificate-renewal', 'os-patch-non-prod', 'scale-replicas'] as const;

const SERVICE_PATCHES = {
  exposed: { environment: 'prod', internetFacing: true },
  hidden: { internetFacing: false },
  personal: { dataClasses: ['personal'] },
  nopersonal: { dataClasses: [] },
  critical: { criticality: 'critical' },
  low: { criticality: 'low' },
  secctl: { securityControl: true },
  dev: { environment: 'dev' },
} as const;

const EXAMPLE = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');
const POLICIES = {
  // Two technical approvals for low risk: changes approved by one no longer have their quorum.
  tighten: EXAMPLE.replace(
    'low:\n      - { group: technical, count: 1 }\n    medium',
    'low:\n      - { group: technical, count: 2 }\n    medium',
  ),
  // High risk needs the business too.
  business: EXAMPLE.replace(
    '- { group: technical, count: 1 }\n  # Emergencies',
    '- { group: technical, count: 1 }\n      - { group: business, count: 1 }\n  # Emergencies',
  ),
  // Looser: high risk needs only a technical approval.
  loosen: EXAMPLE.replace('high:\n      - { group: security, count: 1 }\n', 'high:\n'),
};

const who = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PEOPLE).map((name) => ({ name })) },
  { weight: 1, arbitrary: fc.nat(40).map((cred) => ({ cred })) },
  // The requester of the change the step is about.
  { weight: 2, arbitrary: fc.constant({ steward: true as const }) },
);
const implementer = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...IMPLEMENTERS).map((name) => ({ name })) },
  { weight: 1, arbitrary: who },
);
const approver = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...APPROVERS).map((name) => ({ name })) },
  { weight: 1, arbitrary: who },
);
const admin = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ name: 'admin' }) },
  { weight: 1, arbitrary: who },
);
type Who = { name: string } | { cred: number } | { steward: true };
const c = fc.nat(20);

const raiseArb = fc.record({
  k: fc.constant('raise' as const),
  who: fc.oneof(
    fc.constantFrom('alice', 'bob', 'carl').map((name) => ({ name })),
    who,
  ),
  type: fc.constantFrom('normal', 'normal', 'emergency', 'standard'),
  services: fc.subarray([...SERVICE_NAMES], { maxLength: 2 }),
  template: fc.constantFrom(...TEMPLATES),
  full: fc.boolean(),
  implementer: fc.constantFrom(null, 'bob', 'ivan', 'tom'),
});

export const stepArb = fc.oneof(
  { weight: 4, arbitrary: raiseArb },
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant('drive' as const),
      c,
      to: fc.constantFrom('approved', 'scheduled', 'scheduled', 'implemented'),
      pick: fc.nat(5),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('edit' as const),
      c,
      who,
      patch: fc.constantFrom('description', 'services', 'implementer', 'answers', 'link', 'record', 'plan'),
      services: fc.subarray([...SERVICE_NAMES], { minLength: 1, maxLength: 2 }),
      person: fc.constantFrom(...TARGETS),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constantFrom('submit' as const, 'complete' as const, 'review' as const, 'close' as const),
      c,
      who,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constantFrom('approve' as const, 'approve' as const, 'approve' as const, 'reject' as const),
      c,
      who: approver,
      group: fc.constantFrom(undefined, ...GROUPS),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), c, who }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('schedule' as const),
      c,
      who,
      window: fc.constantFrom('open', 'open', 'later', 'absurd', 'feb30'),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant('start' as const),
      c,
      who: fc.oneof(
        { weight: 3, arbitrary: fc.constant('auto' as const) },
        { weight: 2, arbitrary: implementer },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('clock' as const), hours: fc.constantFrom(1, 6, 30) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('groups' as const),
      who: admin,
      user: fc.constantFrom(...TARGETS),
      groups: fc.subarray([...GROUPS], { maxLength: 2 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('unseat' as const),
      who: admin,
      c,
      pick: fc.nat(5),
      how: fc.constantFrom('group', 'group', 'disable', 'roles'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('roles' as const),
      who: admin,
      user: fc.constantFrom(...TARGETS),
      roles: fc.subarray([...ROLES], { minLength: 1, maxLength: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('active' as const),
      who: admin,
      user: fc.constantFrom(...TARGETS),
      active: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('mint' as const),
      who: fc.oneof(admin, who),
      owner: fc.constantFrom(null, ...TARGETS),
      scopes: fc.subarray([...SCOPES], { minLength: 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('password' as const),
      who: fc.oneof(admin, who),
      user: fc.constantFrom(null, ...TARGETS),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('login' as const), user: fc.constantFrom(...TARGETS) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('service' as const),
      who: fc.oneof(
        fc.constantFrom('admin', 'carl').map((name) => ({ name })),
        who,
      ),
      service: fc.constantFrom(...SERVICE_NAMES),
      // When set: a service of this change instead.
      of: fc.option(c, { nil: null }),
      patch: fc.constantFrom(...(Object.keys(SERVICE_PATCHES) as (keyof typeof SERVICE_PATCHES)[])),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('policy' as const),
      // Have it approved and started (which activates it) at once.
      activate: fc.boolean(),
      who: fc.oneof(
        fc.constantFrom('carl', 'admin').map((name) => ({ name })),
        who,
      ),
      variant: fc.constantFrom(...(Object.keys(POLICIES) as (keyof typeof POLICIES)[])),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('hostile' as const),
      who,
      variant: fc.constantFrom('surrogate', 'feb30', 'longpath'),
    }),
  },
);
export type Step = typeof stepArb extends fc.Arbitrary<infer S> ? S : never;

// What an attacker does between a change's approval and its start.
const BETWEEN = new Set<Step['k']>([
  'unseat',
  'groups',
  'roles',
  'active',
  'service',
  'policy',
  'edit',
  'schedule',
  'clock',
  'mint',
  'password',
  'login',
  'approve',
]);

/** A change walked to approval (or its window), then 1–3 moves by anyone, then an attempt to start it. */
const episodeArb = fc
  .tuple(
    c,
    fc.constantFrom('approved' as const, 'scheduled' as const),
    fc.nat(5),
    fc.array(
      stepArb.filter((s) => BETWEEN.has(s.k)),
      { minLength: 1, maxLength: 3 },
    ),
    fc.oneof({ weight: 3, arbitrary: fc.constant('auto' as const) }, { weight: 1, arbitrary: implementer }),
  )
  .map(([c, to, pick, between, who]): Step[] => [
    { k: 'drive', c, to, pick },
    ...between.map((s) => ('c' in s ? { ...s, c } : 'of' in s && s.of !== null ? { ...s, of: c } : s)),
    { k: 'start', c, who },
  ]);

/** A sequence: a few changes raised by their requesters, then single steps and episodes in any order. */
export function sequenceArb(maxLength: number): fc.Arbitrary<Step[]> {
  return fc
    .tuple(
      fc.array(raiseArb, { minLength: 1, maxLength: 3 }),
      fc.array(
        fc.oneof({ weight: 1, arbitrary: stepArb.map((s) => [s]) }, { weight: 1, arbitrary: episodeArb }),
        { minLength: 1, maxLength: Math.ceil(maxLength / 2), size: 'max' },
      ),
    )
    .map(([raises, rest]): Step[] => [...raises, ...rest.flat()].slice(0, maxLength + 3));
}

function credOf(h: Harness, w: Who, change?: string | null): Cred {
  if ('name' in w) return h.own.get(w.name)!;
  if ('steward' in w)
    return h.own.get(h.world.changes.get(change ?? '')?.requester ?? 'alice') ?? h.own.get('alice')!;
  return h.creds[w.cred % h.creds.length]!;
}
const changeOf = (h: Harness, i: number): string | null =>
  h.changes.length ? h.changes[i % h.changes.length]! : null;
const at = (h: Harness, hours: number) => new Date(h.t.clock.now.getTime() + hours * 3_600_000).toISOString();

const WINDOWS = {
  open: (h: Harness) => ({ start: at(h, -1), end: at(h, 3) }),
  later: (h: Harness) => ({ start: at(h, 48), end: at(h, 50) }),
  absurd: () => ({ start: '1970-01-01T00:00:00Z', end: '9999-12-31T23:59:59Z' }),
  // 30 February does not exist; JavaScript's Date quietly reads it as 2 March.
  feb30: () => ({ start: '2027-02-30T10:00:00Z', end: '2027-03-05T12:00:00Z' }),
};

export async function runStep(h: Harness, s: Step, n: number): Promise<void> {
  const api = '/api/v1';
  switch (s.k) {
    case 'raise': {
      const body: Record<string, unknown> = {
        type: s.type,
        title: `Change ${n}`,
        services: s.services,
        ...(s.full ? COMPLETE_RECORD : { description: 'Short.', reason: 'Because.' }),
        implementer: s.implementer,
      };
      if (s.type === 'standard') Object.assign(body, { template: s.template, window: WINDOWS.open(h) });
      // The example policy's emergency request: a criterion, why, and a way back before it starts.
      if (s.type === 'emergency')
        Object.assign(body, EMERGENCY_REQUEST, s.full ? { rollbackPlan: COMPLETE_RECORD.rollbackPlan } : {});
      await h.send(credOf(h, s.who), 'POST', `${api}/changes`, body);
      return;
    }
    case 'drive':
      return drive(h, s.c, s.to, s.pick);
    case 'edit': {
      const id = changeOf(h, s.c);
      if (!id) return;
      const patches: Record<typeof s.patch, Record<string, unknown>> = {
        description: { description: `Edited at step ${n}.` },
        services: { services: s.services },
        implementer: { implementer: s.person },
        answers: { riskAnswers: { irreversible: n % 2 === 0, customerVisible: true } },
        link: { links: [{ kind: 'commit', ref: `c${n}`, author: `${s.person}@example.test` }] },
        record: COMPLETE_RECORD,
        plan: { implementationPlan: `A new plan, step ${n}.` },
      };
      await h.send(credOf(h, s.who, id), 'PATCH', `${api}/changes/${id}`, patches[s.patch]);
      return;
    }
    case 'start': {
      const id = changeOf(h, s.c);
      if (!id) return;
      // `auto`: whoever the change names as its implementer, else an implementer with no part in it.
      const named = h.world.changes.get(id)?.content.implementer;
      const cred = s.who === 'auto' ? h.own.get(named ?? 'ivan') : credOf(h, s.who, id);
      if (cred) await h.send(cred, 'POST', `${api}/changes/${id}/start`, {});
      return;
    }
    case 'submit':
    case 'close': {
      const id = changeOf(h, s.c);
      if (id) await h.send(credOf(h, s.who, id), 'POST', `${api}/changes/${id}/${s.k}`, {});
      return;
    }
    case 'complete':
    case 'review':
    case 'cancel': {
      const id = changeOf(h, s.c);
      const body = {
        complete: { outcome: 'successful', verification: [{ name: 'smoke', passed: true }] },
        review: { summary: 'Went as planned.' },
        cancel: { reason: 'No longer needed.' },
      }[s.k];
      if (id) await h.send(credOf(h, s.who, id), 'POST', `${api}/changes/${id}/${s.k}`, body);
      return;
    }
    case 'approve':
    case 'reject': {
      const id = changeOf(h, s.c);
      const body = {
        comment: s.k === 'reject' ? 'Not like this.' : 'ok',
        ...(s.group ? { group: s.group } : {}),
      };
      if (id) await h.send(credOf(h, s.who, id), 'POST', `${api}/changes/${id}/${s.k}`, body);
      return;
    }
    case 'schedule': {
      const id = changeOf(h, s.c);
      if (!id) return;
      const res = await h.send(credOf(h, s.who, id), 'POST', `${api}/changes/${id}/schedule`, {
        window: WINDOWS[s.window](h),
      });
      if (s.window === 'feb30' && res.statusCode < 300)
        h.report([
          { tags: ['impossible_date_accepted'], message: `${id} was scheduled to start on 30 February` },
        ]);
      return;
    }
    case 'clock':
      h.t.clock.now = new Date(h.t.clock.now.getTime() + s.hours * 3_600_000);
      h.transcript.push(`(clock +${s.hours}h → ${h.t.clock.now.toISOString()})`);
      return;
    case 'groups':
      await h.send(credOf(h, s.who), 'PATCH', `${api}/users/${s.user}`, { groups: s.groups });
      return;
    case 'roles':
      await h.send(credOf(h, s.who), 'PATCH', `${api}/users/${s.user}`, { roles: s.roles });
      return;
    case 'active':
      await h.send(credOf(h, s.who), 'PATCH', `${api}/users/${s.user}`, { active: s.active });
      return;
    case 'mint':
      return mint(h, credOf(h, s.who), s.owner, s.scopes);
    case 'password':
      return setPassword(h, credOf(h, s.who), s.user, n);
    case 'login':
      await h.login(s.user);
      return;
    case 'service': {
      const ofChange =
        s.of === null ? [] : (h.world.changes.get(changeOf(h, s.of) ?? '')?.content.services ?? []);
      const name = ofChange.length ? ofChange[n % ofChange.length]! : s.service;
      await h.send(credOf(h, s.who), 'PATCH', `${api}/services/${name}`, SERVICE_PATCHES[s.patch]);
      return;
    }
    case 'unseat': {
      // The admin acts on someone who approved the change: out of the group they approved for, or disabled.
      const approvals = h.world.changes.get(changeOf(h, s.c) ?? '')?.approvals ?? [];
      const a = approvals[s.pick % Math.max(1, approvals.length)];
      const user = a && h.world.users.get(a.approver);
      if (!a || !user) return;
      const body =
        s.how === 'group'
          ? { groups: user.groups.filter((g) => g !== a.group) }
          : s.how === 'disable'
            ? { active: false }
            : { roles: ['requester'] };
      await h.send(credOf(h, s.who), 'PATCH', `${api}/users/${a.approver}`, body);
      return;
    }
    case 'policy': {
      const res = await h.send(credOf(h, s.who), 'POST', `${api}/policy`, {
        source: POLICIES[s.variant],
        reason: `Policy variant ${s.variant}`,
      });
      if (res.statusCode === 201 && s.activate) await drive(h, h.changes.length - 1, 'implemented', n);
      return;
    }
    case 'hostile':
      return hostile(h, credOf(h, s.who), s.variant);
  }
}

async function mint(h: Harness, cred: Cred, owner: string | null, scopes: string[]): Promise<void> {
  const res = await h.send(cred, 'POST', '/api/v1/tokens', {
    name: `minted-${h.creds.length}`,
    ...(owner ? { owner } : {}),
    scopes,
  });
  if (res.statusCode !== 201) return;
  const t = res.json<{ token: string; owner: string; scopes: string[] }>();
  // A bot's token is operated by whoever runs the bot; the ledger rightly names the bot.
  const bot = h.world.users.get(t.owner)?.kind === 'bot';
  h.creds.push({
    label: `${cred.holder}:token(${t.owner}:${t.scopes.join('+')})#${h.creds.length}`,
    secret: t.token,
    kind: 'token',
    owner: t.owner,
    holder: bot ? t.owner : cred.holder,
    scopes: t.scopes,
    since: h.world.size,
    keepsPasswordAt: [],
  });
}

async function setPassword(h: Harness, cred: Cred, user: string | null, n: number): Promise<void> {
  const target = user ?? cred.owner;
  const password = `adversary-password-${n}`;
  const res = await h.send(cred, 'PATCH', `/api/v1/users/${target}`, { password });
  if (res.statusCode >= 300) return;
  h.passwords.set(target, { password, knownBy: cred.holder });
  const setAt = h.world.users.get(target)?.passwordSetAt.at(-1);
  if (cred.kind === 'session' && cred.owner === target && setAt !== undefined)
    cred.keepsPasswordAt.push(setAt);
}

async function hostile(h: Harness, cred: Cred, variant: 'surrogate' | 'feb30' | 'longpath'): Promise<void> {
  if (variant === 'surrogate')
    await h.send(cred, 'POST', '/api/v1/changes', { title: 'Lone \ud800 surrogate', services: [] });
  else if (variant === 'longpath') await h.send(cred, 'GET', `/api/v1/services/${'a'.repeat(5000)}`);
  else {
    const res = await h.send(cred, 'POST', '/api/v1/changes', {
      type: 'standard',
      template: 'os-patch-non-prod',
      title: 'Patch on a day that does not exist',
      services: ['dev-tool'],
      description: 'Patch.',
      reason: 'Vendor advisory.',
      window: WINDOWS.feb30(),
    });
    if (res.statusCode < 300)
      h.report([
        { tags: ['impossible_date_accepted'], message: 'a window starting on 30 February was accepted' },
      ]);
  }
}

interface View {
  state: string;
  type: string;
  requester: string;
  proposedPolicy: string | null;
  approvalStatus: { requirements: { group: string; remaining: number; approvedBy: string[] }[] };
}

/** Walks a change the proper way: submit by its requester, approvals by eligible people, an open window. */
async function drive(
  h: Harness,
  i: number,
  to: 'approved' | 'scheduled' | 'implemented',
  pick: number,
): Promise<void> {
  const id = changeOf(h, i);
  if (!id) return;
  for (let round = 0; round < 8; round++) {
    const fold = h.world.changes.get(id)!;
    const res = await h.t.app.inject({
      method: 'GET',
      url: `/api/v1/changes/${id}`,
      headers: { authorization: `Bearer ${h.t.tokens.audrey}` },
    });
    if (res.statusCode !== 200) return;
    const v = res.json<View>();
    const requester = h.own.get(fold.requester);
    if (!requester) return;
    if (v.state === 'draft') {
      const r = await h.send(requester, 'POST', `/api/v1/changes/${id}/submit`, {});
      if (r.statusCode === 200) continue;
      const services = fold.content.services.length ? {} : { services: ['reports-batch'] };
      const fill = await h.send(requester, 'PATCH', `/api/v1/changes/${id}`, {
        ...COMPLETE_RECORD,
        ...services,
      });
      if (fill.statusCode !== 200) return;
      continue;
    }
    if (v.state === 'awaiting_approval') {
      const open = v.approvalStatus.requirements.find((r) => r.remaining > 0);
      if (!open) return;
      // Anyone holding the group may try; the server decides who may not (that is what is under test).
      const candidates = [...h.world.users.values()].filter(
        (u) =>
          u.kind === 'human' &&
          u.active &&
          u.groups.includes(open.group) &&
          !open.approvedBy.includes(u.username) &&
          h.own.has(u.username),
      );
      let approved = false;
      for (let k = 0; k < Math.min(4, candidates.length) && !approved; k++) {
        const chosen = candidates[(pick + k) % candidates.length]!;
        const r = await h.send(h.own.get(chosen.username)!, 'POST', `/api/v1/changes/${id}/approve`, {
          group: open.group,
          comment: 'Looks right.',
        });
        approved = r.statusCode === 200;
      }
      if (!approved) return;
      continue;
    }
    const direct = v.type === 'emergency' || v.proposedPolicy !== null;
    if (v.state === 'approved' && to !== 'approved' && !direct) {
      const r = await h.send(requester, 'POST', `/api/v1/changes/${id}/schedule`, {
        window: WINDOWS.open(h),
      });
      if (r.statusCode === 200) continue;
      return;
    }
    const ready = v.state === 'scheduled' || (v.state === 'approved' && direct);
    if (ready && to === 'implemented') {
      const r = await h.send(
        h.own.get(fold.content.implementer ?? 'ivan')!,
        'POST',
        `/api/v1/changes/${id}/start`,
        {},
      );
      if (r.statusCode === 200) continue;
      return;
    }
    if (v.state === 'implementing' && to === 'implemented') {
      await h.send(h.own.get(fold.startedBy ?? 'ivan')!, 'POST', `/api/v1/changes/${id}/complete`, {
        outcome: 'successful',
        verification: [{ name: 'smoke', passed: true }],
      });
    }
    return;
  }
}
