// Answering a forge after our decision is committed. The first attempt is awaited so the webhook's answer
// says whether the forge heard us; failures are retried in the background a bounded number of times, each
// failure logged as a warning and giving up logged as an error naming what to do, never dropped silently.
import type { FastifyBaseLogger } from 'fastify';

/** A call to the forge that failed; `retry` false when sending it again cannot help (a 4xx). */
export class ForgeCallFailed extends Error {
  readonly status: number | null;
  readonly retry: boolean;
  constructor(message: string, status: number | null) {
    super(message);
    this.status = status;
    // Rate limits and expired credentials (a fresh installation token is fetched) are worth another try.
    this.retry = status === null || status >= 500 || status === 429 || status === 408 || status === 401;
  }
}

// GitHub waits 10 s for a webhook answer; a commit lookup and a call back must fit in it.
const TIMEOUT_MS = 4_000;

/** POSTs JSON (or nothing) and returns the parsed answer; a non-2xx answer or no answer throws. */
export async function callForge(
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: unknown },
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'POST',
      headers: {
        accept: 'application/json',
        'user-agent': 'changeproof',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new ForgeCallFailed(`${url}: ${(err as Error).message}`, null);
  }
  const text = await res.text();
  if (!res.ok) throw new ForgeCallFailed(`${url} answered ${res.status}: ${text.slice(0, 300)}`, res.status);
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

export type CallbackState = 'sent' | 'retrying' | 'failed';

/**
 * Runs `send` once now; if it fails and may succeed later, again after each of `delaysMs` in the
 * background. Returns what became of the first attempt; `done` settles when the last attempt has.
 */
export async function sendWithRetry(
  what: string,
  send: () => Promise<void>,
  options: { delaysMs: readonly number[]; log: FastifyBaseLogger; giveUp: string },
): Promise<{ state: CallbackState; error: string | null; done: Promise<void> }> {
  const attempt = async (n: number): Promise<ForgeCallFailed | null> => {
    try {
      await send();
      if (n > 0) options.log.info({ what, attempt: n + 1 }, 'forge call back sent after retrying');
      return null;
    } catch (err) {
      const failure = err instanceof ForgeCallFailed ? err : new ForgeCallFailed(String(err), null);
      options.log.warn({ what, attempt: n + 1, err: failure.message }, 'forge call back failed');
      return failure;
    }
  };
  const first = await attempt(0);
  if (!first) return { state: 'sent', error: null, done: Promise.resolve() };
  if (!first.retry || options.delaysMs.length === 0) {
    options.log.error({ what, err: first.message }, `forge call back given up: ${options.giveUp}`);
    return { state: 'failed', error: first.message, done: Promise.resolve() };
  }
  const done = (async () => {
    let last: ForgeCallFailed | null = first;
    for (const [i, delay] of options.delaysMs.entries()) {
      await new Promise((r) => setTimeout(r, delay).unref());
      last = await attempt(i + 1);
      if (!last || !last.retry) break;
    }
    if (last) options.log.error({ what, err: last.message }, `forge call back given up: ${options.giveUp}`);
  })();
  return { state: 'retrying', error: first.message, done };
}
