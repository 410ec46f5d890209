// Browser sign-in: the session secret travels in an HttpOnly cookie instead of an Authorization header, so
// the page's scripts never hold it. A cookie is sent by the browser whoever asked, so every write it
// authenticates must also prove it came from our own page: an X-CSRF-Token header that only a page able to
// read GET /auth/csrf (same origin) can know, and an Origin, when the browser sends one, that is ours.
// The CSRF token is an HMAC keyed by the session's own secret: bound to that session, unguessable without
// the cookie, and the same on every server instance and after a restart, with nothing more to store.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../contracts/errors.ts';

export const SESSION_COOKIE = 'cp_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session secret in the request's cp_session cookie, or null. */
export function sessionCookie(req: FastifyRequest): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? null : value;
    }
  }
  return null;
}

/** The CSRF token of the session whose secret this is. */
export function csrfToken(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('changeproof csrf v1').digest('base64url');
}

function secure(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

/** Sets the session cookie; it lives as long as the session may (idle sessions end sooner, server-side). */
export function setSessionCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  secret: string,
  expiresAt: string,
  now: Date,
): void {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000));
  const flags = [
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAge}`,
    ...(secure(req) ? ['Secure'] : []),
  ];
  void reply.header('set-cookie', `${SESSION_COOKIE}=${secret}; ${flags.join('; ')}`);
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  const flags = ['Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(secure(req) ? ['Secure'] : [])];
  void reply.header('set-cookie', `${SESSION_COOKIE}=; ${flags.join('; ')}`);
}

/** The origin this request was addressed to, as a browser would write it in an Origin header. */
export function ownOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses a cookie-authenticated write that does not prove it came from our own page. Reads are left alone:
 * they change nothing, and SameSite=Strict keeps the cookie off cross-site requests in the first place.
 */
export function checkCookieWrite(req: FastifyRequest, sessionSecret: string): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== ownOrigin(req))
    throw new AppError(
      'csrf_failed',
      `a cookie-signed-in write must come from this server's own pages (${ownOrigin(req)}), not from ${origin}; nothing was done`,
    );
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameToken(sent, csrfToken(sessionSecret)))
    throw new AppError(
      'csrf_failed',
      `a write signed in by cookie needs the header X-CSRF-Token with this session's token (GET /api/v1/auth/csrf gives it); nothing was done`,
    );
}
