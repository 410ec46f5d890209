// Limits on failed sign-ins, against password guessing: per account and address, and (ten times as many)
// per address across accounts, against spraying one password over many accounts. Only failures count, so
// people who sign in correctly are never slowed down. Counters live in this process's memory.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../contracts/errors.ts';

/** The window failures are counted in. */
const WINDOW_MS = 15 * 60_000;
/** How many accounts one address may fail on for each failure one account may have. */
const ADDRESS_FACTOR = 10;

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

export interface LoginLimits {
  /** Refuses (429, with Retry-After) an attempt from an address or for an account that failed too often. */
  check(req: FastifyRequest, reply: FastifyReply, username: string): Promise<void>;
  /** Counts a failed attempt. */
  failed(req: FastifyRequest, username: string): Promise<void>;
}

export function loginLimits(app: FastifyInstance, perAccount: number): LoginLimits {
  // Key generators see only the request; the username is attached to it here.
  const account = new WeakMap<FastifyRequest, string>();
  const limiters: [Limiter, (username: string) => string][] = [
    [
      app.createRateLimit({
        max: perAccount,
        timeWindow: WINDOW_MS,
        keyGenerator: (req) => `login\n${req.ip}\n${account.get(req) ?? ''}`,
      }),
      (username) => `${username} from your address`,
    ],
    [
      app.createRateLimit({
        max: perAccount * ADDRESS_FACTOR,
        timeWindow: WINDOW_MS,
        keyGenerator: (req) => `login\n${req.ip}`,
      }),
      () => 'your address',
    ],
  ];
  return {
    async check(req, reply, username) {
      account.set(req, username);
      for (const [limit, what] of limiters) {
        const state = await limit(req, { increment: false });
        if (state.isAllowed || state.remaining > 0) continue;
        const minutes = Math.max(1, Math.ceil(state.ttlInSeconds / 60));
        req.log.warn({ username, ip: req.ip }, 'sign-in refused: too many failed attempts');
        void reply.header('retry-after', String(state.ttlInSeconds));
        throw new AppError(
          'rate_limited',
          `too many failed sign-ins for ${what(username)}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        );
      }
    },
    async failed(req, username) {
      account.set(req, username);
      req.log.info({ username, ip: req.ip }, 'sign-in failed');
      for (const [limit] of limiters) await limit(req);
    },
  };
}
