// The HTTP clients, run in a worker thread so their own CPU (fetch, JSON) does not share the server's
// event loop. Real TCP to the server's port, keep-alive connections (fetch's default agent).
import { parentPort, workerData } from 'node:worker_threads';

export interface LifecycleJob {
  mode: 'lifecycle';
  url: string;
  runId: string;
  lifecycles: number;
  concurrency: number;
  service: string;
  /** Bearer tokens of the requester, the two approvers and the implementer. */
  tokens: { requester: string; technical: string; business: string; implementer: string };
}

export interface GetJob {
  mode: 'get';
  url: string;
  token: string;
  /** Each path is requested `repeat` times, one request at a time. */
  paths: Record<string, string>;
  repeat: number;
}

export interface ClientResult {
  wallMs: number;
  latencies: Record<string, number[]>;
  errors: number;
  firstErrors: string[];
}

const result: ClientResult = { wallMs: 0, latencies: {}, errors: 0, firstErrors: [] };

function fail(message: string): void {
  result.errors += 1;
  if (result.firstErrors.length < 10) result.firstErrors.push(message);
}

async function call(
  url: string,
  name: string,
  method: 'GET' | 'POST',
  path: string,
  token: string,
  init: { body?: unknown; key?: string; expect?: number } = {},
): Promise<Record<string, unknown> | null> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.key) headers['idempotency-key'] = init.key;
  const t0 = performance.now();
  try {
    const res = await fetch(url + path, {
      method,
      headers,
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    (result.latencies[name] ??= []).push(performance.now() - t0);
    if (res.status !== (init.expect ?? 200)) {
      fail(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
      return null;
    }
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    fail(`${method} ${path} → ${String(err)}`);
    return null;
  }
}

/** One normal change from request to closure: 8 write requests, each checked for the state it leads to. */
async function lifecycle(job: LifecycleJob, i: number): Promise<void> {
  const { url, tokens: t } = job;
  const key = (step: string) => `${job.runId}.${i}.${step}`;
  const created = await call(url, 'create', 'POST', '/api/v1/changes', t.requester, {
    key: key('create'),
    expect: 201,
    body: {
      title: `Raise the connection pool size of ${job.service} (run ${i})`,
      services: [job.service],
      description: 'Increase the database connection pool from 20 to 40 connections.',
      reason: 'Pool exhaustion at the month-end peak caused timeouts.',
      implementationPlan: 'Change the pool size in the service config and roll the pods.',
      testPlan: 'Load test in staging at twice the month-end peak.',
      rollbackPlan: {
        method: 'Revert the config commit and roll the pods.',
        expectedMinutes: 10,
        triggers: 'Database CPU above 80% or error rate above 1%.',
        backupConfirmed: false,
      },
    },
  });
  if (!created) return;
  const id = created.id as string;
  const now = Date.now();
  const steps: [string, string, string, unknown, string][] = [
    ['submit', 'submit', t.requester, {}, 'awaiting_approval'],
    [
      'approve',
      'approve',
      t.technical,
      { comment: 'Pool size fits the database limits.' },
      'awaiting_approval',
    ],
    ['approve', 'approve', t.business, { comment: 'Fine outside the batch window.' }, 'approved'],
    [
      'schedule',
      'schedule',
      t.requester,
      {
        window: { start: new Date(now - 60_000).toISOString(), end: new Date(now + 3_600_000).toISOString() },
      },
      'scheduled',
    ],
    ['start', 'start', t.implementer, {}, 'implementing'],
    [
      'complete',
      'complete',
      t.implementer,
      { outcome: 'successful', verification: [{ name: 'pool metrics', passed: true }] },
      'review',
    ],
    ['close', 'close', t.implementer, {}, 'closed'],
  ];
  for (const [n, [name, action, token, body, state]] of steps.entries()) {
    const res = await call(url, name, 'POST', `/api/v1/changes/${id}/${action}`, token, {
      body,
      key: key(`${n}.${action}`),
    });
    if (!res) return;
    if (res.state !== state) return fail(`${id} ${action}: state ${String(res.state)}, expected ${state}`);
  }
}

async function runLifecycles(job: LifecycleJob): Promise<void> {
  let next = 0;
  const client = async () => {
    for (let i = next++; i < job.lifecycles; i = next++) await lifecycle(job, i);
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
}

async function runGets(job: GetJob): Promise<void> {
  for (const [name, path] of Object.entries(job.paths)) {
    await call(job.url, name, 'GET', path, job.token); // warm-up, not counted
    result.latencies[name] = [];
    for (let i = 0; i < job.repeat; i++) await call(job.url, name, 'GET', path, job.token);
  }
}

const job = workerData as LifecycleJob | GetJob;
const start = performance.now();
await (job.mode === 'lifecycle' ? runLifecycles(job) : runGets(job));
result.wallMs = performance.now() - start;
parentPort!.postMessage(result);
