// Idempotency-Key support for every mutating request. The stored response is written in the same
// transaction as the use-case's events, so a retry either finds the first result or finds nothing was done.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import canonicalize from 'canonicalize';
import { AppError } from '../contracts/errors.ts';
import { iso, type Deps } from '../modules/deps.ts';
import { insertRows, Prepared } from '../store/prepared.ts';
import { actor } from './auth.ts';

export interface Outcome {
  status: number;
  body: unknown;
}

const priorResult = new Prepared((db, p: { actor: string; key: string }) =>
  db.selectFrom('idempotency_keys').selectAll().where('actor', '=', p.actor).where('key', '=', p.key),
);

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;

function requestHash(req: FastifyRequest): string {
  const body = canonicalize(req.body ?? null) ?? '';
  return createHash('sha256').update(`${req.method} ${req.url}\n${body}`).digest('hex');
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
  const { outcome, replayed } = await store.write(async () => {
    const prior = await priorResult.first(store, { actor: who, key });
    if (prior) {
      if (prior.request_hash !== hash)
        throw new AppError(
          'idempotency_mismatch',
          `Idempotency-Key ${key} was already used for a different request (${prior.method} ${prior.path}); use a new key`,
        );
      return {
        outcome: { status: prior.status_code, body: JSON.parse(prior.response) as unknown },
        replayed: true,
      };
    }
    const result = await run();
    await insertRows(store, 'idempotency_keys', [
      {
        actor: who,
        key,
        method: req.method,
        path: req.url,
        request_hash: hash,
        status_code: result.status,
        response: JSON.stringify(result.body),
        created_at: iso(deps.now()),
      },
    ]);
    return { outcome: result, replayed: false };
  });
  if (replayed) void reply.header('idempotent-replayed', 'true');
  return reply.code(outcome.status).send(outcome.body);
}
