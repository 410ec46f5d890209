// The log's Ed25519 signing key: generated at init into the data directory with owner-only permissions, or
// given by the operator (CHANGEPROOF_LEDGER_KEY_FILE), never stored in the database. Its name is the
// log's origin, so checkpoints say which log they belong to.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/** Replaces the key file with a new key of the same origin; the old file is kept, renamed, for the record. */
export function rotateLedgerKeyFile(current: LedgerKey): LedgerKey {
  if (!current.path) throw new Error('the ledger key was given by the operator; rotate it where it is kept');
  const { signerKey } = generateEd25519Key(current.origin);
  const fresh = `${current.path}.new`;
  writeFileSync(fresh, `${signerKey}\n`, { mode: 0o600 });
  renameSync(current.path, `${current.path}.${current.keyId}.retired`);
  renameSync(fresh, current.path);
  return parseLedgerKey(signerKey, current.path);
}
