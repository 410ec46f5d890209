// A stand-in for the deployment gate in connector tests: it records what it is asked and answers as told,
// so a test sees exactly what a connector asked. Installed on a test app's container in place of the gate.
import type { Container } from '../../src/container.ts';
import type { Actor } from '../../src/domain/actor.ts';
import type {
  BreakGlassInput,
  GateDecision,
  GateInput,
  GateReason,
} from '../../src/modules/gate/gate.types.ts';

export interface FakeGate {
  asked: { actor: Actor; input: GateInput }[];
  brokenGlass: BreakGlassInput[];
  /** What the next decisions answer: allow (no reasons), these reasons to deny, or an error thrown. */
  answer: 'allow' | GateReason[] | Error;
  restore(): void;
}

export function installFakeGate(c: Container): FakeGate {
  const holder = c as { gate: unknown };
  const previous = holder.gate;
  let n = 0;
  const fake: FakeGate = {
    asked: [],
    brokenGlass: [],
    answer: 'allow',
    restore: () => {
      holder.gate = previous;
    },
  };
  holder.gate = {
    decide: async (actor: Actor, input: GateInput): Promise<GateDecision> => {
      fake.asked.push({ actor, input });
      if (fake.answer instanceof Error) throw fake.answer;
      const reasons = fake.answer === 'allow' ? [] : fake.answer;
      return {
        id: `gd_${++n}`,
        decision: reasons.length === 0 ? 'allow' : 'deny',
        reasons,
        change: input.change,
        service: input.service,
        environment: input.environment,
        artifacts: input.artifacts,
        dryRun: input.dryRun,
        source: input.source,
        at: new Date().toISOString(),
      };
    },
    breakGlass: async (_actor: Actor, input: BreakGlassInput) => {
      fake.brokenGlass.push(input);
      return { change: 'CHG-999', claimed: input.change, decision: null };
    },
  };
  return fake;
}
