// The service catalogue's use-cases against in-memory fakes: who may register and change services, and
// that a refused or failed command records nothing.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { AppError } from '../../src/contracts/errors.ts';
import type { Actor, Role } from '../../src/domain/actor.ts';
import { fakeWorld, type FakeWorld } from '../support/fakes/index.ts';

const person = (id: string, roles: Role[], scopes: string[] | null = null): Actor => ({
  id,
  kind: 'human',
  roles,
  groups: [],
  scopes,
  email: null,
});
const carl = person('carl', ['change_manager']);
const alice = person('alice', ['requester']);

const rejectsWith = (promise: Promise<unknown>, code: string, message: RegExp) =>
  assert.rejects(
    promise,
    (err: unknown) => err instanceof AppError && err.code === code && message.test(err.message),
  );

describe('service use-cases on fakes', () => {
  let w: FakeWorld;
  beforeEach(() => {
    w = fakeWorld();
  });

  it('registers a service with the least alarming defaults, recorded as the change manager', async () => {
    const service = await w.services.register(carl, { name: 'billing', environment: 'prod' });
    assert.equal(service.criticality, 'medium');
    assert.equal(service.internetFacing, false);
    assert.equal(service.createdAt, w.clock.now.toISOString());
    assert.deepEqual(
      w.ledger.events.map((e) => [e.type, e.subject, e.actor.id]),
      [['service.registered', 'service:billing', 'carl']],
    );
    assert.deepEqual(await w.services.list(), [service]);
  });

  it('refuses requesters, and tokens without services:write, before anything is recorded', async () => {
    await rejectsWith(
      w.services.register(alice, { name: 'x', environment: 'dev' }),
      'forbidden',
      /change_manager or admin/,
    );
    const token = person('carl', ['change_manager'], ['services:read']);
    await rejectsWith(
      w.services.register(token, { name: 'x', environment: 'dev' }),
      'forbidden',
      /change_manager or admin/,
    );
    assert.equal(w.ledger.events.length, 0);
  });

  it('refuses a second service of the same name and dependencies that are not registered', async () => {
    await w.services.register(carl, { name: 'billing', environment: 'prod' });
    await rejectsWith(
      w.services.register(carl, { name: 'billing', environment: 'dev' }),
      'conflict',
      /already exists/,
    );
    await rejectsWith(
      w.services.register(carl, { name: 'invoices', environment: 'prod', dependencies: ['ghost'] }),
      'validation_failed',
      /unknown services: ghost/,
    );
    assert.equal(w.ledger.events.length, 1);
    assert.equal(await w.ledger.catalogue.find('invoices'), null);
  });

  it('updates attributes, and refuses a service that depends on itself', async () => {
    await w.services.register(carl, { name: 'billing', environment: 'prod' });
    w.clock.now = new Date(w.clock.now.getTime() + 60_000);
    const updated = await w.services.update(carl, 'billing', { criticality: 'critical' });
    assert.equal(updated.criticality, 'critical');
    assert.equal(updated.updatedAt, w.clock.now.toISOString());
    assert.notEqual(updated.updatedAt, updated.createdAt);
    await rejectsWith(
      w.services.update(carl, 'billing', { dependencies: ['billing'] }),
      'validation_failed',
      /cannot depend on itself/,
    );
    await rejectsWith(
      w.services.update(carl, 'nowhere', { criticality: 'low' }),
      'not_found',
      /no service named nowhere/,
    );
    assert.deepEqual(
      w.ledger.events.map((e) => e.type),
      ['service.registered', 'service.updated'],
    );
  });

  it('names every unknown service in a list, in order', async () => {
    await w.services.register(carl, { name: 'billing', environment: 'prod' });
    await rejectsWith(
      w.services.many(['ghost', 'billing', 'phantom']),
      'validation_failed',
      /unknown services: ghost, phantom/,
    );
    assert.deepEqual(
      (await w.services.many(['billing'])).map((s) => s.name),
      ['billing'],
    );
  });
});
