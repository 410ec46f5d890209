// Append and checkpoint loads for the durability suites: clients that append through the HTTP API and
// retry with the same Idempotency-Key until acknowledged, and a loop asking servers for checkpoints.
import { setTimeout as sleep } from 'node:timers/promises';
import { call, waitHealthy, type Response } from './support.ts';
import { random } from './random.ts';

export interface Ack {
  n: number;
  status: number;
  description: string;
  replayed: boolean;
}

export interface AppendStats {
  acks: Ack[];
  /** Attempts that had to be repeated: connection errors, time-outs and 5xx answers. */
  retries: number;
  connectionErrors: number;
  serverErrors: string[];
  /** Answers that are neither 2xx nor 5xx: a test failure. */
  rejected: string[];
}

export interface AppendLoad {
  total: number;
  workers: number;
  /** Makes descriptions and idempotency keys unique to this run. */
  tag: string;
  token: string;
  url: (worker: number) => string;
  service: (worker: number) => string;
  signal: AbortSignal;
  /** Called after every acknowledgement, e.g. to time kills. */
  onAck?: (acked: number) => void;
}

export const descriptionOf = (tag: string, n: number): string => `${tag}:${n}`;

/**
 * Appends `total` ledger entries, one PATCH of a service description each, from `workers` concurrent
 * clients. A request that fails without an answer, or with a 5xx, is sent again with the same
 * Idempotency-Key once the server is healthy, until a 2xx acknowledges it.
 */
export async function appendLoad(load: AppendLoad): Promise<AppendStats> {
  const stats: AppendStats = { acks: [], retries: 0, connectionErrors: 0, serverErrors: [], rejected: [] };
  let next = 0;
  const worker = async (w: number) => {
    for (let n = next++; n < load.total && !load.signal.aborted; n = next++) {
      const description = descriptionOf(load.tag, n);
      const path = `/api/v1/services/${load.service(w)}`;
      const headers = { 'idempotency-key': `${load.tag}-${n}` };
      while (!load.signal.aborted) {
        let res: Response<{ description?: string }>;
        try {
          res = await call(load.url(w), load.token, 'PATCH', path, { description }, headers, load.signal);
        } catch {
          stats.connectionErrors++;
          stats.retries++;
          await waitHealthy(() => load.url(w), load.signal);
          continue;
        }
        if (res.status >= 500) {
          stats.serverErrors.push(`${res.status} ${JSON.stringify(res.body)}`);
          stats.retries++;
          await sleep(50);
          continue;
        }
        if (res.status < 200 || res.status > 299) {
          stats.rejected.push(`${description}: ${res.status} ${JSON.stringify(res.body)}`);
          break;
        }
        const replayed = res.headers['idempotent-replayed'] === 'true';
        stats.acks.push({ n, status: res.status, description: res.body.description ?? '', replayed });
        load.onAck?.(stats.acks.length);
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: load.workers }, (_, w) => worker(w)));
  return stats;
}

export interface CheckpointStats {
  signed: number;
  unreachable: number;
  /** Answers other than 201, with their messages. */
  refused: string[];
}

/** Asks each server for a checkpoint every `everyMs` until `signal` aborts. */
export async function checkpointLoop(
  token: string,
  urls: () => string[],
  everyMs: number,
  signal: AbortSignal,
): Promise<CheckpointStats> {
  const stats: CheckpointStats = { signed: 0, unreachable: 0, refused: [] };
  const ask = async (url: string) => {
    try {
      const res = await call<{ error?: { message: string } }>(
        url,
        token,
        'POST',
        '/api/v1/ledger/checkpoints',
      );
      if (res.status === 201) stats.signed++;
      else stats.refused.push(`${res.status} ${res.body.error?.message ?? JSON.stringify(res.body)}`);
    } catch {
      stats.unreachable++;
    }
  };
  while (!signal.aborted) {
    await Promise.all(urls().map(ask));
    await sleep(everyMs * (0.5 + random()));
  }
  return stats;
}
