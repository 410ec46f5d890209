// `changeproof gate` and `deploy` as a pipeline runs them: exit 0 only for allow, 1 for deny (every reason
// printed), 2 for usage and connection errors — never 0 when the server could not be asked.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { engines } from '../support/db.ts';
import { cli, startCliServer, type CliServer } from './support.ts';

const A = `sha256:${'a'.repeat(64)}`;

describe('changeproof gate and deploy', () => {
  const engine = engines()[0]!;
  let srv: CliServer;
  const run = (args: string[]) => cli(args, { CHANGEPROOF_URL: srv.url, CHANGEPROOF_TOKEN: srv.adminToken });
  const target = ['--service', 'payments-api', '--env', 'prod', '--artifact', A];

  before(async () => {
    srv = await startCliServer(engine);
  });
  after(() => srv.close());

  it('denies with exit 1 and every reason; a dry run the same', async () => {
    const denied = await run(['gate', '--change', 'CHG-7', ...target]);
    assert.equal(denied.code, 1, denied.stderr);
    assert.match(denied.stdout, /^DENY {2}CHG-7/);
    assert.match(denied.stdout, /change_not_found: no change CHG-7/);
    const dry = await run(['gate', '--change', 'CHG-7', ...target, '--dry-run', '--json']);
    assert.equal(dry.code, 1);
    const body = JSON.parse(dry.stdout) as { decision: string; id: string | null; dryRun: boolean };
    assert.deepEqual([body.decision, body.id, body.dryRun], ['deny', null, true]);
  });

  it('break-glass allows with exit 0 and raises an emergency change', async () => {
    const forced = await run([
      'gate',
      ...target,
      '--break-glass',
      '--reason',
      'checkout is down, cannot wait',
    ]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^ALLOW/);
    assert.match(forced.stdout, /BREAK-GLASS: checkout is down/);
    assert.match(forced.stdout, /raised the emergency change CHG-1/);
    const shown = await run(['changes', 'show', 'CHG-1']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /BREAK-GLASS: +checkout is down, cannot wait \(admin,/);
    assert.match(shown.stdout, /artifacts: +sha256:a{64}/);
  });

  it('records deployments; one without an allowing decision is flagged', async () => {
    const started = await run(['deploy', 'start', '--change', 'CHG-1', ...target]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /DEP-1/);
    assert.match(started.stdout, /UNAUTHORIZED: +no gate decision named/);
    const finished = await run([
      'deploy',
      'finish',
      'DEP-1',
      '--result',
      'failed',
      '--notes',
      'health checks',
    ]);
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(finished.stdout, /failed at/);
    const listed = await run(['deploy', 'list', '--unauthorized']);
    assert.match(listed.stdout, /DEP-1 +CHG-1/);
    const again = await run(['deploy', 'finish', 'DEP-1', '--result', 'succeeded']);
    assert.equal(again.code, 1);
  });

  it('exits 2 for usage errors and when the server cannot be reached, never 0', async () => {
    for (const args of [
      ['gate', '--change', 'CHG-1', '--env', 'prod', '--artifact', A],
      ['gate', ...target, '--break-glass'],
      ['gate', ...target],
      ['gate', '--change', 'CHG-1', '--service', 'payments-api', '--env', 'prod', '--artifact', 'latest'],
    ]) {
      const res = await run(args);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stdout}${res.stderr}`);
    }
    const unreachable = await cli(['gate', '--change', 'CHG-1', ...target], {
      CHANGEPROOF_URL: 'http://127.0.0.1:9',
      CHANGEPROOF_TOKEN: 'whatever',
    });
    assert.equal(unreachable.code, 2, unreachable.stderr);
    assert.match(unreachable.stderr, /cannot reach/);
  });

  it('denies with exit 1 when the server answers but cannot decide (its database gone): fail closed', async () => {
    // A stand-in for a server whose every request fails inside: 500 with our error body.
    const broken = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'internal', message: 'an internal error occurred', details: [] } }),
      );
    });
    await new Promise<void>((done) => broken.listen(0, '127.0.0.1', done));
    try {
      const { port } = broken.address() as AddressInfo;
      const res = await cli(['gate', '--change', 'CHG-1', ...target, '--json'], {
        CHANGEPROOF_URL: `http://127.0.0.1:${port}`,
        CHANGEPROOF_TOKEN: 'whatever',
      });
      assert.equal(res.code, 1, res.stderr);
      const body = JSON.parse(res.stdout) as {
        decision: string;
        reasons: { code: string; message: string }[];
      };
      assert.equal(body.decision, 'deny');
      assert.deepEqual(
        body.reasons.map((r) => r.code),
        ['gate_error'],
      );
      assert.match(body.reasons[0]!.message, /HTTP 500/);
    } finally {
      broken.close();
    }
  });
});
