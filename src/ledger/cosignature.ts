// C2SP tlog-cosignature (c2sp.org/tlog-cosignature), the Ed25519 "cosignature/v1" type: a witness's
// statement that, at a given time, the checkpoint was the largest consistent tree it had seen of the log.
//
// Facts from the spec relied on here:
// - key id = SHA-256(name || "\n" || 0x04 || 32-byte public key)[:4]; vkeys carry type byte 0x04;
// - signed message = "cosignature/v1\n" + "time <decimal, no leading zeroes>\n" + the checkpoint body;
// - the signature line is the ordinary note line `— <name> base64(key id || u64 BE time || Ed25519 sig)`;
// - the time must not exceed 2^63 - 1.
// A cosigner satisfies note.ts's Signer and Verifier interfaces, so signNote/openNote can carry them.
import { type KeyObject, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { type Signer, type Verifier, isValidKeyName, keyId } from './note.ts';

export const ED25519_COSIGNATURE_V1 = 0x04;
const MAX_TIME = (1n << 63n) - 1n;
const SIGNATURE_PREFIX = '\u2014 ';
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export type CosignatureErrorCode =
  | 'malformed-key'
  | 'malformed-signature' // not a signature line, or not 4 + 8 + 64 bytes
  | 'wrong-key' // the line's name or key id is another key's
  | 'bad-time' // the timestamp is above 2^63 - 1
  | 'invalid-signature';

export class CosignatureError extends Error {
  readonly code: CosignatureErrorCode;
  constructor(code: CosignatureErrorCode, message: string) {
    super(message);
    this.name = 'CosignatureError';
    this.code = code;
  }
}

export interface WitnessVerifier extends Verifier {
  readonly publicKey: Buffer;
  /** The note verifier key string, `name+hex(key id)+base64(0x04 || key)`. */
  readonly verifierKey: string;
}

export interface WitnessSigner {
  readonly name: string;
  readonly keyId: number;
  /** base64(key id || u64 time || signature) for the checkpoint body. */
  cosign(checkpointBody: string, time: number | bigint): string;
  /** A note.ts Signer that cosigns at the given time, for signNote. */
  noteSigner(time: number | bigint): Signer;
}

function toTime(time: number | bigint): bigint {
  const t = typeof time === 'bigint' ? time : Number.isSafeInteger(time) ? BigInt(time) : -1n;
  if (t < 0n || t > MAX_TIME) throw new CosignatureError('bad-time', `bad cosignature time ${time}`);
  return t;
}

/** The exact bytes an Ed25519 cosignature/v1 signs. */
export function cosignatureMessage(checkpointBody: string, time: number | bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${toTime(time)}\n${checkpointBody}`, 'utf8');
}

const typed = (publicKey: Uint8Array) => Buffer.concat([Buffer.of(ED25519_COSIGNATURE_V1), publicKey]);
const hex8 = (id: number) => id.toString(16).padStart(8, '0');

function verifierFor(name: string, publicKey: Buffer): WitnessVerifier {
  const key: KeyObject = createPublicKey({
    key: Buffer.concat([SPKI_ED25519, publicKey]),
    format: 'der',
    type: 'spki',
  });
  const id = keyId(name, typed(publicKey));
  return {
    name,
    keyId: id,
    publicKey,
    verifierKey: `${name}+${hex8(id)}+${encodeBase64(typed(publicKey))}`,
    // `signature` is what follows the key id on the line: the u64 time, then the Ed25519 signature.
    verify(message, signature) {
      if (signature.length !== 72) return false;
      const time = Buffer.from(signature.buffer, signature.byteOffset, 8).readBigUInt64BE(0);
      if (time > MAX_TIME) return false;
      const signed = Buffer.concat([Buffer.from(`cosignature/v1\ntime ${time}\n`), message]);
      return verify(null, signed, key, signature.subarray(8));
    },
  };
}

/** name, key id and key bytes of `name+hex8+base64(0x04 || key)`; the key id is checked by the callers. */
function splitKey(text: string): { name: string; id: number; key: Buffer } {
  const [, name = '', idHex = '', encoded = ''] = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text) ?? [];
  const key = decodeBase64(encoded);
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/i.test(idHex) || !key || key.length !== 33) {
    throw new CosignatureError('malformed-key', 'malformed witness key string');
  }
  if (key[0] !== ED25519_COSIGNATURE_V1) {
    throw new CosignatureError(
      'malformed-key',
      `a witness key has type 0x04, not 0x0${key[0]!.toString(16)}`,
    );
  }
  return { name, id: Number.parseInt(idHex, 16), key: key.subarray(1) };
}

/** Parses a witness verifier key such as `remora.n621.de+da77ade7+BOvN…`. */
export function parseWitnessVerifierKey(vkey: string): WitnessVerifier {
  const { name, id, key } = splitKey(vkey);
  const verifier = verifierFor(name, Buffer.from(key));
  if (verifier.keyId !== id) throw new CosignatureError('malformed-key', 'the key id does not match the key');
  return verifier;
}

function seedKey(seed: Uint8Array): { privateKey: KeyObject; publicKey: Buffer } {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: spki.subarray(SPKI_ED25519.length) };
}

/** Parses `PRIVATE+KEY+name+hex8+base64(0x04 || seed)`. */
export function parseWitnessSignerKey(skey: string): WitnessSigner {
  if (!skey.startsWith('PRIVATE+KEY+')) throw new CosignatureError('malformed-key', 'malformed signer key');
  const { name, id, key } = splitKey(skey.slice('PRIVATE+KEY+'.length));
  const { privateKey, publicKey } = seedKey(key);
  if (keyId(name, typed(publicKey)) !== id) {
    throw new CosignatureError('malformed-key', 'the key id does not match the key');
  }
  const timestamped = (message: Uint8Array, time: bigint): Buffer => {
    const head = Buffer.alloc(8);
    head.writeBigUInt64BE(time);
    const signed = Buffer.concat([Buffer.from(`cosignature/v1\ntime ${time}\n`), message]);
    return Buffer.concat([head, sign(null, signed, privateKey)]);
  };
  const idBytes = Buffer.alloc(4);
  idBytes.writeUInt32BE(id);
  return {
    name,
    keyId: id,
    cosign: (body, time) =>
      encodeBase64(Buffer.concat([idBytes, timestamped(Buffer.from(body, 'utf8'), toTime(time))])),
    noteSigner: (time) => {
      const t = toTime(time);
      return { name, keyId: id, sign: (message) => timestamped(message, t) };
    },
  };
}

/** A witness key pair from a 32-byte Ed25519 seed. */
export function witnessKeyFromSeed(
  name: string,
  seed: Uint8Array,
): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name)) throw new CosignatureError('malformed-key', `invalid key name ${name}`);
  if (seed.length !== 32) throw new CosignatureError('malformed-key', 'an Ed25519 seed is 32 bytes');
  const { verifierKey } = verifierFor(name, seedKey(seed).publicKey);
  const id = verifierKey.split('+')[1]!;
  const signerKey = `PRIVATE+KEY+${name}+${id}+${encodeBase64(typed(seed))}`;
  return { signerKey, verifierKey };
}

export function generateWitnessKey(name: string): { signerKey: string; verifierKey: string } {
  return witnessKeyFromSeed(name, randomBytes(32));
}

/** The signature line (`— name base64`, with its newline) of a cosignature on a checkpoint body. */
export function cosign(checkpointBody: string, signer: WitnessSigner, time: number | bigint): string {
  return `${SIGNATURE_PREFIX}${signer.name} ${signer.cosign(checkpointBody, time)}\n`;
}

/** Checks one cosignature line against a checkpoint body (the note text, signatures excluded). */
export function verifyCosignature(
  checkpointBody: string,
  signatureLine: string,
  verifier: WitnessVerifier,
): { time: bigint } {
  const line = signatureLine.endsWith('\n') ? signatureLine.slice(0, -1) : signatureLine;
  const m = /^\u2014 ([^ \n]+) ([^ \n]+)$/.exec(line);
  const raw = m ? decodeBase64(m[2]!) : undefined;
  if (!m || !raw) throw new CosignatureError('malformed-signature', 'not a note signature line');
  if (m[1] !== verifier.name || raw.length < 4 || raw.readUInt32BE(0) !== verifier.keyId) {
    throw new CosignatureError('wrong-key', `the line is not signed by ${verifier.verifierKey}`);
  }
  if (raw.length !== 4 + 8 + 64) {
    throw new CosignatureError('malformed-signature', 'a cosignature/v1 signature is 76 bytes');
  }
  const time = raw.readBigUInt64BE(4);
  if (time > MAX_TIME) throw new CosignatureError('bad-time', 'the cosignature time is above 2^63 - 1');
  if (!verifier.verify(Buffer.from(checkpointBody, 'utf8'), raw.subarray(4))) {
    throw new CosignatureError('invalid-signature', `invalid cosignature by ${verifier.name}`);
  }
  return { time };
}

/** The time in a cosignature/v1 signature (the base64 after the key name), without verifying it. */
export function cosignatureTimestamp(signatureBase64: string): bigint {
  const raw = decodeBase64(signatureBase64);
  if (raw?.length !== 4 + 8 + 64) {
    throw new CosignatureError('malformed-signature', 'a cosignature/v1 signature is 76 bytes');
  }
  const time = raw.readBigUInt64BE(4);
  if (time > MAX_TIME) throw new CosignatureError('bad-time', 'the cosignature time is above 2^63 - 1');
  return time;
}

/** Appends cosignature lines to a signed note (which ends with its signature lines). */
export function addCosignatures(note: string, lines: readonly string[]): string {
  if (!note.endsWith('\n')) throw new CosignatureError('malformed-signature', 'a note ends in a newline');
  return note + lines.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
}

export interface WitnessResult {
  readonly verifierKey: string;
  /** valid: a cosignature verified; missing: none from this key; invalid: one from this key did not verify. */
  readonly status: 'valid' | 'missing' | 'invalid';
  /** The cosignature's time, when valid. */
  readonly time?: bigint;
}

/**
 * Checks the note signatures of a checkpoint (openNote's `unverified` list: the log's keys are not
 * witnesses) against each distinct witness key. A key whose line does not verify is 'invalid', as a
 * known key's bad signature makes the signed-note spec reject the note.
 */
export function checkCosignatures(
  checkpointBody: string,
  signatures: readonly { name: string; keyId: number; base64: string }[],
  witnesses: readonly WitnessVerifier[],
): WitnessResult[] {
  const seen = new Set<string>();
  const results: WitnessResult[] = [];
  for (const witness of witnesses) {
    if (seen.has(witness.verifierKey)) continue;
    seen.add(witness.verifierKey);
    const lines = signatures.filter((s) => s.name === witness.name && s.keyId === witness.keyId);
    let result: WitnessResult = { verifierKey: witness.verifierKey, status: 'missing' };
    for (const s of lines) {
      try {
        const { time } = verifyCosignature(
          checkpointBody,
          `${SIGNATURE_PREFIX}${s.name} ${s.base64}`,
          witness,
        );
        if (result.status === 'missing') result = { verifierKey: witness.verifierKey, status: 'valid', time };
      } catch {
        result = { verifierKey: witness.verifierKey, status: 'invalid' };
        break;
      }
    }
    results.push(result);
  }
  return results;
}
