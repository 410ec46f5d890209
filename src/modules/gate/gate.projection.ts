// The gate's projection: one row per recorded decision (the answer as given, canonical JSON) and one per
// deployment (its record, with the columns lists filter on). A decision's id is its ledger event's id.
import type { DeploymentView } from '../../contracts/gate.ts';
import type { GateEvent, RecordedEvent } from '../../domain/events.ts';
import { deploymentId } from '../../domain/deployment.ts';
import { canonicalJson } from '../../ledger/canonical.ts';
import { Prepared, updateRow } from '../../store/prepared.ts';
import type { Projection } from '../../store/projection.ts';
import type { DeploymentTable } from '../../store/schema.ts';
import type { GateDecision } from './gate.types.ts';

const deploymentDoc = new Prepared((db, p: { id: string }) =>
  db.selectFrom('deployments').select('doc').where('id', '=', p.id),
);

export function deploymentRow(d: DeploymentView): DeploymentTable {
  return {
    id: d.id,
    number: d.number,
    change_id: d.change,
    decision_id: d.decision,
    unauthorized: d.unauthorized === null ? 0 : 1,
    result: d.result,
    doc: canonicalJson(d),
  };
}

export const gateProjection: Projection = {
  name: 'gate',
  version: 1,
  handles: ['gate.*', 'deployment.*'],
  tables: [
    { name: 'gate_decisions', key: ['id'] },
    { name: 'deployments', key: ['id'] },
  ],
  async apply(store, recorded) {
    const event = recorded as RecordedEvent<GateEvent>;
    const e = { type: event.type, data: event.data } as GateEvent;
    if (e.type === 'gate.decided') {
      const decision: GateDecision = {
        id: event.id,
        decision: e.data.decision,
        reasons: e.data.reasons,
        change: event.subject,
        service: e.data.service,
        environment: e.data.environment,
        artifacts: e.data.artifacts,
        dryRun: false,
        source: e.data.source,
        at: event.at,
        breakGlass: e.data.breakGlass,
      };
      await store.insertLater('gate_decisions', [
        {
          id: event.id,
          change_id: event.subject,
          decision: e.data.decision,
          service: e.data.service,
          environment: e.data.environment,
          at: event.at,
          doc: canonicalJson(decision),
        },
      ]);
      return;
    }
    if (e.type === 'deployment.started') {
      const d: DeploymentView = {
        id: deploymentId(e.data.number),
        number: e.data.number,
        change: e.data.change,
        decision: e.data.decision,
        service: e.data.service,
        environment: e.data.environment,
        artifact: e.data.artifact,
        pipelineUrl: e.data.pipelineUrl,
        actor: event.actor.id,
        startedAt: event.at,
        finishedAt: null,
        result: null,
        notes: '',
        unauthorized: e.data.unauthorized,
      };
      await store.db.insertInto('deployments').values(deploymentRow(d)).execute();
      return;
    }
    const row = await deploymentDoc.first(store, { id: event.subject });
    if (!row) throw new Error(`${event.type} for ${event.subject} arrived before deployment.started`);
    const before = JSON.parse(row.doc) as DeploymentView;
    const after: DeploymentView = {
      ...before,
      result: e.data.result,
      notes: e.data.notes,
      finishedAt: event.at,
    };
    const { id: _id, ...values } = deploymentRow(after);
    await updateRow(store, 'deployments', 'id', after.id, values);
  },
};
