// Limits on failed sign-ins, against password guessing: per account and address, and (ten times as many)
// per address across accounts, against spraying one password over many accounts. An attempt is counted
// *before* its password is checked and the count given back when it succeeds, so guesses sent in parallel
// cannot all be evaluated before the first failure is counted, and people who sign in correctly are never
// slowed down. Counters live in this process's memory, in fixed windows.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../contracts/errors.ts';

/** The window attempts are counted in. */
const WINDOW_MS = 15 * 60_000;
/** How many accounts one address may fail on for each failure one account may have. */
const ADDRESS_FACTOR = 10;
/** Above this many counters, expired ones are swept on the next attempt. */
const SWEEP_AT = 10_000;

export interface LoginLimits {
  /**
   * Counts an attempt for `username` from the request's address, or refuses it (429, with Retry-After) when
   * the account or the address used up its attempts. Returns the release to call if the attempt succeeds.
   */
  reserve(req: FastifyRequest, reply: FastifyReply, username: string): () => void;
}

interface Counter {
  count: number;
  resetAt: number;
}

export function loginLimits(perAccount: number, clock: () => number = Date.now): LoginLimits {
  const counters = new Map<string, Counter>();
  const sweep = (now: number) => {
    for (const [key, c] of counters) if (c.resetAt <= now) counters.delete(key);
  };
  return {
    reserve(req, reply, username) {
      const now = clock();
      if (counters.size > SWEEP_AT) sweep(now);
      const limits = [
        { key: `${req.ip}\n${username}`, max: perAccount, what: `${username} from your address` },
        { key: req.ip, max: perAccount * ADDRESS_FACTOR, what: 'your address' },
      ];
      // Check every limit, then count against every limit, with no await in between: nothing can interleave.
      const held = limits.map((l) => {
        let c = counters.get(l.key);
        if (!c || c.resetAt <= now) {
          c = { count: 0, resetAt: now + WINDOW_MS };
          counters.set(l.key, c);
        }
        return { ...l, c };
      });
      const full = held.find((h) => h.c.count >= h.max);
      if (full) {
        const seconds = Math.max(1, Math.ceil((full.c.resetAt - now) / 1000));
        const minutes = Math.max(1, Math.ceil(seconds / 60));
        req.log.warn({ username, ip: req.ip }, 'sign-in refused: too many failed attempts');
        void reply.header('retry-after', String(seconds));
        throw new AppError(
          'rate_limited',
          `too many failed sign-ins for ${full.what}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        );
      }
      for (const h of held) h.c.count++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        for (const h of held) if (counters.get(h.key) === h.c) h.c.count = Math.max(0, h.c.count - 1);
      };
    },
  };
}
