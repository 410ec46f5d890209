// Issues checkpoints on the policy's schedule: while entries arrive, every `checkpointEvery`; when idle,
// at least every `checkpointIdle`, so a stretch of time without checkpoints is itself evidence.
import type { PolicyService } from '../policy/policy.service.ts';
import type { CheckpointService } from './checkpoints.service.ts';

export class CheckpointScheduler {
  private readonly checkpoints: CheckpointService;
  private readonly policies: Pick<PolicyService, 'active'>;
  private readonly onError: (err: unknown) => void;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    checkpoints: CheckpointService,
    policies: Pick<PolicyService, 'active'>,
    onError: (err: unknown) => void,
  ) {
    this.checkpoints = checkpoints;
    this.policies = policies;
    this.onError = onError;
  }

  async tick(): Promise<void> {
    this.running ??= (async () => {
      const { ledger } = (await this.policies.active()).policy;
      const reason = await this.checkpoints.due(ledger.checkpointEveryMinutes, ledger.checkpointIdleMinutes);
      if (reason) await this.checkpoints.issue(reason);
    })()
      .catch(this.onError)
      .finally(() => (this.running = null));
    return this.running;
  }

  start(checkMs = 5_000): void {
    this.timer = setInterval(() => void this.tick(), checkMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
