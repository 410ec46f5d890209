// Changes a supplier starts (ISO/IEC 27001:2022 A.5.21–5.22): the origin, the supplier and its notice are
// recorded with the change, the policy's requirements for that origin hold it in draft until they are
// met, and the list finds such changes by origin, by supplier and by the text of their supplier impact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import {
  act,
  events,
  expectError,
  noServerErrors,
  ok,
  raise,
  snapshot,
  type ChangeJson,
} from '../support/http.ts';

interface Listed {
  items: { id: string; origin: string; supplier: string | null }[];
  nextCursor: string | null;
}

const ACCESS_REVIEW = {
  access: 'PayCo keeps a read-only key to the settlement bucket; rotated yearly, every use logged.',
  controlsStillApply: true,
  agreementsNeedUpdate: true,
};

for (const engine of engines()) {
  describe(`changes a supplier starts (${engine})`, () => {
    let t: TestApp;
    const ids: Record<string, string> = {};
    const list = async (query: string) =>
      ok<Listed>(await t.req('audrey', 'GET', `/api/v1/changes?${query}`)).items.map((c) => c.id);

    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      ids.internal = (
        await raise(t, 'alice', { title: 'Tune the report cache', services: ['reports-batch'] })
      ).id;
      ids.payco = (
        await raise(t, 'alice', {
          title: 'PayCo moves settlement files to SFTP v2',
          origin: 'supplier',
          supplier: 'PayCo Ltd',
          supplierReference: 'https://status.payco.example/notices/2026-14',
          supplierImpact: 'Settlement files arrive over a new endpoint; the old one shuts on 1 March.',
          services: ['reports-batch'],
        })
      ).id;
      ids.cloud = (
        await raise(t, 'bob', {
          title: 'Managed database minor version upgrade',
          origin: 'supplier',
          supplier: 'Example Cloud',
          supplierReference: 'EC-MAINT-7781',
          supplierImpact: 'Forced maintenance window of the managed database.',
          services: ['reports-batch'],
        })
      ).id;
      ids.customer = (
        await raise(t, 'bob', {
          title: 'Customer asks for a new export column',
          origin: 'customer',
          supplier: 'PayCo Ltd',
          services: ['reports-batch'],
        })
      ).id;
      ids.bot = (await raise(t, 'bob', { title: 'Renovate: bump lodash', origin: 'automation' })).id;
    });
    after(() => t.close());

    it('records the origin and the supplier with the change, and shows them', async () => {
      const c = ok<ChangeJson>(await t.req('audrey', 'GET', `/api/v1/changes/${ids.payco}`));
      assert.equal(c.origin, 'supplier');
      assert.equal(c.supplier, 'PayCo Ltd');
      assert.equal(c.supplierReference, 'https://status.payco.example/notices/2026-14');
      assert.equal(c.customerCommunication, '');
      assert.equal(c.supplierAccessReview, null);
      const internal = ok<ChangeJson>(await t.req('audrey', 'GET', `/api/v1/changes/${ids.internal}`));
      assert.equal(internal.origin, 'internal', 'internal unless said otherwise');
      assert.equal(internal.supplier, null);
      const created = (await events(t, ids.payco!))[0]!;
      const content = created.data.content as Record<string, unknown>;
      assert.equal(content.origin, 'supplier', 'the ledger holds what was recorded');
      assert.equal(content.supplier, 'PayCo Ltd');
    });

    it('holds a supplier change in draft until what the policy asks of its origin is there', async () => {
      const before = await snapshot(t);
      const res = await t.req('alice', 'POST', `/api/v1/changes/${ids.payco}/submit`);
      const error = expectError(res, 422);
      assert.match(error.message, /supplierAccessReview/);
      assert.match(error.message, /customerCommunication/);
      assert.doesNotMatch(error.message, /supplierReference/, 'the notice is there already');
      const history = await events(t, ids.payco!);
      assert.equal(history.at(-1)!.type, 'change.command_refused', 'the refusal is recorded');
      assert.equal((await snapshot(t)).changes, before.changes);

      ok(
        await t.req('alice', 'PATCH', `/api/v1/changes/${ids.payco}`, {
          supplierAccessReview: ACCESS_REVIEW,
          customerCommunication: 'Merchants get an e-mail a week ahead; status page on the day.',
          ...COMPLETE_RECORD,
        }),
      );
      const submitted = await act(t, 'alice', ids.payco!, 'submit');
      assert.equal(submitted.state, 'awaiting_approval');
      assert.deepEqual(submitted.supplierAccessReview, ACCESS_REVIEW);
      const assessment = submitted.assessment as { reasons: { rule: string }[] };
      assert.ok(assessment.reasons.some((r) => r.rule === 'supplier-impact'));
    });

    it('filters by origin and by supplier, case and spaces aside, combined with other filters', async () => {
      assert.deepEqual(await list('origin=supplier'), [ids.cloud, ids.payco]);
      assert.deepEqual(await list('origin=customer'), [ids.customer]);
      assert.deepEqual(await list('origin=automation'), [ids.bot]);
      assert.deepEqual(await list('origin=internal'), [ids.internal]);
      assert.deepEqual(await list('supplier=PayCo%20Ltd'), [ids.customer, ids.payco]);
      assert.deepEqual(await list('supplier=%20payco%20ltd'), [ids.customer, ids.payco]);
      assert.deepEqual(await list('supplier=PayCo'), [], 'a supplier is matched whole, not as a prefix');
      assert.deepEqual(await list('origin=supplier&supplier=payco%20ltd'), [ids.payco]);
      assert.deepEqual(await list('origin=supplier&requester=bob'), [ids.cloud]);
      assert.deepEqual(await list('origin=supplier&service=reports-batch&limit=1').then((x) => x.length), 1);
      const page = ok<Listed>(await t.req('audrey', 'GET', '/api/v1/changes?origin=supplier'));
      assert.deepEqual(
        page.items.map((c) => [c.origin, c.supplier]),
        [
          ['supplier', 'Example Cloud'],
          ['supplier', 'PayCo Ltd'],
        ],
      );
    });

    it('searches the supplier impact, the supplier and its reference as text', async () => {
      assert.deepEqual(await list('q=old%20one%20shuts'), [ids.payco]);
      assert.deepEqual(await list('q=FORCED%20MAINTENANCE'), [ids.cloud]);
      assert.deepEqual(await list('q=ec-maint-7781'), [ids.cloud]);
      assert.deepEqual(await list('q=example%20cloud'), [ids.cloud]);
      assert.deepEqual(await list('q=maintenance&origin=customer'), []);
      ok(
        await t.req('bob', 'PATCH', `/api/v1/changes/${ids.cloud}`, {
          supplierImpact: 'Rescheduled by the vendor.',
        }),
      );
      assert.deepEqual(await list('q=forced%20maintenance'), [], 'the old text is gone from the index');
      assert.deepEqual(await list('q=rescheduled%20by%20the%20vendor'), [ids.cloud]);
    });

    it('moves a change between origins by an edit, which the filters follow', async () => {
      ok(
        await t.req('alice', 'PATCH', `/api/v1/changes/${ids.internal}`, {
          origin: 'supplier',
          supplier: 'Example Cloud',
        }),
      );
      assert.deepEqual(await list('supplier=example%20cloud'), [ids.cloud, ids.internal]);
      ok(
        await t.req('alice', 'PATCH', `/api/v1/changes/${ids.internal}`, {
          origin: 'internal',
          supplier: null,
        }),
      );
      assert.deepEqual(await list('origin=internal'), [ids.internal]);
      assert.deepEqual(await list('supplier=example%20cloud'), [ids.cloud]);
    });

    it('refuses bad origin and supplier input with a 400 that names the field, writing nothing', async () => {
      const before = await snapshot(t);
      const bad: [string, Record<string, unknown>][] = [
        ['origin', { title: 'Bad origin', origin: 'vendor' }],
        ['supplier', { title: 'Empty supplier', supplier: '   ' }],
        ['supplier', { title: 'Long supplier', supplier: 'x'.repeat(201) }],
        ['supplierReference', { title: 'Long ref', supplierReference: 'x'.repeat(501) }],
        ['supplierAccessReview', { title: 'Half a review', supplierAccessReview: { access: 'keys' } }],
        [
          'supplierAccessReview',
          { title: 'Blank review', supplierAccessReview: { ...ACCESS_REVIEW, access: '' } },
        ],
        ['supplierAccessReview', { title: 'Extra', supplierAccessReview: { ...ACCESS_REVIEW, extra: 1 } }],
      ];
      for (const [field, body] of bad) {
        const error = expectError(
          await t.req('alice', 'POST', '/api/v1/changes', body),
          400,
          'validation_failed',
        );
        assert.ok(
          error.details.some((d) => d.path?.includes(field)),
          `${field}: ${JSON.stringify(error)}`,
        );
      }
      for (const query of ['origin=vendor', 'supplier=', `supplier=${'x'.repeat(201)}`])
        expectError(await t.req('audrey', 'GET', `/api/v1/changes?${query}`), 400, 'validation_failed');
      assert.deepEqual(await snapshot(t), before);
    });
  });
}
