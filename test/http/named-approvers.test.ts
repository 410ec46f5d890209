// Named people as approvers: the policy asks for "the business owner" of the affected services or the
// change's risk owner, the assessment names who that is, only that user can give it, and when the catalogue
// or the change names someone else the old approval stops counting. A person the record does not name can
// never be approved for (fail closed), and no group membership can stand in for a person.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { SCOPES } from '../../src/contracts/identity.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { act, expectError, getChange, noServerErrors, ok, raise, type ChangeJson } from '../support/http.ts';

interface Requirement {
  group: string;
  count: number;
  label?: string;
}
interface Assessed extends ChangeJson {
  assessment: { rating: string; requiredApprovals: Requirement[] };
  pendingApproval: { owedBy: { group: string; remaining: number }[] } | null;
}

const EXAMPLE = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');
// The example plus the risk owner's own approval on every high-risk change.
const RISK_OWNER_POLICY = EXAMPLE.replace(
  '    high:\n      - { group: security, count: 1 }',
  '    high:\n      - { person: riskOwner }\n      - { group: security, count: 1 }',
);

// High risk under the example: an internet-facing production service.
const HIGH_RISK = { title: 'TLS 1.3 only', services: ['payments-api'], ...COMPLETE_RECORD };

const person = (c: Assessed, group: string) => c.assessment.requiredApprovals.find((r) => r.group === group);

async function addUser(t: TestApp, username: string): Promise<void> {
  await t.c.identity.createUser(SYSTEM_ACTOR, {
    username,
    email: `${username}@example.test`,
    kind: 'human',
    roles: ['approver'],
    groups: [],
    password: `${username}-password-123`,
  });
  const token = await t.c.identity.createToken(SYSTEM_ACTOR, {
    name: 'test',
    owner: username,
    scopes: [...SCOPES],
    expiresAt: null,
  });
  t.tokens[username] = token.token;
}

