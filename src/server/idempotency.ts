// The HTTP side of idempotent commands: reads the Idempotency-Key header, fingerprints the request (method,
// URL and body, without password fields: a fast hash of a password would be guessable), hands the command
// to the CommandRunner, which keeps the record in the command's transaction, and sends the outcome, marked
// `idempotent-replayed` when it is the first answer given again. Response fields a route declares secret
// (`config.secret`) are never stored; a retry of such a request is answered 409 saying what was created.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import canonicalize from 'canonicalize';
import { AppError } from '../contracts/errors.ts';
import {
  IDEMPOTENCY_KEY,
  IDEMPOTENCY_KEY_RULE,
  type CommandContext,
  type CommandRunner,
  type IdempotentRequest,
  type Outcome,
} from '../modules/commands/command-runner.ts';
import { actor } from './auth.ts';

export { DEFAULT_IDEMPOTENCY_HOURS, type Outcome } from '../modules/commands/command-runner.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Top-level response fields that are secrets: shown once, never stored, sent with Cache-Control: no-store. */
    secret?: string[];
  }
  interface FastifyInstance {
    /** How long an Idempotency-Key is remembered. */
    idempotencyRetentionMs: number;
  }
}

/** Request fields that are secrets; a fast hash of them would be guessable, so they stay out of the hash. */
const SECRET_REQUEST_FIELDS = new Set(['password', 'currentPassword', 'newPassword']);

function fingerprint(req: FastifyRequest): string {
  let body = req.body ?? null;
  if (body !== null && typeof body === 'object' && !Array.isArray(body))
    body = Object.fromEntries(Object.entries(body).filter(([k]) => !SECRET_REQUEST_FIELDS.has(k)));
  const text = canonicalize(body) ?? '';
  return createHash('sha256').update(`${req.method} ${req.url}\n${text}`).digest('hex');
}

/** The request's Idempotency-Key, checked (400 when malformed), or undefined when it sent none. */
export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const header = req.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header[0] : header;
  if (!key || !IDEMPOTENCY_KEY.test(key)) throw new AppError('validation_failed', IDEMPOTENCY_KEY_RULE);
  return key;
}

function idempotentRequest(req: FastifyRequest): IdempotentRequest | undefined {
  const key = idempotencyKeyOf(req);
  if (key === undefined) return undefined;
  return {
    key,
    fingerprint: fingerprint(req),
    method: req.method,
    path: req.url,
    secret: req.routeOptions.config.secret,
    retentionMs: req.server.idempotencyRetentionMs,
  };
}

/** Runs a mutating route's command as the signed-in actor, with the request's Idempotency-Key if any. */
export async function mutate(
  runner: Pick<CommandRunner, 'run'>,
  req: FastifyRequest,
  reply: FastifyReply,
  run: (ctx: CommandContext) => Promise<Outcome>,
): Promise<FastifyReply> {
  const idempotency = idempotentRequest(req);
  const { outcome, replayed } = await runner.run({ actor: actor(req), idempotency }, run);
  if (replayed) void reply.header('idempotent-replayed', 'true');
  return reply.code(outcome.status).send(outcome.body);
}
