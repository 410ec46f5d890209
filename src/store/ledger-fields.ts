// Fields of a ledger entry as its signed text (`canonical`) says them, for WHERE clauses. The plain
// columns beside `canonical` (subject, event_id, …) are a convenience an insider can UPDATE without
// touching a hash; what the application looks entries up by must come from the signed text instead.
// Each expression is written exactly as in migration 0006, so the engine uses that migration's index.
import { sql, type RawBuilder } from 'kysely';
import type { Engine } from './database.ts';

export type SignedField = 'subject' | 'id';

const SQLITE: Record<SignedField, RawBuilder<string>> = {
  subject: sql<string>`json_extract(canonical, '$.subject')`,
  id: sql<string>`json_extract(canonical, '$.id')`,
};

const POSTGRES: Record<SignedField, RawBuilder<string>> = {
  subject: sql<string>`((canonical::jsonb) ->> 'subject')`,
  id: sql<string>`((canonical::jsonb) ->> 'id')`,
};

/** `field` of the signed entry, as an indexed SQL expression of `engine`. */
export function signedField(engine: Engine, field: SignedField): RawBuilder<string> {
  return (engine === 'sqlite' ? SQLITE : POSTGRES)[field];
}
