// A real server runs its jobs from the runner: events reach the `log` subscriber after commit, and closing
// stops the jobs before the shutdown checkpoint, gives their leases up and closes the store.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server/start.ts';
import { openStore } from '../../src/store/database.ts';
import { OutboxCursorRepository } from '../../src/store/outbox-cursors.repository.ts';
import { engines, freshStore } from '../support/db.ts';
import { recordEvents } from '../support/events.ts';

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const engine of engines()) {
  describe(`server jobs (${engine})`, () => {
    it('delivers to the log subscriber after commit and stops its jobs before the last checkpoint', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'changeproof-jobs-'));
      let databaseUrl: string | undefined;
      let dropDb = async () => {};
      if (engine === 'postgres') {
        // An empty database of its own, migrated by the server as users' servers do.
        const s = await freshStore('postgres', { migrate: false });
        const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(
          s.store.kysely,
        );
        const url = new URL(process.env.TEST_DATABASE_URL!);
        url.pathname = `/${rows[0]!.name}`;
        databaseUrl = url.toString();
        await s.store.close();
        dropDb = s.cleanup;
      }
      try {
        const server = await startServer(
          loadConfig({
            CHANGEPROOF_DATA: dir,
            CHANGEPROOF_PORT: '0',
            CHANGEPROOF_LOG_LEVEL: 'silent',
            ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
          }),
          { log: false },
        );
        const { store } = server.container;
        const cursors = new OutboxCursorRepository(store);
        const start = await until('the log subscriber', async () => (await cursors.get('log')) ?? undefined);
        await recordEvents(store, 2);
        await until('delivery of the new events', async () =>
          (await cursors.get('log'))!.deliveredSeq === start.deliveredSeq + 2 ? true : undefined,
        );
        // The checkpoints job (every 5 s, once per cluster) holds its lease by now.
        await until(
          'the checkpoints lease',
          async () =>
            (await store.kysely
              .selectFrom('job_leases')
              .select('job')
              .where('job', '=', 'checkpoints')
              .executeTakeFirst()) ?? undefined,
        );
        await server.close();

        const after = openStore({ databaseUrl, dataDir: dir });
        try {
          const last = await after.kysely
            .selectFrom('ledger_checkpoints')
            .select('reason')
            .orderBy('id', 'desc')
            .executeTakeFirstOrThrow();
          assert.equal(last.reason, 'shutdown');
          assert.deepEqual(await after.kysely.selectFrom('job_leases').selectAll().execute(), []);
          assert.equal((await new OutboxCursorRepository(after).get('log'))!.leaseHolder, null);
        } finally {
          await after.close();
        }
      } finally {
        if (engine === 'postgres') await dropDb();
        else rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
