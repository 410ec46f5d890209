// A projection: the tables one feature derives from its own events. Each module declares one (its
// `<feature>.projection.ts`) and `src/modules/projections.ts` lists them; the Recorder applies every recorded
// event through that list, and the start-up replay and `verify --rebuild` walk the same list, so a new
// feature's tables are written, rebuilt and compared without editing any of them (ADR 0008).
import type { RecordedEvent } from '../domain/events.ts';
import type { Store } from './database.ts';

export interface ProjectionTable {
  name: string;
  /** The columns that identify a row: `verify --rebuild` names a differing row by them. */
  key: readonly string[];
}

export interface Projection {
  /** Stable: its version is stored under this name in `projection_state`. */
  readonly name: string;
  /**
   * Raise it whenever the same events would now give other rows (a new field, a new column): the start-up
   * check then rebuilds this projection's tables from the ledger.
   */
  readonly version: number;
  /** Exact event types (`policy.activated`) or a whole family (`change.*`). One projection per type. */
  readonly handles: readonly string[];
  /** The tables it alone writes, parents first (a reset empties them children first). */
  readonly tables: readonly ProjectionTable[];
  /**
   * Applies one event in the caller's transaction. It may read only its own tables: that is what lets one
   * projection be rebuilt alone, and replayed into an empty database for comparison.
   */
  apply(store: Store, event: RecordedEvent): Promise<void>;
}

const FAMILY = /^([a-z][a-z0-9_]*)\.\*$/;
const TYPE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

const familyOf = (type: string) => {
  const dot = type.indexOf('.');
  return dot < 0 ? '' : type.slice(0, dot);
};

/** The registered projections, checked once: every event type and every table has at most one owner. */
export class Projections {
  readonly all: readonly Projection[];
  private readonly exact = new Map<string, Projection>();
  private readonly families = new Map<string, Projection>();

  constructor(list: readonly Projection[]) {
    this.all = list;
    const names = new Set<string>();
    const tables = new Map<string, string>();
    for (const p of list) {
      if (names.has(p.name)) throw new Error(`two projections are named ${p.name}`);
      names.add(p.name);
      if (!Number.isSafeInteger(p.version) || p.version < 1)
        throw new Error(`projection ${p.name}: its version must be a positive integer`);
      for (const t of p.tables) {
        const owner = tables.get(t.name);
        if (owner) throw new Error(`projections ${owner} and ${p.name} both claim table ${t.name}`);
        tables.set(t.name, p.name);
      }
      for (const h of p.handles) this.claim(p, h);
    }
    for (const [type, p] of this.exact) {
      const other = this.families.get(familyOf(type));
      if (other && other !== p)
        throw new Error(`projections ${other.name} and ${p.name} both claim event type ${type}`);
    }
  }

  private claim(p: Projection, pattern: string): void {
    const family = FAMILY.exec(pattern)?.[1];
    if (family === undefined && !TYPE.test(pattern))
      throw new Error(
        `projection ${p.name}: "${pattern}" is neither an event type nor a family like change.*`,
      );
    const [map, key] = family === undefined ? [this.exact, pattern] : [this.families, family];
    const other = map.get(key);
    if (other) throw new Error(`projections ${other.name} and ${p.name} both claim event type ${pattern}`);
    map.set(key, p);
  }

  /** The projection of an event type; none is an error, so an unprojected event fails its transaction. */
  of(type: string): Projection {
    const p = this.exact.get(type) ?? this.families.get(familyOf(type));
    if (!p) throw new Error(`no projection for event type ${type}`);
    return p;
  }

  async apply(store: Store, event: RecordedEvent): Promise<void> {
    await this.of(event.type).apply(store, event);
  }

  tables(): ProjectionTable[] {
    return this.all.flatMap((p) => p.tables);
  }

  /** Empties a projection's tables, children first. */
  static async reset(store: Store, p: Projection): Promise<void> {
    // The table names come from the registered projections, not from input.
    for (const t of [...p.tables].reverse()) await store.db.deleteFrom(t.name as never).execute();
  }
}
