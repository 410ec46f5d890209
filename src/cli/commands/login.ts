// `changeproof login`, `whoami` and `logout`: sessions for people at a terminal. CI uses API tokens instead.
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { CliError, EXIT_USAGE } from '../exit.ts';
import { clientCommand, ctx } from '../options.ts';
import { emit, write } from '../output.ts';

/**
 * Asks for what was not given, on stderr (stdout stays clean for `eval "$(changeproof login)"`), without
 * echoing the password. Lines are read through one iterator so piped input (`printf 'u\np\n' |`) works too.
 */
async function credentials(given: { username?: string; password?: string }) {
  if (given.username !== undefined && given.password !== undefined) return given;
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string, hidden: boolean) => {
    process.stderr.write(prompt);
    muted = hidden;
    const line = await lines.next();
    muted = false;
    if (hidden) process.stderr.write('\n');
    return line.done ? '' : String(line.value);
  };
  try {
    const username = given.username ?? (await ask('username: ', false)).trim();
    const password = given.password ?? (await ask('password: ', true));
    return { username, password };
  } finally {
    rl.close();
  }
}

export function loginCommands(program: Command): void {
  clientCommand(program, 'login', 'Sign in with a username and password; prints a session token to export')
    .option('--username <name>', 'who you are (asked if omitted)')
    .option('--password <password>', 'your password (asked without echo if omitted)')
    .addHelpText('after', '\nExample:\n  eval "$(changeproof login --username alice)"')
    .action(async (o: { username?: string; password?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const { username, password } = await credentials(o);
      if (!username || !password) throw new CliError('a username and a password are needed', EXIT_USAGE);
      const session = await c.client.login({ username, password });
      emit(c, session, (s) => {
        process.stderr.write(`signed in as ${s.user.username} until ${s.expiresAt}\n`);
        return `export CHANGEPROOF_TOKEN=${s.token}`;
      });
    });

  clientCommand(program, 'whoami', 'Who the configured token belongs to, with roles and groups').action(
    async (_o, cmd: Command) => {
      const c = ctx(cmd);
      emit(
        c,
        await c.client.me(),
        (u) =>
          `${u.username} (${u.displayName}, ${u.kind})\n  roles:  ${u.roles.join(', ')}\n  groups: ${u.groups.join(', ') || '-'}\n  server: ${c.client.url}`,
      );
    },
  );

  clientCommand(
    program,
    'logout',
    'End the current session (API tokens are revoked with `tokens revoke`)',
  ).action(async (_o, cmd: Command) => {
    const c = ctx(cmd);
    await c.client.logout();
    if (c.json) write('{}');
    else write('signed out');
  });
}
