// Idempotency records: the outcome of a keyed command, stored in the command's own transaction so that a
// retry either finds the first outcome or finds that nothing was done. Not events: they expire.
import type { Store } from '../../store/database.ts';
import { Prepared } from '../../store/prepared.ts';
import type { IdempotencyTable } from '../../store/schema.ts';

/** A stored outcome: exactly a row of `idempotency_keys`. */
export type IdempotencyRecord = IdempotencyTable;

const priorResult = new Prepared((db, p: { actor: string; key: string }) =>
  db.selectFrom('idempotency_keys').selectAll().where('actor', '=', p.actor).where('key', '=', p.key),
);

export class IdempotencyRepository {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async find(actor: string, key: string): Promise<IdempotencyRecord | undefined> {
    return priorResult.first(this.store, { actor, key });
  }

  async save(record: IdempotencyRecord): Promise<void> {
    // Held until just before COMMIT and written with the batch's other records in one statement.
    await this.store.insertLater('idempotency_keys', [record]);
  }

  async forget(actor: string, key: string): Promise<void> {
    await this.store.db
      .deleteFrom('idempotency_keys')
      .where('actor', '=', actor)
      .where('key', '=', key)
      .execute();
  }

  /** Deletes every record created before `cutoff` (ISO time). */
  async prune(cutoff: string): Promise<void> {
    await this.store.db.deleteFrom('idempotency_keys').where('created_at', '<', cutoff).execute();
  }
}
