// The deployment gate over HTTP: allow and deny are both answers (200) with every reason; a decision is a
// ledger event of the change, a dry run is recorded nowhere, a key replays the first answer; deployments are
// tied to the decision that allowed them, and flagged when none did; a failure moves the change toward its
// outcome; break-glass raises an emergency change that owes its record and review.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatRebuildReport, rebuildAndCompare } from '../../src/modules/ledger/rebuild.ts';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { approvedForGate } from '../support/gate.ts';
import {
  act,
  events,
  expectError,
  getChange,
  hoursLater,
  ledgerSize,
  noServerErrors,
  ok,
  raise,
} from '../support/http.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

interface Decision {
  id: string | null;
  decision: 'allow' | 'deny';
  reasons: { code: string; message: string }[];
  change: string;
  dryRun: boolean;
}
interface Deployment {
  id: string;
  change: string | null;
  decision: string | null;
  unauthorized: string | null;
  result: string | null;
}

const codes = (d: Decision) => d.reasons.map((r) => r.code).sort();

for (const engine of engines()) {
  describe(`the deployment gate over HTTP (${engine})`, () => {
    let t: TestApp;
    let approved: string;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      approved = await approvedChange();
    });
    after(() => t.close());

    /** A high-risk change on payments-api (prod) shipping A, approved and scheduled around now. */
    const approvedChange = () => approvedForGate(t, A);

    const gate = async (body: Record<string, unknown>, as = 'ci', headers: Record<string, string> = {}) =>
      ok<Decision>(await t.req(as, 'POST', '/api/v1/gate', body, headers));
    const ask = (change: string, more: Record<string, unknown> = {}) => ({
      change,
      service: 'payments-api',
      environment: 'prod',
      artifact: A,
      ...more,
    });

    it('allows an approved change and records the decision on the change', async () => {
      const before = await ledgerSize(t);
      const d = await gate(ask(approved, { pipelineUrl: 'https://ci.example.test/runs/1' }));
      assert.equal(d.decision, 'allow', JSON.stringify(d.reasons));
      assert.deepEqual(d.reasons, []);
      assert.ok(d.id);
      assert.equal(await ledgerSize(t), before + 1);
      const history = await events(t, approved);
      const decided = history.find((e) => e.type === 'gate.decided');
      assert.ok(decided, 'the decision is in the change history');
      assert.equal(decided.data.decision, 'allow');
    });

    it('answers a deny with 200 and every reason', async () => {
      const d = await gate(ask(approved, { service: 'edge-proxy', environment: 'staging', artifact: B }));
      assert.equal(d.decision, 'deny');
      assert.deepEqual(codes(d), [
        'artifact_not_approved',
        'environment_not_in_change',
        'service_not_in_change',
      ]);
      assert.ok(d.id, 'a deny is recorded too');
      const missing = await gate(ask('CHG-999'));
      assert.deepEqual(codes(missing), ['change_not_found']);
    });

    it('answers a dry run the same way and records nothing', async () => {
      const before = await ledgerSize(t);
      const dry = await gate(ask(approved, { dryRun: true }));
      assert.equal(dry.decision, 'allow');
      assert.equal(dry.id, null);
      assert.equal(dry.dryRun, true);
      const denied = await gate(ask(approved, { dryRun: true, artifact: B }));
      assert.deepEqual(codes(denied), ['artifact_not_approved']);
      assert.equal(await ledgerSize(t), before);
    });

    it('replays the first answer for a repeated Idempotency-Key', async () => {
      const before = await ledgerSize(t);
      const key = { 'idempotency-key': 'gate-run-42' };
      const first = await gate(ask(approved), 'ci', key);
      const again = await gate(ask(approved), 'ci', key);
      assert.deepEqual(again, first);
      assert.equal(await ledgerSize(t), before + 1);
    });

    it('refuses malformed questions with a 400 that says what to fix', async () => {
      const bad = [
        ask(approved, { artifact: 'latest' }),
        { change: approved, service: 'payments-api', environment: 'prod' },
        ask(approved, { artifacts: [A] }),
        ask('change-1'),
        ask(approved, { extra: true }),
      ];
      for (const body of bad) expectError(await t.req('ci', 'POST', '/api/v1/gate', body), 400);
    });

    it('denies once an approver no longer holds the group they approved for', async () => {
      const id = await approvedChange();
      ok(await t.req('admin', 'PATCH', '/api/v1/users/tom', { groups: [] }));
      try {
        const d = await gate(ask(id));
        assert.deepEqual(codes(d), ['approver_lost_group']);
        assert.match(d.reasons[0]!.message, /tom/);
      } finally {
        ok(await t.req('admin', 'PATCH', '/api/v1/users/tom', { groups: ['technical'] }));
      }
    });

    it('re-assesses as soon as the catalogue moves: a service now a security control needs more approvals', async () => {
      const id = (
        await raise(t, 'alice', {
          title: 'Batch tweak',
          services: ['reports-batch'],
          ...COMPLETE_RECORD,
          artifacts: [A],
        })
      ).id;
      await act(t, 'alice', id, 'submit');
      await act(t, 'tom', id, 'approve');
      await act(t, 'alice', id, 'schedule', {
        window: { start: t.clock.now.toISOString(), end: hoursLater(t.clock.now, 2).toISOString() },
      });
      const here = { change: id, service: 'reports-batch', environment: 'dev', artifact: A };
      assert.equal((await gate(here)).decision, 'allow');
      ok(await t.req('admin', 'PATCH', '/api/v1/services/reports-batch', { securityControl: true }));
      try {
        const d = await gate(here);
        assert.deepEqual(codes(d), ['approvals_insufficient']);
        assert.match(d.reasons[0]!.message, /reassessed as high/);
      } finally {
        ok(await t.req('admin', 'PATCH', '/api/v1/services/reports-batch', { securityControl: false }));
      }
      assert.equal((await gate({ ...here, dryRun: true })).decision, 'allow');
    });

    it('denies a change edited after approval: not approved, approvals withdrawn', async () => {
      const id = await approvedChange();
      ok(await t.req('alice', 'PATCH', `/api/v1/changes/${id}`, { description: 'Also TLS 1.2 off' }));
      assert.deepEqual(codes(await gate(ask(id))), ['approvals_withdrawn', 'not_approved']);
    });

    it('ties a deployment to its allowing decision, and flags one without', async () => {
      const allow = await gate(ask(approved));
      const dep = ok<Deployment>(
        await t.req('ci', 'POST', '/api/v1/deployments', {
          decision: allow.id,
          service: 'payments-api',
          environment: 'prod',
          artifact: A,
          pipelineUrl: 'https://ci.example.test/runs/2',
        }),
        201,
      );
      assert.equal(dep.change, approved);
      assert.equal(dep.unauthorized, null);
      const rogue = ok<Deployment>(
        await t.req('ci', 'POST', '/api/v1/deployments', {
          change: approved,
          service: 'payments-api',
          environment: 'prod',
          artifact: B,
        }),
        201,
      );
      assert.match(rogue.unauthorized ?? '', /no gate decision/);
      const denied = await gate(ask(approved, { artifact: B }));
      const underDeny = ok<Deployment>(
        await t.req('ci', 'POST', '/api/v1/deployments', {
          decision: denied.id,
          service: 'payments-api',
          environment: 'prod',
          artifact: B,
        }),
        201,
      );
      assert.match(underDeny.unauthorized ?? '', /denied/);
      const list = ok<{ items: Deployment[] }>(
        await t.req('audrey', 'GET', '/api/v1/deployments?unauthorized=true'),
      );
      assert.deepEqual(
        list.items.map((d) => d.id),
        [underDeny.id, rogue.id],
      );
      const change = await getChange(t, approved);
      const notes = change.deploymentNotes as { kind: string; ref: string }[];
      assert.deepEqual(
        notes.map((n) => [n.kind, n.ref]),
        [
          ['unauthorized', rogue.id],
          ['unauthorized', underDeny.id],
        ],
      );
    });

    it('a failed deployment moves the change toward a failed outcome', async () => {
      const id = await approvedChange();
      await act(t, 'ivan', id, 'start');
      const allow = await gate(ask(id));
      assert.equal(allow.decision, 'allow', JSON.stringify(allow.reasons));
      const dep = ok<Deployment>(
        await t.req('ci', 'POST', '/api/v1/deployments', {
          decision: allow.id,
          service: 'payments-api',
          environment: 'prod',
          artifact: A,
        }),
        201,
      );
      const done = ok<Deployment>(
        await t.req('ci', 'POST', `/api/v1/deployments/${dep.id}/finish`, {
          result: 'rolled_back',
          notes: 'error rate 4%',
        }),
      );
      assert.equal(done.result, 'rolled_back');
      expectError(
        await t.req('ci', 'POST', `/api/v1/deployments/${dep.id}/finish`, { result: 'succeeded' }),
        409,
      );
      const notes = (await getChange(t, id)).deploymentNotes as { kind: string }[];
      assert.deepEqual(
        notes.map((n) => n.kind),
        ['rolled_back'],
      );
      expectError(
        await t.req('ivan', 'POST', `/api/v1/changes/${id}/complete`, { outcome: 'successful' }),
        422,
        'deployment_failed',
      );
      const completed = await act(t, 'ivan', id, 'complete', { outcome: 'rolled_back' });
      assert.equal(completed.reviewRequired, true, 'the policy asks a review of a rolled back change');
    });

    it('break-glass allows, raises an emergency change that owes its record and review', async () => {
      const res = ok<{ change: string; claimed: string | null; decision: Decision }>(
        await t.req('ci', 'POST', '/api/v1/gate/break-glass', {
          change: approved,
          service: 'payments-api',
          environment: 'prod',
          artifact: B,
          reason: 'Checkout is down; hotfix cannot wait for approval',
        }),
        201,
      );
      assert.equal(res.decision.decision, 'allow');
      assert.equal(res.claimed, approved);
      assert.deepEqual(
        codes(res.decision),
        ['artifact_not_approved'],
        'the reasons it overrode are on the record',
      );
      const emergency = await getChange(t, res.change);
      assert.equal(emergency.type, 'emergency');
      assert.equal(emergency.state, 'implementing');
      assert.ok(emergency.recordDueAt && emergency.reviewDueAt);
      assert.deepEqual((emergency.breakGlass as { claimed: string }).claimed, approved);
      const notes = (await getChange(t, approved)).deploymentNotes as { kind: string; ref: string }[];
      assert.ok(notes.some((n) => n.kind === 'break_glass' && n.ref === res.change));
      // Past its deadlines, it is in the overdue list: never a silent exception.
      const was = t.clock.now;
      t.clock.now = hoursLater(was, 24 * 30);
      try {
        const overdue = ok<{ items: { id: string }[] }>(
          await t.req('audrey', 'GET', '/api/v1/changes?overdue=true'),
        );
        assert.ok(overdue.items.some((c) => c.id === res.change));
      } finally {
        t.clock.now = was;
      }
      // It is owed an account like any emergency: record completed, outcome, independent review, closed.
      ok(
        await t.req('carl', 'PATCH', `/api/v1/changes/${res.change}`, {
          ...COMPLETE_RECORD,
          services: ['payments-api'],
        }),
      );
      await act(t, 'carl', res.change, 'complete', { outcome: 'successful_with_issues' });
      expectError(await t.req('carl', 'POST', `/api/v1/changes/${res.change}/close`), 422, 'review_required');
      await act(t, 'sam', res.change, 'review', { summary: 'Forced deploy fixed checkout.', followUps: [] });
      const closed = await act(t, 'carl', res.change, 'close');
      assert.equal(closed.state, 'closed');
    });

    it('projects decisions and deployments exactly as a replay of the ledger does', async () => {
      const report = await rebuildAndCompare(t.c.store);
      assert.equal(report.ok, true, formatRebuildReport(report));
      assert.ok(report.tables.find((x) => x.table === 'gate_decisions')!.rebuilt >= 10);
      assert.ok(report.tables.find((x) => x.table === 'deployments')!.rebuilt >= 4);
    });
  });
}
