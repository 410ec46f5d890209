// A stand-in for GitHub's REST API (node:http), as Enterprise Server lays it out (below /api/v3): it
// records every call back and checks each against GitHub's REST description, serves commits, and issues
// installation tokens only for a JWT signed with the App's key. It can be told to fail the next calls.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callbackValidator } from './github-contract.ts';

export interface RecordedCallback {
  owner: string;
  repo: string;
  runId: number;
  authorization: string | undefined;
  body: unknown;
  /** What GitHub's description says about the body: null when it conforms. */
  contractError: string | null;
}

export interface GitHubStandIn {
  apiUrl: string;
  callbacks: RecordedCallback[];
  tokensIssued: number;
  commits: Map<string, string>;
  /** Answers the next `n` call backs with `status`. */
  failNext(n: number, status: number): void;
  /** Waits until `n` call backs were received (or fails after a while). */
  waitFor(n: number): Promise<RecordedCallback[]>;
  close(): Promise<void>;
}

const INSTALLATION_TOKEN = 'ghs_standInInstallationToken0000000001';
export const STAND_IN_TOKEN = 'ghp_standInPersonalToken';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A GitHub App JWT: RS256 over header.payload with the App's key, issued by the App id, not expired. */
function validJwt(jwt: string, key: KeyObject, appId: string): boolean {
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) return false;
  const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: unknown; exp?: number };
  return ok && String(claims.iss) === appId && (claims.exp ?? 0) * 1000 > Date.now();
}

export async function startGitHubStandIn(app: {
  appId: string;
  publicKeyPem: string;
}): Promise<GitHubStandIn> {
  const validate = callbackValidator();
  const key = createPublicKey(app.publicKeyPem);
  const callbacks: RecordedCallback[] = [];
  const commits = new Map<string, string>();
  let failing = { n: 0, status: 502 };
  let tokensIssued = 0;
  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const auth = req.headers.authorization;
      const token = /^app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname.replace('/api/v3/', ''));
      if (req.method === 'POST' && token) {
        if (!auth?.startsWith('bearer ') && !auth?.startsWith('Bearer '))
          return send(res, 401, { message: 'JWT required' });
        if (!validJwt(auth.slice(7), key, app.appId)) return send(res, 401, { message: 'bad JWT' });
        tokensIssued++;
        return send(res, 201, {
          token: INSTALLATION_TOKEN,
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        });
      }
      const tokenOk = auth === `token ${INSTALLATION_TOKEN}` || auth === `Bearer ${STAND_IN_TOKEN}`;
      const run =
        /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(
          url.pathname,
        );
      if (req.method === 'POST' && run) {
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
        callbacks.push({
          owner: run[1]!,
          repo: run[2]!,
          runId: Number(run[3]),
          authorization: auth,
          body,
          contractError: validate(body),
        });
        if (failing.n > 0) {
          failing.n--;
          return send(res, failing.status, { message: 'stand-in told to fail' });
        }
        if (!tokenOk) return send(res, 401, { message: 'Bad credentials' });
        return send(res, 204);
      }
      const commit = /^\/api\/v3\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]+)$/.exec(url.pathname);
      if (req.method === 'GET' && commit) {
        if (!tokenOk) return send(res, 401, { message: 'Bad credentials' });
        const message = commits.get(commit[1]!);
        return message === undefined
          ? send(res, 404, { message: 'Not Found' })
          : send(res, 200, { sha: commit[1], commit: { message } });
      }
      send(res, 404, { message: `stand-in has no ${req.method} ${url.pathname}` });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v3`,
    callbacks,
    get tokensIssued() {
      return tokensIssued;
    },
    commits,
    failNext(n, status) {
      failing = { n, status };
    },
    async waitFor(n) {
      for (let i = 0; i < 200 && callbacks.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      if (callbacks.length < n) throw new Error(`expected ${n} call backs, got ${callbacks.length}`);
      return callbacks;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
