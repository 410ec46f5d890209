// `changeproof users …` (admins): accounts, roles and approver groups.
import type { Command } from 'commander';
import type { UserView } from '../client.ts';
import { CliError, EXIT_USAGE } from '../exit.ts';
import { clientCommand, ctx, given, many, passwordFromStdin, ROLES } from '../options.ts';
import { emit, table } from '../output.ts';

interface UserOpts {
  role?: UserView['roles'];
  group?: string[];
  password?: string;
  displayName?: string;
  email?: string;
  bot?: boolean;
  active?: boolean;
}

function userBlock(u: UserView): string {
  return [
    `${u.username} (${u.displayName})${u.active ? '' : ' — disabled'}`,
    `  kind:    ${u.kind}`,
    `  roles:   ${u.roles.join(', ')}`,
    `  groups:  ${u.groups.join(', ') || '-'}`,
    `  email:   ${u.email ?? '-'}`,
  ].join('\n');
}

const profile = (cmd: Command) =>
  cmd
    .option('--role <role>', `role (repeatable or comma-separated): ${ROLES.join(', ')}`, many(ROLES))
    .option(
      '--group <group>',
      'approver group, e.g. security, technical (repeatable or comma-separated)',
      many(),
    )
    .option('--display-name <name>', 'full name')
    .option('--email <address>', 'email address');

export function usersCommands(program: Command): void {
  const users = program
    .command('users')
    .description('Manage users, their roles and approver groups (admin)')
    .addHelpText(
      'after',
      `
Example:
  echo 'a long passphrase' | changeproof users add sam --role approver --group security --password-stdin
  changeproof users add ci --bot --role implementer   # bots use API tokens: changeproof tokens create`,
    );

  clientCommand(users, 'list', 'All users').action(async (_o, cmd: Command) => {
    const c = ctx(cmd);
    emit(c, await c.client.users.list(), (l) =>
      table(
        ['USERNAME', 'KIND', 'ACTIVE', 'ROLES', 'GROUPS', 'NAME'],
        l.items.map((u) => [
          u.username,
          u.kind,
          u.active ? 'yes' : 'no',
          u.roles.join(','),
          u.groups.join(',') || '-',
          u.displayName,
        ]),
      ),
    );
  });

  profile(clientCommand(users, 'add <username>', 'Create a user or bot'))
    .option(
      '--password <password>',
      'first password, at least 12 characters (people change it with `changeproof password`)',
    )
    .option('--bot', 'a bot account: signs in with API tokens only, approves nothing')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, o: UserOpts & { passwordStdin?: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      if (o.passwordStdin && o.password !== undefined)
        throw new CliError('give the password with --password or --password-stdin, not both', EXIT_USAGE);
      const body = {
        username,
        roles: o.role ?? [],
        ...given({
          groups: o.group,
          password: o.passwordStdin ? passwordFromStdin() : o.password,
          displayName: o.displayName,
          email: o.email,
          kind: o.bot ? ('bot' as const) : undefined,
        }),
      };
      emit(c, await c.client.users.create(body), userBlock);
    });

  profile(
    clientCommand(
      users,
      'update <username>',
      'Change roles, groups or profile (only those given); people change their own password with `changeproof password`',
    ),
  )
    .option('--disable', 'disable the account (its sessions end; its tokens stop working while disabled)')
    .option('--enable', 'enable the account again')
    .action(async (username: string, o: UserOpts & { disable?: boolean; enable?: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      const body = given({
        roles: o.role,
        groups: o.group,
        displayName: o.displayName,
        email: o.email,
        active: o.disable ? false : o.enable ? true : undefined,
      });
      emit(c, await c.client.users.update(username, body), userBlock);
    });
}
