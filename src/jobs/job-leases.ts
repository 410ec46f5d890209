// Leases of once-per-cluster jobs: a row per job naming the server that runs it until when. A holder renews
// while it lives; a crashed holder's lease expires and another server takes over (ADR 0009). Each write is
// one short statement outside the serialised write transaction.
import type { Store } from '../store/database.ts';

export class JobLeases {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Takes or renews the lease of `job` for `holder` until `now + ttlMs`; false while another holds it. */
  async acquire(job: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + ttlMs).toISOString();
    await this.store.kysely
      .insertInto('job_leases')
      .values({ job, holder, lease_until: until, updated_at: at })
      .onConflict((oc) => oc.column('job').doNothing())
      .execute();
    const result = await this.store.kysely
      .updateTable('job_leases')
      .set({ holder, lease_until: until, updated_at: at })
      .where('job', '=', job)
      .where((eb) => eb.or([eb('holder', '=', holder), eb('lease_until', '<=', at)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives the lease up, so another server need not wait for it to expire. */
  async release(job: string, holder: string): Promise<void> {
    await this.store.kysely
      .deleteFrom('job_leases')
      .where('job', '=', job)
      .where('holder', '=', holder)
      .execute();
  }
}
