// How a forge connector reaches the deployment gate, and as whom. The gate answers every denial with all
// its reasons; a connector turns a missing gate or a failing one into a rejection (fail closed).
import type { Container } from '../container.ts';
import type { Actor } from '../domain/actor.ts';
import type {
  BreakGlassInput,
  GateDecision,
  GateInput,
  GateReason,
  GateSource,
} from '../modules/gate/gate.types.ts';

export interface Gate {
  decide(actor: Actor, input: GateInput, idempotencyKey?: string): Promise<GateDecision>;
  breakGlass(actor: Actor, input: BreakGlassInput, idempotencyKey?: string): Promise<unknown>;
}

/** The gate of the container, or null when this build has none (every deployment is then rejected). */
export function gateOf(container: Container): Gate | null {
  return (container as Container & { gate?: Gate }).gate ?? null;
}

/** The actor a connector records under: a system actor holding only the gate scope. */
export function connectorActor(source: GateSource): Actor {
  return { id: `connector:${source}`, kind: 'system', roles: [], groups: [], scopes: ['gate'], email: null };
}

/** What a connector reports back: the gate's answer, or its own refusal when it could not ask. */
export interface Verdict {
  decision: 'allow' | 'deny';
  reasons: GateReason[];
  /** The recorded decision's id; null when the gate was not asked. */
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
