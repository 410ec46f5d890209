// Bad input gets a 4xx with a machine-readable code and a message that says what to fix, never a 500 and
// never a half-written record: validation errors write nothing, a domain refusal writes exactly one
// `change.command_refused` event and leaves the change as it was.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import {
  act,
  expectError,
  ledgerSince,
  noServerErrors,
  raise,
  snapshot,
  writesNothing,
} from '../support/http.ts';

const LOW = { description: 'Nightly batch tweak', reason: 'Faster reports', services: ['reports-batch'] };

for (const engine of engines()) {
  describe(`validation over HTTP (${engine})`, () => {
    let t: TestApp;
    let draft: string;
    let approved: string;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      draft = (await raise(t, 'alice', { title: 'A draft', ...LOW })).id;
      approved = (await raise(t, 'alice', { title: 'An approved one', ...LOW })).id;
      await act(t, 'alice', approved, 'submit');
      assert.equal((await act(t, 'tom', approved, 'approve')).state, 'approved');
    });
    after(() => t.close());

    it('rejects unknown fields, naming them', async () => {
      const create = await writesNothing(
        t,
        () => t.req('alice', 'POST', '/api/v1/changes', { title: 'Unknown field', colour: 'red' }),
        400,
        'validation_failed',
      );
      assert.match(create.message, /colour/);
      const nested = await writesNothing(
        t,
        () =>
          t.req('alice', 'PATCH', `/api/v1/changes/${draft}`, {
            rollbackPlan: { method: 'm', expectedMinutes: 1, triggers: '', backupConfirmed: true, extra: 1 },
          }),
        400,
        'validation_failed',
      );
      assert.match(nested.message, /extra/);
      assert.ok(
        nested.details.some((d) => d.path === 'body.rollbackPlan'),
        JSON.stringify(nested),
      );
      const action = await writesNothing(
        t,
        () => t.req('tom', 'POST', `/api/v1/changes/${draft}/approve`, { comment: 'ok', vote: 'yes' }),
        400,
        'validation_failed',
      );
      assert.match(action.message, /vote/);
      const query = await writesNothing(
        t,
        () => t.req('alice', 'GET', '/api/v1/changes?colour=red'),
        400,
        'validation_failed',
      );
      assert.match(query.message, /colour/);
    });

    it('rejects wrong types with the path of the field', async () => {
      const cases: [unknown, string][] = [
        [{ title: 42 }, 'body.title'],
        [{ title: 'Services as text', services: 'reports-batch' }, 'body.services'],
        [{ title: 'Bad type', type: 'urgent' }, 'body.type'],
        [{ title: 'x' }, 'body.title'],
        [{ title: 'Bad link', links: [{ kind: 'commit' }] }, 'body.links.0.ref'],
        [
          {
            title: 'Bad minutes',
            rollbackPlan: { method: 'm', expectedMinutes: 'five', triggers: '', backupConfirmed: true },
          },
          'body.rollbackPlan.expectedMinutes',
        ],
      ];
      for (const [body, path] of cases) {
        const err = await writesNothing(
          t,
          () => t.req('alice', 'POST', '/api/v1/changes', body),
          400,
          'validation_failed',
        );
        assert.ok(
          err.details.some((d) => d.path === path),
          `${path} in ${JSON.stringify(err)}`,
        );
      }
      await writesNothing(
        t,
        () => t.req('alice', 'GET', '/api/v1/changes?limit=many'),
        400,
        'validation_failed',
      );
      await writesNothing(
        t,
        () => t.req('alice', 'GET', '/api/v1/changes?state=lost'),
        400,
        'validation_failed',
      );
      await writesNothing(
        t,
        () => t.req('alice', 'GET', '/api/v1/changes?from=yesterday'),
        400,
        'validation_failed',
      );
      await writesNothing(
        t,
        () => t.req('alice', 'PATCH', `/api/v1/changes/${draft}`, {}),
        400,
        'validation_failed',
      );
    });

    it('rejects a window that ends before it starts', async () => {
      const window = { start: '2026-11-26T12:00:00Z', end: '2026-11-26T10:00:00Z' };
      const err = await writesNothing(
        t,
        () => t.req('alice', 'POST', `/api/v1/changes/${approved}/schedule`, { window }),
        400,
        'validation_failed',
      );
      assert.ok(
        err.details.some((d) => d.path === 'body.window.end'),
        JSON.stringify(err),
      );
      assert.match(err.message, /end after it starts/);
      await writesNothing(
        t,
        () =>
          t.req('alice', 'POST', '/api/v1/changes', {
            title: 'Standard, backwards',
            type: 'standard',
            template: 'os-patch-non-prod',
            services: ['reports-batch'],
            window,
          }),
        400,
        'validation_failed',
      );
      await writesNothing(
        t,
        () =>
          t.req('alice', 'POST', `/api/v1/changes/${approved}/schedule`, {
            window: { start: 'tomorrow', end: '2026-11-26T10:00:00Z' },
          }),
        400,
        'validation_failed',
      );
    });

    it('rejects an oversized body with 413', async () => {
      const big = { title: 'Too big', description: 'x'.repeat(1024 * 1024 + 10) };
      const err = await writesNothing(
        t,
        () => t.req('alice', 'POST', '/api/v1/changes', big),
        413,
        'payload_too_large',
      );
      assert.match(err.message, /too large/);
    });

    it('rejects invalid JSON with 400', async () => {
      const json = { 'content-type': 'application/json' };
      for (const raw of ['{"title": "unterminated', '{title: "no quotes"}', 'nul'])
        await writesNothing(
          t,
          () => t.req('alice', 'POST', '/api/v1/changes', raw, json),
          400,
          'validation_failed',
        );
      await writesNothing(
        t,
        () => t.req('alice', 'PATCH', `/api/v1/changes/${draft}`, '[1,', json),
        400,
        'validation_failed',
      );
    });

    it('rejects a malformed change id with 400 and an unknown one with 404', async () => {
      for (const id of ['42', 'CHG-0', 'CHG-x', 'chg-1', 'CHG-01'])
        for (const [method, url] of [
          ['GET', `/api/v1/changes/${id}`],
          ['GET', `/api/v1/changes/${id}/events`],
          ['POST', `/api/v1/changes/${id}/submit`],
        ] as const) {
          const err = await writesNothing(t, () => t.req('alice', method, url), 400, 'validation_failed');
          assert.match(err.message, /CHG-42/);
        }
      await writesNothing(t, () => t.req('alice', 'GET', '/api/v1/changes/CHG-999'), 404, 'not_found');
      await writesNothing(t, () => t.req('alice', 'GET', '/api/v1/changes/CHG-999/events'), 404, 'not_found');
      await writesNothing(
        t,
        () => t.req('alice', 'POST', '/api/v1/changes/CHG-999/submit'),
        404,
        'not_found',
      );
      await writesNothing(
        t,
        () => t.req('alice', 'PATCH', '/api/v1/changes/CHG-999', { title: 'Nope nope' }),
        404,
        'not_found',
      );
    });

    it('refuses an impossible transition with 409 and records exactly one refusal', async () => {
      for (const [as, id, action, body] of [
        ['ivan', draft, 'start', undefined],
        ['alice', draft, 'close', undefined],
        ['ivan', draft, 'complete', { outcome: 'successful' }],
        ['alice', approved, 'submit', undefined],
        ['tina', approved, 'approve', undefined],
      ] as const) {
        const before = await snapshot(t);
        const err = expectError(
          await t.req(as, 'POST', `/api/v1/changes/${id}/${action}`, body),
          409,
          'invalid_transition',
        );
        assert.match(err.message, new RegExp(`${id} is (draft|approved)`));
        assert.equal((await snapshot(t)).changes, before.changes, `${action} changed the change`);
        const written = await ledgerSince(t, before.ledger);
        assert.deepEqual(
          written.map((e) => [e.type, e.subject, e.actor.id, e.data.command]),
          [['change.command_refused', id, as, action]],
        );
      }
    });

    it('rejects an empty or malformed Idempotency-Key', async () => {
      await writesNothing(
        t,
        () =>
          t.req('alice', 'POST', '/api/v1/changes', { title: 'Keyed' }, { 'idempotency-key': 'has spaces' }),
        400,
        'validation_failed',
      );
    });

    it('answers unknown routes with a 404 in the error envelope', async () => {
      expectError(await t.req('alice', 'GET', '/api/v1/nowhere'), 404, 'not_found');
      expectError(await t.req('alice', 'DELETE', `/api/v1/changes/${draft}`), 404, 'not_found');
    });
  });
}
