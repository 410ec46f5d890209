// The offline verifier's report: plain data, and a deterministic text rendering of it (no times, no
// absolute paths, fixed order), so two runs over the same export print the same bytes.

export type FailureKind =
  | 'malformed' // a file, the checkpoint, a key or the previous checkpoint breaks its format
  | 'bad-signature' // a given key's signature (log or witness) does not verify
  | 'unknown-key' // the checkpoint is signed only by keys that were not given
  | 'witness-quorum' // fewer valid cosignatures from the given witnesses than the quorum
  | 'missing-entry' // an entry (or its whole bundle) is absent
  | 'leaf-mismatch' // an entry does not hash to its level-0 tile hash
  | 'proof-mismatch' // a hash tile above level 0 disagrees with the tree built from the entries
  | 'root-mismatch' // the tree built from the export does not have the checkpoint's root
  | 'size-shrank' // the previous checkpoint is of a larger tree: a rollback or truncation
  | 'not-consistent'; // the previous checkpoint's tree is not a prefix of this one: a fork

export interface Failure {
  readonly kind: FailureKind;
  /** The first failing entry: for a tile, the first leaf under its first bad hash. */
  readonly index?: number;
  /** The file at fault, relative to the export directory. */
  readonly path?: string;
  readonly message: string;
}

export type CheckName =
  | 'inputs'
  | 'checkpoint-signature'
  | 'checkpoint-format'
  | 'witness-cosignatures'
  | 'previous-checkpoint'
  | 'entries'
  | 'tiles'
  | 'root'
  | 'consistency'
  | 'files';

export const CHECKS: readonly CheckName[] = [
  'inputs',
  'checkpoint-signature',
  'checkpoint-format',
  'witness-cosignatures',
  'previous-checkpoint',
  'entries',
  'tiles',
  'root',
  'consistency',
  'files',
];

export interface Check {
  readonly name: CheckName;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly detail: string;
}

export interface WitnessStatus {
  readonly verifierKey: string;
  readonly status: 'valid' | 'missing' | 'invalid';
  /** POSIX seconds of a valid cosignature, as decimal text. */
  readonly time?: string;
}

/** What a third party needs to see a fork or a rollback without the export: both signed checkpoints. */
export interface Evidence {
  readonly checkpoint: string;
  readonly previous: string;
  /** For a fork: the root of the first previous-size entries of this export, … */
  readonly prefixRoot?: string;
  /** … and the RFC 6962 consistency proof from that root to this checkpoint's root (base64 hashes). */
  readonly consistencyProof?: readonly string[];
}

export interface Report {
  readonly ok: boolean;
  readonly checkpoint?: { readonly origin: string; readonly size: number; readonly rootHash: string };
  readonly checks: readonly Check[];
  readonly witnesses: readonly WitnessStatus[];
  readonly failure?: Failure;
  readonly evidence?: Evidence;
}

const indent = (text: string) =>
  text
    .split('\n')
    .filter((line, i, all) => i < all.length - 1 || line !== '')
    .map((line) => (line === '' ? '    |' : `    | ${line}`))
    .join('\n');

/** The report as text: the same report always gives the same bytes. */
export function formatReport(report: Report): string {
  const out = ['Changeproof ledger export verification', `result: ${report.ok ? 'OK' : 'FAILED'}`];
  if (report.failure) {
    const { kind, index, path, message } = report.failure;
    out.push(`failure: ${kind}`);
    if (index !== undefined) out.push(`first failing entry: ${index}`);
    if (path !== undefined) out.push(`file: ${path}`);
    out.push(`reason: ${message}`);
  }
  if (report.checkpoint) {
    const { origin, size, rootHash } = report.checkpoint;
    out.push(`origin: ${origin}`, `tree size: ${size}`, `root hash: ${rootHash}`);
  }
  out.push('checks:');
  for (const check of report.checks) out.push(`  ${check.status.padEnd(7)} ${check.name}: ${check.detail}`);
  if (report.witnesses.length > 0) {
    out.push('witnesses:');
    for (const w of report.witnesses) {
      out.push(`  ${w.status.padEnd(7)} ${w.verifierKey}${w.time === undefined ? '' : ` time ${w.time}`}`);
    }
  }
  if (report.evidence) {
    const { checkpoint, previous, prefixRoot, consistencyProof } = report.evidence;
    out.push('evidence:', '  previous checkpoint (signed):', indent(previous));
    out.push('  checkpoint (signed):', indent(checkpoint));
    if (prefixRoot !== undefined) out.push(`  root of this log at the previous size: ${prefixRoot}`);
    if (consistencyProof !== undefined) {
      out.push(`  consistency proof to this checkpoint (${consistencyProof.length} hashes):`);
      for (const hash of consistencyProof) out.push(`    ${hash}`);
    }
  }
  return `${out.join('\n')}\n`;
}
