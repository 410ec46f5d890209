// `changeproof policy show|history|propose` (server side; `policy check` is local, in policy-check.ts).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ErrorBody } from '../../contracts/errors.ts';
import type { PolicyVersionView } from '../client.ts';
import { CliError, EXIT_USAGE } from '../exit.ts';
import { clientCommand, ctx, integer } from '../options.ts';
import { changeBlock, emit, table, when } from '../output.ts';

const header = (p: Omit<PolicyVersionView, 'source'>) =>
  `policy v${p.version} "${p.name}" sha256 ${p.sha256}\n` +
  `activated ${when(p.activatedAt)} by ${p.activatedBy}${p.changeId ? ` through ${p.changeId}` : ''}`;

export function policyCommands(policy: Command): void {
  policy.addHelpText(
    'after',
    `
Replacing the active policy is itself a change: \`policy propose FILE\` raises one that someone other
than you must approve; the new version activates when that change starts.`,
  );

  clientCommand(policy, 'show', 'The active policy (or one version) with its YAML source')
    .option('--version <n>', 'a specific version', integer)
    .action(async (o: { version?: number }, cmd: Command) => {
      const c = ctx(cmd);
      const p =
        o.version === undefined ? await c.client.policy.active() : await c.client.policy.version(o.version);
      emit(c, p, (v) => `${header(v)}\n\n${v.source}`);
    });

  clientCommand(policy, 'history', 'Every policy version the server has run on').action(
    async (_o, cmd: Command) => {
      const c = ctx(cmd);
      emit(c, await c.client.policy.history(), (h) =>
        table(
          ['VERSION', 'ACTIVATED', 'BY', 'CHANGE', 'SHA256', 'NAME'],
          h.items.map((p) => [
            String(p.version),
            when(p.activatedAt),
            p.activatedBy,
            p.changeId ?? '-',
            p.sha256.slice(0, 12),
            p.name,
          ]),
        ),
      );
    },
  );

  clientCommand(policy, 'propose <file>', 'Propose a replacement policy: raises a change for approval')
    .option('--reason <text>', 'why the policy should change')
    .option('--title <text>', 'title of the change (default: names the policy and its hash)')
    .action(async (file: string, o: { reason?: string; title?: string }, cmd: Command) => {
      const c = ctx(cmd);
      let source: string;
      try {
        source = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT_USAGE);
      }
      try {
        emit(c, await c.client.policy.propose({ source, reason: o.reason, title: o.title }), changeBlock);
      } catch (err) {
        // Point at the lines, as `policy check` does.
        const body = err instanceof CliError ? (err.body as ErrorBody | null) : null;
        if (body?.error.code !== 'policy_invalid' || !(err instanceof CliError)) throw err;
        const lines = body.error.details.map((d) => `${file}:${d.line ?? 0}:${d.column ?? 0}: ${d.message}`);
        throw new CliError(
          `the server rejected the policy [policy_invalid]:\n${lines.join('\n')}`,
          err.exitCode,
          err.body,
        );
      }
    });
}
