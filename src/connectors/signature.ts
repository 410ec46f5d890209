// Verifiers for the ways webhook senders sign what they send. Both compare in constant time, and both
// refuse everything when no secret is configured: a missing secret never means "anyone".
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SignatureVerifier } from '../server/authorize.ts';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? undefined : value;
}

/**
 * HMAC-SHA256 of the raw body, hex, in `header` after `prefix` — GitHub's `X-Hub-Signature-256:
 * sha256=<hex>`. `secret` is read on each request, so a rotated secret applies without a restart.
 */
export function hmacSha256Verifier(options: {
  header: string;
  prefix?: string;
  secret: () => string | undefined;
}): SignatureVerifier {
  const prefix = options.prefix ?? 'sha256=';
  return (raw, headers) => {
    const secret = options.secret();
    if (!secret) return 'no secret is configured for this webhook; nothing is accepted until one is';
    const sent = header(headers, options.header);
    if (!sent) return `the ${options.header} header is missing: sign the body with the shared secret`;
    const hex = sent.startsWith(prefix) ? sent.slice(prefix.length) : '';
    if (!/^[0-9a-f]{64}$/i.test(hex))
      return `the ${options.header} header is not ${prefix}<64 hex digits of HMAC-SHA256>`;
    const expected = createHmac('sha256', secret).update(raw).digest();
    return timingSafeEqual(expected, Buffer.from(hex, 'hex'))
      ? null
      : `the ${options.header} signature does not match the body`;
  };
}

/**
 * A shared token sent as is in `header` — GitLab's `X-Gitlab-Token`. Both sides are hashed first, so the
 * comparison takes the same time whatever the length of what was sent.
 */
export function sharedTokenVerifier(options: {
  header: string;
  secret: () => string | undefined;
}): SignatureVerifier {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return (_raw, headers) => {
    const secret = options.secret();
    if (!secret) return 'no secret is configured for this webhook; nothing is accepted until one is';
    const sent = header(headers, options.header);
    if (!sent) return `the ${options.header} header is missing`;
    return timingSafeEqual(digest(sent), digest(secret))
      ? null
      : `the ${options.header} header does not match`;
  };
}
