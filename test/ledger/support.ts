// Synthetic exports for the ledger tests and the verifier benchmark: deterministic entries of about
// 300–600 bytes of canonical JSON, a checkpoint signed with a generated log key, optional cosignatures.
import { formatCheckpoint } from '../../src/ledger/checkpoint.ts';
import {
  addCosignatures,
  cosign,
  generateWitnessKey,
  parseWitnessSignerKey,
  witnessKeyFromSeed,
} from '../../src/ledger/cosignature.ts';
import { ed25519KeyFromSeed, generateEd25519Key, parseSignerKey, signNote } from '../../src/ledger/note.ts';
import { foldRoot, leafHashOf, nodeHashOf } from '../../src/ledger/tile-hash.ts';
import { writeTlogTiles } from '../../src/ledger/tiles.ts';

export const ORIGIN = 'changeproof.test/ledger';

/** Entry i: canonical JSON (keys sorted, no floats), its length varying with i. */
export function syntheticEntry(i: number, salt = ''): Buffer {
  const pad = 'x'.repeat(200 + ((i * 7919) % 300));
  const text =
    `{"actor":"user-${i % 97}","changeId":"CHG-${1 + (i % 5000)}","data":{"note":"${salt}${pad}",` +
    `"seq":${i}},"kind":"change.updated","seq":${i},"time":"2025-01-01T00:00:00Z","v":1}`;
  return Buffer.from(text);
}

/** RFC 6962 root of a stream of leaves, keeping only the right frontier (one hash per level). */
export function rootOf(entries: Iterable<Uint8Array>): Buffer {
  const frontier: (Buffer | undefined)[] = [];
  for (const entry of entries) {
    let hash = leafHashOf(entry);
    let level = 0;
    for (; frontier[level]; level++) {
      hash = nodeHashOf(frontier[level]!, hash);
      frontier[level] = undefined;
    }
    frontier[level] = hash;
  }
  // Complete subtrees, largest (highest level) first.
  const subtrees = frontier.filter((h): h is Buffer => h !== undefined).reverse();
  return foldRoot(subtrees);
}

export function* range(n: number, entry: (i: number) => Buffer = syntheticEntry): Generator<Buffer> {
  for (let i = 0; i < n; i++) yield entry(i);
}

export interface Keys {
  log: { signerKey: string; verifierKey: string };
  witnesses: { signerKey: string; verifierKey: string }[];
}

/** Fresh keys, or the same ones every time for a given seed byte. */
export function makeKeys(witnesses = 2, seed?: number): Keys {
  const fixed = (i: number) => Buffer.alloc(32, (seed! + i) & 0xff);
  return {
    log: seed === undefined ? generateEd25519Key(ORIGIN) : ed25519KeyFromSeed(ORIGIN, fixed(0)),
    witnesses: Array.from({ length: witnesses }, (_, i) =>
      seed === undefined
        ? generateWitnessKey(`witness${i + 1}.test`)
        : witnessKeyFromSeed(`witness${i + 1}.test`, fixed(i + 1)),
    ),
  };
}

/** A checkpoint of the given tree signed by the log key and cosigned by every witness key. */
export function signedCheckpoint(
  keys: Keys,
  size: number,
  rootHash: Uint8Array,
  time = 1_700_000_000,
): string {
  const body = formatCheckpoint({ origin: ORIGIN, size, rootHash });
  const note = signNote(body, [parseSignerKey(keys.log.signerKey)]);
  const lines = keys.witnesses.map((w, i) => cosign(body, parseWitnessSignerKey(w.signerKey), time + i));
  return addCosignatures(note, lines);
}

/** Writes an export of entries 0..n-1 into dir and returns its signed checkpoint. */
export async function makeExport(
  dir: string,
  keys: Keys,
  n: number,
  entry: (i: number) => Buffer = syntheticEntry,
): Promise<string> {
  const checkpoint = signedCheckpoint(keys, n, rootOf(range(n, entry)));
  await writeTlogTiles(dir, { entries: range(n, entry), checkpoint });
  return checkpoint;
}
