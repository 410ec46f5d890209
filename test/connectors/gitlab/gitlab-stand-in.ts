// A stand-in for GitLab's REST API v4 (node:http): projects, their blocked deployments, the deployment
// approval endpoint and job play, each checking the token and recording what it was sent. The approval's
// body is checked against what GitLab's API documents: status approved|rejected, an optional comment.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GITLAB_TOKEN = 'glpat-standInToken000000';

export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
  /** What is wrong with the body by GitLab's documentation; null when nothing. */
  contractError: string | null;
}

export interface GitLabStandIn {
  url: string;
  calls: RecordedCall[];
  projects: { id: number; name: string; path_with_namespace: string }[];
  /** Blocked deployments by project id, as GET /projects/:id/deployments?status=blocked lists them. */
  blocked: Map<number, unknown[]>;
  failNext(n: number, status: number): void;
  waitFor(n: number, what?: (c: RecordedCall) => boolean): Promise<RecordedCall[]>;
  close(): Promise<void>;
}

function approvalContract(body: unknown): string | null {
  if (!body || typeof body !== 'object') return 'the body is not a JSON object';
  const { status, comment, represented_as, ...rest } = body as Record<string, unknown>;
  if (status !== 'approved' && status !== 'rejected')
    return `status is ${String(status)}, not approved|rejected`;
  if (comment !== undefined && typeof comment !== 'string') return 'comment is not a string';
  if (represented_as !== undefined && typeof represented_as !== 'string')
    return 'represented_as is not a string';
  return Object.keys(rest).length === 0 ? null : `unknown parameters ${Object.keys(rest).join(', ')}`;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? null : (JSON.parse(text) as unknown);
}

export async function startGitLabStandIn(): Promise<GitLabStandIn> {
  const calls: RecordedCall[] = [];
  const projects: GitLabStandIn['projects'] = [];
  const blocked = new Map<number, unknown[]>();
  let failing = { n: 0, status: 502 };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const path = url.pathname.replace(/^\/api\/v4/, '');
      const body = await readJson(req);
      if (req.headers['private-token'] !== GITLAB_TOKEN)
        return send(res, 401, { message: '401 Unauthorized' });
      if (req.method === 'POST') {
        const approval = /^\/projects\/(\d+)\/deployments\/(\d+)\/approval$/.test(path);
        calls.push({ method: 'POST', path, body, contractError: approval ? approvalContract(body) : null });
        if (failing.n > 0) {
          failing.n--;
          return send(res, failing.status, { message: 'stand-in told to fail' });
        }
        if (approval)
          return send(res, 201, {
            status: (body as { status: string }).status,
            user: { username: 'changeproof-bot' },
          });
        if (/^\/projects\/\d+\/jobs\/\d+\/play$/.test(path))
          return send(res, 200, { id: 1, status: 'pending' });
        return send(res, 404, { message: '404 Not Found' });
      }
      const list = /^\/projects\/(\d+)\/deployments$/.exec(path);
      if (list && url.searchParams.get('status') === 'blocked')
        return send(res, 200, blocked.get(Number(list[1])) ?? []);
      const project = /^\/projects\/([^/]+)$/.exec(path);
      if (project) {
        const ref = decodeURIComponent(project[1]!);
        const found = projects.find((p) => String(p.id) === ref || p.path_with_namespace === ref);
        return found ? send(res, 200, found) : send(res, 404, { message: '404 Project Not Found' });
      }
      send(res, 404, { message: `stand-in has no ${req.method} ${path}` });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    projects,
    blocked,
    failNext(n, status) {
      failing = { n, status };
    },
    async waitFor(n, what = () => true) {
      for (let i = 0; i < 200 && calls.filter(what).length < n; i++)
        await new Promise((r) => setTimeout(r, 10));
      const seen = calls.filter(what);
      if (seen.length < n) throw new Error(`expected ${n} calls, got ${seen.length}`);
      return seen;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
