// Recording plain events straight through the Recorder, for tests of what happens after commit.
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { PROJECTIONS } from '../../src/modules/projections.ts';
import type { Store } from '../../src/store/database.ts';
import { Recorder } from '../../src/store/recorder.ts';

let user = 0;

/** Records `n` events, one transaction each. */
export async function recordEvents(store: Store, n: number): Promise<void> {
  const recorder = new Recorder(store, PROJECTIONS);
  for (let i = 0; i < n; i++)
    await store.write(() =>
      recorder.record(SYSTEM_ACTOR, '2026-11-25T10:00:00.000Z', [
        { subject: `user:u${user++}`, event: { type: 'user.password_set', data: {} } },
      ]),
    );
}
