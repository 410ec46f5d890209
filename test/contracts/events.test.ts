// The event contract says what the server really sends: every event type of the domain has a schema, and
// every event a recorded history holds validates against it with nothing left over (response serialization
// strips what a schema does not name, so a field missing here would silently vanish from the API).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ChangeEvent, EVENT_TYPES, LedgerEvent } from '../../src/contracts/events.ts';
import {
  COMPLETE_RECORD,
  EMERGENCY_REQUEST,
  registerServices,
  startTestApp,
  type TestApp,
} from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, bearer, events, expectError, hoursLater, noServerErrors, ok, raise } from '../support/http.ts';

const DOMAIN = new URL('../../src/domain/', import.meta.url);
/** The union in events.ts and the features' own `<feature>-events.ts` files it joins. */
const DOMAIN_EVENTS = readdirSync(DOMAIN)
  .filter((f) => f === 'events.ts' || f.endsWith('-events.ts'))
  .map((f) => new URL(f, DOMAIN));

/** Validates an event as the API would serve it and returns what survives serialization. */
function served(schema: typeof LedgerEvent | typeof ChangeEvent, event: unknown): unknown {
  const parsed = schema.safeParse(event);
  assert.ok(parsed.success, `${JSON.stringify(event).slice(0, 200)}: ${parsed.error?.message}`);
  return parsed.data;
}

describe('event contract', () => {
  it('has a schema for every event type the domain declares, and no other', () => {
    const declared = DOMAIN_EVENTS.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/type: '([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1]!),
    );
    assert.ok(declared.length >= 20, 'the scan finds the declared event types');
    assert.deepEqual([...EVENT_TYPES].sort(), [...new Set(declared)].sort());
  });

  it('refuses an event whose data does not match its type', () => {
    const event = {
      v: 1,
      seq: 3,
      id: 'e',
      type: 'change.cancelled',
      subject: 'CHG-1',
      at: '2026-11-25T10:00:00.000Z',
      actor: { id: 'alice', kind: 'human' },
      data: { reason: 'not needed' },
    };
    assert.ok(LedgerEvent.safeParse(event).success);
    assert.ok(!LedgerEvent.safeParse({ ...event, data: { why: 'not needed' } }).success);
    assert.ok(!LedgerEvent.safeParse({ ...event, type: 'change.invented' }).success);
    assert.ok(!ChangeEvent.safeParse({ ...event, type: 'token.revoked', data: { tokenId: 't' } }).success);
  });

  it('reads the events recorded before the later content fields existed', () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../fixtures/ledger-before-0004.json', import.meta.url), 'utf8'),
    ) as { ledger_entries: { canonical: string }[] };
    assert.ok(fixture.ledger_entries.length > 0);
    for (const row of fixture.ledger_entries) {
      const event = JSON.parse(row.canonical) as unknown;
      assert.deepEqual(served(LedgerEvent, event), event);
    }
  });
});

