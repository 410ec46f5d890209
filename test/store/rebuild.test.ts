import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { formatRebuildReport, rebuildAndCompare } from '../../src/modules/ledger/rebuild.ts';
import { COMPLETE_RECORD, registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

for (const engine of engines()) {
  describe(`verify --rebuild (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
      await registerServices(t);
      const res = await t.req('alice', 'POST', '/api/v1/changes', {
        title: 'Rebuild me',
        services: ['payments-api'],
        ...COMPLETE_RECORD,
      });
      const id = res.json<{ id: string }>().id;
      for (const [who, action] of [
        ['alice', 'submit'],
        ['alice', 'approve'],
        ['sam', 'approve'],
        ['tom', 'approve'],
      ])
        await t.req(who!, 'POST', `/api/v1/changes/${id}/${action}`);
    });
    after(() => t.close());

    it('finds the live tables identical to a replay of the ledger', async () => {
      const report = await rebuildAndCompare(t.c.store);
      assert.equal(report.ok, true, formatRebuildReport(report));
      assert.ok(report.entries > 20);
      assert.ok(report.tables.find((x) => x.table === 'changes')!.rebuilt >= 1);
    });

    it('names every row a direct database edit touched', async () => {
      const db = t.c.store.kysely;
      await sql`update changes set state = 'closed' where id = 'CHG-1'`.execute(db);
      await sql`delete from services where name = 'reports-batch'`.execute(db);
      await sql`update users set roles = '["admin"]' where username = 'alice'`.execute(db);
      await sql`insert into policies (version, name, sha256, source, activated_at, activated_by, change_id)
                values (99, 'forged', 'x', 'x', '2026-01-01T00:00:00.000Z', 'mallory', null)`.execute(db);
      const report = await rebuildAndCompare(t.c.store);
      const text = formatRebuildReport(report);
      assert.equal(report.ok, false);
      assert.match(text, /DIFF {2}changes CHG-1\.state: live "closed", ledger says "approved"/);
      assert.match(text, /DIFF {2}services reports-batch: in the ledger but missing from the table/);
      assert.match(text, /DIFF {2}users alice\.roles: live "\[\\"admin\\"\]"/);
      assert.match(text, /DIFF {2}policies 99: in the table but no ledger event made it/);
      assert.equal(report.differences.length, 4, text);
    });

    it('reports a ledger entry whose text no longer matches its leaf hash', async () => {
      await sql`update ledger_entries set canonical = replace(canonical, 'Rebuild me', 'Rebuilt you') where seq = (select min(seq) from ledger_entries where type = 'change.created')`.execute(
        t.c.store.kysely,
      );
      const report = await rebuildAndCompare(t.c.store);
      assert.ok(
        report.ledgerProblems.some((p) => /leaf hash does not match/.test(p)),
        formatRebuildReport(report),
      );
    });
  });
}
