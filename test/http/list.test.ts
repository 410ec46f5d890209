// Listing changes: thirty changes of every state, type, risk, service and requester, created an hour
// apart; each filter must return exactly the set a local model of what was done predicts, newest first, and
// cursor pagination must visit every match exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  COMPLETE_RECORD,
  EMERGENCY_REQUEST,
  registerServices,
  startTestApp,
  type TestApp,
} from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, expectError, hoursLater, noServerErrors, ok, raise } from '../support/http.ts';

interface Model {
  id: string;
  number: number;
  type: string;
  state: string;
  risk: string;
  services: string[];
  requester: string;
  title: string;
  description: string;
  createdAt: string;
  recordDueAt: string | null;
  recordDone: boolean;
}

const SERVICE_RISK: Record<string, string> = {
  'reports-batch': 'low',
  'payments-api': 'high',
  'billing-db': 'medium',
  'edge-proxy': 'high',
};
const SERVICES = Object.keys(SERVICE_RISK);
const TITLES: Record<number, string> = {
  4: 'Ramp to 100% traffic',
  8: 'Ramp to 1000 users',
  12: 'Set snake_case flag',
  16: 'Set snakeXcase flag',
  20: 'Rotate TLS certificates',
  24: 'rotate tls session keys',
};
const EMERGENCY = new Set([2, 3, 14, 27]);
const STANDARD = new Set([5, 17]);
// Normal changes end in a state chosen by i % 5.
const NORMAL_END = ['draft', 'awaiting_approval', 'cancelled', 'approved', 'rejected'];
const APPROVERS: Record<string, string[]> = { low: ['tom'], medium: ['tom', 'betty'], high: ['sam', 'tom'] };

