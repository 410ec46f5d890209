// The job runner: a once-per-cluster job runs on one of two servers (two Store objects on one PostgreSQL
// database; one store on SQLite), stays there while that server lives, moves when it stops or its lease
// expires; other jobs run everywhere; an error is reported and the job keeps its schedule; stopping waits.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Job } from '../../src/jobs/job.ts';
import { JobRunner, leaseMs } from '../../src/jobs/runner.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { engines, freshStore, PG_URL, type TestStore } from '../support/db.ts';

async function secondStore(s: TestStore): Promise<Store> {
  if (s.store.engine === 'sqlite') return s.store;
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(s.store.kysely);
  const url = new URL(PG_URL!);
  url.pathname = `/${rows[0]!.name}`;
  return openStore({ databaseUrl: url.toString(), dataDir: '' });
}

const noErrors = (job: string, error: unknown) => assert.fail(`${job}: ${String(error)}`);

function job(name: string, oncePerCluster: boolean, run: () => Promise<void>, intervalMs = 1_000): Job {
  return { name, intervalMs, oncePerCluster, run };
}

for (const engine of engines()) {
  describe(`job runner (${engine})`, () => {
    let s: TestStore;
    let other: Store;
    before(async () => {
      s = await freshStore(engine);
      other = await secondStore(s);
    });
    after(async () => {
      if (other !== s.store) await other.close();
      await s.cleanup();
    });

    it('runs a once-per-cluster job on one of two servers, and moves it when that one stops', async () => {
      const runs = { a: 0, b: 0 };
      const everywhere = { a: 0, b: 0 };
      const clock = { now: new Date('2026-11-25T10:00:00.000Z') };
      const runner = (store: Store, who: 'a' | 'b') =>
        new JobRunner(
          store,
          [
            job('prune', true, async () => void runs[who]++),
            job('deliver', false, async () => void everywhere[who]++),
          ],
          { holder: `server-${who}`, now: () => clock.now, onError: noErrors },
        );
      const a = runner(s.store, 'a');
      const b = runner(other, 'b');
      for (let round = 0; round < 3; round++) {
        const [ranA, ranB] = await Promise.all([a.tick('prune'), b.tick('prune')]);
        assert.equal(Number(ranA) + Number(ranB), 1, `round ${round}: exactly one server ran it`);
        await Promise.all([a.tick('deliver'), b.tick('deliver')]);
      }
      assert.equal(runs.a + runs.b, 3);
      assert.ok(runs.a === 3 || runs.b === 3, 'the holder keeps it while it lives');
      assert.deepEqual(everywhere, { a: 3, b: 3 }, 'other jobs run on every server');

      const [holder, successor, successorRuns] = runs.a === 3 ? [a, b, () => runs.b] : [b, a, () => runs.a];
      await holder.stop();
      assert.equal(await successor.tick('prune'), true, 'a stopped server gives its lease up');
      assert.equal(successorRuns(), 1);
      await successor.stop();
    });

    it('hands a once-per-cluster job over when its holder stops renewing and the lease expires', async () => {
      const clock = { now: new Date('2026-11-25T11:00:00.000Z') };
      const ran: string[] = [];
      const make = (store: Store, who: string) =>
        new JobRunner(store, [job('checkpoints', true, async () => void ran.push(who), 5_000)], {
          holder: who,
          now: () => clock.now,
          onError: noErrors,
        });
      const crashed = make(s.store, 'crashed');
      const survivor = make(other, 'survivor');
      assert.equal(await crashed.tick('checkpoints'), true);
      // `crashed` never runs again and never releases: its lease lasts leaseMs from its last renewal.
      clock.now = new Date(clock.now.getTime() + leaseMs(crashed.jobs[0]!) - 1);
      assert.equal(await survivor.tick('checkpoints'), false);
      clock.now = new Date(clock.now.getTime() + 1);
      assert.equal(await survivor.tick('checkpoints'), true);
      assert.deepEqual(ran, ['crashed', 'survivor']);
      await survivor.stop();
    });

    it('reports an error and keeps the job on its schedule', async () => {
      const errors: string[] = [];
      let runs = 0;
      const runner = new JobRunner(
        s.store,
        [
          job(
            'flaky',
            true,
            async () => {
              runs++;
              if (runs <= 2) throw new Error(`run ${runs} failed`);
            },
            5,
          ),
        ],
        { holder: 'server-a', onError: (name, e) => errors.push(`${name}: ${(e as Error).message}`) },
      );
      runner.start();
      const deadline = Date.now() + 10_000;
      while (runs < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      await runner.stop();
      assert.ok(runs >= 4, `ran ${runs} times`);
      assert.deepEqual(errors, ['flaky: run 1 failed', 'flaky: run 2 failed']);
    });

    it('waits for the run in progress when stopping, and never runs a job beside itself', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let active = 0;
      let most = 0;
      let finished = false;
      const runner = new JobRunner(
        s.store,
        [
          job('slow', false, async () => {
            most = Math.max(most, ++active);
            await gate;
            active--;
            finished = true;
          }),
        ],
        { holder: 'server-a', onError: noErrors },
      );
      const first = runner.tick('slow');
      const second = runner.tick('slow');
      let stopped = false;
      const stopping = runner.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(stopped, false, 'stop waits for the run');
      release();
      await Promise.all([first, second, stopping]);
      assert.equal(finished, true);
      assert.equal(most, 1);
    });
  });
}
