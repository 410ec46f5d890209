// C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint) note text: origin, tree size, root hash, then optional
// extension lines. The signature lines around it belong to note.ts.
import { decodeBase64, encodeBase64 } from './base64.ts';
import { HASH_SIZE } from './hash.ts';
import { isNoteText } from './note.ts';

export interface Checkpoint {
  /** Identifies the log; the log's key name should match it. */
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Opaque, non-empty lines after the root hash (not auditable by monitors, so rarely used). */
  readonly extensions: readonly string[];
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(`invalid checkpoint: ${message}`);
    this.name = 'CheckpointError';
  }
}

export interface CheckpointOptions {
  /** Required root hash length; 'any' accepts any length (for logs on other hashes). Default 32. */
  readonly hashSize?: number | 'any';
}

// ASCII decimal without leading zeroes; only the empty tree is "0".
const SIZE = /^(?:0|[1-9][0-9]*)$/;

function assertLine(line: string, what: string): void {
  if (line === '') throw new CheckpointError(`the ${what} must not be empty`);
  if (line.includes('\n') || !isNoteText(line))
    throw new CheckpointError(`the ${what} must be one line of text`);
}

function assertHashSize(rootHash: Uint8Array, { hashSize = HASH_SIZE }: CheckpointOptions): void {
  if (hashSize !== 'any' && rootHash.length !== hashSize) {
    throw new CheckpointError(`the root hash must be ${hashSize} bytes, not ${rootHash.length}`);
  }
}

/** The checkpoint's note text, ending in a newline, ready for signNote. */
export function formatCheckpoint(
  checkpoint: { origin: string; size: number; rootHash: Uint8Array; extensions?: readonly string[] },
  options: CheckpointOptions = {},
): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  assertLine(origin, 'origin');
  if (!Number.isSafeInteger(size) || size < 0)
    throw new CheckpointError('the size must be a safe integer >= 0');
  assertHashSize(rootHash, options);
  extensions.forEach((line) => assertLine(line, 'extension line'));
  return [origin, String(size), encodeBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/** Parses checkpoint note text (as returned by openNote), enforcing the spec's MUSTs. */
export function parseCheckpoint(text: string, options: CheckpointOptions = {}): Checkpoint {
  if (!text.endsWith('\n')) throw new CheckpointError('the text must end in a newline');
  if (!isNoteText(text)) throw new CheckpointError('the text must be valid text without control characters');
  const [origin = '', sizeText = '', hashText = '', ...extensions] = text.slice(0, -1).split('\n');
  if (text.split('\n').length < 4) throw new CheckpointError('origin, size and root hash lines are required');
  assertLine(origin, 'origin');
  if (!SIZE.test(sizeText))
    throw new CheckpointError('the size must be a decimal number without leading zeroes');
  const size = Number(sizeText);
  // Sizes are JavaScript numbers: past 2^53 they would round, so they are refused rather than misread.
  if (!Number.isSafeInteger(size)) throw new CheckpointError('sizes above 2^53 - 1 are not supported');
  assertLine(hashText, 'root hash');
  const rootHash = decodeBase64(hashText);
  if (rootHash === undefined) throw new CheckpointError('the root hash must be standard padded base64');
  assertHashSize(rootHash, options);
  extensions.forEach((line) => assertLine(line, 'extension line'));
  return { origin, size, rootHash, extensions };
}
