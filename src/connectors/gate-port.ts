// How a forge connector reaches the deployment gate, and how its answer is told to the forge. The gate
// answers every denial with all its reasons and denies when it cannot decide (fail closed).
import type { GateVerdict } from '../domain/vocabulary.ts';
import type { Container } from '../container.ts';
import type { GateReason } from '../modules/gate/gate.types.ts';

export { connectorActor } from '../domain/actor.ts';

/** The gate of the container: what the API, the CLI and the connectors all ask. */
export const gateOf = (container: Container): Container['gate'] => container.gate;

/** What a connector reports back: the gate's answer, or its own refusal when it could not ask. */
export interface Verdict {
  decision: GateVerdict;
  reasons: GateReason[];
  /** The recorded decision's id; null when the gate was not asked, or could not record. */
  decisionId: string | null;
  change: string | null;
  service: string;
  environment: string;
}

/** The comment a forge shows beside our answer: the decision and every reason, one per line. */
export function verdictComment(v: Verdict, where: string | null): string {
  const head =
    v.decision === 'allow'
      ? `Changeproof: ${v.change} allows ${v.service} to ${v.environment}`
      : `Changeproof: deployment of ${v.service} to ${v.environment} refused${v.change ? ` for ${v.change}` : ''}`;
  const found = v.change && where ? ` (change found in the ${where})` : '';
  const lines = v.reasons.map((r) => `- ${r.message} [${r.code}]`);
  const id = v.decisionId ? [`Decision ${v.decisionId}.`] : [];
  // GitHub and GitLab cap comments; the reasons stay in our record in full.
  return [head + found + '.', ...lines, ...id].join('\n').slice(0, 2000);
}
