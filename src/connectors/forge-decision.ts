// One deployment seen by a forge, decided once: the delivery's key is recorded with the gate's decision in
// the same transaction (the command runner's idempotency record), so a second delivery under that key is
// refused, persistently, and the forge is only ever answered about a decision that is committed.
import { createHash } from 'node:crypto';
import type { Container } from '../container.ts';
import type { GateSource } from '../modules/gate/gate.types.ts';
import type { Found } from './change-reference.ts';
import { connectorActor, gateOf, type Verdict } from './gate-port.ts';

export interface DeploymentSeen {
  source: GateSource;
  change: Found | null;
  service: string;
  environment: string;
  artifacts: string[];
  pipelineUrl?: string | undefined;
  /** The delivery: its key, and the bytes that identify it (a key reused for other bytes is refused). */
  delivery: { key: string; raw: Buffer | string; path: string };
  /** Where people can name the change, for the refusal when nothing does. */
  hint: string;
}

export type Decided = { replayed: false; verdict: Verdict } | { replayed: true; verdict: null };

/** Asks the gate (or refuses without asking, when no change is named or there is no gate), once per key. */
export async function decideDeployment(container: Container, seen: DeploymentSeen): Promise<Decided> {
  const actor = connectorActor(seen.source);
  const base = { service: seen.service, environment: seen.environment, change: seen.change?.change ?? null };
  const refuse = (code: string, message: string): Verdict => ({
    ...base,
    decision: 'deny',
    reasons: [{ code, message }],
    decisionId: null,
  });
  try {
    const { outcome, replayed } = await container.commands.run(
      {
        actor,
        idempotency: {
          key: seen.delivery.key,
          fingerprint: createHash('sha256').update(seen.delivery.raw).digest('hex'),
          method: 'POST',
          path: seen.delivery.path,
        },
      },
      async () => {
        if (!seen.change) return { status: 200, body: refuse('change_not_found', seen.hint) };
        const d = await gateOf(container).decide(actor, {
          change: seen.change.change,
          service: seen.service,
          environment: seen.environment,
          artifacts: seen.artifacts,
          dryRun: false,
          source: seen.source,
          ...(seen.pipelineUrl ? { pipelineUrl: seen.pipelineUrl } : {}),
        });
        const verdict: Verdict = { ...base, decision: d.decision, reasons: d.reasons, decisionId: d.id };
        return { status: 200, body: verdict };
      },
    );
    return replayed
      ? { replayed: true, verdict: null }
      : { replayed: false, verdict: outcome.body as Verdict };
  } catch (err) {
    // A reused key with other bytes is the sender's mistake or a forgery: say so, decide nothing.
    if ((err as { code?: unknown }).code === 'idempotency_mismatch') throw err;
    // Fail closed (the gate denies what it cannot decide; this is for what fails around it): nothing was
    // recorded, the transaction rolled back, and the forge is told no.
    return {
      replayed: false,
      verdict: refuse('gate_error', `the gate could not decide: ${(err as Error).message}`),
    };
  }
}
