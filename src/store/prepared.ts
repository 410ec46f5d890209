// Queries on the write path, built with Kysely once per engine and then run with new parameters. Building
// and compiling a query costs more CPU than SQLite takes to run it, and every write request runs a dozen
// of them. The query is built with marker values in place of the parameters; the compiled parameter list
// is searched for the markers, and each run copies the list with the real values in their places.
import type { Compilable, CompiledQuery, Insertable, Kysely, Updateable } from 'kysely';
import type { Engine, Store } from './database.ts';
import type { DB } from './schema.ts';

const MARK = '\u0000param:';

interface Plan {
  compiled: CompiledQuery;
  /** For each compiled parameter: the name of the parameter it takes, or null to keep the built value. */
  slots: (string | null)[];
}

export class Prepared<P extends Record<string, unknown>, R> {
  private readonly build: (db: Kysely<DB>, p: P) => Compilable<R>;
  private readonly plans = new Map<Engine, Plan>();

  /** `build` must use each parameter as a whole value (`where('id', '=', p.id)`), never inside one. */
  constructor(build: (db: Kysely<DB>, p: P) => Compilable<R>) {
    this.build = build;
  }

  private plan(store: Store): Plan {
    let plan = this.plans.get(store.engine);
    if (plan) return plan;
    const used = new Set<string>();
    const markers = new Proxy({} as P, {
      get: (_, name) => {
        used.add(String(name));
        return MARK + String(name);
      },
    });
    const compiled = this.build(store.kysely, markers).compile();
    const slots = compiled.parameters.map((v) =>
      typeof v === 'string' && v.startsWith(MARK) ? v.slice(MARK.length) : null,
    );
    const placed = new Set(slots.filter((s) => s !== null));
    const lost = [...used].filter((name) => !placed.has(name));
    if (lost.length > 0 || compiled.sql.includes(MARK))
      throw new Error(`prepared query uses ${lost.join(', ')} other than as a whole value: ${compiled.sql}`);
    plan = { compiled, slots };
    this.plans.set(store.engine, plan);
    return plan;
  }

  /** The compiled query with these parameters. */
  compile(store: Store, params: P): CompiledQuery<R> {
    const { compiled, slots } = this.plan(store);
    const parameters = compiled.parameters.map((v, i) => {
      const slot = slots[i];
      return slot === null || slot === undefined ? v : params[slot];
    });
    return { ...compiled, parameters };
  }

  /** Runs on the store's current transaction, if one is open, like every repository query. */
  async execute(store: Store, params: P): Promise<R[]> {
    const result = await store.db.executeQuery<R>(this.compile(store, params));
    return result.rows;
  }

  async first(store: Store, params: P): Promise<R | undefined> {
    return (await this.execute(store, params))[0];
  }
}

type Row = Record<string, unknown>;
const inserts = new Map<string, Prepared<Row, unknown>>();

/** The columns a row sets: as in Kysely, an undefined value means the column is left out. */
const columnsOf = (row: object) =>
  Object.entries(row)
    .filter(([, v]) => v !== undefined)
    .map(([c]) => c);

/**
 * Inserts rows that all have the same columns, with one prepared statement per table, column list and
 * row count (events come one to a few at a time, so there are few of them).
 */
export async function insertRows<T extends keyof DB>(
  store: Store,
  table: T,
  rows: readonly Insertable<DB[T]>[],
): Promise<void> {
  const query = insertQuery(store, table, rows);
  if (query) await store.db.executeQuery(query);
}

/** The INSERT of `rows` (see insertRows), compiled; null for no rows. */
export function insertQuery<T extends keyof DB>(
  store: Store,
  table: T,
  rows: readonly Insertable<DB[T]>[],
): CompiledQuery | null {
  const first = rows[0];
  if (first === undefined) return null;
  const columns = columnsOf(first);
  for (const row of rows)
    if (columnsOf(row).join() !== columns.join())
      throw new Error(`insertRows(${table}): every row must set the same columns`);
  const key = `${table}(${columns.join(',')})×${rows.length}`;
  let query = inserts.get(key);
  if (!query) {
    const n = rows.length;
    query = new Prepared((db, p: Row) =>
      db
        .insertInto(table)
        .values(
          Array.from(
            { length: n },
            (_, i) => Object.fromEntries(columns.map((c) => [c, p[`${i}.${c}`]])) as Insertable<DB[T]>,
          ),
        ),
    );
    inserts.set(key, query);
  }
  const params: Row = {};
  rows.forEach((row, i) => {
    for (const c of columns) params[`${i}.${c}`] = (row as Row)[c];
  });
  return query.compile(store, params);
}

const updates = new Map<string, Prepared<Row, unknown>>();

/**
 * Sets `values` on the row whose `keyColumn` equals `key`, with one prepared statement per table and
 * column list. Callers pass only the columns that changed: SQLite rewrites every index on a column named
 * in SET, whether or not its value changed.
 */
export async function updateRow<T extends keyof DB>(
  store: Store,
  table: T,
  keyColumn: keyof DB[T] & string,
  key: unknown,
  values: Updateable<DB[T]>,
): Promise<void> {
  const columns = columnsOf(values);
  if (columns.length === 0) return;
  const cacheKey = `${table}[${keyColumn}](${columns.join(',')})`;
  let query = updates.get(cacheKey);
  if (!query) {
    // Built untyped: the caller's types already tie the columns to the table.
    const name: string = table;
    const where: string = keyColumn;
    query = new Prepared((db, p: Row) =>
      (db as unknown as Kysely<Record<string, Row>>)
        .updateTable(name)
        .set(Object.fromEntries(columns.map((c) => [c, p[`set.${c}`]])))
        .where(where, '=', p.key),
    );
    updates.set(cacheKey, query);
  }
  const params: Row = { key };
  for (const c of columns) params[`set.${c}`] = (values as Row)[c];
  await query.execute(store, params);
}
