// Reads of the ledger for auditors and tools: entries by range, inclusion and consistency proofs. An entry
// is found by the event id of its signed text, never by the editable column beside it. (The events about
// one subject, a change's history, are read by ChangesReadModel.events: the one query of them.)
import { AppError } from '../../contracts/errors.ts';
import type { Store } from '../../store/database.ts';
import { signedField } from '../../store/ledger-fields.ts';
import { LedgerRepository } from '../../store/ledger.repository.ts';

export class LedgerReadModel {
  private readonly store: Store;
  private readonly ledger: LedgerRepository;

  constructor(store: Store) {
    this.store = store;
    this.ledger = new LedgerRepository(store);
  }

  size(): Promise<number> {
    return this.ledger.size();
  }

  async entries(start: number, limit: number) {
    const rows = await this.store.db
      .selectFrom('ledger_entries')
      .select(['seq', 'canonical', 'leaf_hash'])
      .where('seq', '>=', start)
      .where('seq', '<', start + limit)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      index: Number(r.seq),
      leafHash: Buffer.from(r.leaf_hash, 'hex').toString('base64'),
      entry: r.canonical,
    }));
  }

  async indexOfEvent(eventId: string): Promise<number> {
    const row = await this.store.db
      .selectFrom('ledger_entries')
      .select('seq')
      .where(signedField(this.store.engine, 'id'), '=', eventId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `no ledger entry for event ${eventId}`);
    return Number(row.seq);
  }

  async inclusion(index: number, size: number) {
    const current = await this.ledger.size();
    if (size > current)
      throw new AppError('validation_failed', `the ledger has ${current} entries, fewer than size ${size}`);
    if (index >= size)
      throw new AppError(
        'validation_failed',
        `entry ${index} is not in a tree of ${size}; wait for the next checkpoint or ask for one`,
      );
    const [entry] = await this.entries(index, 1);
    const proof = await this.ledger.tree.inclusionProof(index, size);
    return {
      index,
      size,
      leafHash: entry!.leafHash,
      entry: entry!.entry,
      proof: proof.map((h) => h.toString('base64')),
    };
  }

  async consistency(from: number, to: number) {
    const current = await this.ledger.size();
    if (to > current)
      throw new AppError('validation_failed', `the ledger has ${current} entries, fewer than ${to}`);
    if (from > to) throw new AppError('validation_failed', `from (${from}) must not exceed to (${to})`);
    const proof = await this.ledger.tree.consistencyProof(from, to);
    return { from, to, proof: proof.map((h) => h.toString('base64')) };
  }
}
