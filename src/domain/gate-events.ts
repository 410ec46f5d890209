// The events of the deployment gate and of deployments, part of the closed union in events.ts. A decision's
// subject is the change it was asked about; a deployment's is its own id (`DEP-n`).
import type { DeploymentResult, GateReasonCode, GateSource, GateVerdict } from './vocabulary.ts';

export type GateEvent =
  | {
      type: 'gate.decided';
      data: {
        decision: GateVerdict;
        reasons: { code: GateReasonCode; message: string }[];
        service: string;
        environment: string;
        artifacts: string[];
        source: GateSource;
        pipelineUrl: string | null;
        /** Forced past the gate: why, and the change it claimed (the subject is the emergency raised). */
        breakGlass: { reason: string; claimed: string | null } | null;
      };
    }
  | {
      type: 'deployment.started';
      data: {
        number: number;
        change: string | null;
        /** The allowing decision it runs under; null when it named none. */
        decision: string | null;
        service: string;
        environment: string;
        artifact: string;
        pipelineUrl: string | null;
        /** Why it is not covered by an allowing decision; null when it is. */
        unauthorized: string | null;
      };
    }
  | { type: 'deployment.finished'; data: { result: DeploymentResult; notes: string } };
