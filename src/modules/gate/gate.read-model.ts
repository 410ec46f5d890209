// Gate decisions and deployments as stored in the gate's projection: reads only. Deployment lists run in
// number order, newest first, so a cursor is the last number seen.
import type {
  DeploymentList,
  DeploymentView,
  GateDecisionList,
  ListDeploymentsQuery,
  ListGateDecisionsQuery,
} from '../../contracts/gate.ts';
import type { DecisionRecord } from '../../domain/deployment.ts';
import type { Environment } from '../../domain/vocabulary.ts';
import type { Store } from '../../store/database.ts';
import { sql } from 'kysely';
import { memoKeys } from '../../store/memo-keys.ts';
import { SERVICE_EVENTS } from '../../store/migrations/0014_gate.ts';
import { Prepared } from '../../store/prepared.ts';
import type { GateDecision } from './gate.types.ts';

const decisionById = new Prepared((db, p: { id: string }) =>
  db.selectFrom('gate_decisions').select('doc').where('id', '=', p.id),
);
const deploymentById = new Prepared((db, p: { id: string }) =>
  db.selectFrom('deployments').select('doc').where('id', '=', p.id),
);

const newestServiceEvent = new Prepared((db) =>
  db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where(sql<boolean>`${sql.raw(SERVICE_EVENTS)}`),
);

const serviceEnvironment = new Prepared((db, p: { name: string }) =>
  db.selectFrom('services').select('environment').where('name', '=', p.name),
);

export class GateReadModel {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async decision(id: string): Promise<(GateDecision & DecisionRecord) | null> {
    const row = await decisionById.first(this.store, { id });
    return row ? (JSON.parse(row.doc) as GateDecision & DecisionRecord) : null;
  }

  async deployment(id: string): Promise<DeploymentView | null> {
    const row = await deploymentById.first(this.store, { id });
    return row ? (JSON.parse(row.doc) as DeploymentView) : null;
  }

  /** The catalogued service's environment, or null when there is no such service. */
  async environmentOf(name: string): Promise<Environment | null> {
    const row = await serviceEnvironment.first(this.store, { name });
    return row ? (row.environment as Environment) : null;
  }

  /** What changes whenever the catalogue does: the gate re-assesses a change only when it moved. */
  async catalogueStamp(): Promise<string> {
    const { store } = this;
    // Within a write batch, read once: the services projection forgets it when it records a service event.
    const kept = store.memoGet<string>(memoKeys.catalogueRevision);
    if (kept !== undefined) return kept;
    const row = await newestServiceEvent.first(store, {});
    const stamp = String(row?.seq ?? -1);
    store.memoSet(memoKeys.catalogueRevision, stamp);
    return stamp;
  }

  async nextDeploymentNumber(): Promise<number> {
    const row = await this.store.db
      .selectFrom('deployments')
      .select((eb) => eb.fn.max('number').as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0) + 1;
  }

  async deployments(query: ListDeploymentsQuery): Promise<DeploymentList> {
    let q = this.store.db.selectFrom('deployments').select(['doc', 'number']);
    if (query.change) q = q.where('change_id', '=', query.change);
    if (query.unauthorized) q = q.where('unauthorized', '=', query.unauthorized === 'true' ? 1 : 0);
    if (query.cursor) q = q.where('number', '<', Number(query.cursor));
    const rows = await q
      .orderBy('number', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((r) => JSON.parse(r.doc) as DeploymentView),
      nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.number) : null,
    };
  }

  /**
   * A change's recorded decisions, newest first, on the (change_id, at) index. The cursor is the last one's
   * time and id: decisions recorded in the same instant are ordered by id, so none is skipped or repeated.
   */
  async decisionsOf(change: string, query: ListGateDecisionsQuery): Promise<GateDecisionList> {
    let q = this.store.db
      .selectFrom('gate_decisions')
      .select(['doc', 'at', 'id'])
      .where('change_id', '=', change);
    if (query.cursor) {
      const [at, id] = query.cursor.split(',') as [string, string];
      q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
    }
    const rows = await q
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => JSON.parse(r.doc) as GateDecisionList['items'][number]),
      nextCursor: rows.length > query.limit && last ? `${last.at},${last.id}` : null,
    };
  }
}
