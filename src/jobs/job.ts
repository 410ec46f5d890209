// A background job: what runs, how often, and whether one server of the cluster runs it at a time.
export interface Job {
  /** Unique; the key of its lease when it runs once per cluster. */
  readonly name: string;
  /** The pause between the end of one run and the start of the next. */
  readonly intervalMs: number;
  /** Runs on one server of the cluster at a time, the holder of its lease in `job_leases`. */
  readonly oncePerCluster: boolean;
  run(): Promise<void>;
}
