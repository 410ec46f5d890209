// The one way a command runs, whoever sends it: an HTTP route, the CLI's local commands, a scheduled job or
// (soon) a webhook or stream consumer. The runner owns the write transaction (Store.write, group commit
// included), the acting actor, one clock reading for the whole command, and the idempotency record: a
// command sent again with the same key by the same actor gets its first outcome, from the same transaction
// that did the work, so a retry either finds that outcome or finds that nothing was done.
import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '../../contracts/errors.ts';
import type { ErrorBody } from '../../contracts/errors.ts';
import type { Actor } from '../../domain/actor.ts';
import type { Store } from '../../store/database.ts';
import { assertMay, type Action } from '../identity/access.ts';
import { IdempotencyRepository } from './idempotency.repository.ts';

/** What a command answers: an HTTP-like status and a body, kept as the idempotency record. */
export interface Outcome {
  status: number;
  body: unknown;
}

/** Who runs the command and when: one reading of the clock, shared by everything the command records. */
export interface CommandContext {
  actor: Actor;
  now: Date;
  /** `now` as ISO 8601 text, as events are stamped. */
  at: string;
}

export interface IdempotentRequest {
  /** The caller's key: an HTTP Idempotency-Key header, a webhook delivery id, a stream message id. */
  key: string;
  /** Identifies the request (e.g. a hash of method, path and body); the same key with another is refused. */
  fingerprint: string;
  /** Where the request came from, shown when a key is reused for something else. */
  method: string;
  path: string;
  /** Top-level outcome fields that are secrets: never stored; a retry is told they were shown once. */
  secret?: string[] | undefined;
  /** How long the record is kept; defaults to the runner's retention. */
  retentionMs?: number | undefined;
}

export interface Command {
  actor: Actor;
  /** What the command does, when the caller (a job, a consumer) wants the runner to check it is allowed. */
  action?: Action | undefined;
  idempotency?: IdempotentRequest | undefined;
}

/** What use-cases need to run their writes: join the command under way, or run as one. */
export interface Commands {
  execute<T>(actor: Actor, fn: (ctx: CommandContext) => Promise<T>): Promise<T>;
}

export const DEFAULT_IDEMPOTENCY_HOURS = 24;
/** Expired records are deleted at most this often, in the transaction of a keyed command. */
const PRUNE_EVERY_MS = 60_000;
/** What an idempotency key may be: the runner checks it, and the HTTP side checks it early the same way. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/;
export const IDEMPOTENCY_KEY_RULE = 'Idempotency-Key must be 1–200 letters, digits or . _ : -';

function withoutSecrets(body: unknown, fields: string[]): unknown {
  if (fields.length === 0 || body === null || typeof body !== 'object') return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => !fields.includes(k)));
}

/** The answer to a retry of a command whose first answer carried a secret that was not kept. */
function secretShownOnce(key: string, stored: unknown, fields: string[]): Outcome {
  const id = (stored as { id?: unknown } | null)?.id;
  const what = typeof id === 'string' ? `created ${id}` : 'succeeded';
  const revoke = typeof id === 'string' && id.startsWith('tok_') ? ` revoke ${id} and` : '';
  const body: ErrorBody = {
    error: {
      code: 'conflict',
      message: `the first request with Idempotency-Key ${key} ${what}; its ${fields.join(', ')} was shown once in that answer and is not kept. If that answer was lost,${revoke} send a new request with a new key`,
      details: [],
    },
  };
  return { status: 409, body };
}

export class CommandRunner implements Commands {
  private readonly store: Store;
  private readonly clock: () => Date;
  private readonly retentionMs: number;
  private readonly records: IdempotencyRepository;
  private readonly current = new AsyncLocalStorage<CommandContext>();
  private lastPrune = -Infinity;

  constructor(store: Store, clock: () => Date, retentionHours = DEFAULT_IDEMPOTENCY_HOURS) {
    this.store = store;
    this.clock = clock;
    this.retentionMs = retentionHours * 3_600_000;
    this.records = new IdempotencyRepository(store);
  }

  /**
   * Runs `fn` as one command of `actor` in the write transaction; a command already under way is joined
   * (same transaction, same clock reading), so a use-case calling another stays one command.
   */
  async execute<T>(actor: Actor, fn: (ctx: CommandContext) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open && this.store.inTransaction) return fn(open.actor === actor ? open : { ...open, actor });
    return this.store.write(() => {
      const now = this.clock();
      const ctx: CommandContext = { actor, now, at: now.toISOString() };
      return this.current.run(ctx, () => fn(ctx));
    });
  }

  /**
   * Runs a command that answers with an outcome; with `idempotency`, a repeat of the same request gets the
   * first outcome (`replayed`), and another request under the same key is refused (`idempotency_mismatch`).
   */
  async run(
    command: Command,
    fn: (ctx: CommandContext) => Promise<Outcome>,
  ): Promise<{ outcome: Outcome; replayed: boolean }> {
    if (command.action) assertMay(command.actor, command.action);
    const request = command.idempotency;
    if (!request) return { outcome: await this.execute(command.actor, fn), replayed: false };
    const { key } = request;
    if (!IDEMPOTENCY_KEY.test(key)) throw new AppError('validation_failed', IDEMPOTENCY_KEY_RULE);
    const who = command.actor.id;
    const secret = request.secret ?? [];
    return this.execute(command.actor, async (ctx) => {
      const now = ctx.now.getTime();
      const cutoff = new Date(now - (request.retentionMs ?? this.retentionMs)).toISOString();
      if (now - this.lastPrune >= PRUNE_EVERY_MS) {
        this.lastPrune = now;
        await this.records.prune(cutoff);
      }
      let prior = await this.records.find(who, key);
      if (prior && prior.created_at < cutoff) {
        await this.records.forget(who, key);
        prior = undefined;
      }
      if (prior) {
        if (prior.request_hash !== request.fingerprint)
          throw new AppError(
            'idempotency_mismatch',
            `Idempotency-Key ${key} was already used for a different request (${prior.method} ${prior.path}); use a new key`,
          );
        const body = JSON.parse(prior.response) as unknown;
        const ok = prior.status_code >= 200 && prior.status_code < 300;
        return {
          outcome:
            ok && secret.length > 0
              ? secretShownOnce(key, body, secret)
              : { status: prior.status_code, body },
          replayed: true,
        };
      }
      const outcome = await fn(ctx);
      await this.records.save({
        actor: who,
        key,
        method: request.method,
        path: request.path,
        request_hash: request.fingerprint,
        status_code: outcome.status,
        response: JSON.stringify(withoutSecrets(outcome.body, secret)),
        created_at: ctx.at,
      });
      return { outcome, replayed: false };
    });
  }
}
