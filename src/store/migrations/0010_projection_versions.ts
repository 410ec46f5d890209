// Projection versions per feature (ADR 0008). Until now one number, `projector_version`, said which
// projector built every projection table; now each feature's projection keeps its own version under
// `projection:<name>`. Tables built by projector version 2 hold exactly what the projections write at
// their version 1, so such a database gets those rows and is not replayed at start; any other value is
// dropped, and the start-up check then rebuilds every projection from the ledger, as it did before.
import { sql, type Kysely } from 'kysely';

/** The projections as they were split out of projector version 2; fixed, like every migration. */
const SPLIT_FROM_V2 = ['changes', 'services', 'identity', 'policy', 'ledger'];

export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{
    value: string;
  }>`select value from projection_state where key = 'projector_version'`.execute(db);
  if (rows[0]?.value === '2')
    for (const name of SPLIT_FROM_V2)
      await sql`insert into projection_state (key, value) values (${`projection:${name}`}, '1')`.execute(db);
  await sql`delete from projection_state where key = 'projector_version'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
