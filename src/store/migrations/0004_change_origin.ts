// Where a change came from and which supplier it concerns (ISO/IEC 27001:2022 A.5.21–5.22): two filter
// columns, indexed with the change number like the others so a filtered list walks newest first and stops
// after a page. Changes recorded before keep their ledger entries untouched; their projected rows are brought
// to what replaying those entries now gives: the record gains the new fields at their defaults, and the
// text search also reads the supplier impact. Only rows whose search text changes are rewritten in the text
// index, so the upgrade stays quick on a large database.
import { sql, type Kysely } from 'kysely';
import { canonicalJson } from '../../ledger/canonical.ts';

/** What a replay gives the new fields of a change recorded before them. */
const DEFAULTS = {
  origin: 'internal',
  supplier: null,
  supplierReference: null,
  customerCommunication: '',
  supplierAccessReview: null,
};

const BATCH = 500;

/**
 * The record with the new fields, as RFC 8785 text. The stored text is canonical already, so parsing it keeps
 * every object's keys in canonical order unless a key looks like an array index (JavaScript puts those
 * first); only then is the slower full canonicalisation needed. Sorting the top level places the new keys,
 * and JSON.stringify writes strings and safe integers exactly as RFC 8785 does.
 */
function withDefaults(text: string, old: Record<string, unknown>): string {
  const merged = { ...DEFAULTS, ...old };
  if (/"(?:0|[1-9][0-9]*)":/.test(text)) return canonicalJson(merged);
  const keys = Object.keys(merged).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, merged[k as keyof typeof merged]])));
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('changes')
    .addColumn('origin', 'text', (c) => c.notNull().defaultTo('internal'))
    .execute();
  await db.schema.alterTable('changes').addColumn('supplier', 'text').execute();
  for (const column of ['origin', 'supplier'])
    await db.schema.createIndex(`changes_${column}`).on('changes').columns([column, 'number']).execute();

  // SQLite runs migrations outside a transaction (PostgreSQL inside one): one transaction, one fsync.
  const backfill = async (trx: Kysely<unknown>) => {
    for (let after = 0; ;) {
      const { rows } = await sql<{ number: number | string; search: string; doc: string }>`
        select number, search, doc from changes where number > ${after} order by number limit ${BATCH}`.execute(
        trx,
      );
      for (const row of rows) {
        const old = JSON.parse(row.doc) as Record<string, unknown>;
        const doc = withDefaults(row.doc, old);
        const impact = typeof old.supplierImpact === 'string' ? old.supplierImpact : '';
        const search = [`${String(old.id)} ${String(old.title)} ${String(old.description)}`, impact]
          .filter((s) => s)
          .join(' ')
          .toLowerCase();
        if (search === row.search)
          await sql`update changes set doc = ${doc} where number = ${row.number}`.execute(trx);
        else
          await sql`update changes set doc = ${doc}, search = ${search} where number = ${row.number}`.execute(
            trx,
          );
      }
      if (rows.length < BATCH) break;
      after = Number(rows.at(-1)!.number);
    }
  };
  if (db.isTransaction) await backfill(db);
  else await db.transaction().execute(backfill);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: restore a backup to go back');
}
