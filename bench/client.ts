// The HTTP clients, run in a worker thread so their own CPU (HTTP, JSON) does not share the server's
// event loop. Real TCP to the server's port over keep-alive connections, one per client. node:http rather
// than fetch: the load generator shares the machine's two cores with the server, and fetch costs about
// twice the CPU per request.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { createBody, steps, type Role } from './lifecycle-plan.ts';

export interface LifecycleJob {
  mode: 'lifecycle';
  url: string;
  runId: string;
  lifecycles: number;
  concurrency: number;
  service: string;
  /** Bearer tokens of the requester, the two approvers and the implementer. */
  tokens: Record<Role, string>;
}

export interface GetJob {
  mode: 'get';
  url: string;
  token: string;
  /** Each path is requested `repeat` times, one request at a time. */
  paths: Record<string, string>;
  repeat: number;
}

/** POSTs `bodies` round-robin from `concurrency` clients until `requests` have been sent (gate bench). */
export interface PostJob {
  mode: 'post';
  url: string;
  token: string;
  path: string;
  name: string;
  bodies: unknown[];
  requests: number;
  concurrency: number;
}

export interface ClientResult {
  wallMs: number;
  /** CPU the client thread itself used (fetch, JSON), in ms: the load generator shares the machine. */
  cpuMs: number;
  latencies: Record<string, number[]>;
  errors: number;
  firstErrors: string[];
}

const result: ClientResult = { wallMs: 0, cpuMs: 0, latencies: {}, errors: 0, firstErrors: [] };

function fail(message: string): void {
  result.errors += 1;
  if (result.firstErrors.length < 10) result.firstErrors.push(message);
}

const agent = new Agent({ keepAlive: true });

function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
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
    const res = await send(url + path, method, headers, init.body);
    const text = res.text;
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
  const { url, tokens } = job;
  const key = (step: string) => `${job.runId}.${i}.${step}`;
  const created = await call(url, 'create', 'POST', '/api/v1/changes', tokens.requester, {
    key: key('create'),
    expect: 201,
    body: createBody(job.service, i),
  });
  if (!created) return;
  const id = created.id as string;
  for (const [n, step] of steps(Date.now()).entries()) {
    const res = await call(
      url,
      step.name,
      'POST',
      `/api/v1/changes/${id}/${step.action}`,
      tokens[step.role],
      {
        body: step.body,
        key: key(`${n}.${step.action}`),
      },
    );
    if (!res) return;
    if (res.state !== step.state)
      return fail(`${id} ${step.action}: state ${String(res.state)}, expected ${step.state}`);
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

async function runPosts(job: PostJob): Promise<void> {
  let next = 0;
  const client = async () => {
    for (let i = next++; i < job.requests; i = next++)
      await call(job.url, job.name, 'POST', job.path, job.token, { body: job.bodies[i % job.bodies.length] });
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
}

const job = workerData as LifecycleJob | GetJob | PostJob;
agent.maxSockets = job.mode === 'get' ? 1 : job.concurrency;
const start = performance.now();
const cpu0 = process.threadCpuUsage();
await (job.mode === 'lifecycle' ? runLifecycles(job) : job.mode === 'post' ? runPosts(job) : runGets(job));
result.wallMs = performance.now() - start;
const cpu = process.threadCpuUsage(cpu0);
result.cpuMs = (cpu.user + cpu.system) / 1000;
agent.destroy();
parentPort!.postMessage(result);
