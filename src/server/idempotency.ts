// Idempotency-Key support for every mutating request. The stored response is written in the same
// transaction as the use-case's events, so a retry either finds the first result or finds nothing was done.
// Records hold no secrets: response fields a route declares secret (`config.secret`) are left out, and a
// retry of such a request is answered 409 saying what was created and that its secret was shown once;
// passwords in a request body are left out of the request hash. Records expire after the retention period
// and are pruned as writes come in.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import canonicalize from 'canonicalize';
import { AppError } from '../contracts/errors.ts';
import { iso, type Deps } from '../modules/deps.ts';
import type { Store } from '../store/database.ts';
import { Prepared } from '../store/prepared.ts';
import { actor } from './auth.ts';
import { errorBody } from './errors.ts';

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

export interface Outcome {
  status: number;
  body: unknown;
}

export const DEFAULT_IDEMPOTENCY_HOURS = 24;
/** Expired records are deleted at most this often (per store), in the transaction of a keyed write. */
const PRUNE_EVERY_MS = 60_000;
/** Request fields that are secrets; a fast hash of them would be guessable, so they stay out of the hash. */
const SECRET_REQUEST_FIELDS = new Set(['password', 'currentPassword', 'newPassword']);

const priorResult = new Prepared((db, p: { actor: string; key: string }) =>
  db.selectFrom('idempotency_keys').selectAll().where('actor', '=', p.actor).where('key', '=', p.key),
);

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;
const lastPrune = new WeakMap<Store, number>();

function requestHash(req: FastifyRequest): string {
  let body = req.body ?? null;
  if (body !== null && typeof body === 'object' && !Array.isArray(body))
    body = Object.fromEntries(Object.entries(body).filter(([k]) => !SECRET_REQUEST_FIELDS.has(k)));
  const text = canonicalize(body) ?? '';
  return createHash('sha256').update(`${req.method} ${req.url}\n${text}`).digest('hex');
}

function withoutSecrets(body: unknown, fields: string[]): unknown {
  if (fields.length === 0 || body === null || typeof body !== 'object') return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => !fields.includes(k)));
}

/** The answer to a retry of a request whose first answer carried a secret that was not kept. */
function secretShownOnce(key: string, stored: unknown, fields: string[]): Outcome {
  const id = (stored as { id?: unknown } | null)?.id;
  const what = typeof id === 'string' ? `created ${id}` : 'succeeded';
  const revoke = typeof id === 'string' && id.startsWith('tok_') ? ` revoke ${id} and` : '';
  return {
    status: 409,
    body: errorBody(
      'conflict',
      `the first request with Idempotency-Key ${key} ${what}; its ${fields.join(', ')} was shown once in that answer and is not kept. If that answer was lost,${revoke} send a new request with a new key`,
    ),
  };
}

export async function mutate(
  deps: Pick<Deps, 'store' | 'now'>,
  req: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<Outcome>,
): Promise<FastifyReply> {
  const { store } = deps;
  const header = req.headers['idempotency-key'];
  if (header === undefined) {
    const outcome = await store.write(run);
    return reply.code(outcome.status).send(outcome.body);
  }
  const key = Array.isArray(header) ? header[0] : header;
  if (!key || !KEY.test(key))
    throw new AppError('validation_failed', 'Idempotency-Key must be 1–200 letters, digits or . _ : -');
  const who = actor(req).id;
  const hash = requestHash(req);
  const secret = req.routeOptions.config.secret ?? [];
  const retentionMs = req.server.idempotencyRetentionMs;
  const { outcome, replayed } = await store.write(async () => {
    const now = deps.now().getTime();
    const cutoff = iso(new Date(now - retentionMs));
    if (now - (lastPrune.get(store) ?? -Infinity) >= PRUNE_EVERY_MS) {
      lastPrune.set(store, now);
      await store.db.deleteFrom('idempotency_keys').where('created_at', '<', cutoff).execute();
    }
    let prior = await priorResult.first(store, { actor: who, key });
    if (prior && prior.created_at < cutoff) {
      await store.db.deleteFrom('idempotency_keys').where('actor', '=', who).where('key', '=', key).execute();
      prior = undefined;
    }
    if (prior) {
      if (prior.request_hash !== hash)
        throw new AppError(
          'idempotency_mismatch',
          `Idempotency-Key ${key} was already used for a different request (${prior.method} ${prior.path}); use a new key`,
        );
      const body = JSON.parse(prior.response) as unknown;
      const ok = prior.status_code >= 200 && prior.status_code < 300;
      return {
        outcome:
          ok && secret.length > 0 ? secretShownOnce(key, body, secret) : { status: prior.status_code, body },
        replayed: true,
      };
    }
    const result = await run();
    await store.insertLater('idempotency_keys', [
      {
        actor: who,
        key,
        method: req.method,
        path: req.url,
        request_hash: hash,
        status_code: result.status,
        response: JSON.stringify(withoutSecrets(result.body, secret)),
        created_at: iso(new Date(now)),
      },
    ]);
    return { outcome: result, replayed: false };
  });
  if (replayed) void reply.header('idempotent-replayed', 'true');
  return reply.code(outcome.status).send(outcome.body);
}
