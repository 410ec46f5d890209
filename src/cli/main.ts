// The `changeproof` command line. Server and local commands run in-process; everything else is a client of
// the HTTP API configured by CHANGEPROOF_URL and CHANGEPROOF_TOKEN.
// Heavy modules (the server, the policy engine) load inside the commands that need them, so a client
// command starts in a fraction of a second.
import { enableCompileCache } from 'node:module';
import { Command, CommanderError } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { serverCommands } from './commands/server.ts';
import { policyCheckCommand } from './commands/policy-check.ts';
import { registerClientCommands } from './commands/index.ts';
import { CliError, EXIT_USAGE } from './exit.ts';

// Node caches compiled (type-stripped) modules, so the server stack loads faster from the second run on.
enableCompileCache();

const program = new Command('changeproof')
  .description('Change management with a verifiable ledger')
  .version(pkg.version)
  .exitOverride()
  .showHelpAfterError();

serverCommands(program);
const policy = program.command('policy').description('Check, show and propose policies');
policyCheckCommand(policy);
registerClientCommands(program, policy);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
  } else if (err instanceof CliError) {
    if (err.body !== null && process.argv.includes('--json'))
      process.stdout.write(`${JSON.stringify(err.body, null, 2)}\n`);
    process.stderr.write(`changeproof: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`changeproof: ${(err as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
  }
}
