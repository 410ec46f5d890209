// The log's Ed25519 signing key: generated at init into the data directory with owner-only permissions, or
// given by the operator (CHANGEPROOF_LEDGER_KEY_FILE), never stored in the database. Its name is the
// log's origin, so checkpoints say which log they belong to.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ed25519KeyFromSeed,
  generateEd25519Key,
  parseSignerKey,
  parseVerifierKey,
  type Signer,
} from '../../ledger/note.ts';

export interface LedgerKey {
  signer: Signer;
  /** `name+keyid+base64`, what verifiers are given. */
  verifierKey: string;
  origin: string;
  keyId: string;
  path: string | null;
}

export function keyIdHex(id: number): string {
  return id.toString(16).padStart(8, '0');
}

/** The verifier key string for a signer key string (`PRIVATE+KEY+<name>+<hexid>+<base64(0x01 || seed)>`). */
export function verifierKeyOf(signerKey: string): string {
  const parts = signerKey.trim().split('+');
  const seed = Buffer.from(parts.slice(4).join('+'), 'base64').subarray(1);
  return ed25519KeyFromSeed(parts[2] ?? '', seed).verifierKey;
}

export function parseLedgerKey(signerKey: string, path: string | null): LedgerKey {
  const signer = parseSignerKey(signerKey.trim());
  const verifierKey = verifierKeyOf(signerKey);
  parseVerifierKey(verifierKey);
  return { signer, verifierKey, origin: signer.name, keyId: keyIdHex(signer.keyId), path };
}

export function defaultKeyPath(dataDir: string): string {
  return join(dataDir, 'ledger.key');
}

/** Loads the key at `path`, or creates one named `origin` there (mode 0600) when none exists yet. */
export function loadOrCreateLedgerKey(path: string, origin?: string): { key: LedgerKey; created: boolean } {
  if (existsSync(path)) return { key: parseLedgerKey(readFileSync(path, 'utf8'), path), created: false };
  const name = origin ?? `changeproof.local/${randomBytes(4).toString('hex')}`;
  const { signerKey } = generateEd25519Key(name);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key: parseLedgerKey(signerKey, path), created: true };
}

/**
 * Rotates the key file around `record`, which logs the new key in the ledger. The new key is written beside
 * the current file and moves into its place only once `recorded` says the ledger names it (the old file is
 * kept, renamed, for the record); a rotation the ledger did not take leaves the old key file where it was,
 * so the file and the ledger never disagree. `record` may fail after the ledger took the key (signing the
 * first checkpoint with it, say): the file still follows the ledger.
 */
export async function rotateLedgerKeyFile<T>(
  current: LedgerKey,
  record: (next: LedgerKey) => Promise<T>,
  recorded: (next: LedgerKey) => boolean,
): Promise<T> {
  const path = current.path;
  if (!path) throw new Error('the ledger key was given by the operator; rotate it where it is kept');
  const { signerKey } = generateEd25519Key(current.origin);
  const staged = `${path}.new`;
  writeFileSync(staged, `${signerKey}\n`, { mode: 0o600 });
  const next = parseLedgerKey(signerKey, path);
  const settle = () => {
    if (!recorded(next)) return rmSync(staged, { force: true });
    renameSync(path, `${path}.${current.keyId}.retired`);
    renameSync(staged, path);
  };
  try {
    const result = await record(next);
    settle();
    return result;
  } catch (err) {
    settle();
    throw err;
  }
}
