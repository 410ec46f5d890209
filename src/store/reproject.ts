// Rebuilds the projection tables from the ledger when they were built by another version of the projector.
// The ledger is the record; the tables are derived from it, so an upgrade that changes what the projector
// writes for the same events replays the ledger once, in one transaction, instead of leaving tables that
// `verify --rebuild` would report as different in every row.
import type { Store } from './database.ts';
import { LedgerRepository } from './ledger.repository.ts';
import { PROJECTION_VERSION, Projector } from './projector.ts';
import { PROJECTION_TABLES } from './schema.ts';

const KEY = 'projector_version';

/** Replays the ledger into the projection tables if they were built by another projector; returns entries replayed. */
export async function reprojectIfStale(
  store: Store,
  onProgress: (replayed: number) => void = () => undefined,
): Promise<number> {
  return store.write(async () => {
    const db = store.db;
    const row = await db
      .selectFrom('projection_state')
      .select('value')
      .where('key', '=', KEY)
      .executeTakeFirst();
    if (row?.value === String(PROJECTION_VERSION)) return 0;
    let replayed = 0;
    const entries = await db
      .selectFrom('ledger_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(entries.n) > 0) {
      // Children first: change_services rows name their change.
      for (const table of [...PROJECTION_TABLES].reverse()) await db.deleteFrom(table).execute();
      const projector = new Projector(store);
      for await (const event of new LedgerRepository(store).all()) {
        await projector.apply(event);
        if (++replayed % 10_000 === 0) onProgress(replayed);
      }
    }
    await db
      .insertInto('projection_state')
      .values({ key: KEY, value: String(PROJECTION_VERSION) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(PROJECTION_VERSION) }))
      .execute();
    return replayed;
  });
}