for (const engine of engines()) {
  describe(`a service's business owner as a required approver (${engine})`, () => {
    let t: TestApp;
    const ledger = (name: string, business: string) => ({
      name,
      environment: 'prod',
      criticality: 'low',
      doraCriticalFunction: true,
      owners: { technical: 'core-lead', business },
    });
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      await addUser(t, 'olga');
      await addUser(t, 'pete');
      ok(await t.req('admin', 'POST', '/api/v1/services', ledger('ledger', 'olga')), 201);
      ok(await t.req('admin', 'POST', '/api/v1/services', ledger('ledger-eu', '')), 201);
      ok(await t.req('admin', 'POST', '/api/v1/services', ledger('ledger-us', 'alice')), 201);
    });
    after(() => t.close());

    const submitOn = async (service: string) => {
      const c = await raise(t, 'alice', {
        title: `Posting rules on ${service}`,
        services: [service],
        ...COMPLETE_RECORD,
      });
      return (await act(t, 'alice', c.id, 'submit')) as Assessed;
    };

    it('names the owner from the catalogue, and only they can give that approval', async () => {
      const c = await submitOn('ledger');
      assert.deepEqual(person(c, 'person:olga'), {
        group: 'person:olga',
        count: 1,
        label: 'business owner of ledger',
      });
      await act(t, 'tom', c.id, 'approve');
      // Betty holds the business group, which the medium rating asks for; she cannot stand in for Olga.
      const after = (await act(t, 'betty', c.id, 'approve')) as Assessed;
      assert.equal(after.state, 'awaiting_approval');
      assert.deepEqual(after.pendingApproval?.owedBy, [{ group: 'person:olga', remaining: 1 }]);
      expectError(
        await t.req('pete', 'POST', `/api/v1/changes/${c.id}/approve`, { group: 'person:olga' }),
        403,
        'not_in_group',
      );
      assert.equal((await act(t, 'olga', c.id, 'approve')).state, 'approved');
    });

    it('lets the owner’s approval lapse when the catalogue names another owner', async () => {
      const c = await submitOn('ledger');
      for (const who of ['tom', 'betty', 'olga']) await act(t, who, c.id, 'approve');
      ok(
        await t.req('admin', 'PATCH', '/api/v1/services/ledger', {
          owners: { technical: 'core-lead', business: 'pete' },
        }),
      );
      await act(t, 'alice', c.id, 'schedule', {
        window: { start: '2026-11-25T09:00:00Z', end: '2026-11-25T12:00:00Z' },
      });
      expectError(await t.req('ivan', 'POST', `/api/v1/changes/${c.id}/start`), 422, 'approvals_lapsed');
      const now = (await getChange(t, c.id)) as Assessed;
      assert.equal(now.state, 'awaiting_approval');
      assert.ok(person(now, 'person:pete'));
      assert.equal(person(now, 'person:olga'), undefined);
      assert.equal((await act(t, 'pete', c.id, 'approve')).state, 'approved');
      ok(
        await t.req('admin', 'PATCH', '/api/v1/services/ledger', {
          owners: { technical: 'core-lead', business: 'olga' },
        }),
      );
    });

    it('fails closed when the catalogue names no owner: nobody can give that approval', async () => {
      const c = await submitOn('ledger-eu');
      const line = person(c, 'unnamed:businessOwner:ledger-eu');
      assert.equal(line?.label, 'business owner of ledger-eu (the catalogue names none)');
      for (const who of ['tom', 'betty']) await act(t, who, c.id, 'approve');
      for (const who of ['olga', 'admin'])
        expectError(await t.req(who, 'POST', `/api/v1/changes/${c.id}/approve`), 403);
      assert.equal((await getChange(t, c.id)).state, 'awaiting_approval');
    });

    it('refuses an owner who requested the change: segregation of duties holds for people too', async () => {
      const c = await submitOn('ledger-us');
      assert.ok(person(c, 'person:alice'));
      expectError(await t.req('alice', 'POST', `/api/v1/changes/${c.id}/approve`), 403, 'sod_requester');
    });

    it('cannot be granted as a group membership', async () => {
      const res = await t.req('admin', 'PATCH', '/api/v1/users/pete', { groups: ['person:olga'] });
      expectError(res, 400);
    });
  });

  describe(`the risk owner's own approval (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine, {}, { policySource: RISK_OWNER_POLICY }));
      await registerServices(t);
      await addUser(t, 'olga');
    });
    after(() => t.close());

    it('needs the named risk owner, with their reasoning, before a high-risk change is approved', async () => {
      const c = await raise(t, 'alice', { ...HIGH_RISK, riskOwner: 'olga' });
      const s = (await act(t, 'alice', c.id, 'submit')) as Assessed;
      assert.equal(s.assessment.rating, 'high');
      assert.deepEqual(person(s, 'person:olga'), { group: 'person:olga', count: 1, label: 'risk owner' });
      for (const who of ['sam', 'tom']) await act(t, who, c.id, 'approve');
      assert.equal((await getChange(t, c.id)).state, 'awaiting_approval');
      // The example asks the risk owner of a high-risk change for the risk they accept, as a field.
      expectError(await t.req('olga', 'POST', `/api/v1/changes/${c.id}/approve`), 422);
      const approved = await t.req('olga', 'POST', `/api/v1/changes/${c.id}/approve`, {
        reasoning: { riskAcceptance: 'Holding back leaves the TLS finding open for another quarter.' },
      });
      assert.equal(ok<ChangeJson>(approved).state, 'approved');
    });

    it('cannot be approved while the change names no risk owner', async () => {
      const c = await raise(t, 'alice', HIGH_RISK);
      const s = (await act(t, 'alice', c.id, 'submit')) as Assessed;
      assert.equal(person(s, 'unnamed:riskOwner:change')?.label, 'risk owner (the change names none)');
      for (const who of ['sam', 'tom']) await act(t, who, c.id, 'approve');
      assert.equal((await getChange(t, c.id)).state, 'awaiting_approval');
    });
  });
}
