// `changeproof policy check FILE [--explain]`: lints a policy file locally, no server needed, and on
// request says what the policy does, key by key.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, EXIT_REFUSED, EXIT_USAGE } from '../exit.ts';

export function policyCheckCommand(policy: Command): void {
  policy
    .command('check <file>')
    .description('Validate a policy file: schema, references and CEL expressions, with line numbers')
    .option('--explain', 'say what the policy does, key by key, in plain language')
    .option('--json', 'machine output (with --explain: an `explanation` array of { key, text })')
    .action(async (file: string, opts: { json?: boolean; explain?: boolean }) => {
      // Loaded on use: the policy engine (CEL, YAML) is not needed by other commands.
      const { formatPolicyErrors, parsePolicy } = await import('../../policy/load.ts');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT_USAGE);
      }
      const result = parsePolicy(text);
      const explanation =
        result.ok && opts.explain
          ? (await import('../../policy/explain.ts')).explainPolicy(result.policy)
          : undefined;
      if (opts.json) {
        const out = result.ok
          ? { ok: true, sha256: result.sha256, name: result.policy.name, ...(explanation && { explanation }) }
          : result;
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        if (!result.ok) process.exitCode = EXIT_REFUSED;
        return;
      }
      if (!result.ok) throw new CliError(formatPolicyErrors(result.errors, file), EXIT_REFUSED);
      process.stdout.write(`${file}: ok (policy "${result.policy.name}", sha256 ${result.sha256})\n`);
      if (explanation)
        process.stdout.write(`\n${explanation.map((e) => `${e.key}\n  ${e.text}\n`).join('')}`);
    });
}
