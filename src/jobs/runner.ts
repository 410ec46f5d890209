// Starts and stops every background job in one place. Each job runs, then waits its interval, then runs
// again, never overlapping itself; an error is reported and the job keeps its schedule. A once-per-cluster
// job runs only where its lease is held, renewed before each run and while it runs. Stopping waits for
// the runs in progress and gives the leases up.
import type { Store } from '../store/database.ts';
import type { Job } from './job.ts';
import { JobLeases } from './job-leases.ts';

export interface RunnerOptions {
  /** Who this server is in the leases. */
  holder: string;
  now?: () => Date;
  onError: (job: string, error: unknown) => void;
}

/** Long enough to outlast a pause between runs, so the holder keeps its lease while it lives. */
export const leaseMs = (job: Job) => Math.max(30_000, 3 * job.intervalMs);

export class JobRunner {
  readonly jobs: readonly Job[];
  private readonly leases: JobLeases;
  private readonly holder: string;
  private readonly now: () => Date;
  private readonly onError: (job: string, error: unknown) => void;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<boolean>>();
  private readonly held = new Set<string>();
  private started = false;

  constructor(store: Store, jobs: Job[], options: RunnerOptions) {
    if (new Set(jobs.map((j) => j.name)).size !== jobs.length) throw new Error('job names must be unique');
    this.jobs = jobs;
    this.leases = new JobLeases(store);
    this.holder = options.holder;
    this.now = options.now ?? (() => new Date());
    this.onError = options.onError;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const job of this.jobs) this.schedule(job);
  }

  /** Runs `name` now, or joins its run in progress; true if it ran here (false: another server's lease). */
  async tick(name: string): Promise<boolean> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job named ${name}`);
    let run = this.running.get(name);
    if (!run) {
      run = this.runOnce(job).finally(() => this.running.delete(name));
      this.running.set(name, run);
    }
    return run;
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running.values());
    for (const job of this.held)
      await this.leases.release(job, this.holder).catch((e: unknown) => this.onError(job, e));
    this.held.clear();
  }

  private schedule(job: Job): void {
    const timer = setTimeout(() => {
      this.timers.delete(job.name);
      void this.tick(job.name).finally(() => {
        if (this.started) this.schedule(job);
      });
    }, job.intervalMs);
    timer.unref();
    this.timers.set(job.name, timer);
  }

  private async runOnce(job: Job): Promise<boolean> {
    let heartbeat: NodeJS.Timeout | null = null;
    let ran = false;
    try {
      if (job.oncePerCluster) {
        if (!(await this.renew(job))) return false;
        heartbeat = setInterval(
          () => void this.renew(job).catch((e: unknown) => this.onError(job.name, e)),
          leaseMs(job) / 3,
        );
        heartbeat.unref();
      }
      ran = true;
      await job.run();
      return true;
    } catch (error) {
      this.onError(job.name, error);
      return ran;
    } finally {
      if (heartbeat) clearInterval(heartbeat);
    }
  }

  private async renew(job: Job): Promise<boolean> {
    const held = await this.leases.acquire(job.name, this.holder, this.now(), leaseMs(job));
    if (held) this.held.add(job.name);
    else this.held.delete(job.name);
    return held;
  }
}
