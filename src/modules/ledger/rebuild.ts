// `changeproof verify --rebuild`: replays the whole ledger into fresh projection tables (an in-memory
// SQLite database) with the same Projector the live system uses, then compares them with the live tables
// row by row. A direct UPDATE, INSERT or DELETE in the database shows up as a named difference.
import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../../domain/events.ts';
import { openStore, type Store } from '../../store/database.ts';
import { Projector } from '../../store/projector.ts';
import { PROJECTION_TABLES, type DB } from '../../store/schema.ts';

type Table = (typeof PROJECTION_TABLES)[number];

const KEYS: Record<Table, string[]> = {
  changes: ['id'],
  change_services: ['service', 'number'],
  services: ['name'],
  users: ['username'],
  api_tokens: ['id'],
  policies: ['version'],
  ledger_meta: ['key'],
};

export interface Difference {
  table: string;
  key: string;
  problem: 'missing' | 'unexpected' | 'changed';
  columns: { column: string; live: unknown; rebuilt: unknown }[];
}

export interface RebuildReport {
  entries: number;
  ledgerProblems: string[];
  tables: { table: string; live: number; rebuilt: number }[];
  differences: Difference[];
  ok: boolean;
}

const norm = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);

async function rows(store: Store, table: Table): Promise<Map<string, Record<string, unknown>>> {
  const all = (await store.kysely
    .selectFrom(table as keyof DB)
    .selectAll()
    .execute()) as Record<string, unknown>[];
  return new Map(all.map((r) => [KEYS[table].map((k) => String(norm(r[k]))).join('/'), r]));
}

export async function rebuildAndCompare(
  live: Store,
  onProgress?: (done: number) => void,
): Promise<RebuildReport> {
  const fresh = openStore({ dataDir: '', memory: true });
  try {
    await fresh.migrate();
    const projector = new Projector(fresh);
    const ledgerProblems: string[] = [];
    let entries = 0;
    let batch: RecordedEvent[] = [];
    const flush = async () => {
      const events = batch;
      batch = [];
      await fresh.write(async () => {
        for (const e of events) await projector.apply(e);
      });
      onProgress?.(entries);
    };
    for (let from = 0; ; from += 1000) {
      const page = await live.kysely
        .selectFrom('ledger_entries')
        .select(['seq', 'canonical', 'leaf_hash'])
        .where('seq', '>=', from)
        .orderBy('seq')
        .limit(1000)
        .execute();
      for (const row of page) {
        const seq = Number(row.seq);
        if (seq !== entries) ledgerProblems.push(`entry ${entries}: missing (next entry is ${seq})`);
        const hash = createHash('sha256').update(Buffer.of(0)).update(row.canonical, 'utf8').digest('hex');
        if (hash !== row.leaf_hash) ledgerProblems.push(`entry ${seq}: leaf hash does not match its text`);
        batch.push(JSON.parse(row.canonical) as RecordedEvent);
        entries = seq + 1;
      }
      await flush();
      if (page.length < 1000) break;
    }
    const tables: RebuildReport['tables'] = [];
    const differences: Difference[] = [];
    for (const table of PROJECTION_TABLES) {
      const [a, b] = [await rows(live, table), await rows(fresh, table)];
      tables.push({ table, live: a.size, rebuilt: b.size });
      for (const [key, rebuilt] of b) {
        const actual = a.get(key);
        if (!actual) {
          differences.push({ table, key, problem: 'missing', columns: [] });
          continue;
        }
        const columns = Object.keys(rebuilt)
          .filter((c) => norm(actual[c]) !== norm(rebuilt[c]))
          .map((c) => ({ column: c, live: norm(actual[c]), rebuilt: norm(rebuilt[c]) }));
        if (columns.length > 0) differences.push({ table, key, problem: 'changed', columns });
      }
      for (const key of a.keys())
        if (!b.has(key)) differences.push({ table, key, problem: 'unexpected', columns: [] });
    }
    return {
      entries,
      ledgerProblems,
      tables,
      differences,
      ok: differences.length === 0 && ledgerProblems.length === 0,
    };
  } finally {
    await fresh.close();
  }
}

export function formatRebuildReport(report: RebuildReport): string {
  const out = [`Replayed ${report.entries} ledger entries into fresh projection tables.`];
  for (const p of report.ledgerProblems) out.push(`LEDGER  ${p}`);
  for (const t of report.tables) out.push(`table ${t.table}: ${t.live} live rows, ${t.rebuilt} rebuilt`);
  for (const d of report.differences) {
    if (d.problem === 'missing')
      out.push(`DIFF  ${d.table} ${d.key}: in the ledger but missing from the table`);
    else if (d.problem === 'unexpected')
      out.push(`DIFF  ${d.table} ${d.key}: in the table but no ledger event made it`);
    else
      for (const c of d.columns)
        out.push(
          `DIFF  ${d.table} ${d.key}.${c.column}: live ${JSON.stringify(c.live)}, ledger says ${JSON.stringify(c.rebuilt)}`,
        );
  }
  out.push(
    report.ok
      ? 'OK: the tables are exactly what the ledger says.'
      : `FAILED: ${report.differences.length} difference(s), ${report.ledgerProblems.length} ledger problem(s).`,
  );
  return `${out.join('\n')}\n`;
}
