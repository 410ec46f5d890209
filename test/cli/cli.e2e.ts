// The `changeproof` CLI run as a child process against a real server on a free port: a full lifecycle with
// --json, the documented exit codes (0 ok, 1 refused, 2 usage or connection), and the local commands.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMPLETE_RECORD } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { cli, ROOT, startCliServer, type CliResult, type CliServer } from './support.ts';
import { PROBE_LINE, policyWith } from '../../src/policy/budget.fixture.ts';

const PEOPLE = [
  { name: 'alice', roles: 'requester', groups: [] },
  { name: 'sam', roles: 'approver', groups: ['--group', 'security'] },
  { name: 'tom', roles: 'approver', groups: ['--group', 'technical'] },
  { name: 'ivan', roles: 'implementer', groups: [] },
];
const password = (name: string) => `${name}-password-123`;

function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

// The engines' suites and the local one run side by side: each CLI run is a process of its own.
describe('changeproof CLI', { concurrency: true }, () => {
  for (const engine of engines()) {
    describe(`against a real server (${engine})`, { concurrency: false }, () => {
      let srv: CliServer;
      const tokens: Record<string, string> = {};
      const as = (who: string, args: string[]) =>
        cli(args, { CHANGEPROOF_URL: srv.url, CHANGEPROOF_TOKEN: tokens[who] ?? '' });

      before(async () => {
        srv = await startCliServer(engine);
        tokens.admin = srv.adminToken;
      });
      after(() => srv.close());

      it('takes a high-risk change from request to closure; the requester cannot approve it (exit 1)', async () => {
        await Promise.all(
          PEOPLE.map(async (p) => {
            const args = [
              'users',
              'add',
              p.name,
              '--role',
              p.roles,
              ...p.groups,
              '--password',
              password(p.name),
            ];
            const user = ok(await as('admin', [...args, '--json'])).json<{
              username: string;
              roles: string[];
            }>();
            assert.deepEqual([user.username, user.roles], [p.name, [p.roles]]);
            const login = ['login', '--username', p.name, '--password', password(p.name), '--json'];
            const session = ok(await cli(login, { CHANGEPROOF_URL: srv.url })).json<{ token: string }>();
            tokens[p.name] = session.token;
          }),
        );
        assert.equal(
          ok(await as('sam', ['whoami', '--json'])).json<{ groups: string[] }>().groups[0],
          'security',
        );
        ok(
          await as('admin', [
            'services',
            'add',
            'payments-api',
            '--env',
            'prod',
            '--internet-facing',
            '--data-class',
            'personal,payment',
            '--criticality',
            'critical',
          ]),
        );

        const file = join(srv.dir, 'change.json');
        writeFileSync(file, JSON.stringify({ ...COMPLETE_RECORD, title: 'overridden by --title' }));
        const created = ok(
          await as('alice', [
            'changes',
            'create',
            '--title',
            'TLS 1.3 only',
            '--service',
            'payments-api',
            '--file',
            file,
            '--json',
          ]),
        ).json<{ id: string; state: string; riskRating: string; title: string; rollbackPlan: unknown }>();
        assert.deepEqual(
          [created.state, created.riskRating, created.title, created.rollbackPlan],
          ['draft', 'high', 'TLS 1.3 only', COMPLETE_RECORD.rollbackPlan],
        );
        const id = created.id;
        const step = async (who: string, args: string[]) =>
          ok(await as(who, ['changes', ...args, id, '--json'])).json<{ state: string }>().state;

        assert.equal(await step('alice', ['submit']), 'awaiting_approval');
        const refused = await as('alice', ['changes', 'approve', id, '--comment', 'my own', '--json']);
        assert.equal(refused.code, 1, refused.stderr);
        assert.equal(refused.json<{ error: { code: string } }>().error.code, 'sod_requester');
        assert.match(refused.stderr, /alice requested .* \[403 sod_requester\]/);

        assert.equal(await step('sam', ['approve', '--comment', 'security ok']), 'awaiting_approval');
        assert.equal(await step('tom', ['approve', '--group', 'technical']), 'approved');
        const start = new Date(Date.now() - 3_600_000).toISOString();
        const end = new Date(Date.now() + 3_600_000).toISOString();
        assert.equal(await step('alice', ['schedule', '--start', start, '--end', end]), 'scheduled');
        assert.equal(await step('ivan', ['start']), 'implementing');
        assert.equal(
          await step('ivan', [
            'complete',
            '--outcome',
            'successful',
            '--check',
            'smoke=pass',
            '--check',
            'tls=pass',
          ]),
          'review',
        );
        assert.equal(
          await step('ivan', ['review', '--summary', 'Went as planned.', '--follow-up', 'Drop TLS 1.2 docs']),
          'review',
        );
        assert.equal(await step('ivan', ['close']), 'closed');

        const shown = ok(await as('alice', ['changes', 'show', id, '--json'])).json<{
          approvalStatus: { satisfied: boolean; requirements: { group: string; approvedBy: string[] }[] };
          verification: { name: string; passed: boolean }[];
          review: { followUps: string[] };
        }>();
        assert.equal(shown.approvalStatus.satisfied, true);
        assert.deepEqual(
          shown.approvalStatus.requirements.map((r) => [r.group, r.approvedBy]),
          [
            ['security', ['sam']],
            ['technical', ['tom']],
          ],
        );
        assert.deepEqual(
          shown.verification.map((v) => v.name),
          ['smoke', 'tls'],
        );
        assert.deepEqual(shown.review.followUps, ['Drop TLS 1.2 docs']);
        const human = ok(await as('alice', ['changes', 'show', id])).stdout;
        assert.match(human, /state:\s+closed/);
        assert.match(human, /security \(1\): approved by sam/);

        const events = ok(await as('alice', ['changes', 'events', id, '--json'])).json<{
          items: { type: string }[];
        }>();
        assert.deepEqual(
          events.items.map((e) => e.type.replace('change.', '')),
          [
            'created',
            'submitted',
            'command_refused',
            'approval_granted',
            'approval_granted',
            'approved',
            'scheduled',
            'started',
            'completed',
            'reviewed',
            'closed',
          ],
        );
        const list = (args: string[]) =>
          as('alice', ['changes', 'list', ...args, '--json']).then(
            (r) => ok(r).json<{ items: { id: string }[] }>().items,
          );
        assert.deepEqual(
          (await list(['--state', 'closed', '--service', 'payments-api', '--risk', 'high'])).map((c) => c.id),
          [id],
        );
        assert.deepEqual(await list(['--state', 'draft', '--state', 'awaiting_approval']), []);
      });

      // Exit codes and the remaining commands do not depend on the engine: checked on SQLite only, to keep
      // the file fast.
      if (engine !== 'sqlite') return;
      it('creates and revokes API tokens and reads a policy version', async () => {
        const t = ok(
          await as('admin', ['tokens', 'create', '--name', 'ci', '--scope', 'changes:read', '--json']),
        ).json<{ id: string; token: string; scopes: string[] }>();
        assert.deepEqual(t.scopes, ['changes:read']);
        tokens.ci = t.token;
        assert.equal(ok(await as('ci', ['changes', 'list', '--json'])).code, 0);
        const denied = await as('ci', ['services', 'list', '--json']);
        assert.equal(denied.code, 1, 'a token without services:read is refused');
        ok(await as('admin', ['tokens', 'revoke', t.id]));
        assert.equal(
          (await as('ci', ['changes', 'list'])).code,
          2,
          'a revoked token no longer authenticates',
        );
        const policy = ok(await as('admin', ['policy', 'show', '--version', '1', '--json'])).json<{
          version: number;
          source: string;
        }>();
        assert.equal(policy.version, 1);
        assert.match(policy.source, /^version: 1$/m);
      });

      it('exits 2 on bad usage, input the API rejects, or a missing token; 1 on an unknown change', async () => {
        const missingId = await as('admin', ['changes', 'approve']);
        assert.equal(missingId.code, 2);
        assert.match(missingId.stderr, /missing required argument 'id'/);
        const badState = await as('admin', ['changes', 'list', '--state', 'finished']);
        assert.equal(badState.code, 2);
        assert.match(badState.stderr, /"finished" is not one of draft/);

        const shortTitle = await as('admin', ['changes', 'create', '--title', 'x', '--json']);
        assert.equal(shortTitle.code, 2);
        assert.equal(shortTitle.json<{ error: { code: string } }>().error.code, 'validation_failed');

        const noToken = await cli(['whoami'], { CHANGEPROOF_URL: srv.url });
        assert.equal(noToken.code, 2);
        assert.match(noToken.stderr, /set CHANGEPROOF_TOKEN .* or run `changeproof login`/);

        const unknown = await as('admin', ['changes', 'show', 'CHG-999', '--json']);
        assert.equal(unknown.code, 1);
        assert.equal(unknown.json<{ error: { code: string } }>().error.code, 'not_found');
      });
    });
  }

  describe('without a server', { concurrency: false }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'changeproof-cli-local-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('exits 2 with a message naming the URL when nothing listens there', async () => {
      const port = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const p = (s.address() as { port: number }).port;
          s.close(() => resolve(p));
        });
      });
      const url = `http://127.0.0.1:${port}`;
      const r = await cli(['changes', 'list', '--json'], {
        CHANGEPROOF_URL: url,
        CHANGEPROOF_TOKEN: 'cpt_x',
      });
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`cannot reach the Changeproof server at ${url} \\(ECONNREFUSED\\)`));
      assert.equal(r.json<{ error: { code: string } }>().error.code, 'connection_failed');
    });

    it('init --json prints the first admin once; a second init exits 1', async () => {
      const env = { CHANGEPROOF_DATA: join(dir, 'data') };
      const first = ok(await cli(['init', '--json'], env)).json<{
        admin: Record<string, string>;
        database: string;
      }>();
      assert.equal(first.database, 'sqlite');
      assert.equal(first.admin.username, 'admin');
      assert.ok(first.admin.password!.length >= 12 && first.admin.token!.startsWith('cpt_'));
      const second = await cli(['init', '--json'], env);
      assert.equal(second.code, 1);
      assert.doesNotMatch(second.stdout + second.stderr, new RegExp(first.admin.password!));
    });

    it('policy check passes the example and points at the line of a broken file', async () => {
      const good = ok(await cli(['policy', 'check', join(ROOT, 'examples/changeproof.policy.yaml')]));
      assert.match(good.stdout, /ok \(policy "Example Corp change policy"/);
      const broken = join(dir, 'broken.policy.yaml');
      writeFileSync(broken, 'version: 1\nname: Broken\nrisk:\n  default: catastrophic\n');
      const r = await cli(['policy', 'check', broken]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`${broken}:4:\\d+: risk.default: "catastrophic" is not allowed`));
      // A rule that could hang the server is refused before it is ever proposed.
      const nested = join(dir, 'nested.policy.yaml');
      writeFileSync(nested, policyWith('[1].exists(a, [2].exists(b, [3].exists(c, [4].exists(d, true))))'));
      const n = await cli(['policy', 'check', nested]);
      assert.equal(n.code, 1);
      assert.match(
        n.stderr,
        new RegExp(`${nested}:${PROBE_LINE}:\\d+: risk.rules\\[1\\].when: comprehensions are nested`),
      );
    });

    it('documents every command', async () => {
      const top = ok(await cli(['--help'])).stdout;
      for (const c of ['login', 'whoami', 'services', 'changes', 'users', 'tokens', 'policy', 'init'])
        assert.match(top, new RegExp(`\\n  ${c}\\b`));
      const changes = ok(await cli(['changes', '--help'])).stdout;
      for (const a of [
        'create',
        'list',
        'show',
        'events',
        'edit',
        'submit',
        'approve',
        'reject',
        'schedule',
        'start',
        'complete',
        'review',
        'close',
        'cancel',
      ])
        assert.match(changes, new RegExp(`\\n  ${a} `));
      assert.match(ok(await cli(['changes', 'complete', '--help'])).stdout, /--check <name=pass\|fail>/);
    });
  });
});
