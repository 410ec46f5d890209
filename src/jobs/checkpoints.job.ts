// Issues checkpoints on the policy's schedule: while entries arrive, every `checkpointEvery`; when idle, at
// least every `checkpointIdle`, so a stretch of time without checkpoints is itself evidence. Once per
// cluster: one server signs the scheduled checkpoints.
import type { CheckpointService } from '../modules/ledger/checkpoints.service.ts';
import type { PolicyService } from '../modules/policy/policy.service.ts';
import type { Job } from './job.ts';

export function checkpointsJob(
  checkpoints: Pick<CheckpointService, 'due' | 'issue'>,
  policies: Pick<PolicyService, 'active'>,
  intervalMs = 5_000,
): Job {
  return {
    name: 'checkpoints',
    intervalMs,
    oncePerCluster: true,
    run: async () => {
      const { ledger } = (await policies.active()).policy;
      const reason = await checkpoints.due(ledger.checkpointEveryMinutes, ledger.checkpointIdleMinutes);
      if (reason) await checkpoints.issue(reason);
    },
  };
}
