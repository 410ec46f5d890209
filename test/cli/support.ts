// Fixtures for CLI tests: a real server listening on a free port (SQLite in a temp dir, or a fresh
// PostgreSQL database), and the CLI run as a child process the way users run it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server/start.ts';
import type { Engine } from '../../src/store/database.ts';
import { dropDatabase, PG_URL } from '../support/db.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE = `${ROOT}node_modules/.bin/node`;
const MAIN = `${ROOT}src/cli/main.ts`;

export interface CliServer {
  url: string;
  adminToken: string;
  dir: string;
  close: () => Promise<void>;
}

let counter = 0;

/** `env` adds to the server's configuration (CHANGEPROOF_POLICY, say). */
export async function startCliServer(engine: Engine, env: Record<string, string> = {}): Promise<CliServer> {
  const dir = mkdtempSync(`${tmpdir()}/changeproof-cli-`);
  let databaseUrl: string | undefined;
  let dropDb = async () => {};
  if (engine === 'postgres') {
    if (!PG_URL) throw new Error('TEST_DATABASE_URL is not set');
    const name = `changeproof_cli_${process.pid}_${Date.now()}_${counter++}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDb = async () => {
      await dropDatabase(name);
    };
  }
  const config = loadConfig({
    CHANGEPROOF_DATA: dir,
    CHANGEPROOF_PORT: '0',
    CHANGEPROOF_LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const server = await startServer(config);
  if (!server.init.admin) throw new Error('a fresh server should create its first admin');
  return {
    url: server.url,
    adminToken: server.init.admin.token,
    dir,
    close: async () => {
      await server.close();
      await dropDb();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json: <T = Record<string, unknown>>() => T;
}

/** Runs `changeproof ARGS` with only the environment given (no CHANGEPROOF_* or DATABASE_URL leaks in). */
export function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('CHANGEPROOF_') && k !== 'DATABASE_URL'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', MAIN, ...args], {
      // Node's compile cache keeps the type-stripped modules, so each run starts in a fraction of the time.
      env: { NODE_COMPILE_CACHE: `${tmpdir()}/changeproof-test-compile-cache`, ...clean, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json: <T>() => {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`not JSON on stdout (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      }),
    );
  });
}
