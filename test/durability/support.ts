// Fixtures for the durability suites: real server processes (`changeproof start`) that can be killed with
// SIGKILL and restarted, and an HTTP client (load.ts drives appends and checkpoints through it). Every
// process spawned here is tracked so that `killAllServers` (in `after` hooks) leaves none behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE = `${ROOT}node_modules/.bin/node`;
const MAIN = `${ROOT}src/cli/main.ts`;
const OUTPUT_KEEP = 20_000;

const live = new Set<ChildProcess>();

/** SIGKILLs every server process these suites started and has not yet seen exit. */
export function killAllServers(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

function childEnv(env: Record<string, string>): Record<string, string> {
  // Nothing from the caller's environment configures the server: only what the suite gives it.
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => !e[0].startsWith('CHANGEPROOF_') && e[0] !== 'DATABASE_URL' && !!e[1],
    ),
  );
  return { NODE_COMPILE_CACHE: `${tmpdir()}/changeproof-test-compile-cache`, ...clean, ...env };
}

/** Runs a `changeproof` command to completion (e.g. `init --json`). */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', MAIN, ...args], {
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      live.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One server's life across restarts: same environment and data, a new process each time. */
export class ServerProcess {
  readonly env: Record<string, string>;
  url = '';
  starts = 0;
  private port = 0;
  private child: ChildProcess | null = null;
  private exited: Promise<Exit> = Promise.resolve({ code: 0, signal: null });
  private log = '';

  constructor(env: Record<string, string>) {
    this.env = env;
  }

  /** The last lines the server printed, for failure messages. */
  output(): string {
    return this.log;
  }

  /** Spawns the server and waits for its "listening on" line; a port taken meanwhile is swapped for another. */
  async start(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      this.port ||= await freePort();
      try {
        return await this.spawnOnce();
      } catch (error) {
        if (attempt >= 4 || !/EADDRINUSE/.test((error as Error).message)) throw error;
        this.port = 0;
      }
    }
  }

  /** Spawns the server and kills it after `ms`, ready or not: a crash during start-up. */
  async startAndKillAfter(ms: number): Promise<Exit> {
    const ready = this.spawnOnce().catch(() => undefined);
    await sleep(ms);
    const exit = await this.kill9();
    await ready;
    return exit;
  }

  private spawnOnce(): Promise<void> {
    this.starts++;
    const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', MAIN, 'start'], {
      env: childEnv({ ...this.env, CHANGEPROOF_PORT: String(this.port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(child);
        resolve({ code, signal });
      }),
    );
    const keep = (d: Buffer) => (this.log = (this.log + d.toString()).slice(-OUTPUT_KEEP));
    child.stderr.on('data', keep);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let stdout = '';
      const timer = setTimeout(
        () => fail(new Error(`server not listening after 60 s:\n${this.log}`)),
        60_000,
      );
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      child.stdout.on('data', (d: Buffer) => {
        keep(d);
        stdout += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m && !settled) {
          settled = true;
          clearTimeout(timer);
          this.url = m[1]!;
          resolve();
        }
      });
      void this.exited.then((e) =>
        fail(new Error(`server exited (${e.code ?? e.signal}) before listening:\n${this.log}`)),
      );
    });
  }

  async kill9(): Promise<Exit> {
    this.child?.kill('SIGKILL');
    return this.exited;
  }

  /** A clean stop (SIGTERM): the server signs its shutdown checkpoint and exits 0. */
  async stop(): Promise<Exit> {
    this.child?.kill('SIGTERM');
    const timeout = sleep(30_000, null, { ref: false });
    const exit = await Promise.race([this.exited, timeout]);
    if (exit) return exit;
    await this.kill9();
    throw new Error(`server did not stop within 30 s:\n${this.log}`);
  }
}

export interface Response<T> {
  status: number;
  body: T;
  headers: IncomingHttpHeaders;
}

// node:http with keep-alive costs the client half the CPU of fetch, which matters on a 2-core machine
// where client and servers share the cores.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request; throws on a connection failure (refused, reset, 30 s without an answer). */
export function call<T = Record<string, unknown>>(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response<T>> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        agent,
        signal,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(data === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: kept as text for the failure message.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T, headers: res.headers });
        });
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer to ${method} ${path} in 30 s`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** Waits until GET /api/v1/health answers 200 (or `signal` aborts). */
export async function waitHealthy(url: () => string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      if ((await call(url(), '', 'GET', '/api/v1/health')).status === 200) return;
    } catch {
      // Down or restarting.
    }
    await sleep(50);
  }
}

export interface InitResult {
  admin: { token: string };
  ledger: { verifierKey: string; origin: string };
}

/** `changeproof init --json`: the first admin's token and the log's verifier key. */
export async function initInstance(env: Record<string, string>): Promise<InitResult> {
  const res = await runCli(['init', '--json'], env);
  if (res.code !== 0) throw new Error(`init failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
  return JSON.parse(res.stdout) as InitResult;
}

/** Registers one service per writer so that every append is a PATCH of an existing service. */
export async function registerServices(url: string, token: string, names: string[]): Promise<void> {
  for (const name of names) {
    const res = await call(url, token, 'POST', '/api/v1/services', { name, environment: 'dev' });
    if (res.status !== 201) throw new Error(`registering ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}
