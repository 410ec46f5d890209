// `changeproof sessions …` and `changeproof password`: a person's own sign-ins. Both need a session from
// `changeproof login` in CHANGEPROOF_TOKEN; API tokens have no sessions and cannot change a password.
import type { Command } from 'commander';
import { CliError, EXIT_USAGE } from '../exit.ts';
import { clientCommand, ctx } from '../options.ts';
import { emit, table, when } from '../output.ts';
import { askFor } from './login.ts';

export function sessionsCommands(program: Command): void {
  const sessions = program
    .command('sessions')
    .description('Your signed-in sessions: list them, end one (needs a session from `changeproof login`)');

  clientCommand(sessions, 'list', 'Your sessions; * marks this one').action(async (_o, cmd: Command) => {
    const c = ctx(cmd);
    emit(c, await c.client.sessions.list(), (l) =>
      table(
        ['ID', 'SIGNED IN', 'LAST USED', 'ENDS BY'],
        l.items.map((s) => [
          `${s.id}${s.current ? ' *' : ''}`,
          when(s.createdAt),
          when(s.lastSeenAt),
          when(s.expiresAt),
        ]),
        'no sessions',
      ),
    );
  });

  clientCommand(sessions, 'revoke <id>', 'End one of your sessions').action(
    async (id: string, _o, cmd: Command) => {
      const c = ctx(cmd);
      emit(c, await c.client.sessions.revoke(id), (s) => `Session ${s.id} ended.`);
    },
  );

  clientCommand(
    program,
    'password',
    'Change your password (asked without echo); your other sessions end, your API tokens stay valid',
  )
    .option('--current <password>', 'your current password (asked if omitted)')
    .option('--new <password>', 'the new password, at least 12 characters (asked if omitted)')
    .action(async (o: { current?: string; new?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const a = await askFor([
        { key: 'current', prompt: 'current password: ', hidden: true, given: o.current },
        { key: 'next', prompt: 'new password: ', hidden: true, given: o.new },
      ]);
      if (!a.current || !a.next)
        throw new CliError('the current and the new password are needed', EXIT_USAGE);
      const done = await c.client.changePassword({ currentPassword: a.current, newPassword: a.next });
      emit(
        c,
        done,
        (u) =>
          `Password changed for ${u.username}; ${u.endedSessions} other session${u.endedSessions === 1 ? '' : 's'} ended. API tokens stay valid: see \`changeproof tokens list\`.`,
      );
    });
}
