// C2SP signed-note (c2sp.org/signed-note) with Ed25519 keys, byte-compatible with golang.org/x/mod/sumdb/note:
// the same key strings, the same signature lines, the same rules for opening a note.
import {
  type KeyObject,
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { decodeBase64, encodeBase64 } from './base64.ts';

export type NoteErrorCode =
  | 'malformed-key' // a signer or verifier key string does not parse
  | 'key-id-mismatch' // the key id in a key string is not the one its name and key give
  | 'unknown-algorithm' // a key of a signature type other than Ed25519 (0x01)
  | 'malformed-note' // the note breaks the format (text, blank line, signature lines, limits)
  | 'invalid-signer' // a signer with an invalid key name
  | 'ambiguous-key' // two verifiers share a name and key id
  | 'invalid-signature' // a known key's signature does not verify: the whole note is rejected
  | 'unverified'; // no signature from a known key

export class NoteError extends Error {
  readonly code: NoteErrorCode;
  /** For 'unverified': the signatures found, none of them from a known key. */
  readonly unverified: readonly NoteSignature[];
  constructor(code: NoteErrorCode, message: string, unverified: readonly NoteSignature[] = []) {
    super(message);
    this.name = 'NoteError';
    this.code = code;
    this.unverified = unverified;
  }
}

export interface Verifier {
  readonly name: string;
  readonly keyId: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface Signer {
  readonly name: string;
  readonly keyId: number;
  sign(message: Uint8Array): Uint8Array;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** base64(key id || signature), as on the signature line. */
  readonly base64: string;
}

export interface OpenedNote {
  /** The signed text, ending in a newline. */
  readonly text: string;
  /** Signatures from the given verifiers, all checked. */
  readonly verified: readonly NoteSignature[];
  /** Signatures from keys the caller did not give (witnesses, rotated keys): not checked. */
  readonly unverified: readonly NoteSignature[];
}

export const ED25519 = 0x01;
/** Go's limit; the spec asks verifiers to accept at least 16. */
export const MAX_SIGNATURES = 100;
/** A checkpoint note is a few hundred bytes; refusing megabytes keeps a hostile note cheap to reject. */
export const MAX_NOTE_BYTES = 1 << 20;

const SIGNATURE_PREFIX = '\u2014 '; // em dash, space
// PKCS#8 and SPKI wrappers of a raw Ed25519 key (RFC 8410): node:crypto imports keys only in these forms.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/** Key names: non-empty, no Unicode white space, no plus sign. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && name.isWellFormed() && !/[\p{White_Space}+]/u.test(name);
}

/** SHA-256(name || 0x0A || type || public key)[:4] as a big-endian uint32. */
export function keyId(name: string, typeAndPublicKey: Uint8Array): number {
  return createHash('sha256').update(name).update('\n').update(typeAndPublicKey).digest().readUInt32BE(0);
}

const hex8 = (id: number): string => id.toString(16).padStart(8, '0');

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' });
}

function ed25519Verifier(name: string, publicKey: Uint8Array): Verifier {
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyId: keyId(name, Buffer.concat([Buffer.of(ED25519), publicKey])),
    verify: (message, signature) => signature.length === 64 && verify(null, message, key, signature),
  };
}

/** The verifier key string for an Ed25519 public key: name+hex(key id)+base64(0x01 || key). */
export function ed25519VerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteError('malformed-key', `invalid key name ${JSON.stringify(name)}`);
  if (publicKey.length !== 32) throw new NoteError('malformed-key', 'an Ed25519 public key is 32 bytes');
  const typed = Buffer.concat([Buffer.of(ED25519), publicKey]);
  return `${name}+${hex8(keyId(name, typed))}+${encodeBase64(typed)}`;
}

/** Splits name+hex8+base64 and checks what the two key string kinds share. */
function parseKeyString(text: string): { name: string; id: number; key: Buffer } {
  // Cut at the first two plus signs only: standard base64 uses '+' too.
  const [, name = '', idHex = '', encoded = ''] = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text) ?? [];
  const key = decodeBase64(encoded);
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/i.test(idHex) || !key || key.length === 0) {
    throw new NoteError('malformed-key', 'malformed key string');
  }
  if (key[0] !== ED25519) throw new NoteError('unknown-algorithm', `unknown signature type ${key[0]}`);
  if (key.length !== 33) throw new NoteError('malformed-key', 'an Ed25519 key is 32 bytes');
  return { name, id: Number.parseInt(idHex, 16), key };
}

/** Parses a verifier key string such as `PeterNeumann+c74f20a3+ARpc…`. */
export function parseVerifierKey(vkey: string): Verifier {
  const { name, id, key } = parseKeyString(vkey);
  if (id !== keyId(name, key)) throw new NoteError('key-id-mismatch', 'the key id does not match the key');
  return ed25519Verifier(name, key.subarray(1));
}

