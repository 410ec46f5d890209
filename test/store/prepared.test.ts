import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertRows, Prepared, updateRow } from '../../src/store/prepared.ts';
import { engines, freshStore, type TestStore } from '../support/db.ts';

// node:sqlite gives rows without a prototype; compare their contents.
const plain = <T extends object>(rows: T[]) => rows.map((r) => ({ ...r }));

const tokenRow = (id: string, owner: string, expiresAt: string | null = null) => ({
  id,
  owner,
  name: `token ${id}`,
  scopes: '[]',
  created_at: '2026-11-25T10:00:00.000Z',
  expires_at: expiresAt,
  revoked_at: null,
});

for (const engine of engines()) {
  describe(`prepared queries (${engine})`, () => {
    let s: TestStore;
    before(async () => {
      s = await freshStore(engine);
    });
    after(() => s.cleanup());

    it('inserts rows of any count and reads them back with new parameters on every run', async () => {
      await s.store.write(() => insertRows(s.store, 'api_tokens', [tokenRow('t1', 'ann')]));
      await s.store.write(() =>
        insertRows(s.store, 'api_tokens', [tokenRow('t2', 'ann'), tokenRow('t3', 'bob', '2027-01-01')]),
      );
      const byOwner = new Prepared((db, p: { owner: string }) =>
        db.selectFrom('api_tokens').select(['id', 'expires_at']).where('owner', '=', p.owner).orderBy('id'),
      );
      assert.deepEqual(plain(await byOwner.execute(s.store, { owner: 'ann' })), [
        { id: 't1', expires_at: null },
        { id: 't2', expires_at: null },
      ]);
      assert.deepEqual(plain(await byOwner.execute(s.store, { owner: 'bob' })), [
        { id: 't3', expires_at: '2027-01-01' },
      ]);
      assert.equal(await byOwner.first(s.store, { owner: 'nobody' }), undefined);
    });

    it('keeps the values the query was built with next to the parameters', async () => {
      // 'ann' and the null are constants of the query, not parameters: they must survive every run.
      const annsLive = new Prepared((db, p: { id: string }) =>
        db
          .selectFrom('api_tokens')
          .select('id')
          .where('owner', '=', 'ann')
          .where('id', '=', p.id)
          .where('revoked_at', 'is', null),
      );
      assert.deepEqual(plain(await annsLive.execute(s.store, { id: 't1' })), [{ id: 't1' }]);
      assert.deepEqual(await annsLive.execute(s.store, { id: 't3' }), []);
    });

    it('updates only the columns it is given, on the row with the key', async () => {
      await s.store.write(() =>
        updateRow(s.store, 'api_tokens', 'id', 't2', { revoked_at: '2026-11-25T11:00:00.000Z' }),
      );
      await s.store.write(() => updateRow(s.store, 'api_tokens', 'id', 't3', {}));
      const rows = await s.store.db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'revoked_at'])
        .orderBy('id')
        .execute();
      assert.deepEqual(plain(rows), [
        { id: 't1', name: 'token t1', revoked_at: null },
        { id: 't2', name: 'token t2', revoked_at: '2026-11-25T11:00:00.000Z' },
        { id: 't3', name: 'token t3', revoked_at: null },
      ]);
    });

    it('leaves out columns whose value is undefined, as Kysely does, on both engines', async () => {
      await s.store.write(() =>
        insertRows(s.store, 'api_tokens', [{ ...tokenRow('t5', 'dee'), revoked_at: undefined }]),
      );
      await s.store.write(() =>
        updateRow(s.store, 'api_tokens', 'id', 't5', { name: 'renamed', expires_at: undefined }),
      );
      const row = await s.store.db
        .selectFrom('api_tokens')
        .select(['name', 'expires_at', 'revoked_at'])
        .where('id', '=', 't5')
        .executeTakeFirstOrThrow();
      assert.deepEqual({ ...row }, { name: 'renamed', expires_at: null, revoked_at: null });
      await assert.rejects(
        s.store.write(() =>
          insertRows(s.store, 'api_tokens', [
            tokenRow('t6', 'dee'),
            { ...tokenRow('t7', 'dee'), revoked_at: undefined },
          ]),
        ),
        /every row must set the same columns/,
      );
    });

    it('runs in the open transaction: a rolled-back write leaves nothing', async () => {
      await assert.rejects(
        s.store.write(async () => {
          await insertRows(s.store, 'api_tokens', [tokenRow('t4', 'cy')]);
          throw new Error('use-case failed');
        }),
        /use-case failed/,
      );
      const found = await s.store.db.selectFrom('api_tokens').select('id').where('id', '=', 't4').execute();
      assert.deepEqual(found, []);
    });

    it('refuses a parameter used inside a value rather than as one', async () => {
      const inside = new Prepared((db, p: { prefix: string }) =>
        db.selectFrom('api_tokens').select('id').where('name', 'like', `${p.prefix}%`),
      );
      await assert.rejects(
        inside.execute(s.store, { prefix: 'token' }),
        /uses prefix other than as a whole value/,
      );
    });
  });
}
