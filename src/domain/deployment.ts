// Deployments as pure decisions: is a deployment covered by an allowing gate decision, and what its start
// and finish record — on the deployment, and on the change where its record must account for it (a
// deployment no decision allowed, a failure, a rollback).
import type { ChangeEvent, DomainEvent } from './events.ts';
import type { DeploymentResult, GateVerdict } from './vocabulary.ts';

export const deploymentId = (n: number) => `DEP-${n}`;

/** A recorded gate decision, as a deployment checks it. */
export interface DecisionRecord {
  id: string;
  decision: GateVerdict;
  change: string;
  service: string;
  environment: string;
  artifacts: string[];
}

export interface DeploymentStart {
  number: number;
  /** The decision it names, as recorded; null when it named none or no such decision exists. */
  decisionId: string | null;
  decision: DecisionRecord | null;
  change: string | null;
  /** Whether the change it belongs to (named, else the decision's) exists. */
  changeExists: boolean;
  service: string;
  environment: string;
  artifact: string;
  pipelineUrl: string | null;
}

/** Why no allowing decision covers the deployment, or null when one does. */
export function unauthorizedReason(s: DeploymentStart): string | null {
  if (s.decisionId === null) return 'no gate decision named';
  const d = s.decision;
  if (d === null) return `no gate decision ${s.decisionId}`;
  if (d.decision !== 'allow') return `gate decision ${d.id} denied it`;
  const out: string[] = [];
  if (s.change !== null && s.change !== d.change)
    out.push(`decision ${d.id} is for ${d.change}, not ${s.change}`);
  if (d.service !== s.service) out.push(`decision ${d.id} is for ${d.service}, not ${s.service}`);
  if (d.environment !== s.environment)
    out.push(`decision ${d.id} is for ${d.environment}, not ${s.environment}`);
  if (!d.artifacts.includes(s.artifact)) out.push(`decision ${d.id} did not allow ${s.artifact}`);
  return out.length === 0 ? null : out.join('; ');
}

export interface Pending {
  subject: string;
  event: DomainEvent;
}

/** The events of a deployment's start: the deployment, and a note on its change when nothing allowed it. */
export function startEvents(s: DeploymentStart): { change: string | null; events: Pending[] } {
  const unauthorized = unauthorizedReason(s);
  const change = s.change ?? s.decision?.change ?? null;
  const id = deploymentId(s.number);
  const events: Pending[] = [
    {
      subject: id,
      event: {
        type: 'deployment.started',
        data: {
          number: s.number,
          change,
          decision: s.decisionId,
          service: s.service,
          environment: s.environment,
          artifact: s.artifact,
          pipelineUrl: s.pipelineUrl,
          unauthorized,
        },
      },
    },
  ];
  if (unauthorized !== null && change !== null && s.changeExists)
    events.push({
      subject: change,
      event: note('unauthorized', id, s.service, s.environment, `${s.artifact}: ${unauthorized}`),
    });
  return { change, events };
}

function note(
  kind: 'unauthorized' | 'failed' | 'rolled_back',
  ref: string,
  service: string,
  environment: string,
  detail: string,
): ChangeEvent {
  return { type: 'change.deployment_noted', data: { kind, ref, service, environment, detail } };
}

export interface DeploymentRecord {
  id: string;
  change: string | null;
  service: string;
  environment: string;
  artifact: string;
  result: DeploymentResult | null;
}

/** The events of a deployment's finish, or why it cannot finish (it already has). */
export function finishEvents(
  d: DeploymentRecord,
  result: DeploymentResult,
  notes: string,
  changeExists: boolean,
): { ok: true; events: Pending[] } | { ok: false; message: string } {
  if (d.result !== null) return { ok: false, message: `${d.id} already finished: ${d.result}` };
  const events: Pending[] = [
    { subject: d.id, event: { type: 'deployment.finished', data: { result, notes } } },
  ];
  // A failure or a rollback moves the change toward its outcome: completing it must say so.
  if (result !== 'succeeded' && d.change !== null && changeExists)
    events.push({
      subject: d.change,
      event: note(
        result,
        d.id,
        d.service,
        d.environment,
        notes || `${d.artifact} ${result.replace('_', ' ')}`,
      ),
    });
  return { ok: true, events };
}
