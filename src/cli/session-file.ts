// Sessions from `changeproof login`, kept per server in a per-user file so that later commands in any shell
// are signed in without copying a token around. The file holds bearer secrets: it is created 0600 in a 0700
// directory and replaced atomically. CHANGEPROOF_TOKEN or --token, when given, always win over it.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, EXIT_USAGE } from './exit.ts';

export interface StoredSession {
  username: string;
  token: string;
  expiresAt: string;
}

type SessionFile = { sessions: Record<string, StoredSession> };

/** CHANGEPROOF_CONFIG, else $XDG_CONFIG_HOME/changeproof/sessions.json, else ~/.config/changeproof/sessions.json. */
export function sessionFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHANGEPROOF_CONFIG) return env.CHANGEPROOF_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'changeproof', 'sessions.json');
}

function read(path: string): SessionFile {
  if (!existsSync(path)) return { sessions: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SessionFile>;
    return { sessions: typeof parsed.sessions === 'object' && parsed.sessions ? parsed.sessions : {} };
  } catch (err) {
    throw new CliError(
      `cannot read the session file ${path}: ${(err as Error).message}; delete it and sign in again`,
      EXIT_USAGE,
    );
  }
}

function store(path: string, file: SessionFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // an umask or an existing file must not widen it
  renameSync(tmp, path);
}

/** The session saved for this server, if it has not expired. */
export function loadSession(url: string, path = sessionFilePath()): StoredSession | null {
  const s = read(path).sessions[url];
  if (!s || typeof s.token !== 'string') return null;
  return Date.parse(s.expiresAt) > Date.now() ? s : null;
}

export function saveSession(url: string, session: StoredSession, path = sessionFilePath()): void {
  const file = read(path);
  file.sessions[url] = session;
  store(path, file);
}

/** Forgets the session saved for this server; true when there was one. */
export function forgetSession(url: string, path = sessionFilePath()): boolean {
  const file = read(path);
  if (!(url in file.sessions)) return false;
  delete file.sessions[url];
  if (Object.keys(file.sessions).length === 0) rmSync(path, { force: true });
  else store(path, file);
  return true;
}
