// Segregation of duties through the API: who may never approve a change, that every refusal is in the
// change's history with who, what and why, that approvals come from distinct people, that an edit after
// approval withdraws them, that group membership is checked when approving and again at start, that
// everyone who edited a revision is barred, and that risk is re-assessed from the catalogue at start.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import type { Scope } from '../../src/contracts/identity.ts';
import {
  act,
  bearer,
  events,
  expectError,
  getChange,
  hoursLater,
  noServerErrors,
  ok,
  raise,
} from '../support/http.ts';

const LOW = { description: 'Batch tweak', reason: 'Faster reports', services: ['reports-batch'] };
const HIGH = { services: ['payments-api'], ...COMPLETE_RECORD };

interface Approval {
  approver: string;
  group: string;
  withdrawnAt: string | null;
}

interface Standing {
  state: string;
  riskRating: string | null;
  approvals: Approval[];
  approvalStatus: {
    satisfied: boolean;
    rating: string | null;
    approvals: { approver: string; group: string; counts: boolean; reasons: { code: string }[] }[];
    rose: { from: string | null; to: string } | null;
  };
}

for (const engine of engines()) {
  describe(`segregation of duties over HTTP (${engine})`, () => {
    let t: TestApp;
    const extra: Record<string, string> = {};
    /** Sends as one of the extra users created below (by their API token). */
    const as = (user: string) => bearer(extra[user]!);

    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      // People who hold an approver group and also a role that lets them request or edit.
      for (const [username, roles, groups] of [
        ['rita', ['requester', 'approver'], ['security']],
        ['cora', ['change_manager', 'approver'], ['security']],
        ['sue', ['approver'], ['security', 'technical']],
      ] as const) {
        ok(await t.req('admin', 'POST', '/api/v1/users', { username, roles, groups }), 201);
        extra[username] = await mint(username, ['changes:read', 'changes:write', 'changes:approve']);
      }
      extra.samNoApprove = await mint('sam', ['changes:read', 'changes:write']);
    });
    after(() => t.close());
    // Tokens are created by their owner; these people have no password, so the server mints them in-process.
    const mint = async (owner: string, scopes: Scope[]) =>
      (await t.c.identity.createToken(SYSTEM_ACTOR, { name: 'test', owner, scopes, expiresAt: null })).token;

    it('refuses the requester, last editor, implementer, commit authors, bots and narrow tokens, and records why', async () => {
      const created = await t.req(
        null,
        'POST',
        '/api/v1/changes',
        {
          title: 'Rotate payment keys',
          ...HIGH,
          implementer: 'tom',
          links: [
            { kind: 'commit', ref: 'abc123', author: 'tina' },
            { kind: 'pull_request', ref: 'org/repo#7', author: 'Sam@Example.test' },
          ],
        },
        as('rita'),
      );
      const id = ok<{ id: string }>(created, 201).id;
      ok(await t.req(null, 'PATCH', `/api/v1/changes/${id}`, { securityImpact: 'Keys rotate' }, as('cora')));
      ok(await t.req(null, 'POST', `/api/v1/changes/${id}/submit`, undefined, as('rita')));
      assert.equal((await getChange(t, id)).lastEditor, 'cora');

      const attempts: [string, Record<string, string>, string][] = [
        ['rita', as('rita'), 'sod_requester'],
        ['cora', as('cora'), 'sod_last_editor'],
        ['tom', bearer(t.tokens.tom!), 'sod_implementer'],
        ['tina', bearer(t.tokens.tina!), 'sod_commit_author'],
        // Matched by e-mail, case-insensitively.
        ['sam', bearer(t.tokens.sam!), 'sod_commit_author'],
        ['ci', bearer(t.tokens.ci!), 'bot_cannot_approve'],
      ];
      for (const [who, headers, code] of attempts) {
        const err = expectError(
          await t.req(null, 'POST', `/api/v1/changes/${id}/approve`, {}, headers),
          403,
          code,
        );
        assert.match(err.message, new RegExp(who === 'ci' ? 'bots' : who));
      }
      // The same people may not reject either.
      expectError(
        await t.req(null, 'POST', `/api/v1/changes/${id}/reject`, { comment: 'no' }, as('rita')),
        403,
        'sod_requester',
      );
      // A token without changes:approve cannot approve even for someone who could.
      const narrow = await t.req(null, 'POST', `/api/v1/changes/${id}/approve`, {}, as('samNoApprove'));
      assert.equal(narrow.statusCode, 403, narrow.body);
      assert.ok(
        narrow
          .json<{ error: { details: { code: string }[] } }>()
          .error.details.some((d) => d.code === 'token_cannot_approve'),
      );

      const change = await getChange(t, id);
      assert.equal(change.state, 'awaiting_approval');
      assert.deepEqual(change.approvals, []);
      const refused = (await events(t, id)).filter((e) => e.type === 'change.command_refused');
      assert.deepEqual(
        refused.map((e) => [e.actor.id, e.data.command, (e.data.reasons as { code: string }[])[0]!.code]),
        [
          ...attempts.map(([who, , code]) => [who, 'approve', code]),
          ['rita', 'reject', 'sod_requester'],
          ['sam', 'approve', 'token_cannot_approve'],
        ],
      );
      for (const e of refused)
        assert.ok((e.data.reasons as { message: string }[]).every((r) => r.message.length > 0));
    });

    it('gives an admin who requested a change no bypass', async () => {
      ok(
        await t.req('admin', 'PATCH', '/api/v1/users/admin', {
          roles: ['admin', 'approver'],
          groups: ['technical', 'security'],
        }),
      );
      const { id } = await raise(t, 'admin', { title: 'Admin change', ...LOW });
      await act(t, 'admin', id, 'submit');
      expectError(await t.req('admin', 'POST', `/api/v1/changes/${id}/approve`), 403, 'sod_requester');
      const last = (await events(t, id)).at(-1)!;
      assert.deepEqual(
        [last.type, last.actor.id, last.data.command],
        ['change.command_refused', 'admin', 'approve'],
      );
      assert.equal((await getChange(t, id)).state, 'awaiting_approval');
      // Someone else can.
      assert.equal((await act(t, 'tom', id, 'approve')).state, 'approved');
    });

    it('needs distinct people: one person holding two groups counts once', async () => {
      const { id } = await raise(t, 'alice', { title: 'Distinct people', ...HIGH });
      await act(t, 'alice', id, 'submit');
      const first = ok<{ state: string; approvals: Approval[] }>(
        await t.req(null, 'POST', `/api/v1/changes/${id}/approve`, {}, as('sue')),
      );
      assert.equal(first.state, 'awaiting_approval');
      assert.deepEqual(
        first.approvals.map((a) => [a.approver, a.group]),
        [['sue', 'security']],
      );
      const again = await t.req(
        null,
        'POST',
        `/api/v1/changes/${id}/approve`,
        { group: 'technical' },
        as('sue'),
      );
      expectError(again, 422, 'already_approved');
      // Another security approver cannot fill the technical seat.
      expectError(await t.req('sam', 'POST', `/api/v1/changes/${id}/approve`), 422, 'group_satisfied');
      expectError(
        await t.req('sam', 'POST', `/api/v1/changes/${id}/approve`, { group: 'technical' }),
        403,
        'not_in_group',
      );
      const done = await act(t, 'tom', id, 'approve');
      assert.equal(done.state, 'approved');
      const approved = (await events(t, id)).find((e) => e.type === 'change.approved')!;
      assert.deepEqual(approved.data.approvers, ['sue', 'tom']);
    });

    it('withdraws approvals when the change is edited after approval, and says so', async () => {
      const { id } = await raise(t, 'alice', { title: 'Edited after approval', ...HIGH });
      await act(t, 'alice', id, 'submit');
      await act(t, 'sam', id, 'approve');
      const approved = await act(t, 'tom', id, 'approve');
      assert.equal(approved.state, 'approved');
      const edited = ok<{
        state: string;
        approvals: Approval[];
        approvalStatus: { satisfied: boolean };
        revisionHash: string;
      }>(await t.req('alice', 'PATCH', `/api/v1/changes/${id}`, { description: 'Now also TLS 1.2 removal' }));
      assert.equal(edited.state, 'awaiting_approval');
      assert.equal(edited.approvalStatus.satisfied, false);
      assert.equal(edited.approvals.length, 2);
      assert.ok(edited.approvals.every((a) => a.withdrawnAt !== null));
      assert.notEqual(edited.revisionHash, approved.revisionHash);
      const history = await events(t, id);
      const withdrawn = history.find((e) => e.type === 'change.approvals_withdrawn');
      assert.ok(withdrawn, 'the history records the withdrawal');
      assert.equal(withdrawn.data.withdrawn, 2);
      assert.equal(withdrawn.data.revisionHash, approved.revisionHash);
      assert.match(String(withdrawn.data.reason), /edited by alice after approval/);
      // The new revision needs its approvals afresh.
      await act(t, 'sam', id, 'approve');
      assert.equal((await act(t, 'tina', id, 'approve')).state, 'approved');
    });

    it('refuses an approver who has lost the group since the change was submitted', async () => {
      const { id } = await raise(t, 'alice', { title: 'Group checked at approval', ...LOW });
      await act(t, 'alice', id, 'submit');
      ok(await t.req('admin', 'PATCH', '/api/v1/users/tina', { groups: [] }));
      const err = expectError(
        await t.req('tina', 'POST', `/api/v1/changes/${id}/approve`),
        403,
        'not_an_approver',
      );
      assert.match(err.message, /technical/);
      const last = (await events(t, id)).at(-1)!;
      assert.deepEqual(
        [last.type, last.actor.id, (last.data.reasons as { code: string }[])[0]!.code],
        ['change.command_refused', 'tina', 'not_an_approver'],
      );
      ok(await t.req('admin', 'PATCH', '/api/v1/users/tina', { groups: ['technical'] }));
      assert.equal((await act(t, 'tina', id, 'approve')).state, 'approved');
    });

    const windowNow = () => ({
      start: t.clock.now.toISOString(),
      end: hoursLater(t.clock.now, 2).toISOString(),
    });

    it('bars everyone who edited any revision, not only the last editor', async () => {
      const { id } = await raise(t, 'alice', { title: 'Co-authored change', ...HIGH });
      ok(await t.req(null, 'PATCH', `/api/v1/changes/${id}`, { securityImpact: 'None' }, as('cora')));
      ok(await t.req('alice', 'PATCH', `/api/v1/changes/${id}`, { dataImpact: 'None' }));
      await act(t, 'alice', id, 'submit');
      const change = await getChange(t, id);
      assert.equal(change.lastEditor, 'alice');
      assert.deepEqual(change.authors, ['alice', 'cora']);
      const err = expectError(
        await t.req(null, 'POST', `/api/v1/changes/${id}/approve`, {}, as('cora')),
        403,
        'sod_author',
      );
      assert.match(err.message, /cora edited an earlier revision/);
      const last = (await events(t, id)).at(-1)!;
      assert.deepEqual(
        [last.type, last.actor.id, (last.data.reasons as { code: string }[])[0]!.code],
        ['change.command_refused', 'cora', 'sod_author'],
      );
      assert.deepEqual((await getChange(t, id)).approvals, []);
    });

    it('re-checks group membership at start: an approver who left the group no longer counts', async () => {
      const { id } = await raise(t, 'alice', { title: 'Group checked at start', ...LOW });
      await act(t, 'alice', id, 'submit');
      await act(t, 'tom', id, 'approve');
      await act(t, 'alice', id, 'schedule', { window: windowNow() });
      ok(await t.req('admin', 'PATCH', '/api/v1/users/tom', { groups: [] }));
      // The view already says so, before anyone tries to start.
      const shown = ok<Standing>(await t.req('audrey', 'GET', `/api/v1/changes/${id}`));
      assert.equal(shown.approvalStatus.satisfied, false);
      assert.deepEqual(
        shown.approvalStatus.approvals.map((a) => [a.approver, a.counts, a.reasons.map((r) => r.code)]),
        [['tom', false, ['group_not_held']]],
      );
      const err = expectError(
        await t.req('ivan', 'POST', `/api/v1/changes/${id}/start`),
        422,
        'approvals_lapsed',
      );
      assert.ok(err.details.some((d) => d.code === 'group_not_held'));
      assert.match(err.message, /tom no longer holds the technical group/);
      const after = ok<Standing>(await t.req('audrey', 'GET', `/api/v1/changes/${id}`));
      assert.equal(after.state, 'awaiting_approval');
      assert.notEqual(after.approvals[0]!.withdrawnAt, null, 'the lapsed approval is withdrawn');
      const history = await events(t, id);
      const [lapsed, refused] = history.slice(-2);
      assert.equal(lapsed!.type, 'change.approvals_lapsed');
      assert.deepEqual(
        (lapsed!.data.lapsed as { approver: string; code: string }[]).map((l) => [l.approver, l.code]),
        [['tom', 'group_not_held']],
      );
      assert.deepEqual(
        [refused!.type, refused!.actor.id, refused!.data.command],
        ['change.command_refused', 'ivan', 'start'],
      );
      ok(await t.req('admin', 'PATCH', '/api/v1/users/tom', { groups: ['technical'] }));
      // Someone who holds the group now approves again; then it may start.
      await act(t, 'tina', id, 'approve');
      await act(t, 'alice', id, 'schedule', { window: windowNow() });
      assert.equal((await act(t, 'ivan', id, 'start')).state, 'implementing');
    });

    it('re-assesses risk at start from the current catalogue: a rating that rose needs its approvals', async () => {
      ok(
        await t.req('admin', 'POST', '/api/v1/services', {
          name: 'checkout',
          environment: 'prod',
          internetFacing: false,
          criticality: 'low',
        }),
        201,
      );
      const { id } = await raise(t, 'alice', {
        title: 'Checkout tweak',
        services: ['checkout'],
        ...COMPLETE_RECORD,
      });
      const submitted = await act(t, 'alice', id, 'submit');
      assert.equal(submitted.riskRating, 'low');
      assert.equal((await act(t, 'tom', id, 'approve')).state, 'approved');
      await act(t, 'alice', id, 'schedule', { window: windowNow() });
      ok(await t.req('admin', 'PATCH', '/api/v1/services/checkout', { internetFacing: true }));
      const shown = ok<Standing>(await t.req('audrey', 'GET', `/api/v1/changes/${id}`));
      assert.deepEqual([shown.approvalStatus.satisfied, shown.approvalStatus.rating], [false, 'high']);
      assert.deepEqual(
        shown.approvalStatus.rose && [shown.approvalStatus.rose.from, shown.approvalStatus.rose.to],
        ['low', 'high'],
      );
      const err = expectError(
        await t.req('ivan', 'POST', `/api/v1/changes/${id}/start`),
        422,
        'approvals_lapsed',
      );
      assert.ok(err.details.some((d) => d.code === 'risk_rose'));
      const after = ok<Standing>(await t.req('audrey', 'GET', `/api/v1/changes/${id}`));
      assert.deepEqual([after.state, after.riskRating], ['awaiting_approval', 'high']);
      const types = (await events(t, id)).slice(-3).map((e) => e.type);
      assert.deepEqual(types, ['change.reassessed', 'change.approvals_lapsed', 'change.command_refused']);
      // tom's technical approval still counts; the security one the high rating needs completes it.
      assert.equal((await act(t, 'sam', id, 'approve')).state, 'approved');
      await act(t, 'alice', id, 'schedule', { window: windowNow() });
      assert.equal((await act(t, 'ivan', id, 'start')).state, 'implementing');
    });
  });
}
