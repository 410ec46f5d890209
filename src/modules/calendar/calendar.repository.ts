// The secrets of personal feed tokens: their hashes in `credentials`, beside passwords and API tokens,
// outside the ledger and the projection.
import type { Store } from '../../store/database.ts';

export class CalendarRepository {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async setFeedSecret(id: string, hash: string, at: string): Promise<void> {
    await this.store.db
      .insertInto('credentials')
      .values({ kind: 'calendar_feed', subject: id, secret_hash: hash, updated_at: at })
      .execute();
  }

  /** A revoked feed keeps no secret. */
  async dropFeedSecret(id: string): Promise<void> {
    await this.store.db
      .deleteFrom('credentials')
      .where('kind', '=', 'calendar_feed')
      .where('subject', '=', id)
      .execute();
  }
}
