// The policy projection: every policy version activated, with its source, in order.
import type { PolicyEvent, RecordedEvent } from '../../domain/events.ts';
import { memoKeys } from '../../store/memo-keys.ts';
import type { Projection } from '../../store/projection.ts';

export const policyProjection: Projection = {
  name: 'policy',
  version: 1,
  handles: ['policy.activated'],
  tables: [{ name: 'policies', key: ['version'] }],
  async apply(store, recorded) {
    const { data: d, at, actor } = recorded as RecordedEvent<PolicyEvent>;
    // The newest policy the batch remembers is no longer the newest.
    store.memoSet(memoKeys.policy, undefined);
    await store.db
      .insertInto('policies')
      .values({
        version: d.version,
        name: d.name,
        sha256: d.sha256,
        source: d.source,
        activated_at: at,
        activated_by: actor.id,
        change_id: d.changeId,
      })
      .execute();
  },
};
