// Policy is code and policy changes are changes: the example policy is version 1, invalid files are refused
// with line numbers, and a replacement takes effect only after someone other than its author approves it
// under the policy approvals and an implementer starts it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { EMERGENCY_REQUEST, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import {
  act,
  expectError,
  getChange,
  hoursLater,
  ledgerSize,
  noServerErrors,
  ok,
  raise,
} from '../support/http.ts';

const EXAMPLE = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');
const lineOf = (source: string, text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

// A proposal that renames the policy and halves the emergency record deadline, so its effect is visible.
const PROPOSED = EXAMPLE.replace(
  'name: Example Corp change policy',
  'name: Example Corp change policy v2',
).replace('emergencyRecord: 24h', 'emergencyRecord: 12h');
// Invalid: a template's maximum risk that does not exist, on a line we can point at.
const BAD_VALUE = EXAMPLE.replace('maxRisk: low', 'maxRisk: extreme');
const BAD_YAML = EXAMPLE.replace('name: Example Corp change policy', 'name: [unclosed, "flow');

interface PolicyVersion {
  version: number;
  name: string;
  sha256: string;
  changeId: string | null;
  source?: string;
}
interface CheckResult {
  ok: boolean;
  sha256: string | null;
  errors: { path: string; line: number; column: number; message: string }[];
}

for (const engine of engines()) {
  describe(`policy over HTTP (${engine})`, () => {
    let t: TestApp;
    let id: string;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      ok(await t.req('admin', 'PATCH', '/api/v1/users/carl', { groups: ['security'] }));
    });
    after(() => t.close());

    it('runs on the example policy as version 1', async () => {
      const p = ok<PolicyVersion>(await t.req('audrey', 'GET', '/api/v1/policy'));
      assert.equal(p.version, 1);
      assert.equal(p.name, 'Example Corp change policy');
      assert.equal(p.changeId, null);
      assert.equal(p.source, EXAMPLE);
      assert.equal(p.sha256, createHash('sha256').update(EXAMPLE).digest('hex'));
    });

    it('checks a policy and points at the line of each error', async () => {
      const good = ok<CheckResult>(
        await t.req('alice', 'POST', '/api/v1/policy/check', { source: PROPOSED }),
      );
      assert.deepEqual(good, {
        ok: true,
        sha256: createHash('sha256').update(PROPOSED).digest('hex'),
        errors: [],
      });
      const bad = ok<CheckResult>(
        await t.req('alice', 'POST', '/api/v1/policy/check', { source: BAD_VALUE }),
      );
      assert.equal(bad.ok, false);
      const e = bad.errors.find((x) => x.path.endsWith('maxRisk'));
      assert.ok(e, JSON.stringify(bad.errors));
      assert.equal(e.line, lineOf(BAD_VALUE, 'maxRisk: extreme'));
      assert.match(e.message, /extreme/);
      const syntax = ok<CheckResult>(
        await t.req('alice', 'POST', '/api/v1/policy/check', { source: BAD_YAML }),
      );
      assert.equal(syntax.ok, false);
      assert.ok(
        syntax.errors.length > 0 && syntax.errors.every((x) => x.line >= lineOf(BAD_YAML, '[unclosed')),
      );
      assert.match(syntax.errors[0]!.message, /YAML/);
    });

    it('refuses to propose an invalid policy with 400 policy_invalid and line details', async () => {
      const size = await ledgerSize(t);
      const err = expectError(
        await t.req('carl', 'POST', '/api/v1/policy', { source: BAD_VALUE, reason: 'x' }),
        400,
        'policy_invalid',
      );
      const detail = err.details.find((d) => d.path?.endsWith('maxRisk')) as { line?: number } | undefined;
      assert.equal(detail?.line, lineOf(BAD_VALUE, 'maxRisk: extreme'));
      assert.match(err.message, new RegExp(`line ${lineOf(BAD_VALUE, 'maxRisk: extreme')}`));
      expectError(
        await t.req('carl', 'POST', '/api/v1/policy', { source: 'version: 2\n', reason: 'x' }),
        400,
        'policy_invalid',
      );
      assert.equal(await ledgerSize(t), size);
    });

    it('raises a change carrying the proposed policy, needing the policy approvers', async () => {
      const created = ok<{ id: string; type: string; state: string; proposedPolicy: string | null }>(
        await t.req('carl', 'POST', '/api/v1/policy', {
          source: PROPOSED,
          reason: 'Tighter emergency deadline',
        }),
        201,
      );
      id = created.id;
      assert.deepEqual([created.type, created.state, created.proposedPolicy], ['normal', 'draft', PROPOSED]);
      const submitted = await act(t, 'carl', id, 'submit');
      const required = (submitted.assessment as { requiredApprovals: unknown[] }).requiredApprovals;
      assert.deepEqual(required, [
        { group: 'technical', count: 1 },
        { group: 'security', count: 1 },
      ]);
      // A token without policy:write cannot propose.
      const narrow = ok<{ token: string }>(
        await t.req('carl', 'POST', '/api/v1/tokens', {
          name: 'ro',
          scopes: ['policy:read', 'changes:read'],
        }),
        201,
      );
      expectError(
        await t.req(
          null,
          'POST',
          '/api/v1/policy',
          { source: PROPOSED },
          { authorization: `Bearer ${narrow.token}` },
        ),
        403,
        'forbidden',
      );
    });

    it('refuses the proposer as approver and a start before approval', async () => {
      expectError(await t.req('carl', 'POST', `/api/v1/changes/${id}/approve`), 403, 'sod_requester');
      expectError(await t.req('ivan', 'POST', `/api/v1/changes/${id}/start`), 409, 'invalid_transition');
      assert.equal(ok<PolicyVersion>(await t.req('audrey', 'GET', '/api/v1/policy')).version, 1);
    });

    it('activates version 2 when the approved policy change starts', async () => {
      // The example's normal low-risk quorum (technical) plus its policy approvers (security).
      assert.equal((await act(t, 'sam', id, 'approve')).state, 'awaiting_approval');
      await act(t, 'tom', id, 'approve');
      assert.equal((await getChange(t, id)).state, 'approved');
      // Approval alone changes nothing: the policy takes effect when the change is implemented.
      assert.equal(ok<PolicyVersion>(await t.req('audrey', 'GET', '/api/v1/policy')).version, 1);
      assert.equal((await act(t, 'ivan', id, 'start')).state, 'implementing');

      const active = ok<PolicyVersion>(await t.req('audrey', 'GET', '/api/v1/policy'));
      assert.deepEqual(
        [active.version, active.name, active.changeId, active.source],
        [2, 'Example Corp change policy v2', id, PROPOSED],
      );
      const history = ok<{ items: PolicyVersion[] }>(
        await t.req('audrey', 'GET', '/api/v1/policy/versions'),
      ).items;
      assert.deepEqual(
        history.map((p) => [p.version, p.changeId, 'source' in p]),
        [
          [2, id, false],
          [1, null, false],
        ],
      );
      assert.equal(
        ok<PolicyVersion>(await t.req('audrey', 'GET', '/api/v1/policy/versions/1')).source,
        EXAMPLE,
      );
      expectError(await t.req('audrey', 'GET', '/api/v1/policy/versions/3'), 404, 'not_found');

      // The new deadline is in force.
      const e = await raise(t, 'bob', {
        type: 'emergency',
        title: 'Under policy v2',
        services: ['reports-batch'],
        ...EMERGENCY_REQUEST,
      });
      await act(t, 'bob', e.id, 'submit');
      const approved = await act(t, 'dora', e.id, 'approve');
      assert.equal(approved.recordDueAt, hoursLater(t.clock.now, 12).toISOString());
    });
  });
}
