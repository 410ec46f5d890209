// `changeproof verify --rebuild`: replays the whole ledger into fresh projection tables (an in-memory
// SQLite database) with the same projections the live system applies, then compares every table they own
// with the live one row by row, naming rows by each table's key. A direct UPDATE, INSERT or DELETE in the
// database shows up as a named difference. The ledger itself is checked against its signed text and signed
// checkpoints by LedgerAudit.
import type { RecordedEvent } from '../../domain/events.ts';
import { openStore, type Store } from '../../store/database.ts';
import type { Projections, ProjectionTable } from '../../store/projection.ts';
import type { DB } from '../../store/schema.ts';
import { PROJECTIONS } from '../projections.ts';
import { LedgerAudit } from './ledger-audit.ts';
import type { SignedHead } from './signed-state.ts';

export interface Difference {
  table: string;
  key: string;
  problem: 'missing' | 'unexpected' | 'changed';
  columns: { column: string; live: unknown; rebuilt: unknown }[];
}

export interface RebuildReport {
  entries: number;
  /** Signed checkpoints the ledger was checked against. */
  checkpoints: number;
  ledgerProblems: string[];
  /** The first ledger entry the report cannot vouch for, or null when the ledger checks out. */
  firstBadIndex: number | null;
  tables: { table: string; live: number; rebuilt: number }[];
  differences: Difference[];
  ok: boolean;
}

const norm = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);

async function rows(store: Store, table: ProjectionTable): Promise<Map<string, Record<string, unknown>>> {
  // The table names come from the registered projections, not from input.
  const all = (await store.kysely
    .selectFrom(table.name as keyof DB)
    .selectAll()
    .execute()) as Record<string, unknown>[];
  return new Map(all.map((r) => [table.key.map((k) => String(norm(r[k]))).join('/'), r]));
}

export interface RebuildOptions {
  /** The log's verifier keys checkpoints must be signed with; by default the keys the ledger activated. */
  keys?: readonly string[];
  /** What this server last signed (`<data dir>/ledger.state`), kept outside the database. */
  signedHead?: SignedHead | null;
  onProgress?: (done: number) => void;
  /** The projections to replay and compare; by default every feature's (src/modules/projections.ts). */
  projections?: Projections;
  /** Creates, in the scratch database, tables the migrations do not (a projection defined by a test). */
  prepare?: (scratch: Store) => Promise<void>;
}

/** Page size of the replay: a power of two, so the tree nodes a page completes are aligned to it. */
const PAGE = 1024;

export async function rebuildAndCompare(live: Store, options: RebuildOptions = {}): Promise<RebuildReport> {
  const fresh = openStore({ dataDir: '', memory: true });
  try {
    const projections = options.projections ?? PROJECTIONS;
    await fresh.migrate(projections);
    await options.prepare?.(fresh);
    const audit = new LedgerAudit(live, options);
    await audit.start();
    const replayProblems: string[] = [];
    let entries = 0;
    let batch: { seq: number; event: RecordedEvent }[] = [];
    const flush = async () => {
      const events = batch;
      batch = [];
      try {
        await fresh.write(async () => {
          for (const e of events) await projections.apply(fresh, e.event);
        });
      } catch {
        // An altered entry can be an event no projection can apply: replay one by one to name it.
        for (const e of events)
          await fresh
            .write(() => projections.apply(fresh, e.event))
            .catch((err: unknown) =>
              replayProblems.push(`entry ${e.seq}: cannot be replayed (${(err as Error).message})`),
            );
      }
      options.onProgress?.(entries);
    };
    let after = -1;
    for (;;) {
      const page = await live.kysely
        .selectFrom('ledger_entries')
        .selectAll()
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(PAGE)
        .execute();
      for (const row of page) {
        const event = audit.entry(row);
        if (event) batch.push({ seq: Number(row.seq), event });
        entries += 1;
        after = Number(row.seq);
      }
      await audit.checkNodes();
      await flush();
      if (page.length < PAGE) break;
    }
    const ledger = audit.finish();
    const ledgerProblems = [...ledger.problems, ...replayProblems];
    const tables: RebuildReport['tables'] = [];
    const differences: Difference[] = [];
    for (const spec of projections.tables()) {
      const table = spec.name;
      const [a, b] = [await rows(live, spec), await rows(fresh, spec)];
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
      checkpoints: audit.checkpoints,
      ledgerProblems,
      firstBadIndex: ledger.firstBadIndex,
      tables,
      differences,
      ok: differences.length === 0 && ledgerProblems.length === 0,
    };
  } finally {
    await fresh.close();
  }
}

export function formatRebuildReport(report: RebuildReport): string {
  const out = [
    `Replayed ${report.entries} ledger entries into fresh projection tables; checked them against ${report.checkpoints} signed checkpoint(s).`,
  ];
  for (const p of report.ledgerProblems) out.push(`LEDGER  ${p}`);
  if (report.firstBadIndex !== null)
    out.push(`LEDGER  first entry that does not verify: ${report.firstBadIndex}`);
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