function ed25519FromSeed(seed: Uint8Array): { privateKey: KeyObject; publicKey: Buffer } {
  const der = Buffer.concat([PKCS8_ED25519, seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: spki.subarray(SPKI_ED25519.length) };
}

/** Parses a signer key string `PRIVATE+KEY+name+hex(key id)+base64(0x01 || seed)`. */
export function parseSignerKey(skey: string): Signer {
  if (!skey.startsWith('PRIVATE+KEY+')) throw new NoteError('malformed-key', 'malformed signer key string');
  const { name, id, key } = parseKeyString(skey.slice('PRIVATE+KEY+'.length));
  const { privateKey, publicKey } = ed25519FromSeed(key.subarray(1));
  // The id names the public key, so it can only be checked once the public key is derived from the seed.
  if (id !== keyId(name, Buffer.concat([Buffer.of(ED25519), publicKey]))) {
    throw new NoteError('key-id-mismatch', 'the key id does not match the key');
  }
  return { name, keyId: id, sign: (message) => sign(null, message, privateKey) };
}

/** A fresh Ed25519 key pair as signer and verifier key strings. */
export function generateEd25519Key(name: string): { signerKey: string; verifierKey: string } {
  return ed25519KeyFromSeed(name, randomBytes(32));
}

/** The key strings for a given 32-byte Ed25519 seed (RFC 8032 private key). */
export function ed25519KeyFromSeed(
  name: string,
  seed: Uint8Array,
): { signerKey: string; verifierKey: string } {
  if (seed.length !== 32) throw new NoteError('malformed-key', 'an Ed25519 seed is 32 bytes');
  const { publicKey } = ed25519FromSeed(seed);
  const verifierKey = ed25519VerifierKey(name, publicKey);
  const id = verifierKey.split('+')[1]!;
  return {
    signerKey: `PRIVATE+KEY+${name}+${id}+${encodeBase64(Buffer.concat([Buffer.of(ED25519), seed]))}`,
    verifierKey,
  };
}

/** Valid Unicode without ASCII control characters other than newline, as every note must be. */
export function isNoteText(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20 && text[i] !== '\n') return false;
  return text.isWellFormed();
}

function assertNoteCharacters(text: string): void {
  if (!isNoteText(text)) {
    throw new NoteError('malformed-note', 'a note must be UTF-8 text without control characters');
  }
}

function signatureLine(signature: NoteSignature): string {
  return `${SIGNATURE_PREFIX}${signature.name} ${signature.base64}\n`;
}

/**
 * Signs `text` (which must end in a newline) with every signer. Signatures in `keep` (say, a log's own
 * signature when a witness cosigns) stay, first, unless a signer replaces them.
 */
export function signNote(
  text: string,
  signers: readonly Signer[],
  keep: readonly NoteSignature[] = [],
): string {
  if (!text.endsWith('\n')) throw new NoteError('malformed-note', 'the note text must end in a newline');
  assertNoteCharacters(text);
  const message = Buffer.from(text, 'utf8');
  const fresh = signers.map((signer): NoteSignature => {
    if (!isValidKeyName(signer.name))
      throw new NoteError('invalid-signer', `invalid key name ${signer.name}`);
    const id = Buffer.alloc(4);
    id.writeUInt32BE(signer.keyId);
    return {
      name: signer.name,
      keyId: signer.keyId,
      base64: encodeBase64(Buffer.concat([id, signer.sign(message)])),
    };
  });
  const replaced = new Set(fresh.map((s) => `${s.name}+${s.keyId}`));
  const kept = keep.filter((s) => !replaced.has(`${s.name}+${s.keyId}`));
  for (const s of kept) {
    const raw = decodeBase64(s.base64);
    if (!isValidKeyName(s.name) || !raw || raw.length < 5 || raw.readUInt32BE(0) !== s.keyId) {
      throw new NoteError('malformed-note', `malformed kept signature from ${s.name}`);
    }
  }
  const all = [...kept, ...fresh];
  if (all.length === 0) throw new NoteError('malformed-note', 'a note needs at least one signature');
  if (all.length > MAX_SIGNATURES) throw new NoteError('malformed-note', 'too many signatures');
  return `${text}\n${all.map(signatureLine).join('')}`;
}

function decodeNote(note: Uint8Array | string): string {
  if (typeof note === 'string') return note;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
  } catch {
    throw new NoteError('malformed-note', 'a note must be valid UTF-8');
  }
}

/**
 * Opens a signed note: checks every signature from a known key and returns the text with the verified
 * and the unknown signatures. Throws when a known key's signature fails or no known key signed.
 */
export function openNote(note: Uint8Array | string, verifiers: readonly Verifier[]): OpenedNote {
  const malformed = (why: string) => new NoteError('malformed-note', `malformed note: ${why}`);
  const size = typeof note === 'string' ? Buffer.byteLength(note) : note.length;
  if (size > MAX_NOTE_BYTES) throw malformed(`larger than ${MAX_NOTE_BYTES} bytes`);
  const message = decodeNote(note);
  assertNoteCharacters(message);
  // The text ends at the last blank line; everything after it is signature lines.
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('the signature block must end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);

  const textBytes = Buffer.from(text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('a signature line must start with an em dash');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const [name, encoded] = space < 0 ? [rest, ''] : [rest.slice(0, space), rest.slice(space + 1)];
    const raw = decodeBase64(encoded);
    if (!isValidKeyName(name) || !raw || raw.length < 5) throw malformed('bad signature line');
    const signature: NoteSignature = { name, keyId: raw.readUInt32BE(0), base64: encoded };
    const key = `${name}+${hex8(signature.keyId)}`;
    const matches = verifiers.filter((v) => v.name === name && v.keyId === signature.keyId);
    if (matches.length > 1) throw new NoteError('ambiguous-key', `ambiguous key ${key}`);
    const [verifier] = matches;
    // A repeated signature adds nothing; dropping it keeps one entry per key (or per unknown line).
    const dedupe = verifier ? key : line;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    if (!verifier) {
      unverified.push(signature);
      continue;
    }
    if (!verifier.verify(textBytes, raw.subarray(4))) {
      throw new NoteError('invalid-signature', `invalid signature for key ${key}`);
    }
    verified.push(signature);
  }
  if (verified.length === 0)
    throw new NoteError('unverified', 'note has no verifiable signatures', unverified);
  return { text, verified, unverified };
}