for (const engine of engines()) {
  describe(`listing and filtering changes over HTTP (${engine})`, () => {
    let t: TestApp;
    let t0: Date;
    const model: Model[] = [];

    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      ok(
        await t.req('admin', 'POST', '/api/v1/services', {
          name: 'billing-db',
          environment: 'prod',
          criticality: 'high',
        }),
        201,
      );
      t0 = t.clock.now;
      for (let i = 0; i < 30; i++) {
        t.clock.now = hoursLater(t0, i);
        const requester = ['alice', 'bob', 'carl'][i % 3]!;
        const type = EMERGENCY.has(i) ? 'emergency' : STANDARD.has(i) ? 'standard' : 'normal';
        const services = type === 'standard' ? ['reports-batch'] : i % 10 === 9 ? [] : [SERVICES[i % 4]!];
        const m: Model = {
          id: '',
          number: 0,
          type,
          state: 'draft',
          risk: services.length ? SERVICE_RISK[services[0]!]! : 'low',
          services,
          requester,
          title: TITLES[i] ?? `Routine change ${i}`,
          description: i === 10 ? 'Mentions Tls in passing' : `Details for item ${i}`,
          createdAt: t.clock.now.toISOString(),
          recordDueAt: null,
          recordDone: false,
        };
        const base = { title: m.title, description: m.description, services };
        const body =
          type === 'normal'
            ? { ...COMPLETE_RECORD, ...base }
            : type === 'standard'
              ? { ...base, reason: 'The certificate expires', type, template: 'tls-certificate-renewal' }
              : { ...base, type, ...EMERGENCY_REQUEST };
        const created = await raise(t, requester, body);
        m.id = created.id;
        m.number = created.number;
        assert.equal(created.riskRating, m.risk, `${m.id} rated as expected`);
        if (type === 'standard') m.state = 'scheduled';
        if (type === 'emergency' && i !== 14) {
          await act(t, requester, m.id, 'submit');
          m.state = (await act(t, 'dora', m.id, 'approve')).state;
          m.recordDueAt = hoursLater(t.clock.now, 24).toISOString();
          if (i === 3) {
            const done = { ...COMPLETE_RECORD, description: m.description };
            // Completing the record before the work starts is an edit of what was authorized: it goes back
            // to the duty manager (see the emergency tests), and the list must show that state.
            const edited = ok<{ state: string }>(
              await t.req(requester, 'PATCH', `/api/v1/changes/${m.id}`, done),
            );
            assert.equal(edited.state, 'awaiting_approval');
            m.state = edited.state;
            m.recordDone = true;
          }
        }
        const end = type === 'normal' && services.length > 0 ? NORMAL_END[i % 5]! : 'draft';
        if (type === 'normal' && end !== 'draft') {
          if (end === 'cancelled') await act(t, requester, m.id, 'cancel', { reason: 'not needed' });
          else await act(t, requester, m.id, 'submit');
          if (end === 'approved') for (const a of APPROVERS[m.risk]!) await act(t, a, m.id, 'approve');
          if (end === 'rejected') await act(t, 'tom', m.id, 'reject', { comment: 'not now' });
          m.state = end;
        }
        model.push(m);
      }
      model.sort((a, b) => b.number - a.number);
    });
    after(() => t.close());

    const list = async (query: string) =>
      ok<{ items: { id: string; state: string }[]; nextCursor: string | null }>(
        await t.req('audrey', 'GET', `/api/v1/changes?limit=200${query ? `&${query}` : ''}`),
      );
    const expectSet = async (query: string, pick: (m: Model) => boolean, nonTrivial = true) => {
      const expected = model.filter(pick).map((m) => m.id);
      if (nonTrivial)
        assert.ok(expected.length > 0 && expected.length < model.length, `${query} is a real filter`);
      const got = await list(query);
      assert.deepEqual(
        got.items.map((c) => c.id),
        expected,
        query,
      );
      assert.equal(got.nextCursor, null);
      return expected;
    };

    it('has built the variety it meant to', () => {
      const states = new Set(model.map((m) => m.state));
      for (const s of ['draft', 'awaiting_approval', 'approved', 'scheduled', 'cancelled', 'rejected'])
        assert.ok(states.has(s), `some change is ${s}`);
    });

    it('lists everything newest first', async () => {
      await expectSet('', () => true, false);
    });

    it('filters by state, one or several', async () => {
      for (const s of ['draft', 'awaiting_approval', 'approved', 'cancelled', 'rejected', 'scheduled'])
        await expectSet(`state=${s}`, (m) => m.state === s);
      await expectSet('state=draft&state=cancelled', (m) => m.state === 'draft' || m.state === 'cancelled');
      await expectSet('state=closed', () => false, false);
    });

    it('filters by type, risk, service and requester', async () => {
      for (const type of ['normal', 'emergency', 'standard'])
        await expectSet(`type=${type}`, (m) => m.type === type);
      for (const risk of ['low', 'medium', 'high']) await expectSet(`risk=${risk}`, (m) => m.risk === risk);
      for (const s of SERVICES) await expectSet(`service=${s}`, (m) => m.services.includes(s));
      for (const r of ['alice', 'bob', 'carl']) await expectSet(`requester=${r}`, (m) => m.requester === r);
      await expectSet(
        'state=approved&risk=high&requester=bob',
        (m) => m.state === 'approved' && m.risk === 'high' && m.requester === 'bob',
      );
    });

    // With a service the other filters read change_services' copies of the change's columns (migration
    // 0008): they must follow every transition and edit, so each is checked against the model here.
    it('combines every filter with a service', async () => {
      const from = hoursLater(t0, 8).toISOString();
      const to = hoursLater(t0, 24).toISOString();
      let nonEmpty = 0;
      for (const s of SERVICES) {
        const on = (m: Model) => m.services.includes(s);
        const checks: [string, (m: Model) => boolean][] = [
          ...['draft', 'awaiting_approval', 'approved', 'cancelled', 'rejected', 'scheduled'].map(
            (st): [string, (m: Model) => boolean] => [`state=${st}`, (m) => m.state === st],
          ),
          ['state=draft&state=approved', (m) => m.state === 'draft' || m.state === 'approved'],
          ...['normal', 'emergency', 'standard'].map((ty): [string, (m: Model) => boolean] => [
            `type=${ty}`,
            (m) => m.type === ty,
          ]),
          ...['low', 'medium', 'high'].map((r): [string, (m: Model) => boolean] => [
            `risk=${r}`,
            (m) => m.risk === r,
          ]),
          ...['alice', 'bob', 'carl'].map((r): [string, (m: Model) => boolean] => [
            `requester=${r}`,
            (m) => m.requester === r,
          ]),
          ['origin=internal', () => true],
          ['origin=supplier', () => false],
          [`from=${from}&to=${to}`, (m) => m.createdAt >= from && m.createdAt < to],
          ['type=normal&state=draft', (m) => m.type === 'normal' && m.state === 'draft'],
        ];
        for (const [query, pick] of checks) {
          const got = await expectSet(`service=${s}&${query}`, (m) => on(m) && pick(m), false);
          if (got.length > 0) nonEmpty++;
        }
      }
      assert.ok(nonEmpty > 20, `most combinations match some change (${nonEmpty})`);
    });

    it('filters by creation time: from inclusive, to exclusive', async () => {
      const from = hoursLater(t0, 10).toISOString();
      const to = hoursLater(t0, 20).toISOString();
      const got = await expectSet(`from=${from}&to=${to}`, (m) => m.createdAt >= from && m.createdAt < to);
      assert.equal(got.length, 10);
      // An explicit offset means the same instant as Z.
      const late = hoursLater(t0, 25).toISOString();
      await expectSet(`from=${encodeURIComponent(late.replace('Z', '+00:00'))}`, (m) => m.createdAt >= late);
    });

    it('searches id, title and description case-insensitively, with % and _ taken literally', async () => {
      const text = (m: Model, q: string) =>
        `${m.id} ${m.title} ${m.description}`.toLowerCase().includes(q.toLowerCase());
      const tls = await expectSet('q=tls', (m) => text(m, 'tls'));
      assert.equal(tls.length, 3);
      assert.deepEqual(await expectSet('q=TLS', (m) => text(m, 'tls')), tls);
      assert.deepEqual(await expectSet(`q=${encodeURIComponent('100%')}`, (m) => text(m, '100%')), [
        model.find((m) => m.title === TITLES[4])!.id,
      ]);
      assert.equal((await expectSet('q=100', (m) => text(m, '100'))).length, 2);
      assert.equal((await expectSet('q=snake_case', (m) => text(m, 'snake_case'))).length, 1);
      assert.equal((await expectSet('q=SNAKE', (m) => text(m, 'snake'))).length, 2);
      // A whole change id is a lookup of that change, not a substring search (CHG-1 is not CHG-10..19).
      assert.deepEqual(await expectSet('q=chg-1', (m) => m.id === 'CHG-1'), ['CHG-1']);
      // Unescaped, % and _ would match every change.
      assert.equal((await expectSet(`q=${encodeURIComponent('%')}`, (m) => text(m, '%'))).length, 1);
      assert.equal((await expectSet('q=_', (m) => text(m, '_'))).length, 1);
      // Text shorter than the index's three characters, and text with the other filters.
      await expectSet('q=mp', (m) => text(m, 'mp'));
      const svc = model.find((m) => text(m, 'tls') && m.services.length > 0)!.services[0]!;
      await expectSet(`q=tls&service=${svc}`, (m) => text(m, 'tls') && m.services.includes(svc));
      const from = hoursLater(t0, 5).toISOString();
      await expectSet(`q=routine&from=${from}`, (m) => text(m, 'routine') && m.createdAt >= from);
    });

    it('finds a change by its new text after an edit, and no longer by the old', async () => {
      const m = model.find((x) => x.state === 'draft' && x.title.startsWith('Routine'))!;
      ok(await t.req(m.requester, 'PATCH', `/api/v1/changes/${m.id}`, { title: 'Quokka migration' }));
      const found = await list('q=quokka');
      assert.deepEqual(
        found.items.map((c) => c.id),
        [m.id],
      );
      const old = await list(`q=${encodeURIComponent(m.title)}`);
      assert.deepEqual(old.items, []);
      ok(await t.req(m.requester, 'PATCH', `/api/v1/changes/${m.id}`, { title: m.title }));
      assert.deepEqual((await list('q=quokka')).items, []);
    });

    it('lists the emergency changes whose record is overdue', async () => {
      const now = t.clock.now.toISOString();
      const overdue = await expectSet(
        'overdue=true',
        (m) => m.recordDueAt !== null && !m.recordDone && now > m.recordDueAt,
      );
      assert.equal(overdue.length, 1);
      await expectSet('overdue=true&requester=bob', () => false, false);
      // With a service, the changes that owe something are walked and the service tested.
      const owing = model.find((m) => m.id === overdue[0])!;
      for (const s of SERVICES)
        await expectSet(
          `overdue=true&service=${s}&type=emergency`,
          (m) => m.id === owing.id && m.services.includes(s),
          false,
        );
      assert.ok(owing.services.length > 0, 'the overdue change has a service to find it by');
    });

    it('pages with a cursor through every match exactly once, newest or oldest first', async () => {
      for (const order of ['newest', 'oldest'] as const)
        for (const [query, pick] of [
          ['', () => true],
          ['state=draft', (m: Model) => m.state === 'draft'],
          ['requester=alice', (m: Model) => m.requester === 'alice'],
          // Text search walks its own index on SQLite; alone and with other filters it pages the same way.
          ['q=routine', (m: Model) => m.title.startsWith('Routine')],
          [
            'q=routine&service=billing-db',
            (m: Model) => m.title.startsWith('Routine') && m.services.includes('billing-db'),
          ],
          ['q=item&state=draft', (m: Model) => m.description.startsWith('Details') && m.state === 'draft'],
        ] as const) {
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const url: string = `/api/v1/changes?limit=7&order=${order}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
            const page = ok<{ items: { id: string; number: number }[]; nextCursor: string | null }>(
              await t.req('audrey', 'GET', url),
            );
            assert.ok(page.items.length <= 7);
            if (page.nextCursor) assert.equal(page.items.length, 7);
            seen.push(...page.items.map((c) => c.id));
            cursor = page.nextCursor;
            assert.ok(++pages <= 10, 'pagination terminates');
          } while (cursor);
          const newest = model.filter(pick).map((m) => m.id);
          const expected = order === 'newest' ? newest : newest.toReversed();
          assert.deepEqual(seen, expected, `${order}: ${query}`);
          assert.equal(pages, Math.max(1, Math.ceil(expected.length / 7)));
        }
    });

    it('refuses a cursor it did not issue and an out-of-range limit', async () => {
      for (const cursor of [
        'garbage',
        Buffer.from('x:5').toString('base64url'),
        Buffer.from('n:-1').toString('base64url'),
      ])
        expectError(
          await t.req('audrey', 'GET', `/api/v1/changes?cursor=${cursor}`),
          400,
          'validation_failed',
        );
      // A cursor from one order would skip or repeat changes in the other: refused, with what to do.
      const first = ok<{ nextCursor: string }>(await t.req('audrey', 'GET', '/api/v1/changes?limit=2'));
      const crossed = await t.req('audrey', 'GET', `/api/v1/changes?order=oldest&cursor=${first.nextCursor}`);
      expectError(crossed, 400, 'validation_failed');
      assert.match(JSON.stringify(crossed.body), /another order/);
      expectError(await t.req('audrey', 'GET', '/api/v1/changes?order=random'), 400, 'validation_failed');
      for (const limit of ['0', '201', '2.5'])
        expectError(await t.req('audrey', 'GET', `/api/v1/changes?limit=${limit}`), 400, 'validation_failed');
    });
  });
}
