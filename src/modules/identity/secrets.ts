// Opaque bearer secrets. They carry 256 bits of randomness, so a fast SHA-256 is enough to store them;
// passwords, which people choose, get Argon2id instead.
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const SESSION_PREFIX = 'cps_';
export const TOKEN_PREFIX = 'cpt_';

export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verifying against a fixed hash when the user does not exist keeps the timing the same either way.
const DUMMY = hash('not-a-real-password-just-for-timing');

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    await verify(await DUMMY, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
