// `changeproof login`, `whoami` and `logout`: sessions for people at a terminal. CI uses API tokens instead.
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { CliError, EXIT_USAGE } from '../exit.ts';
import { clientCommand, ctx } from '../options.ts';
import { emit, write } from '../output.ts';

/**
 * Asks for what was not given, on stderr (stdout stays clean for `eval "$(changeproof login)"`), without
 * echoing secrets. Lines are read through one iterator so piped input (`printf 'u\np\n' |`) works too.
 */
export async function askFor<K extends string>(
  questions: { key: K; prompt: string; hidden: boolean; given: string | undefined }[],
): Promise<Record<K, string>> {
  const answers = {} as Record<K, string>;
  const missing = questions.filter((q) => q.given === undefined);
  for (const q of questions) if (q.given !== undefined) answers[q.key] = q.given;
  if (missing.length === 0) return answers;
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true });
  const lines = rl[Symbol.asyncIterator]();
  try {
    for (const q of missing) {
      process.stderr.write(q.prompt);
      muted = q.hidden;
      const line = await lines.next();
      muted = false;
      if (q.hidden) process.stderr.write('\n');
      const value = line.done ? '' : String(line.value);
      answers[q.key] = q.hidden ? value : value.trim();
    }
    return answers;
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
      const { username, password } = await askFor([
        { key: 'username', prompt: 'username: ', hidden: false, given: o.username },
        { key: 'password', prompt: 'password: ', hidden: true, given: o.password },
      ]);
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
