// An adversarial run: seeded random sequences of commands by random people — including admins changing
// group memberships, disabling accounts, re-rating services and replacing the policy between approval and
// start — against the real application. Whenever a change reaches `implementing`, the invariant is checked
// independently of the domain code: the current revision was approved, under the assessment recomputed from
// the catalogue and policy of that moment, by the policy's quorum of distinct people who hold their groups
// now, none of whom requested, edited, implements or wrote code for the change. Set CHANGEPROOF_SEED to
// replay a run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { hoursLater, ok } from '../support/http.ts';
import { contentOf, type Change } from '../../src/domain/change.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { assess } from '../../src/policy/risk.ts';

const SEED = Number(process.env.CHANGEPROOF_SEED ?? 832);
const STEPS = 700;

/** mulberry32: small, seedable, good enough to pick test moves. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXAMPLE = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');
// A stricter policy the admin may switch to between approval and start: low risk needs business too.
const STRICT = EXAMPLE.replace(
  '    low:\n      - { group: technical, count: 1 }\n',
  '    low:\n      - { group: technical, count: 1 }\n      - { group: business, count: 1 }\n',
);
const GROUPS = ['technical', 'business', 'security', 'duty_manager', 'cab'];
const SERVICES = ['payments-api', 'reports-batch', 'edge-proxy'];
const REQUESTERS = ['alice', 'bob', 'carl', 'rita'];
const APPROVERS = ['sam', 'tom', 'tina', 'betty', 'dora', 'sue', 'pat', 'rita'];
const STARTERS = ['ivan', 'bob', 'carl', 'ci'];
const ORIGINAL_GROUPS: Record<string, string[]> = {
  sam: ['security'],
  tom: ['technical'],
  tina: ['technical'],
  betty: ['business'],
  dora: ['duty_manager'],
  sue: ['security', 'technical'],
  pat: ['technical', 'business'],
  rita: ['security', 'technical'],
};

interface UserJson {
  username: string;
  kind: string;
  active: boolean;
  groups: string[];
  email: string | null;
}

for (const engine of engines()) {
  describe(`adversarial command sequences (${engine}, seed ${SEED})`, () => {
    let t: TestApp;
    const tokens: Record<string, string> = {};
    before(async () => {
      t = await startTestApp(engine);
      await registerServices(t);
      for (const [username, roles, groups] of [
        ['rita', ['requester', 'approver'], ['security', 'technical']],
        ['sue', ['approver'], ['security', 'technical']],
        ['pat', ['approver'], ['technical', 'business']],
      ] as const) {
        ok(await t.req('admin', 'POST', '/api/v1/users', { username, roles, groups }), 201);
        const body = {
          name: 'test',
          owner: username,
          scopes: ['changes:read', 'changes:write', 'changes:approve'],
        };
        tokens[username] = ok<{ token: string }>(
          await t.req('admin', 'POST', '/api/v1/tokens', body),
          201,
        ).token;
      }
    });
    after(() => t.close());

    const as = (who: string): Record<string, string> =>
      tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {};
    const send = async (who: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => {
      const res = await t.req(tokens[who] ? null : who, method, url, body, as(who));
      assert.ok(res.statusCode < 500, `${who} ${method} ${url} answered ${res.statusCode}: ${res.body}`);
      return res;
    };

    /** The invariant, computed from what the API and the policy engine say now — not from the domain. */
    async function assertLegitimatelyStarted(change: Change & { authors: string[] }, log: string[]) {
      const users = new Map(
        ok<{ items: UserJson[] }>(await t.req('admin', 'GET', '/api/v1/users')).items.map((u) => [
          u.username,
          u,
        ]),
      );
      const active = await t.c.policies.active();
      const services = await t.c.services.many(change.services);
      const now = assess(active.policy, {
        type: change.type,
        content: contentOf(change),
        services,
        policyVersion: active.version,
      });
      const why = `${change.id} started by ${change.implementedBy}\n${log.slice(-25).join('\n')}`;
      if (change.type === 'standard') {
        const template = active.policy.templates.find((tp) => tp.id === change.template);
        assert.ok(template, why);
        const rank = ['low', 'medium', 'high'];
        assert.ok(rank.indexOf(now.rating) <= rank.indexOf(template.maxRisk), `rated ${now.rating}: ${why}`);
        assert.ok(change.services.length > 0, why);
        if (template.services.length > 0)
          assert.ok(
            change.services.every((s) => template.services.includes(s)),
            why,
          );
        return;
      }
      const conflicted = new Set(
        [change.requester, change.implementer, change.implementedBy, ...(change.authors ?? [])].filter(
          (x) => x !== null,
        ),
      );
      const wrote = change.links.flatMap((l) => (l.author ? [l.author.toLowerCase()] : []));
      const counted = new Map<string, string>();
      for (const a of change.approvals) {
        if (a.decision !== 'approved' || a.withdrawnAt !== null || a.revisionHash !== change.revisionHash)
          continue;
        const u = users.get(a.approver);
        if (!u || !u.active || u.kind !== 'human' || !u.groups.includes(a.group)) continue;
        if (conflicted.has(a.approver) || wrote.includes(a.approver) || wrote.includes(u.email ?? ''))
          continue;
        if (!counted.has(a.approver)) counted.set(a.approver, a.group);
      }
      for (const req of now.requiredApprovals) {
        const got = [...counted.values()].filter((g) => g === req.group).length;
        assert.ok(
          got >= req.count,
          `${req.group} needs ${req.count} under ${now.rating}, has ${got}: ${why}`,
        );
      }
    }

    it('no change reaches implementing without the current quorum of eligible people', async () => {
      const rnd = prng(SEED);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const ids: string[] = [];
      const log: string[] = [];
      const seen = { started: 0, refusedStart: 0, lapsed: 0 };
      let strict = false;
      for (let i = 0; i < STEPS; i++) {
        const roll = rnd();
        const live = ids.slice(-8);
        const window = (from = Math.floor(rnd() * 3) - 2) => {
          const start = hoursLater(t.clock.now, from);
          return {
            start: start.toISOString(),
            end: hoursLater(start, 1 + Math.floor(rnd() * 6)).toISOString(),
          };
        };
        const edit = async (cid: string) => {
          const fields = pick([
            { description: `Edited at ${i}` },
            { services: [pick(SERVICES)] },
            { implementer: pick([null, 'ivan', 'bob', ...APPROVERS]) },
            { links: [{ kind: 'commit', ref: `c${i}`, author: pick(APPROVERS) }] },
            { testEvidence: { environment: 'staging', results: `run ${i}` } },
          ]);
          const who = pick([...REQUESTERS, 'ivan']);
          return [
            `${who} edits ${cid} ${JSON.stringify(fields)}`,
            await send(who, 'PATCH', `/api/v1/changes/${cid}`, fields),
          ] as const;
        };
        let what: string;
        let res;
        if (roll < 0.07 || live.length === 0) {
          const type = pick(['normal', 'normal', 'normal', 'emergency', 'standard'] as const);
          const services = SERVICES.filter(() => rnd() < 0.4);
          const body: Record<string, unknown> = {
            title: `Change ${i}`,
            reason: 'Because',
            services: services.length ? services : [pick(SERVICES)],
            ...(rnd() < 0.85 ? COMPLETE_RECORD : { description: 'Short' }),
          };
          if (type !== 'normal') body.type = type;
          if (type === 'standard')
            Object.assign(body, { template: 'tls-certificate-renewal', window: window() });
          const who = pick(REQUESTERS);
          what = `${who} raises ${type} on ${String(body.services)}`;
          res = await send(who, 'POST', '/api/v1/changes', body);
          if (res.statusCode === 201) ids.push(res.json<{ id: string }>().id);
        } else if (roll < 0.75) {
          // Move a recent change on, by whoever the dice pick: often the right person, often not.
          const cid = pick(live);
          const change = ok<{ state: string; requester: string }>(
            await t.req('admin', 'GET', `/api/v1/changes/${cid}`),
          );
          const r = rnd();
          if (!['draft', 'awaiting_approval', 'approved', 'scheduled'].includes(change.state)) {
            ids.splice(ids.indexOf(cid), 1);
            what = `${cid} is ${change.state}`;
          } else if (r < 0.12) [what, res] = await edit(cid);
          else if (change.state === 'draft') {
            const who = rnd() < 0.8 ? change.requester : pick(REQUESTERS);
            what = `${who} submits ${cid}`;
            res = await send(who, 'POST', `/api/v1/changes/${cid}/submit`);
          } else if (change.state === 'awaiting_approval') {
            const who = pick(APPROVERS);
            const group = rnd() < 0.3 ? pick(GROUPS) : undefined;
            what = `${who} approves ${cid} for ${group ?? 'any'}`;
            res = await send(who, 'POST', `/api/v1/changes/${cid}/approve`, group ? { group } : {});
          } else if (change.state === 'scheduled' && r < 0.25) {
            const who = rnd() < 0.8 ? change.requester : pick(REQUESTERS);
            what = `${who} reschedules ${cid}`;
            res = await send(who, 'POST', `/api/v1/changes/${cid}/schedule`, {
              window: window(Math.floor(rnd() * 30) - 10),
            });
          } else if (change.state === 'approved' && r < 0.6) {
            const who = rnd() < 0.8 ? change.requester : pick(REQUESTERS);
            what = `${who} schedules ${cid}`;
            res = await send(who, 'POST', `/api/v1/changes/${cid}/schedule`, { window: window(-1) });
          } else {
            const who = pick(STARTERS);
            what = `${who} starts ${cid}`;
            res = await send(who, 'POST', `/api/v1/changes/${cid}/start`);
            if (res.statusCode === 200) {
              const started = res.json<Change & { authors: string[] }>();
              assert.equal(started.state, 'implementing');
              seen.started++;
              await assertLegitimatelyStarted(started, [...log, what]);
            } else {
              seen.refusedStart++;
              if (res.json<{ error: { code: string } }>().error.code === 'approvals_lapsed') seen.lapsed++;
            }
          }
        } else if (roll < 0.78) {
          // Memberships drift back to what they were, so approvals stay possible at all.
          const who = pick(APPROVERS);
          const groups = ORIGINAL_GROUPS[who]!;
          what = `admin restores ${who}`;
          res = await send('admin', 'PATCH', `/api/v1/users/${who}`, { groups, active: true });
        } else if (roll < 0.85) {
          const who = pick(APPROVERS);
          const change = pick([
            { groups: GROUPS.filter(() => rnd() < 0.35) },
            { active: rnd() < 0.7 },
            { groups: [pick(GROUPS)] },
          ]);
          what = `admin sets ${who} ${JSON.stringify(change)}`;
          res = await send('admin', 'PATCH', `/api/v1/users/${who}`, change);
        } else if (roll < 0.94) {
          const service = pick(SERVICES);
          const change = pick([
            { internetFacing: rnd() < 0.5 },
            { criticality: pick(['low', 'medium', 'high', 'critical']) },
            { environment: pick(['dev', 'prod']) },
            { dataClasses: rnd() < 0.5 ? [] : ['personal'] },
          ]);
          what = `admin sets ${service} ${JSON.stringify(change)}`;
          res = await send('admin', 'PATCH', `/api/v1/services/${service}`, change);
        } else if (roll < 0.97) {
          strict = !strict;
          what = `policy becomes ${strict ? 'strict' : 'the example'}`;
          await t.c.policies.activate(SYSTEM_ACTOR, strict ? STRICT : EXAMPLE, null);
        } else {
          t.clock.now = hoursLater(t.clock.now, 1);
          what = `an hour passes`;
        }
        log.push(`${i}: ${what}${res ? ` → ${res.statusCode}` : ''}`);
      }
      assert.ok(seen.started >= 5, JSON.stringify(seen));
      assert.ok(seen.lapsed >= 1, JSON.stringify(seen));
    });
  });
}
