// The service catalogue: registration with defaults, conflicts, dependencies, updates, reads and who may
// write it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { expectError, ledgerSize, noServerErrors, ok } from '../support/http.ts';

interface Service {
  name: string;
  environment: string;
  description: string;
  owners: { technical: string; business: string };
  internetFacing: boolean;
  dataClasses: string[];
  securityControl: boolean;
  criticality: string;
  supplier: string | null;
  doraCriticalFunction: boolean;
  nis2Service: boolean;
  dependencies: string[];
  continuityPlanRef: string | null;
  createdAt: string;
  updatedAt: string;
}

for (const engine of engines()) {
  describe(`services over HTTP (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
    });
    after(() => t.close());

    it('registers a service with the least alarming defaults', async () => {
      const s = ok<Service>(
        await t.req('admin', 'POST', '/api/v1/services', { name: 'billing-db', environment: 'prod' }),
        201,
      );
      const { createdAt, updatedAt, ...rest } = s;
      assert.deepEqual(rest, {
        name: 'billing-db',
        environment: 'prod',
        description: '',
        owners: { technical: '', business: '' },
        team: '',
        internetFacing: false,
        dataClasses: [],
        securityControl: false,
        criticality: 'medium',
        supplier: null,
        doraCriticalFunction: false,
        nis2Service: false,
        dependencies: [],
        continuityPlanRef: null,
        retiredAt: null,
        retirementReason: '',
      });
      assert.equal(createdAt, t.clock.now.toISOString());
      assert.equal(updatedAt, createdAt);
    });

    it('lets a change manager register a service with every attribute and a dependency', async () => {
      const body = {
        name: 'checkout-web',
        environment: 'prod',
        description: 'The checkout front end',
        owners: { technical: 'web-team', business: 'payments' },
        team: 'checkout',
        internetFacing: true,
        dataClasses: ['personal', 'payment'],
        securityControl: false,
        criticality: 'critical',
        supplier: 'CloudCo',
        doraCriticalFunction: true,
        nis2Service: true,
        dependencies: ['billing-db'],
        continuityPlanRef: 'BCP-7',
      };
      const s = ok<Service>(await t.req('carl', 'POST', '/api/v1/services', body), 201);
      const { createdAt: _c, updatedAt: _u, ...rest } = s;
      assert.deepEqual(rest, { ...body, retiredAt: null, retirementReason: '' });
    });

    it('refuses a duplicate name with 409 and records nothing', async () => {
      const before = await ledgerSize(t);
      expectError(
        await t.req('admin', 'POST', '/api/v1/services', { name: 'billing-db', environment: 'dev' }),
        409,
        'conflict',
      );
      assert.equal(await ledgerSize(t), before);
      assert.equal(
        ok<Service>(await t.req('alice', 'GET', '/api/v1/services/billing-db')).environment,
        'prod',
      );
    });

    it('refuses an unknown dependency with 400 naming it', async () => {
      const before = await ledgerSize(t);
      const err = expectError(
        await t.req('admin', 'POST', '/api/v1/services', {
          name: 'orphan',
          environment: 'dev',
          dependencies: ['billing-db', 'no-such-service'],
        }),
        400,
        'validation_failed',
      );
      assert.match(err.message, /no-such-service/);
      assert.doesNotMatch(err.message, /billing-db/);
      expectError(
        await t.req('admin', 'PATCH', '/api/v1/services/billing-db', { dependencies: ['billing-db'] }),
        400,
        'validation_failed',
      );
      assert.equal(await ledgerSize(t), before);
      expectError(await t.req('admin', 'GET', '/api/v1/services/orphan'), 404, 'not_found');
    });

    it('updates attributes with PATCH and keeps the rest', async () => {
      const before = ok<Service>(await t.req('admin', 'GET', '/api/v1/services/billing-db'));
      t.clock.now = new Date(t.clock.now.getTime() + 60_000);
      const s = ok<Service>(
        await t.req('carl', 'PATCH', '/api/v1/services/billing-db', {
          criticality: 'high',
          dataClasses: ['personal'],
        }),
      );
      assert.equal(s.criticality, 'high');
      assert.deepEqual(s.dataClasses, ['personal']);
      assert.equal(s.environment, 'prod');
      assert.equal(s.createdAt, before.createdAt);
      assert.equal(s.updatedAt, t.clock.now.toISOString());
      assert.deepEqual(ok<Service>(await t.req('audrey', 'GET', '/api/v1/services/billing-db')), s);
    });

    it('lists the catalogue in name order and reads one', async () => {
      const list = ok<{ items: Service[] }>(await t.req('alice', 'GET', '/api/v1/services')).items;
      assert.deepEqual(
        list.map((s) => s.name),
        ['billing-db', 'checkout-web'],
      );
      assert.deepEqual(ok<Service>(await t.req('alice', 'GET', '/api/v1/services/checkout-web')), list[1]);
    });

    it('answers 404 for an unknown service', async () => {
      expectError(await t.req('alice', 'GET', '/api/v1/services/nope'), 404, 'not_found');
      expectError(
        await t.req('admin', 'PATCH', '/api/v1/services/nope', { criticality: 'low' }),
        404,
        'not_found',
      );
      expectError(await t.req('alice', 'GET', '/api/v1/services/Not_A_Name'), 400, 'validation_failed');
    });

    it('refuses writes from anyone who does not manage the catalogue', async () => {
      const before = await ledgerSize(t);
      for (const as of ['alice', 'sam', 'ivan', 'audrey', 'ci']) {
        expectError(
          await t.req(as, 'POST', '/api/v1/services', { name: `by-${as}`, environment: 'dev' }),
          403,
          'forbidden',
        );
        expectError(
          await t.req(as, 'PATCH', '/api/v1/services/billing-db', { criticality: 'low' }),
          403,
          'forbidden',
        );
      }
      assert.equal(await ledgerSize(t), before);
      const s = ok<Service>(await t.req('admin', 'GET', '/api/v1/services/billing-db'));
      assert.equal(s.criticality, 'high');
    });

    it('rejects invalid attributes', async () => {
      for (const body of [
        { name: 'x', environment: 'moon' },
        { name: 'Bad Name', environment: 'dev' },
        { name: 'ok', environment: 'dev', criticality: 'extreme' },
        { name: 'ok', environment: 'dev', internetFacing: 'yes' },
        { name: 'ok' },
      ])
        expectError(await t.req('admin', 'POST', '/api/v1/services', body), 400, 'validation_failed');
      expectError(await t.req('admin', 'PATCH', '/api/v1/services/billing-db', {}), 400, 'validation_failed');
    });
  });
}
