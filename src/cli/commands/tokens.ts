// `changeproof tokens …`: scoped API tokens for CI and automation; the secret is shown once.
import type { Command } from 'commander';
import { clientCommand, ctx, many, SCOPES } from '../options.ts';
import type { Scope } from '../../domain/vocabulary.ts';
import { emit, table, when } from '../output.ts';

export function tokensCommands(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('Scoped API tokens for CI and automation (hashed at rest, shown once)')
    .addHelpText(
      'after',
      `
Example:
  changeproof tokens create --name github-actions --owner ci --scope changes:read,changes:write`,
    );

  clientCommand(tokens, 'list', 'Your tokens (admins: everyone’s)').action(async (_o, cmd: Command) => {
    const c = ctx(cmd);
    emit(c, await c.client.tokens.list(), (l) =>
      table(
        ['ID', 'NAME', 'OWNER', 'CREATED', 'LAST USED', 'EXPIRES', 'REVOKED', 'SCOPES'],
        l.items.map((t) => [
          t.id,
          t.name,
          t.owner,
          when(t.createdAt),
          when(t.lastUsedAt),
          when(t.expiresAt),
          when(t.revokedAt),
          t.scopes.join(','),
        ]),
        'no tokens',
      ),
    );
  });

  clientCommand(tokens, 'create', 'Create a token; prints its secret once')
    .requiredOption('--name <name>', 'what it is for, e.g. github-actions')
    .option('--scope <scope>', `scope (repeatable or comma-separated): ${SCOPES.join(', ')}`, many(SCOPES))
    .option('--all-scopes', 'every scope')
    .option('--owner <username>', 'admins: create it for a bot account, e.g. ci (never for another person)')
    .option('--expires <time>', 'expiry, ISO 8601 with a zone (default: never)')
    .action(
      async (
        o: { name: string; scope?: string[]; allScopes?: boolean; owner?: string; expires?: string },
        cmd: Command,
      ) => {
        const c = ctx(cmd);
        const scopes = (o.allScopes ? [...SCOPES] : (o.scope ?? [])) as Scope[];
        const t = await c.client.tokens.create({
          name: o.name,
          owner: o.owner,
          scopes,
          expiresAt: o.expires ?? null,
        });
        emit(
          c,
          t,
          () =>
            `Token ${t.id} (${t.name}) for ${t.owner}, scopes ${t.scopes.join(', ')}, expires ${when(t.expiresAt)}.\n` +
            `The secret is shown only now; store it:\n${t.token}`,
        );
      },
    );

  clientCommand(tokens, 'revoke <id>', 'Revoke a token').action(async (id: string, _o, cmd: Command) => {
    const c = ctx(cmd);
    emit(
      c,
      await c.client.tokens.revoke(id),
      (t) => `Token ${t.id} (${t.name}) revoked at ${when(t.revokedAt)}.`,
    );
  });
}
