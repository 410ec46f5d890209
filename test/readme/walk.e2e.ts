// The README's walk runs as written: every line of its shell blocks (all but the install block) runs verbatim
// with bash, in a folder laid out like a fresh clone, against a server started with `npm start` on a
// temporary data directory and port. Only the environment is set around the commands: where the server is,
// where the CLI keeps its session, and the admin's password that a person would paste at the prompt.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The shell blocks of the README, each with the heading it sits under. */
export function shellBlocks(markdown: string): { section: string; lines: string[] }[] {
  const blocks: { section: string; lines: string[] }[] = [];
  let section = '';
  for (const part of markdown.split(/^```/m).map((p, i) => ({ p, code: i % 2 === 1 }))) {
    if (!part.code) {
      const headings = [...part.p.matchAll(/^#+ (.+)$/gm)];
      if (headings.length > 0) section = headings.at(-1)![1]!;
      continue;
    }
    const [lang, ...body] = part.p.split('\n');
    if (lang?.trim() !== 'sh') continue;
    blocks.push({ section, lines: body.filter((l) => l.trim() !== '' && !l.trim().startsWith('#')) });
  }
  return blocks;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** The environment of the walk: the caller's, without anything that configures Changeproof. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        !e[0].startsWith('CHANGEPROOF_') && !e[0].startsWith('npm_') && e[0] !== 'DATABASE_URL' && !!e[1],
    ),
  );
  return { ...env, ...extra };
}

function run(command: string, cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe("the README's walk", () => {
  const blocks = shellBlocks(README);
  const install = blocks.find((b) => b.lines.some((l) => l.startsWith('npm ci')));
  const walk = blocks.filter((b) => b !== install);
  let dir: string;
  let clone: string;
  let server: ChildProcess | undefined;
  let serverOut = '';
  let env: Record<string, string>;
  let admin: { password: string; token: string };
  let url: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'changeproof-readme-'));
    // A fresh clone: the repository's files, without its data directory or anything a walk left behind.
    clone = join(dir, 'clone');
    mkdirSync(clone);
    for (const name of readdirSync(ROOT))
      if (!['.git', 'data', 'q4-export', 'q1-export', 'proofs', 'changeproof.vkey'].includes(name))
        symlinkSync(join(ROOT, name), join(clone, name));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const serverEnv = cleanEnv({
      CHANGEPROOF_DATA: join(dir, 'data'),
      CHANGEPROOF_PORT: String(port),
      CHANGEPROOF_LOG_LEVEL: 'warn',
    });
    assert.ok(
      install?.lines.some((l) => l.includes('npm start')),
      'the README starts the server with npm start',
    );
    server = spawn('npm', ['start'], {
      cwd: clone,
      env: serverEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d: Buffer) => (serverOut += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (serverOut += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/listening on/.test(serverOut)) {
      assert.ok(Date.now() < deadline && server.exitCode === null, `the server starts:\n${serverOut}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const password = /password: (\S+)/.exec(serverOut)?.[1];
    const token = /API token: (\S+)/.exec(serverOut)?.[1];
    assert.ok(password && token, `the first start prints the admin's credentials:\n${serverOut}`);
    admin = { password, token };
    env = cleanEnv({
      CHANGEPROOF_URL: url,
      CHANGEPROOF_DATA: join(dir, 'data'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      npm_config_update_notifier: 'false',
      // What a person pastes at `login admin`'s prompt.
      CHANGEPROOF_PASSWORD: admin.password,
    });
  });

  after(async () => {
    if (server?.pid && server.exitCode === null) {
      // The server writes its shutdown checkpoint into the data directory: let it finish before removing it.
      const exited = new Promise((r) => server!.once('exit', r));
      process.kill(-server.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('has the walk and the auditor blocks', () => {
    const sections = walk.map((b) => b.section);
    assert.ok(sections.includes('A change from request to closure'), sections.join(', '));
    assert.ok(sections.includes('Proving the record to an auditor'), sections.join(', '));
  });

  it('runs every command verbatim, each exiting 0', async () => {
    for (const block of walk)
      for (const line of block.lines) {
        const { code, out } = await run(line, clone, env);
        assert.equal(code, 0, `${block.section}: \`${line}\` exited ${code}:\n${out}`);
      }
  });

  it('leaves the change closed, approved by two other people and implemented by its implementer', async () => {
    const res = await fetch(`${url}/api/v1/changes/CHG-1`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(res.status, 200);
    const change = (await res.json()) as {
      state: string;
      riskRating: string;
      requester: string;
      implementedBy: string | null;
      approvals: {
        approver: string;
        group: string;
        decision: string;
        reasoning?: { riskAcceptance?: string };
      }[];
      riskOwner: string | null;
      rolloutStrategy: string | null;
      testResults: { kind: string; passed: boolean }[];
    };
    assert.equal(change.state, 'closed');
    assert.equal(change.riskRating, 'high');
    assert.equal(change.requester, 'ivy');
    assert.equal(change.implementedBy, 'ivy');
    const approvals = change.approvals
      .filter((a) => a.decision === 'approved')
      .map((a) => `${a.approver}/${a.group}`);
    assert.deepEqual(approvals.sort(), ['sam/security', 'tess/technical']);
    // The record's owners, rollout and results by kind, and the risk owner's reasoning as a field.
    assert.equal(change.riskOwner, 'sam');
    assert.equal(change.rolloutStrategy, 'phased');
    assert.deepEqual(
      change.testResults.map((r) => `${r.kind}:${r.passed}`),
      ['functional:true', 'security:true'],
    );
    const sam = change.approvals.find((a) => a.approver === 'sam');
    assert.match(sam?.reasoning?.riskAcceptance ?? '', /PCI DSS/);
  });
});
