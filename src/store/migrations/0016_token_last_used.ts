// When each API token last authenticated a request, for the people who must decide which tokens to revoke.
// Kept beside the token's hash in `credentials`, not in `api_tokens`: that table is a projection rebuilt from
// the ledger, and a use is not an event worth recording there.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('credentials').addColumn('last_used_at', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
