// What the deployment gate is asked and what it answers: the seam the API, the CLI and the connectors
// (GitHub, GitLab, Kubernetes) share. The decision itself is pure, in `src/domain/gate.ts`.

import type { GateSource, GateVerdict } from '../../domain/vocabulary.ts';

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

export interface GateReason {
  code: string;
  message: string;
}

export interface GateDecision {
  /** The recorded decision's id; null for a dry run. */
  id: string | null;
  decision: GateVerdict;
  /** Every reason to deny, not only the first; empty when allowed. */
  reasons: GateReason[];
  change: string;
  service: string;
  environment: string;
  artifacts: string[];
  dryRun: boolean;
  source: GateSource;
  at: string;
  /** Set when the deployment was forced past the gate: why, and the change it claimed. */
  breakGlass?: { reason: string; claimed: string | null } | null;
}

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
