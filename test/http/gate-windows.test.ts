// The gate reads the policy's calendar at the moment of the deployment, not when a pipeline starts: a hard
// freeze denies, a soft freeze asks one more approval from its group (which the change then needs, and
// which that group can give), and where maintenance windows apply a deployment outside them is denied.
// Scheduling refuses a hard freeze already; these freezes are the example's, with freeze clashes made soft
// at scheduling so that the gate is the line that holds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, getChange, noServerErrors, ok, raise } from '../support/http.ts';

const A = `sha256:${'a'.repeat(64)}`;
const EXAMPLE = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');
const POLICY = EXAMPLE.replace('    freeze: hard # a hard freeze', '    freeze: soft # a hard freeze');

interface Decision {
  decision: 'allow' | 'deny';
  reasons: { code: string; message: string }[];
}
interface Assessed {
  state: string;
  assessment: { requiredApprovals: { group: string; count: number; label?: string }[] };
}

const codes = (d: Decision) => d.reasons.map((r) => r.code).sort();

for (const engine of engines()) {
  describe(`the gate and the policy calendar (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine, {}, { policySource: POLICY }));
      for (const name of ['billing-api', 'ledger-db', 'web-shop'])
        ok(
          await t.req('admin', 'POST', '/api/v1/services', { name, environment: 'prod', criticality: 'low' }),
          201,
        );
    });
    after(() => t.close());

    /** A low-risk change on `service` shipping A, approved by tom and scheduled for [start, end). */
    async function scheduled(service: string, start: string, end: string, approvers = ['tom']) {
      const id = (
        await raise(t, 'alice', {
          title: `Release ${service}`,
          services: [service],
          ...COMPLETE_RECORD,
          artifacts: [A],
        })
      ).id;
      await act(t, 'alice', id, 'submit');
      for (const who of approvers) await act(t, who, id, 'approve');
      await act(t, 'alice', id, 'schedule', { window: { start, end } });
      return id;
    }
    const gate = async (change: string, service: string, dryRun = true) =>
      ok<Decision>(
        await t.req('ci', 'POST', '/api/v1/gate', {
          change,
          service,
          environment: 'prod',
          artifact: A,
          dryRun,
        }),
      );

    it('denies inside a hard freeze, at the moment of deployment', async () => {
      const id = await scheduled('billing-api', '2026-12-21T08:00:00Z', '2026-12-21T10:00:00Z');
      t.clock.now = new Date('2026-12-21T09:00:00Z');
      const d = await gate(id, 'billing-api');
      assert.equal(d.decision, 'deny');
      assert.deepEqual(codes(d), ['freeze_hard']);
      assert.match(d.reasons[0]!.message, /Year-end freeze/);
      // The same change on a service the freeze does not cover would go.
      const other = await scheduled('web-shop', '2026-12-21T08:00:00Z', '2026-12-21T10:00:00Z');
      assert.equal((await gate(other, 'web-shop')).decision, 'allow');
    });

    it('asks one more approval from the group of a soft freeze, which that group can give', async () => {
      // Month-end close: the last day of November, 18:00 Berlin (17:00 UTC), for a day.
      t.clock.now = new Date('2026-11-25T10:00:00Z');
      const id = await scheduled('billing-api', '2026-11-30T18:00:00Z', '2026-11-30T20:00:00Z');
      t.clock.now = new Date('2026-11-30T19:00:00Z');
      const denied = await gate(id, 'billing-api');
      assert.equal(denied.decision, 'deny');
      assert.deepEqual(codes(denied), ['approvals_insufficient', 'freeze_soft']);
      // The live assessment names the freeze's group, so its member can approve once the change is back
      // awaiting approval (start re-reads the approvals, as the gate does).
      await t.req('ivan', 'POST', `/api/v1/changes/${id}/start`);
      const back = (await getChange(t, id)) as unknown as Assessed;
      assert.equal(back.state, 'awaiting_approval');
      assert.deepEqual(
        back.assessment.requiredApprovals.find((r) => r.group === 'business'),
        { group: 'business', count: 1, label: 'soft freeze month-end-close' },
      );
      assert.equal((await act(t, 'betty', id, 'approve')).state, 'approved');
      await act(t, 'alice', id, 'schedule', {
        window: { start: '2026-11-30T18:00:00Z', end: '2026-11-30T20:00:00Z' },
      });
      const allowed = await gate(id, 'billing-api', false);
      assert.deepEqual(codes(allowed), []);
      assert.equal(allowed.decision, 'allow');
    });

    it('denies outside the maintenance windows of a service that has them', async () => {
      t.clock.now = new Date('2026-11-25T10:00:00Z');
      // Sundays 02:00–06:00 Berlin: 29 November 2026 is a Sunday (01:00–05:00 UTC).
      const inside = await scheduled('ledger-db', '2026-11-29T01:00:00Z', '2026-11-29T05:00:00Z');
      t.clock.now = new Date('2026-11-29T02:00:00Z');
      assert.equal((await gate(inside, 'ledger-db')).decision, 'allow');
      t.clock.now = new Date('2026-11-25T10:00:00Z');
      const outside = await scheduled('ledger-db', '2026-11-29T06:00:00Z', '2026-11-29T08:00:00Z');
      t.clock.now = new Date('2026-11-29T07:00:00Z');
      const d = await gate(outside, 'ledger-db');
      assert.deepEqual(codes(d), ['outside_maintenance_window']);
    });
  });
}
