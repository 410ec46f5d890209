// Strict standard base64 (RFC 4648 §4). Buffer.from(s, 'base64') skips characters it does not know and
// accepts missing padding, so two different strings could decode to the same key or signature; a verifier
// must accept exactly one spelling of each value.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes canonical padded base64, or returns undefined for anything else. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Non-zero bits in the final padding position would decode to the same bytes: refuse them.
  return bytes.toString('base64') === text ? bytes : undefined;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
