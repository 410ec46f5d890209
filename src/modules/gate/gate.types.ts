// What the deployment gate is asked and what it answers: the seam the API, the CLI and the connectors
// (GitHub, GitLab, Kubernetes) share. The decision itself is pure, in `src/domain/gate.ts`.

import type { z } from 'zod';
import type { GateDecisionView } from '../../contracts/gate.ts';
import type { GateSource } from '../../domain/vocabulary.ts';

/** Who is asking, for the record: our API/CLI, or the connector that saw a deployment (GATE_SOURCES). */
export type { GateSource } from '../../domain/vocabulary.ts';

export interface GateInput {
  /** The change id, `CHG-n`. */
  change: string;
  service: string;
  environment: string;
  /** Every artifact about to run, as `sha256:<64 hex>` digests (one for a pipeline, each image for Kubernetes). */
  artifacts: string[];
  /** Answered the same way, recorded nowhere. */
  dryRun: boolean;
  source: GateSource;
  /** Where the deployment runs: a pipeline run, a workflow run, an object in a cluster. */
  pipelineUrl?: string;
}

/** The gate's answer, as the API sends it (`GateDecisionView` in the contracts): one shape everywhere. */
export type GateDecision = z.output<typeof GateDecisionView>;
export type GateReason = GateDecision['reasons'][number];

/** A deployment forced past the gate, which becomes an emergency change owing its record and review. */
export interface BreakGlassInput {
  /** The change it claimed, if any. */
  change: string | null;
  service: string;
  environment: string;
  artifacts: string[];
  reason: string;
  source: GateSource;
  pipelineUrl?: string;
}
