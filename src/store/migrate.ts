// Migrations are listed here in order rather than discovered on disk, so a build or a bundler can never
// skip one; a migration never changes once released.
import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import * as m0001 from './migrations/0001_initial.ts';
import * as m0002 from './migrations/0002_ledger_tree.ts';
import * as m0003 from './migrations/0003_change_search.ts';
import * as m0004 from './migrations/0004_change_origin.ts';
import * as m0005 from './migrations/0005_sessions.ts';
import * as m0006 from './migrations/0006_ledger_signed_fields.ts';
import * as m0007 from './migrations/0007_projection_state.ts';
import * as m0008 from './migrations/0008_change_services_filters.ts';
import * as m0009 from './migrations/0009_outbox_delivery.ts';
import * as m0010 from './migrations/0010_projection_versions.ts';
import * as m0013 from './migrations/0013_follow_ups.ts';
import * as m0014 from './migrations/0014_gate.ts';
import * as m0015 from './migrations/0015_calendar_feeds.ts';
import * as m0016 from './migrations/0016_token_last_used.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_ledger_tree': m0002,
  '0003_change_search': m0003,
  '0004_change_origin': m0004,
  '0005_sessions': m0005,
  '0006_ledger_signed_fields': m0006,
  '0007_projection_state': m0007,
  '0008_change_services_filters': m0008,
  '0009_outbox_delivery': m0009,
  '0010_projection_versions': m0010,
  '0013_follow_ups': m0013,
  '0014_gate': m0014,
  '0015_calendar_feeds': m0015,
  '0016_token_last_used': m0016,
};

/** Names of the migrations this database has not run yet. */
export async function pendingMigrations(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Runs the migrations not yet run, up to `target` (a name such as `0003_change_search`) or to the last. */
export async function migrateToLatest(db: Kysely<unknown>, target?: string): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
  });
  const result = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `migration ${failed} failed: ${result.error instanceof Error ? result.error.message : JSON.stringify(result.error)}`,
      { cause: result.error },
    );
  }
  return result;
}
