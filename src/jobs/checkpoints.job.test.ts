import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckpointReason } from '../modules/ledger/checkpoints.service.ts';
import { checkpointsJob } from './checkpoints.job.ts';

describe('checkpoints job', () => {
  it('issues a checkpoint when the policy schedule says one is due, with its reason, and only then', async () => {
    let due: CheckpointReason | null = null;
    const asked: [number, number][] = [];
    const issued: CheckpointReason[] = [];
    const job = checkpointsJob(
      {
        due: async (every, idle) => {
          asked.push([every, idle]);
          return due;
        },
        issue: async (reason) => {
          issued.push(reason);
          return null as never;
        },
      },
      {
        active: async () =>
          ({ policy: { ledger: { checkpointEveryMinutes: 10, checkpointIdleMinutes: 60 } } }) as never,
      },
    );
    assert.equal(job.oncePerCluster, true);
    await job.run();
    due = 'idle';
    await job.run();
    assert.deepEqual(issued, ['idle']);
    assert.deepEqual(asked, [
      [10, 60],
      [10, 60],
    ]);
  });
});
