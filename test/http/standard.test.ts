// Standard changes: created from a template of the example policy they land pre-approved in `scheduled`
// with the template's default plans; outside the template's services, above its maximum risk, naming no
// service or missing what the policy requires for their rating they are refused with the reason — and the
// risk is assessed again when they start.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import {
  act,
  events,
  expectError,
  hoursLater,
  noServerErrors,
  ok,
  raise,
  snapshot,
} from '../support/http.ts';
import { parsePolicy } from '../../src/policy/load.ts';
import type { ChangeTemplate } from '../../src/policy/types.ts';

interface Standard {
  id: string;
  state: string;
  type: string;
  template: string | null;
  riskRating: string | null;
  implementationPlan: string;
  rollbackPlan: unknown;
  testPlan: string;
  approvals: unknown[];
  window: { start: string; end: string } | null;
}

for (const engine of engines()) {
  describe(`standard changes over HTTP (${engine})`, () => {
    let t: TestApp;
    let templates: Map<string, ChangeTemplate>;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      // A high-criticality production service rates medium: within scale-replicas, above os-patch-non-prod.
      ok(
        await t.req('admin', 'POST', '/api/v1/services', {
          name: 'web-frontend',
          environment: 'prod',
          criticality: 'high',
        }),
        201,
      );
      // The templates as the example policy file defines them, read independently of the server.
      const parsed = parsePolicy(
        readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8'),
      );
      assert.ok(parsed.ok);
      templates = new Map(parsed.policy.templates.map((tp) => [tp.id, tp]));
    });
    after(() => t.close());

    const standard = (template: string, services: string[], extra: Record<string, unknown> = {}) =>
      t.req('alice', 'POST', '/api/v1/changes', {
        type: 'standard',
        template,
        title: `Standard ${template}`,
        description: 'Routine',
        reason: 'Housekeeping',
        services,
        ...extra,
      });

    it('lands in scheduled with the template defaults and needs no approval', async () => {
      const window = { start: t.clock.now.toISOString(), end: hoursLater(t.clock.now, 2).toISOString() };
      const c = ok<Standard>(await standard('tls-certificate-renewal', ['reports-batch'], { window }), 201);
      const tpl = templates.get('tls-certificate-renewal')!;
      assert.equal(c.type, 'standard');
      assert.equal(c.state, 'scheduled');
      assert.equal(c.template, 'tls-certificate-renewal');
      assert.equal(c.riskRating, 'low');
      assert.equal(c.implementationPlan, tpl.defaults.implementationPlan);
      assert.ok(c.implementationPlan.includes('openssl s_client'), 'the example template plan');
      assert.deepEqual(c.rollbackPlan, tpl.defaults.rollbackPlan);
      assert.equal(c.testPlan, tpl.defaults.testPlan);
      assert.deepEqual(c.approvals, []);
      assert.deepEqual(c.window, { start: window.start, end: window.end });
      // Pre-approved: an implementer may start it inside its window.
      assert.equal((await act(t, 'ivan', c.id, 'start')).state, 'implementing');
    });

    it('accepts a template limited to named services for one of them, within its maximum risk', async () => {
      const c = ok<Standard>(await standard('scale-replicas', ['web-frontend']), 201);
      assert.equal(c.state, 'scheduled');
      assert.equal(c.riskRating, 'medium');
      assert.equal(c.implementationPlan, templates.get('scale-replicas')!.defaults.implementationPlan);
      // Explicit plans win over the defaults.
      const own = ok<Standard>(
        await standard('scale-replicas', ['web-frontend'], { testPlan: 'Watch the p99' }),
        201,
      );
      assert.equal(own.testPlan, 'Watch the p99');
    });

    it('refuses a service outside the template, with the reason, and records nothing', async () => {
      const before = await snapshot(t);
      const err = expectError(
        await standard('scale-replicas', ['web-frontend', 'reports-batch']),
        422,
        'outside_template',
      );
      assert.match(err.message, /does not cover reports-batch/);
      assert.doesNotMatch(err.message, /web-frontend/);
      assert.deepEqual(await snapshot(t), before);
    });

    it('refuses a change rated above the template maximum, saying why it rates so', async () => {
      const before = await snapshot(t);
      const high = expectError(
        await standard('tls-certificate-renewal', ['payments-api']),
        422,
        'template_risk_exceeded',
      );
      assert.match(high.message, /rated high/);
      assert.match(high.message, /internet-facing/);
      assert.match(high.message, /maximum medium/);
      const medium = expectError(
        await standard('os-patch-non-prod', ['web-frontend']),
        422,
        'template_risk_exceeded',
      );
      assert.match(medium.message, /rated medium.*maximum low/);
      // Risk answers count too.
      expectError(
        await standard('os-patch-non-prod', ['reports-batch'], { riskAnswers: { irreversible: true } }),
        422,
        'template_risk_exceeded',
      );
      assert.deepEqual(await snapshot(t), before);
    });

    it('refuses unknown templates and templates on other change types', async () => {
      const unknown = expectError(
        await standard('no-such-template', ['reports-batch']),
        422,
        'unknown_template',
      );
      assert.match(unknown.message, /tls-certificate-renewal/);
      expectError(
        await t.req('alice', 'POST', '/api/v1/changes', {
          type: 'standard',
          title: 'No template',
          services: ['reports-batch'],
        }),
        422,
        'unknown_template',
      );
      expectError(
        await t.req('alice', 'POST', '/api/v1/changes', {
          title: 'Normal with template',
          template: 'os-patch-non-prod',
          services: ['reports-batch'],
        }),
        422,
        'template_needs_standard',
      );
    });

    it('refuses an edit that takes a standard change outside its template', async () => {
      const { id } = await raise(t, 'alice', {
        type: 'standard',
        template: 'scale-replicas',
        title: 'Scale web',
        description: 'Two more replicas',
        reason: 'Peak season',
        services: ['web-frontend'],
      });
      const err = expectError(
        await t.req('alice', 'PATCH', `/api/v1/changes/${id}`, { services: ['reports-batch'] }),
        422,
        'outside_template',
      );
      assert.match(err.message, /reports-batch/);
      const after = ok<{ services: string[]; state: string }>(
        await t.req('alice', 'GET', `/api/v1/changes/${id}`),
      );
      assert.deepEqual([after.services, after.state], [['web-frontend'], 'scheduled']);
    });

    it('refuses a standard change that names no service, whatever its title', async () => {
      const before = await snapshot(t);
      const err = expectError(await standard('tls-certificate-renewal', []), 422, 'services_required');
      assert.match(err.message, /name the services/);
      assert.deepEqual(await snapshot(t), before);
    });

    it('refuses a standard change missing the fields its rating requires; template defaults count', async () => {
      const before = await snapshot(t);
      // Rated medium on web-frontend: description, reason, rollback and test plans are required.
      const err = expectError(
        await t.req('alice', 'POST', '/api/v1/changes', {
          type: 'standard',
          template: 'scale-replicas',
          title: 'Anything at all',
          services: ['web-frontend'],
        }),
        422,
        'missing_fields',
      );
      assert.match(err.message, /medium risk requires: description, reason/);
      assert.doesNotMatch(err.message, /rollbackPlan|testPlan/, 'the template supplies those');
      assert.deepEqual(await snapshot(t), before);
    });

    it('re-assesses at start: a standard change now rated above its template does not start', async () => {
      ok(
        await t.req('admin', 'POST', '/api/v1/services', {
          name: 'intranet',
          environment: 'prod',
          criticality: 'low',
        }),
        201,
      );
      const window = { start: t.clock.now.toISOString(), end: hoursLater(t.clock.now, 2).toISOString() };
      const c = ok<Standard>(await standard('tls-certificate-renewal', ['intranet'], { window }), 201);
      assert.equal(c.riskRating, 'low');
      ok(await t.req('admin', 'PATCH', '/api/v1/services/intranet', { internetFacing: true }));
      const err = expectError(
        await t.req('ivan', 'POST', `/api/v1/changes/${c.id}/start`),
        422,
        'template_risk_exceeded',
      );
      assert.match(err.message, /rated high/);
      const history = (await events(t, c.id)).slice(-2);
      assert.deepEqual(
        history.map((e) => e.type),
        ['change.reassessed', 'change.command_refused'],
      );
      const after = ok<Standard>(await t.req('alice', 'GET', `/api/v1/changes/${c.id}`));
      assert.deepEqual([after.state, after.riskRating], ['scheduled', 'high']);
    });
  });
}
