// `changeproof gate` and `changeproof deploy …`: ask the deployment gate from a pipeline, force past it
// (break-glass, which raises an emergency change), and record deployments. Exit codes for `gate`: 0 allow,
// 1 deny, 2 usage or connection error — never 0 unless the server said allow.
import type { Command } from 'commander';
import type { BreakGlassView, DeploymentList, DeploymentView, GateDecisionView } from '../client.ts';
import { CliError, EXIT_OK, EXIT_REFUSED, EXIT_USAGE } from '../exit.ts';
import { choice, clientCommand, ctx, DEPLOYMENT_RESULTS, given, many } from '../options.ts';
import { emit, table, when } from '../output.ts';

function decisionText(d: GateDecisionView): string {
  const head = `${d.decision.toUpperCase()}  ${d.change} → ${d.service} (${d.environment})`;
  const lines = [head, `  artifacts: ${d.artifacts.join(', ')}`];
  lines.push(
    d.id ? `  decision:  ${d.id} (name it in \`deploy start --decision\`)` : '  dry run: recorded nowhere',
  );
  if (d.breakGlass) lines.push(`  BREAK-GLASS: ${d.breakGlass.reason}`);
  const label = d.breakGlass ? 'overridden' : 'reasons';
  if (d.reasons.length > 0)
    lines.push(`  ${label}:`, ...d.reasons.map((r) => `    - ${r.code}: ${r.message}`));
  return lines.join('\n');
}

/**
 * The gate's answer, or a deny when the server answered but could not decide (a 5xx: its database gone, say):
 * fail closed, with the reason. No answer at all stays a connection error (exit 2), as do refusals (4xx).
 */
async function decideOrDeny(
  ask: () => Promise<GateDecisionView>,
  q: { change: string; service: string; environment: string; artifacts: string[]; dryRun: boolean },
): Promise<GateDecisionView> {
  try {
    return await ask();
  } catch (err) {
    if (!(err instanceof CliError) || err.status < 500) throw err;
    return {
      ...q,
      id: null,
      decision: 'deny',
      reasons: [
        {
          code: 'gate_error',
          message: `the server could not decide (HTTP ${err.status}: ${err.message}), so the gate denies`,
        },
      ],
      source: 'api',
      at: new Date().toISOString(),
      breakGlass: null,
    };
  }
}

function breakGlassText(b: BreakGlassView): string {
  return [
    decisionText(b.decision),
    `  raised the emergency change ${b.change}: it owes its record and review by the policy's deadlines`,
    ...(b.claimed ? [`  noted on ${b.claimed}`] : []),
  ].join('\n');
}