for (const engine of engines()) {
  describe(`events of a recorded history validate against the contract (${engine})`, () => {
    let t: TestApp;
    const ids: string[] = [];
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
    });
    after(() => t.close());

    const window = () => ({
      start: t.clock.now.toISOString(),
      end: hoursLater(t.clock.now, 2).toISOString(),
    });
    const record = async (id: string) => (ids.push(id), id);

    it('records every kind of event', async () => {
      // A normal change from request to closure.
      const a = await record(
        (await raise(t, 'alice', { title: 'TLS 1.3 only', services: ['payments-api'], ...COMPLETE_RECORD }))
          .id,
      );
      await act(t, 'alice', a, 'submit');
      await act(t, 'sam', a, 'approve', {
        comment: 'security ok',
        reasoning: { compensatingControls: 'WAF rules stay in place' },
      });
      await act(t, 'tom', a, 'approve');
      await act(t, 'alice', a, 'schedule', { window: window() });
      await act(t, 'ivan', a, 'start');
      await act(t, 'ivan', a, 'complete', {
        outcome: 'successful',
        verification: [{ name: 'smoke', passed: true }],
      });
      await act(t, 'ivan', a, 'review', {
        summary: 'Went as planned.',
        followUps: ['Retire the old ciphers'],
      });
      await act(t, 'ivan', a, 'close');
      // The review's follow-up is a tracked item: reassigned, then done.
      ok(await t.req('carl', 'POST', '/api/v1/follow-ups/FU-1/reassign', { owner: 'ivan' }));
      ok(await t.req('ivan', 'POST', '/api/v1/follow-ups/FU-1/done', { note: 'ciphers removed' }));

      // Edited after approval (approvals withdrawn), a refused self-approval, then rejected.
      const b = await record(
        (
          await raise(t, 'alice', {
            title: 'Rotate keys',
            services: ['payments-api'],
            ...COMPLETE_RECORD,
            links: [{ kind: 'ticket', ref: 'OPS-1' }],
          })
        ).id,
      );
      await act(t, 'alice', b, 'submit');
      await act(t, 'sam', b, 'approve');
      await act(t, 'tom', b, 'approve');
      ok(await t.req('alice', 'PATCH', `/api/v1/changes/${b}`, { description: 'Also the backup keys' }));
      expectError(await t.req('alice', 'POST', `/api/v1/changes/${b}/approve`), 403);
      await act(t, 'tom', b, 'reject', { comment: 'not now' });

      // Cancelled.
      const c = await record((await raise(t, 'bob', { title: 'Not needed after all' })).id);
      await act(t, 'bob', c, 'reassign', { owner: 'alice' });
      await act(t, 'alice', c, 'cancel', { reason: 'duplicate' });

      // The catalogue changes under an approved change: reassessed, approvals lapsed, start refused.
      ok(
        await t.req('admin', 'POST', '/api/v1/services', {
          name: 'checkout',
          environment: 'prod',
          criticality: 'low',
        }),
        201,
      );
      const d = await record(
        (await raise(t, 'alice', { title: 'Checkout tweak', services: ['checkout'], ...COMPLETE_RECORD })).id,
      );
      await act(t, 'alice', d, 'submit');
      await act(t, 'tom', d, 'approve');
      await act(t, 'alice', d, 'schedule', { window: window() });
      ok(await t.req('admin', 'PATCH', '/api/v1/services/checkout', { internetFacing: true }));
      expectError(await t.req('ivan', 'POST', `/api/v1/changes/${d}/start`), 422, 'approvals_lapsed');
      ok(await t.req('admin', 'POST', '/api/v1/services', { name: 'old-batch', environment: 'dev' }), 201);
      ok(await t.req('admin', 'POST', '/api/v1/services/old-batch/retire', { reason: 'Replaced' }));

      // An emergency whose record is completed after it started.
      const e = await record(
        (
          await raise(t, 'bob', {
            type: 'emergency',
            title: 'Block the endpoint',
            services: ['payments-api'],
            ...EMERGENCY_REQUEST,
          })
        ).id,
      );
      await act(t, 'bob', e, 'submit');
      await act(t, 'dora', e, 'approve');
      await act(t, 'ivan', e, 'start');
      ok(await t.req('bob', 'PATCH', `/api/v1/changes/${e}`, COMPLETE_RECORD));
      const measure = ok<{ id: string }>(
        await t.req('ivan', 'POST', '/api/v1/follow-ups', {
          changeId: e,
          kind: 'temporary_measure',
          title: 'Lift the block',
          owner: 'ivan',
          dueAt: hoursLater(t.clock.now, 24).toISOString(),
        }),
        201,
      );
      ok(
        await t.req('ivan', 'POST', `/api/v1/follow-ups/${measure.id}/cancel`, { note: 'block is the fix' }),
      );

      // The gate: a decision about a change, a deployment no decision allowed that then failed, and a
      // break-glass that raises an emergency change and notes the change it claimed.
      const digest = `sha256:${'c'.repeat(64)}`;
      const gateAsk = { change: a, service: 'payments-api', environment: 'prod', artifact: digest };
      ok(await t.req('ci', 'POST', '/api/v1/gate', gateAsk));
      const deployment = ok<{ id: string }>(
        await t.req('ci', 'POST', '/api/v1/deployments', { ...gateAsk, change: a }),
        201,
      );
      ok(await t.req('ci', 'POST', `/api/v1/deployments/${deployment.id}/finish`, { result: 'failed' }));
      ok(
        await t.req('ci', 'POST', '/api/v1/gate/break-glass', {
          ...gateAsk,
          change: e,
          reason: 'The exploit is spreading; the fix cannot wait',
        }),
        201,
      );

      // People and tokens.
      ok(await t.req('admin', 'PATCH', '/api/v1/users/tina', { displayName: 'Tina T.' }));
      const token = ok<{ id: string }>(
        await t.req('alice', 'POST', '/api/v1/tokens', { name: 'ci', scopes: ['changes:read'] }),
        201,
      );
      ok(await t.req('alice', 'POST', `/api/v1/tokens/${token.id}/revoke`));
      // A personal calendar feed token, created and revoked.
      ok(await t.req('alice', 'POST', '/api/v1/calendar/feed-token'), 201);
      ok(await t.req('alice', 'DELETE', '/api/v1/calendar/feed-token'));
      const session = ok<{ token: string }>(
        await t.req(null, 'POST', '/api/v1/auth/login', {
          username: 'betty',
          password: 'betty-password-123',
        }),
      ).token;
      ok(
        await t.req(
          null,
          'POST',
          '/api/v1/auth/password',
          { currentPassword: 'betty-password-123', newPassword: 'a-brand-new-password' },
          bearer(session),
        ),
      );
    });

    it('serves every ledger entry as a LedgerEvent, with nothing dropped, covering every event type', async () => {
      const entries = ok<{ items: { entry: string }[] }>(
        await t.req('audrey', 'GET', '/api/v1/ledger/entries?limit=1000'),
      ).items;
      const seen = new Set<string>();
      for (const { entry } of entries) {
        const event = JSON.parse(entry) as { type: string };
        assert.deepEqual(served(LedgerEvent, event), event);
        seen.add(event.type);
      }
      assert.deepEqual([...seen].sort(), [...EVENT_TYPES].sort(), 'the history exercises every event type');
    });

    it("serves each change's history as it is in the ledger", async () => {
      const entries = ok<{ items: { entry: string }[] }>(
        await t.req('audrey', 'GET', '/api/v1/ledger/entries?limit=1000'),
      ).items.map((e) => JSON.parse(e.entry) as { subject: string });
      assert.equal(ids.length, 5);
      for (const id of ids) {
        const history = await events(t, id);
        assert.deepEqual(
          history,
          entries.filter((e) => e.subject === id),
        );
        for (const event of history) assert.deepEqual(served(ChangeEvent, event), event);
      }
    });
  });
}
