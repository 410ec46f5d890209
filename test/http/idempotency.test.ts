// Idempotency-Key on every mutating request: a retry returns the first result and writes nothing twice,
// a reused key with another body is refused, keys belong to one user, and racing duplicates collapse.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { expectError, ledgerSince, ledgerSize, noServerErrors, ok, raise } from '../support/http.ts';

const LOW = { description: 'Batch tweak', reason: 'Faster reports', services: ['reports-batch'] };
const key = (k: string) => ({ 'idempotency-key': k });

for (const engine of engines()) {
  describe(`idempotency over HTTP (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
    });
    after(() => t.close());

    /** Sends the request twice with one key: the second is a replay and the ledger grows only once. */
    const twice = async (
      send: () => Promise<LightMyRequestResponse>,
      status: number,
      grows: number,
    ): Promise<LightMyRequestResponse> => {
      const start = await ledgerSize(t);
      const first = await send();
      assert.equal(first.statusCode, status, first.body);
      assert.equal(first.headers['idempotent-replayed'], undefined);
      const afterFirst = await ledgerSize(t);
      assert.equal(afterFirst - start, grows);
      const second = await send();
      assert.equal(second.statusCode, status, second.body);
      assert.equal(second.headers['idempotent-replayed'], 'true');
      assert.deepEqual(second.json(), first.json());
      assert.equal(await ledgerSize(t), afterFirst, 'the retry wrote to the ledger');
      return first;
    };

    it('replays POST /changes and creates one change', async () => {
      const body = { title: 'Created once', ...LOW };
      const res = await twice(() => t.req('alice', 'POST', '/api/v1/changes', body, key('create-1')), 201, 1);
      const { id } = res.json<{ id: string }>();
      const all = ok<{ items: { id: string; title: string }[] }>(
        await t.req('alice', 'GET', '/api/v1/changes?q=created once'),
      );
      assert.deepEqual(
        all.items.map((c) => c.id),
        [id],
      );
    });

    it('stamps the record with the application clock', async () => {
      const before = t.clock.now;
      t.clock.now = new Date('2026-11-26T08:30:00.000Z');
      const body = { title: 'Stamped', ...LOW };
      ok(await t.req('alice', 'POST', '/api/v1/changes', body, key('stamped-1')), 201);
      t.clock.now = before;
      const row = await t.c.store.db
        .selectFrom('idempotency_keys')
        .select('created_at')
        .where('actor', '=', 'alice')
        .where('key', '=', 'stamped-1')
        .executeTakeFirstOrThrow();
      assert.equal(row.created_at, '2026-11-26T08:30:00.000Z');
    });

    it('refuses the same key with a different body or path', async () => {
      const first = await t.req(
        'alice',
        'POST',
        '/api/v1/changes',
        { title: 'Original', ...LOW },
        key('mismatch'),
      );
      assert.equal(first.statusCode, 201);
      const size = await ledgerSize(t);
      const err = expectError(
        await t.req('alice', 'POST', '/api/v1/changes', { title: 'Different', ...LOW }, key('mismatch')),
        422,
        'idempotency_mismatch',
      );
      assert.match(err.message, /mismatch|different request/);
      const { id } = first.json<{ id: string }>();
      expectError(
        await t.req('alice', 'POST', `/api/v1/changes/${id}/submit`, undefined, key('mismatch')),
        422,
        'idempotency_mismatch',
      );
      assert.equal(await ledgerSize(t), size);
      assert.equal(
        ok<{ state: string }>(await t.req('alice', 'GET', `/api/v1/changes/${id}`)).state,
        'draft',
      );
    });

    it('keeps keys per user', async () => {
      const body = { title: 'Same key, two people', ...LOW };
      const a = ok<{ id: string; requester: string }>(
        await t.req('alice', 'POST', '/api/v1/changes', body, key('shared')),
        201,
      );
      const b = await t.req('bob', 'POST', '/api/v1/changes', body, key('shared'));
      const bob = ok<{ id: string; requester: string }>(b, 201);
      assert.equal(b.headers['idempotent-replayed'], undefined);
      assert.notEqual(bob.id, a.id);
      assert.deepEqual([a.requester, bob.requester], ['alice', 'bob']);
    });

    it('collapses five concurrent duplicates into one set of events', async () => {
      const body = { title: 'Raced five times', ...LOW };
      const start = await ledgerSize(t);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => t.req('bob', 'POST', '/api/v1/changes', body, key('race-1'))),
      );
      for (const r of results) assert.equal(r.statusCode, 201, r.body);
      const ids = new Set(results.map((r) => r.json<{ id: string }>().id));
      assert.equal(ids.size, 1);
      assert.equal(results.filter((r) => r.headers['idempotent-replayed'] === 'true').length, 4);
      const written = await ledgerSince(t, start);
      assert.deepEqual(
        written.map((e) => e.type),
        ['change.created'],
      );
      const [id] = ids;

      // The same for an action.
      const submits = await Promise.all(
        Array.from({ length: 5 }, () =>
          t.req('bob', 'POST', `/api/v1/changes/${id}/submit`, undefined, key('race-2')),
        ),
      );
      for (const r of submits) assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(
        (await ledgerSince(t, start)).map((e) => e.type),
        ['change.created', 'change.submitted'],
      );
    });

    it('replays actions, including a refusal, without recording them twice', async () => {
      const { id } = await raise(t, 'alice', { title: 'Actions replay', ...LOW });
      await twice(
        () => t.req('alice', 'POST', `/api/v1/changes/${id}/submit`, undefined, key('submit')),
        200,
        1,
      );
      // approve records the grant and the approval.
      const approved = await twice(
        () => t.req('tom', 'POST', `/api/v1/changes/${id}/approve`, { comment: 'ok' }, key('approve')),
        200,
        2,
      );
      assert.equal(approved.json<{ state: string }>().state, 'approved');
      // A refused command is recorded once and its refusal replayed.
      const refused = await twice(
        () => t.req('ivan', 'POST', `/api/v1/changes/${id}/start`, undefined, key('start')),
        409,
        1,
      );
      assert.equal(refused.json<{ error: { code: string } }>().error.code, 'invalid_transition');
    });

    it('replays PATCH /changes/:id', async () => {
      const { id } = await raise(t, 'alice', { title: 'Patch replay', ...LOW });
      const res = await twice(
        () => t.req('alice', 'PATCH', `/api/v1/changes/${id}`, { description: 'Edited once' }, key('patch')),
        200,
        1,
      );
      assert.equal(res.json<{ revision: number }>().revision, 2);
      assert.equal(
        ok<{ revision: number }>(await t.req('alice', 'GET', `/api/v1/changes/${id}`)).revision,
        2,
      );
    });

    it('replays POST /services instead of answering 409', async () => {
      const body = { name: 'keyed-service', environment: 'test' };
      await twice(() => t.req('admin', 'POST', '/api/v1/services', body, key('svc')), 201, 1);
      // Without a key, a second registration is the conflict it should be.
      expectError(await t.req('admin', 'POST', '/api/v1/services', body), 409, 'conflict');
      await twice(
        () =>
          t.req('admin', 'PATCH', '/api/v1/services/keyed-service', { criticality: 'low' }, key('svc-patch')),
        200,
        1,
      );
    });

    it('keeps no secret in idempotency records, and explains a retry of a token creation', async () => {
      const body = { name: 'keyed token', scopes: ['changes:read'] };
      const first = ok<{ id: string; token: string }>(
        await t.req('alice', 'POST', '/api/v1/tokens', body, key('token-1')),
        201,
      );
      const size = await ledgerSize(t);
      const retry = await t.req('alice', 'POST', '/api/v1/tokens', body, key('token-1'));
      const err = expectError(retry, 409, 'conflict');
      assert.equal(retry.headers['idempotent-replayed'], 'true');
      assert.match(err.message, new RegExp(`${first.id}.*shown once`));
      assert.equal(retry.body.includes(first.token), false);
      assert.equal(await ledgerSize(t), size, 'the retry created no second token');
      // A user created with a password and a password change leave no password behind either.
      ok(
        await t.req(
          'admin',
          'POST',
          '/api/v1/users',
          { username: 'keyed-secret', roles: ['viewer'], password: 'a-secret-password' },
          key('user-secret'),
        ),
        201,
      );
      const rows = await t.c.store.db.selectFrom('idempotency_keys').selectAll().execute();
      for (const row of rows) {
        const stored = JSON.stringify(row);
        assert.equal(stored.includes(first.token), false, 'a token secret at rest');
        assert.equal(stored.includes(first.token.slice(4)), false, 'a token secret at rest');
        assert.equal(stored.includes('a-secret-password'), false, 'a password at rest');
      }
    });

    it('forgets idempotency records after the retention period', async () => {
      const start = t.clock.now;
      try {
        const body = { title: 'Kept for a day', ...LOW };
        const first = ok<{ id: string }>(
          await t.req('bob', 'POST', '/api/v1/changes', body, key('expiring')),
          201,
        );
        t.clock.now = new Date(start.getTime() + 23 * 3_600_000);
        const replay = await t.req('bob', 'POST', '/api/v1/changes', body, key('expiring'));
        assert.equal(replay.headers['idempotent-replayed'], 'true');
        t.clock.now = new Date(start.getTime() + 25 * 3_600_000);
        const fresh = await t.req('bob', 'POST', '/api/v1/changes', body, key('expiring'));
        assert.equal(fresh.headers['idempotent-replayed'], undefined);
        assert.notEqual(ok<{ id: string }>(fresh, 201).id, first.id);
        // Expired records are pruned, not only ignored.
        const old = await t.c.store.db
          .selectFrom('idempotency_keys')
          .select('key')
          .where('created_at', '<', new Date(start.getTime() + 3_600_000).toISOString())
          .execute();
        assert.deepEqual(old, []);
      } finally {
        t.clock.now = start;
      }
    });

    it('replays POST /users and PATCH /users', async () => {
      const body = { username: 'keyed-user', roles: ['viewer'] };
      await twice(() => t.req('admin', 'POST', '/api/v1/users', body, key('user')), 201, 1);
      expectError(await t.req('admin', 'POST', '/api/v1/users', body), 409, 'conflict');
      await twice(
        () => t.req('admin', 'PATCH', '/api/v1/users/keyed-user', { groups: ['cab'] }, key('user-patch')),
        200,
        1,
      );
    });
  });
}
