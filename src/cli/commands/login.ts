// `changeproof login`, `whoami` and `logout`: sessions for people at a terminal. CI uses API tokens instead.
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { CliError, EXIT_USAGE } from '../exit.ts';
import { clientCommand, ctx, passwordFromStdin } from '../options.ts';
import { emit, write } from '../output.ts';
import { saveSession, sessionFilePath, forgetSession } from '../session-file.ts';

/**
 * Asks for what was not given, on stderr (stdout stays clean for `eval "$(changeproof login --export)"`), without
 * echoing the password. Lines are read through one iterator so piped input (`printf 'u\np\n' |`) works too.
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

/** The password from --password-stdin, --password or CHANGEPROOF_PASSWORD, in that order; else undefined. */
async function givenPassword(o: { password?: string; passwordStdin?: boolean }) {
  if (o.passwordStdin) return passwordFromStdin();
  return o.password ?? (process.env.CHANGEPROOF_PASSWORD || undefined);
}

interface LoginOpts {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  export?: boolean;
}

export function loginCommands(program: Command): void {
  clientCommand(program, 'login [username]', 'Sign in; the session is saved for this server (see --export)')
    .option('--username <name>', 'who you are (the argument, or asked if omitted)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--password <password>', 'the password (visible to other local users; prefer the prompt)')
    .option('--export', 'print `export CHANGEPROOF_TOKEN=…` for this shell instead of saving the session')
    .addHelpText(
      'after',
      `
Without --password-stdin or --password the password comes from CHANGEPROOF_PASSWORD, or is asked for
without echo. The session is saved in ${sessionFilePath()} (mode 0600; CHANGEPROOF_CONFIG moves it)
and used by later commands for the same server; CHANGEPROOF_TOKEN, when set, wins over it.
--json prints the session (token included) and saves nothing.

Examples:
  changeproof login alice
  echo "$ALICE_PASSWORD" | changeproof login alice --password-stdin
  eval "$(changeproof login alice --export)"`,
    )
    .action(async (name: string | undefined, o: LoginOpts, cmd: Command) => {
      const c = ctx(cmd);
      if (o.passwordStdin && !(name ?? o.username))
        throw new CliError('with --password-stdin, give the username as an argument', EXIT_USAGE);
      const { username, password } = await askFor([
        { key: 'username', prompt: 'username: ', hidden: false, given: name ?? o.username },
        { key: 'password', prompt: 'password: ', hidden: true, given: await givenPassword(o) },
      ]);
      if (!username || !password) throw new CliError('a username and a password are needed', EXIT_USAGE);
      const session = await c.client.login({ username, password });
      if (c.json) return write(JSON.stringify(session, null, 2));
      const who = `signed in to ${c.client.url} as ${session.user.username} until ${session.expiresAt}`;
      if (o.export) {
        process.stderr.write(`${who}\n`);
        return write(`export CHANGEPROOF_TOKEN=${session.token}`);
      }
      saveSession(c.client.url, {
        username: session.user.username,
        token: session.token,
        expiresAt: session.expiresAt,
      });
      write(`${who}\nsession saved in ${sessionFilePath()}`);
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
    const o = cmd.opts<{ token?: string }>();
    await c.client.logout();
    // Only the saved session was ended when no token was given; a CHANGEPROOF_TOKEN session leaves it be.
    if (!o.token) forgetSession(c.client.url);
    if (c.json) write('{}');
    else write('signed out');
  });
}
