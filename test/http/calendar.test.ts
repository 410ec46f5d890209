// Scheduling conflicts, the calendar and the personal iCalendar feed over HTTP, under the example policy:
// billing-api depends on ledger-db; ledger-db has a Sunday-night maintenance window (02:00–06:00 Berlin),
// both have a soft month-end freeze and a hard year-end freeze; implementer double-booking is hard,
// service and dependency clashes are soft. The feed is parsed back with node-ical.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ical from 'node-ical';
import { sql } from 'kysely';
import { COMPLETE_RECORD, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { events, expectError, getChange, noServerErrors, ok, raise } from '../support/http.ts';

interface Conflict {
  kind: string;
  severity: string;
  with: string;
  message: string;
}
interface Calendar {
  changes: {
    id: string;
    state: string;
    riskRating: string | null;
    requester: string;
    owner: string;
    implementer: string | null;
    conflicts: Conflict[];
  }[];
  occurrences: { window: string; kind: string; start: string; end: string }[];
}

const at = (s: string) => `2026-${s}:00.000Z`;
const win = (start: string, end: string) => ({ window: { start: at(start), end: at(end) } });

for (const engine of engines()) {
  describe(`calendar, conflicts and feed (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      for (const s of [
        { name: 'ledger-db', environment: 'prod', criticality: 'low' },
        { name: 'billing-api', environment: 'prod', criticality: 'low', dependencies: ['ledger-db'] },
      ])
        ok(await t.req('admin', 'POST', '/api/v1/services', s), 201);
    });
    after(() => t.close());

    async function approved(title: string, service: string, implementer: string): Promise<string> {
      const { id } = await raise(t, 'alice', { title, services: [service], implementer, ...COMPLETE_RECORD });
      ok(await t.req('alice', 'POST', `/api/v1/changes/${id}/submit`));
      for (const approver of ['tom', 'betty', 'sam']) {
        if ((await getChange(t, id)).state === 'approved') break;
        await t.req(approver, 'POST', `/api/v1/changes/${id}/approve`, { comment: 'ok' });
      }
      assert.equal((await getChange(t, id)).state, 'approved');
      return id;
    }
    const schedule = (id: string, body: unknown) =>
      t.req('alice', 'POST', `/api/v1/changes/${id}/schedule`, body);
    const ids: Record<string, string> = {};

    it('records soft conflicts (same service) on the schedule event and shows them on the change', async () => {
      ids.a = await approved('Billing index', 'billing-api', 'bob');
      assert.deepEqual(
        ok<{ conflicts: Conflict[] }>(await schedule(ids.a, win('11-26T10:00', '11-26T12:00'))).conflicts,
        [],
      );
      ids.b = await approved('Billing cache', 'billing-api', 'ivan');
      const b = ok<{ state: string; conflicts: Conflict[] }>(
        await schedule(ids.b, win('11-26T11:00', '11-26T13:00')),
      );
      assert.equal(b.state, 'scheduled');
      assert.deepEqual(
        b.conflicts.map((c) => [c.kind, c.severity, c.with]),
        [['service', 'soft', ids.a]],
      );
      const scheduled = (await events(t, ids.b)).find((e) => e.type === 'change.scheduled');
      assert.deepEqual((scheduled?.data as { conflicts: Conflict[] }).conflicts, b.conflicts);
      // A schedule without conflicts records none, as before.
      const first = (await events(t, ids.a)).find((e) => e.type === 'change.scheduled');
      assert.deepEqual(Object.keys(first!.data as object), ['window']);
    });

    it('refuses a hard conflict (implementer booked twice), listing every conflict and the next free slot', async () => {
      ids.c = await approved('Ledger vacuum', 'ledger-db', 'ivan');
      const err = expectError(await schedule(ids.c, win('11-26T12:00', '11-26T14:00')), 422);
      const codes = err.details.map((d) => d.code);
      assert.deepEqual(codes, ['conflict_implementer', 'next_free_slot']);
      assert.match(err.details[0]!.message, new RegExp(`ivan already implements ${ids.b}`));
      // ledger-db must change inside its maintenance window: Sunday 29 November, 02:00 Berlin = 01:00Z.
      assert.match(err.details[1]!.message, /2026-11-29T01:00:00\.000Z – 2026-11-29T03:00:00\.000Z/);
      // The slot as data too, so a client offers it without reading the sentence; the ledger keeps it.
      const slot = { start: '2026-11-29T01:00:00.000Z', end: '2026-11-29T03:00:00.000Z' };
      assert.deepEqual((err.details[1] as { slot?: unknown }).slot, slot);
      const refused = (await events(t, ids.c)).at(-1)!;
      assert.equal(refused.type, 'change.command_refused');
      assert.deepEqual((refused.data as { reasons: { slot?: unknown }[] }).reasons[1]!.slot, slot);
      assert.equal((await getChange(t, ids.c)).state, 'approved');
      // In the suggested slot there is nothing to clash with.
      const c = ok<{ conflicts: Conflict[] }>(await schedule(ids.c, win('11-29T01:00', '11-29T03:00')));
      assert.deepEqual(c.conflicts, []);
    });

    it('a hard freeze refuses; a soft freeze is a soft conflict naming the extra approval', async () => {
      ids.d = await approved('Ledger upgrade', 'ledger-db', 'bob');
      const err = expectError(await schedule(ids.d, win('12-22T10:00', '12-22T11:00')), 422);
      assert.deepEqual(
        err.details.map((d) => d.code),
        ['conflict_freeze', 'next_free_slot'],
      );
      assert.match(err.details[0]!.message, /year-end-freeze \(Year-end freeze\)/);
      // The freeze covers the Sundays until 3 January; 10 January 02:00 CET is the next maintenance night.
      assert.match(err.details[1]!.message, /2027-01-10T01:00:00\.000Z – 2027-01-10T02:00:00\.000Z/);
      ids.e = await approved('Billing report', 'billing-api', 'ivan');
      const e = ok<{ conflicts: Conflict[] }>(await schedule(ids.e, win('11-30T18:00', '11-30T19:00')));
      assert.deepEqual(
        e.conflicts.map((c) => [c.kind, c.severity, c.with]),
        [['freeze', 'soft', 'month-end-close']],
      );
      assert.match(e.conflicts[0]!.message, /one more approval from business/);
    });

    it('GET /calendar: changes with their conflicts as they stand now, and window occurrences', async () => {
      const cal = ok<Calendar>(
        await t.req('audrey', 'GET', `/api/v1/calendar?from=${at('11-26T00:00')}&to=${at('12-01T00:00')}`),
      );
      assert.deepEqual(
        cal.changes.map((c) => c.id),
        [ids.a, ids.b, ids.c, ids.e],
      );
      const of = (id: string) =>
        cal.changes.find((c) => c.id === id)!.conflicts.map((c) => `${c.kind}:${c.with}`);
      // A was scheduled first, yet the calendar shows its clash with B: conflicts are symmetric when read live.
      assert.deepEqual(of(ids.a!), [`service:${ids.b}`]);
      assert.deepEqual(of(ids.b!), [`service:${ids.a}`]);
      assert.deepEqual(of(ids.c!), []);
      // What the web calendar needs to colour a change by risk and offer rescheduling to those who may.
      const b = cal.changes.find((c) => c.id === ids.b)!;
      assert.deepEqual(
        [b.riskRating, b.requester, b.owner, b.implementer],
        [(await getChange(t, ids.b!)).riskRating, 'alice', 'alice', 'ivan'],
      );
      assert.ok(b.riskRating, 'a submitted change has a rating');
      assert.deepEqual(
        cal.occurrences.map((o) => `${o.window} ${o.start}`),
        ['ledger-db-maintenance 2026-11-29T01:00:00.000Z', 'month-end-close 2026-11-30T17:00:00.000Z'],
      );
    });

    it('refuses ranges that are backwards, too long, or malformed, with 400 saying what to fix', async () => {
      const get = (q: string) => t.req('audrey', 'GET', `/api/v1/calendar${q}`);
      expectError(await get(`?from=${at('12-01T00:00')}&to=${at('11-01T00:00')}`), 400);
      const long = expectError(await get(`?from=${at('01-01T00:00')}&to=2027-01-03T00:00:00Z`), 400);
      assert.match(JSON.stringify(long), /at most 366 days/);
      expectError(await get(`?from=tomorrow&to=${at('12-01T00:00')}`), 400);
      expectError(await get(''), 400);
    });

    it('GET /calendar/free-slot: the next slot of the requested length clear of related changes', async () => {
      const slot = (q: string) => t.req('audrey', 'GET', `/api/v1/calendar/free-slot?${q}`);
      const found = ok<{ slot: { start: string; end: string } }>(
        await slot(`service=billing-api&length=2h&after=${at('11-26T09:00')}`),
      );
      assert.deepEqual(found.slot, { start: at('11-26T13:00'), end: at('11-26T15:00') });
      expectError(await slot('service=billing-api&length=soon'), 400);
      expectError(await slot('service=billing-api&length=8d'), 400, 'validation_failed');
      expectError(await slot('service=nowhere&length=1h'), 400, 'validation_failed');
    });

    it('a change carried out stays on the calendar but no longer conflicts', async () => {
      t.clock.now = new Date(at('11-26T10:30'));
      ok(await t.req('bob', 'POST', `/api/v1/changes/${ids.a}/start`));
      ok(
        await t.req('bob', 'POST', `/api/v1/changes/${ids.a}/complete`, {
          outcome: 'successful',
          verification: [{ name: 'smoke', passed: true }],
        }),
      );
      const cal = ok<Calendar>(
        await t.req('audrey', 'GET', `/api/v1/calendar?from=${at('11-26T00:00')}&to=${at('11-27T00:00')}`),
      );
      const a = cal.changes.find((c) => c.id === ids.a);
      assert.deepEqual([a?.state, a?.conflicts], ['review', []]);
      assert.deepEqual(cal.changes.find((c) => c.id === ids.b)?.conflicts, []);
    });

    it('a personal iCalendar feed with its own token: parsed back, replaced, revoked (401), never in the ledger', async () => {
      const created = ok<{ token: string; url: string }>(
        await t.req('ivan', 'POST', '/api/v1/calendar/feed-token'),
        201,
      );
      const feed = await t.req(null, 'GET', created.url);
      assert.equal(feed.statusCode, 200, feed.body);
      assert.match(String(feed.headers['content-type']), /^text\/calendar/);
      const parsed = Object.values(ical.sync.parseICS(feed.body)).filter((c) => c?.type === 'VEVENT');
      const summaries = parsed.map((e) => String((e as { summary: unknown }).summary));
      assert.ok(summaries.includes(`${ids.b}: Billing cache`), summaries.join('\n'));
      assert.ok(summaries.includes('Maintenance: Ledger database maintenance'));
      const b = parsed.find((e) => String((e as { summary: unknown }).summary).startsWith(`${ids.b}:`)) as {
        start: Date;
        end: Date;
        description: string;
      };
      assert.equal(b.start.toISOString(), at('11-26T11:00'));
      assert.equal(b.end.toISOString(), at('11-26T13:00'));
      assert.match(b.description, /State: scheduled\nServices: billing-api\nImplementer: ivan/);
      // E still clashes with the month-end freeze, and its event says so.
      const clashing = parsed.filter((e) =>
        /Conflicts:\n- soft freeze: the soft freeze month-end-close/.test(
          String((e as { description?: unknown }).description),
        ),
      );
      assert.deepEqual(
        clashing.map((e) => String((e as { summary: unknown }).summary)),
        [`${ids.e}: Billing report`],
      );

      // The secret is in neither the ledger nor the credentials table, only its hash.
      const ledger = await sql<{ canonical: string }>`select canonical from ledger_entries`.execute(
        t.c.store.db,
      );
      assert.ok(ledger.rows.some((r) => r.canonical.includes('calendar.feed_token_created')));
      assert.ok(!ledger.rows.some((r) => r.canonical.includes(created.token)));
      const creds = await sql<{ secret_hash: string }>`select secret_hash from credentials`.execute(
        t.c.store.db,
      );
      assert.ok(!creds.rows.some((r) => r.secret_hash.includes(created.token)));

      // The token is a capability for the feed only: it is no bearer token.
      expectError(
        await t.req(null, 'GET', '/api/v1/calendar', undefined, { authorization: `Bearer ${created.token}` }),
        401,
      );
      // The secret is shown once: a retry with the same Idempotency-Key is told so, and gets no token.
      const once = { 'idempotency-key': 'feed-once' };
      const made = ok<{ token: string }>(
        await t.req('tina', 'POST', '/api/v1/calendar/feed-token', undefined, once),
        201,
      );
      const retry = await t.req('tina', 'POST', '/api/v1/calendar/feed-token', undefined, once);
      expectError(retry, 409, 'conflict');
      assert.ok(!retry.body.includes(made.token));
      assert.match(String(retry.headers['cache-control'] ?? ''), /no-store/);
      // A new token replaces the old one.
      const second = ok<{ url: string }>(await t.req('ivan', 'POST', '/api/v1/calendar/feed-token'), 201);
      expectError(await t.req(null, 'GET', created.url), 401, 'unauthenticated');
      assert.equal((await t.req(null, 'GET', second.url)).statusCode, 200);
      ok(await t.req('ivan', 'DELETE', '/api/v1/calendar/feed-token'));
      expectError(await t.req(null, 'GET', second.url), 401, 'unauthenticated');
      expectError(await t.req('ivan', 'DELETE', '/api/v1/calendar/feed-token'), 404);
      expectError(await t.req(null, 'GET', '/api/v1/calendar.ics?token=cpf_guess'), 401);
      expectError(await t.req(null, 'GET', '/api/v1/calendar.ics'), 401, 'unauthenticated');
    });

    it('a standard change raised into a window is checked like a schedule: hard refuses, soft is recorded', async () => {
      ok(await t.req('admin', 'POST', '/api/v1/services', { name: 'batch-dev', environment: 'dev' }), 201);
      const standard = (implementer: string, start: string, end: string) =>
        t.req('alice', 'POST', '/api/v1/changes', {
          type: 'standard',
          template: 'os-patch-non-prod',
          title: 'Patch the batch hosts',
          description: 'Routine',
          reason: 'Security updates',
          services: ['batch-dev'],
          implementer,
          ...win(start, end),
        });
      // ivan implements B from 11:00 to 13:00 on 26 November.
      const err = expectError(await standard('ivan', '11-26T12:30', '11-26T13:30'), 422);
      assert.deepEqual(
        err.details.map((d) => d.code),
        ['conflict_implementer', 'next_free_slot'],
      );
      assert.match(err.details[1]!.message, /2026-11-26T13:00:00\.000Z – 2026-11-26T14:00:00\.000Z/);
      const first = ok<{ state: string; conflicts: Conflict[] }>(
        await standard('carl', '11-26T12:30', '11-26T13:30'),
        201,
      );
      assert.deepEqual([first.state, first.conflicts], ['scheduled', []]);
      const second = ok<{ id: string; conflicts: Conflict[] }>(
        await standard('bob', '11-26T13:00', '11-26T14:00'),
        201,
      );
      assert.deepEqual(
        second.conflicts.map((c) => `${c.kind}:${c.severity}`),
        ['service:soft'],
      );
      const created = (await events(t, second.id)).find((e) => e.type === 'change.created');
      assert.deepEqual((created?.data as { conflicts: Conflict[] }).conflicts, second.conflicts);
    });

    it("a disabled user's feed stops", async () => {
      const { url } = ok<{ url: string }>(await t.req('bob', 'POST', '/api/v1/calendar/feed-token'), 201);
      assert.equal((await t.req(null, 'GET', url)).statusCode, 200);
      ok(await t.req('admin', 'PATCH', '/api/v1/users/bob', { active: false }));
      expectError(await t.req(null, 'GET', url), 401);
    });
  });
}
