// C2SP tlog-proof (c2sp.org/tlog-proof): an offline-verifiable proof that one record is in the log,
// as text:
//   c2sp.org/tlog-proof@v1
//   [extra <base64>]            optional, unauthenticated application data
//   index <decimal>             no leading zeroes
//   <base64 hash>…              the RFC 6962 inclusion proof, leaf's sibling first, one per line
//   <empty line>
//   <the signed checkpoint note, verbatim, with any cosignatures>
import { decodeBase64, encodeBase64 } from './base64.ts';
import { parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import {
  type WitnessResult,
  type WitnessVerifier,
  checkCosignatures,
  parseWitnessVerifierKey,
} from './cosignature.ts';
import { HASH_SIZE } from './hash.ts';
import { NoteError, type Verifier, openNote, parseVerifierKey } from './note.ts';
import { leafHashOf } from './tile-hash.ts';
import { ProofError, verifyInclusion } from './verify-proof.ts';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** A tree of at most 2^63 leaves has at most 63 proof levels. */
const MAX_PROOF_LINES = 63;

export interface TlogProof {
  readonly index: number;
  readonly proof: readonly Uint8Array[];
  readonly checkpoint: string;
  readonly extra?: Uint8Array;
}

export type TlogProofErrorCode =
  | 'malformed' // the proof text, its checkpoint or a key string breaks its format
  | 'bad-signature' // a given log key's signature on the checkpoint does not verify
  | 'unknown-key' // no given log key signed the checkpoint
  | 'origin-mismatch'
  | 'witness-quorum' // fewer valid cosignatures from the given witnesses than required
  | 'not-included'; // the proof does not lead from the leaf to the checkpoint's root

export class TlogProofError extends Error {
  readonly code: TlogProofErrorCode;
  constructor(code: TlogProofErrorCode, message: string) {
    super(message);
    this.name = 'TlogProofError';
    this.code = code;
  }
}

const INDEX = /^(?:0|[1-9][0-9]*)$/;

export function formatTlogProof({ index, proof, checkpoint, extra }: TlogProof): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new TlogProofError('malformed', `bad index ${index}`);
  if (proof.length > MAX_PROOF_LINES) throw new TlogProofError('malformed', 'the proof is too long');
  if (proof.some((h) => h.length !== HASH_SIZE)) {
    throw new TlogProofError('malformed', `proof hashes are ${HASH_SIZE} bytes`);
  }
  if (!checkpoint.endsWith('\n') || checkpoint.startsWith('\n')) {
    throw new TlogProofError('malformed', 'the checkpoint must be a signed note');
  }
  const lines = [TLOG_PROOF_HEADER];
  if (extra !== undefined) lines.push(`extra ${encodeBase64(extra)}`);
  lines.push(`index ${index}`, ...proof.map(encodeBase64), '');
  return `${lines.join('\n')}\n${checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof {
  const malformed = (why: string) => new TlogProofError('malformed', `malformed tlog-proof: ${why}`);
  if (typeof text !== 'string') throw malformed('not text');
  let at = 0;
  const line = (): string | undefined => {
    const end = text.indexOf('\n', at);
    if (end < 0) return undefined;
    const l = text.slice(at, end);
    at = end + 1;
    return l;
  };
  if (line() !== TLOG_PROOF_HEADER) throw malformed(`the first line must be ${TLOG_PROOF_HEADER}`);
  let next = line();
  let extra: Buffer | undefined;
  if (next?.startsWith('extra ')) {
    extra = decodeBase64(next.slice('extra '.length));
    if (extra === undefined) throw malformed('the extra data is not standard base64');
    next = line();
  }
  if (!next?.startsWith('index ') || !INDEX.test(next.slice('index '.length))) {
    throw malformed('the index line must be "index" and a decimal without leading zeroes');
  }
  const index = Number(next.slice('index '.length));
  if (!Number.isSafeInteger(index)) throw malformed('the index is above 2^53 - 1');
  const proof: Buffer[] = [];
  for (let l = line(); l !== ''; l = line()) {
    if (l === undefined) throw malformed('no empty line before the checkpoint');
    const hash = decodeBase64(l);
    if (hash?.length !== HASH_SIZE) throw malformed(`proof line ${proof.length + 1} is not a base64 hash`);
    if (proof.length === MAX_PROOF_LINES) throw malformed('too many proof lines');
    proof.push(hash);
  }
  const checkpoint = text.slice(at);
  if (checkpoint === '') throw malformed('the checkpoint is missing');
  return extra === undefined ? { index, proof, checkpoint } : { index, proof, checkpoint, extra };
}

export interface VerifyTlogProofOptions {
  /** Witness verifier keys (type 0x04) or verifiers. */
  readonly witnesses?: readonly (string | WitnessVerifier)[];
  /** Valid cosignatures required from `witnesses`; all of them by default. */
  readonly quorum?: number;
  /** The origin the checkpoint must name. */
  readonly origin?: string;
}

export interface VerifiedTlogProof {
  readonly index: number;
  readonly checkpoint: Checkpoint;
  readonly witnesses: readonly WitnessResult[];
  readonly extra?: Uint8Array;
}

function keys<T>(list: readonly (string | T)[], parse: (key: string) => T): T[] {
  try {
    return list.map((k) => (typeof k === 'string' ? parse(k) : k));
  } catch (error) {
    throw new TlogProofError('malformed', `bad key: ${(error as Error).message}`);
  }
}

/** Verifies that `leaf` is entry `index` of the log whose checkpoint the proof carries; throws TlogProofError. */
export function verifyTlogProof(
  text: string,
  leaf: Uint8Array,
  verifiers: readonly (string | Verifier)[],
  options: VerifyTlogProofOptions = {},
): VerifiedTlogProof {
  const proof = parseTlogProof(text);
  const logKeys = keys(verifiers, parseVerifierKey);
  const witnessKeys = keys(options.witnesses ?? [], parseWitnessVerifierKey);
  let opened;
  try {
    opened = openNote(proof.checkpoint, logKeys);
  } catch (error) {
    const code = error instanceof NoteError ? error.code : undefined;
    const kind =
      code === 'invalid-signature' ? 'bad-signature' : code === 'unverified' ? 'unknown-key' : 'malformed';
    throw new TlogProofError(kind, `checkpoint: ${(error as Error).message}`);
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(opened.text);
  } catch (error) {
    throw new TlogProofError('malformed', (error as Error).message);
  }
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new TlogProofError('origin-mismatch', `the checkpoint is for ${checkpoint.origin}`);
  }
  const witnesses = checkCosignatures(opened.text, opened.unverified, witnessKeys);
  const quorum = options.quorum ?? witnesses.length;
  const valid = witnesses.filter((w) => w.status === 'valid').length;
  if (valid < quorum) {
    throw new TlogProofError('witness-quorum', `${valid} valid cosignatures, ${quorum} required`);
  }
  try {
    verifyInclusion(proof.index, checkpoint.size, leafHashOf(leaf), proof.proof, checkpoint.rootHash);
  } catch (error) {
    if (!(error instanceof ProofError)) throw error;
    throw new TlogProofError('not-included', `inclusion proof: ${error.message}`);
  }
  const result = { index: proof.index, checkpoint, witnesses };
  return proof.extra === undefined ? result : { ...result, extra: proof.extra };
}