function deploymentText(d: DeploymentView): string {
  const rows: [string, string][] = [
    ['change', d.change ?? '-'],
    ['decision', d.decision ?? '-'],
    ['target', `${d.service} (${d.environment})`],
    ['artifact', d.artifact],
    ['started', `${when(d.startedAt)} by ${d.actor}`],
    ['result', d.result ? `${d.result} at ${when(d.finishedAt)}` : 'running'],
  ];
  if (d.pipelineUrl) rows.push(['pipeline', d.pipelineUrl]);
  if (d.unauthorized) rows.push(['UNAUTHORIZED', d.unauthorized]);
  return [d.id, ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(14)}${v}`)].join('\n');
}

function deploymentsTable(list: DeploymentList): string {
  const rows = list.items.map((d) => [
    d.id,
    d.change ?? '-',
    `${d.service} (${d.environment})`,
    d.result ?? 'running',
    when(d.startedAt),
    d.unauthorized ? 'UNAUTHORIZED' : '',
  ]);
  const text = table(['ID', 'CHANGE', 'TARGET', 'RESULT', 'STARTED', ''], rows, 'no deployments');
  return list.nextCursor ? `${text}\nmore: add --cursor ${list.nextCursor}` : text;
}

interface GateOptions {
  change?: string;
  service: string;
  env: string;
  artifact: string[];
  dryRun?: boolean;
  breakGlass?: boolean;
  reason?: string;
  pipelineUrl?: string;
}

export function gateCommands(program: Command): void {
  clientCommand(program, 'gate', 'Ask the deployment gate: allow (exit 0) or deny (exit 1) with every reason')
    .option('--change <id>', 'the change the deployment belongs to, e.g. CHG-12')
    .requiredOption('--service <name>', 'the catalogued service deployed to')
    .requiredOption('--env <environment>', 'the environment deployed to')
    .requiredOption('--artifact <digest>', 'sha256:… of each artifact (repeatable)', many())
    .option('--pipeline-url <url>', 'the pipeline or workflow run')
    .option('--dry-run', 'answer the same way, record nothing')
    .option('--break-glass', 'force past the gate: raises an emergency change owing its record and review')
    .option('--reason <text>', 'why the gate is bypassed (with --break-glass)')
    .addHelpText(
      'after',
      `
Exit codes: 0 allow, 1 deny, 2 usage or connection error. A deny lists every reason.
Example:
  changeproof gate --change CHG-12 --service payments-api --env prod --artifact sha256:<64 hex>
  changeproof gate --service payments-api --env prod --artifact sha256:<64 hex> \\
    --break-glass --reason "checkout is down; the fix cannot wait"`,
    )
    .action(async (o: GateOptions, cmd: Command) => {
      if (o.breakGlass && !o.reason) throw new CliError('--break-glass needs --reason', EXIT_USAGE);
      if (o.breakGlass && o.dryRun) throw new CliError('--break-glass cannot be a --dry-run', EXIT_USAGE);
      if (!o.breakGlass && o.reason) throw new CliError('--reason goes with --break-glass', EXIT_USAGE);
      if (!o.breakGlass && !o.change)
        throw new CliError('--change is required (or --break-glass)', EXIT_USAGE);
      const c = ctx(cmd);
      const target = { service: o.service, environment: o.env, artifacts: o.artifact };
      if (o.breakGlass) {
        const body = {
          ...target,
          reason: o.reason!,
          ...given({ change: o.change, pipelineUrl: o.pipelineUrl }),
        };
        emit(c, await c.client.gate.breakGlass(body), breakGlassText);
        process.exitCode = EXIT_OK;
        return;
      }
      const body = {
        ...target,
        change: o.change!,
        dryRun: o.dryRun === true,
        ...given({ pipelineUrl: o.pipelineUrl }),
      };
      const d = await decideOrDeny(() => c.client.gate.decide(body), body);
      emit(c, d, decisionText);
      process.exitCode = d.decision === 'allow' ? EXIT_OK : EXIT_REFUSED;
    });

  const deploy = program.command('deploy').description('Record deployments: start, finish, list');
  clientCommand(deploy, 'start', 'Record that a deployment starts, under the allowing gate decision')
    .option('--decision <id>', 'the allowing decision `changeproof gate` printed')
    .option('--change <id>', 'the change (taken from the decision when omitted)')
    .requiredOption('--service <name>', 'the service deployed to')
    .requiredOption('--env <environment>', 'the environment deployed to')
    .requiredOption('--artifact <digest>', 'sha256:… of the artifact')
    .option('--pipeline-url <url>', 'the pipeline or workflow run')
    .action(
      async (
        o: {
          decision?: string;
          change?: string;
          service: string;
          env: string;
          artifact: string;
          pipelineUrl?: string;
        },
        cmd: Command,
      ) => {
        const c = ctx(cmd);
        const body = {
          service: o.service,
          environment: o.env,
          artifact: o.artifact,
          ...given({ decision: o.decision, change: o.change, pipelineUrl: o.pipelineUrl }),
        };
        emit(c, await c.client.deployments.start(body), deploymentText);
      },
    );

  clientCommand(deploy, 'finish <id>', 'Record how a deployment ended')
    .addOption(choice('--result <result>', 'how it ended', DEPLOYMENT_RESULTS).makeOptionMandatory())
    .option('--notes <text>', 'what happened')
    .action(
      async (id: string, o: { result: DeploymentView['result'] & string; notes?: string }, cmd: Command) => {
        const c = ctx(cmd);
        emit(
          c,
          await c.client.deployments.finish(id, { result: o.result, ...given({ notes: o.notes }) }),
          deploymentText,
        );
      },
    );

  clientCommand(deploy, 'list', 'Deployments, newest first')
    .option('--change <id>', 'of this change')
    .option('--unauthorized', 'only those no allowing decision covers')
    .option('--cursor <cursor>', 'continue a long list')
    .action(async (o: { change?: string; unauthorized?: boolean; cursor?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const query = given({
        change: o.change,
        unauthorized: o.unauthorized ? ('true' as const) : undefined,
        cursor: o.cursor,
      });
      emit(c, await c.client.deployments.list(query), deploymentsTable);
    });
}
