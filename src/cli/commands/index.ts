// Client commands: everything here talks to a running server over HTTP (see ../client.ts).
import type { Command } from 'commander';
import { calendarCommands } from './calendar.ts';
import { changesCommands } from './changes.ts';
import { followUpsCommands } from './follow-ups.ts';
import { gateCommands } from './gate.ts';
import { loginCommands } from './login.ts';
import { policyCommands } from './policy.ts';
import { servicesCommands } from './services.ts';
import { sessionsCommands } from './sessions.ts';
import { tokensCommands } from './tokens.ts';
import { usersCommands } from './users.ts';
import { ledgerCommands } from './ledger.ts';
import { verifyCommand } from './verify.ts';

export function registerClientCommands(program: Command, policy: Command): void {
  // Options belong to the command they follow, so `policy show --version 2` is not the program's --version.
  program.enablePositionalOptions();
  program.addHelpText(
    'after',
    `
Client commands talk to a server: --url or CHANGEPROOF_URL (default http://127.0.0.1:8320), signed in with
--token or CHANGEPROOF_TOKEN (an API token or a session), else the session \`changeproof login\` saved for
that server. --json prints the API's JSON.
Exit codes: 0 ok, 1 refused, denied or failed check, 2 usage or connection error.`,
  );
  loginCommands(program);
  sessionsCommands(program);
  servicesCommands(program);
  changesCommands(program);
  followUpsCommands(program);
  calendarCommands(program);
  gateCommands(program);
  usersCommands(program);
  tokensCommands(program);
  policyCommands(policy);
  ledgerCommands(program);
  verifyCommand(program);
}
