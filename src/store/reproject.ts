// Rebuilds a projection's tables from the ledger when they were built by another version of it. The ledger
// is the record; the tables are derived from it, so an upgrade that changes what a projection writes for
// the same events replays the ledger once, in one transaction, instead of leaving tables that
// `verify --rebuild` would report as different in every row. Each projection's version is its own
// (`projection:<name>` in projection_state), so raising one rebuilds only that one's tables.
import type { Store } from './database.ts';
import { LedgerRepository } from './ledger.repository.ts';
import { Projections, type Projection } from './projection.ts';

export const versionKey = (p: Projection) => `projection:${p.name}`;

/** Replays the ledger into every projection whose stored version is not its own; returns entries read. */
export async function reprojectIfStale(
  store: Store,
  projections: Projections,
  onProgress: (replayed: number) => void = () => undefined,
): Promise<number> {
  return store.write(async () => {
    const db = store.db;
    const rows = await db.selectFrom('projection_state').selectAll().execute();
    const built = new Map(rows.map((r) => [r.key, r.value]));
    const stale = projections.all.filter((p) => built.get(versionKey(p)) !== String(p.version));
    if (stale.length === 0) return 0;
    let replayed = 0;
    const entries = await db
      .selectFrom('ledger_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(entries.n) > 0) {
      for (const p of stale) await Projections.reset(store, p);
      const rebuilding = new Set(stale);
      for await (const event of new LedgerRepository(store).all()) {
        // Resolved for every entry, so an event no projection handles stops the start, as it would a write.
        const p = projections.of(event.type);
        if (rebuilding.has(p)) await p.apply(store, event);
        if (++replayed % 10_000 === 0) onProgress(replayed);
      }
    }
    for (const p of stale) {
      const value = String(p.version);
      await db
        .insertInto('projection_state')
        .values({ key: versionKey(p), value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    }
    return replayed;
  });
}
