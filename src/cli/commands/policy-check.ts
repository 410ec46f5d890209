// `changeproof policy check FILE`: lints a policy file locally, no server needed.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, EXIT_REFUSED, EXIT_USAGE } from '../exit.ts';

export function policyCheckCommand(policy: Command): void {
  policy
    .command('check <file>')
    .description('Validate a policy file: schema, references and CEL expressions, with line numbers')
    .option('--json', 'machine output')
    .action(async (file: string, opts: { json?: boolean }) => {
      // Loaded on use: the policy engine (CEL, YAML) is not needed by other commands.
      const { formatPolicyErrors, parsePolicy } = await import('../../policy/load.ts');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT_USAGE);
      }
      const result = parsePolicy(text);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(result.ok ? { ok: true, sha256: result.sha256, name: result.policy.name } : result, null, 2)}\n`,
        );
        if (!result.ok) process.exitCode = EXIT_REFUSED;
        return;
      }
      if (!result.ok) throw new CliError(formatPolicyErrors(result.errors, file), EXIT_REFUSED);
      process.stdout.write(`${file}: ok (policy "${result.policy.name}", sha256 ${result.sha256})\n`);
    });
}
