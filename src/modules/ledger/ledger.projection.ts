// The ledger's own projection: the log's origin and the verifier key it signs with now, from its
// `ledger.key_activated` events (the first at init, then one per rotation).
import type { LedgerEvent, RecordedEvent } from '../../domain/events.ts';
import type { Projection } from '../../store/projection.ts';

export const ledgerProjection: Projection = {
  name: 'ledger',
  version: 1,
  handles: ['ledger.key_activated'],
  tables: [{ name: 'ledger_meta', key: ['key'] }],
  async apply(store, recorded) {
    const { data: d } = recorded as RecordedEvent<LedgerEvent>;
    for (const [key, value] of [
      ['origin', d.origin],
      ['verifier_key', d.verifierKey],
    ] as const)
      await store.db
        .insertInto('ledger_meta')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
  },
};
