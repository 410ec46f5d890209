// Local commands that run the server or prepare its database: start/serve, init, migrate.
import type { Command } from 'commander';
import { CliError, EXIT_REFUSED } from '../exit.ts';

// Loaded on use: the server stack takes a second to import and client commands never need it.
const load = async () => ({
  ...(await import('../../config.ts')),
  ...(await import('../../container.ts')),
  ...(await import('../../server/start.ts')),
  ...(await import('../../server/demo.ts')),
  ...(await import('../../modules/projections.ts')),
});

function printAdmin(admin: { username: string; password: string; token: string }): void {
  const line = '─'.repeat(72);
  process.stdout.write(
    `${line}\nFirst admin created. These credentials are shown once: store them now.\n` +
      `  username: ${admin.username}\n  password: ${admin.password}\n  API token: ${admin.token}\n` +
      `Sign in with the CLI: npx changeproof login ${admin.username}   (or export CHANGEPROOF_TOKEN=<the token>)\n${line}\n`,
  );
}

export function serverCommands(program: Command): void {
  for (const name of ['start', 'serve']) {
    program
      .command(name)
      .description('Run the server (creates the database, example policy and first admin on first run)')
      .option('--policy <file>', 'policy file for a new instance (default: the shipped example)')
      .action(async (opts: { policy?: string }) => {
        const { loadConfig, startServer, DEMO_PASSWORD } = await load();
        const config = loadConfig();
        if (opts.policy) config.policyFile = opts.policy;
        const server = await startServer(config);
        if (server.init.admin) printAdmin(server.init.admin);
        if (server.init.admin && config.demo)
          process.stdout.write(
            `Demo data added: users alice, sam, tom, betty, dora and ivan, password "${DEMO_PASSWORD}".\n`,
          );
        const where = config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
        process.stdout.write(
          `Changeproof listening on ${server.url} (${where}); API docs at ${server.url}/docs\n`,
        );
        const stop = (signal: string) => {
          process.stdout.write(`\n${signal}: shutting down\n`);
          void server.close().then(() => process.exit(0));
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
  }

  program
    .command('init')
    .description(
      'Create the data directory, schema, policy and first admin; print the admin credentials once',
    )
    .option('--policy <file>', 'policy file to start with (default: the shipped example)')
    .option('--json', 'machine output')
    .action(async (opts: { policy?: string; json?: boolean }) => {
      const { loadConfig, openContainer, initialise } = await load();
      const config = loadConfig();
      const container = openContainer(config);
      const { store } = container;
      try {
        const result = await initialise(container, opts.policy ?? config.policyFile);
        if (!result.admin)
          throw new CliError('already initialised: an admin exists; nothing was changed', EXIT_REFUSED);
        const out = {
          database: config.databaseUrl ? 'postgres' : 'sqlite',
          dataDir: config.dataDir,
          policyVersion: result.policyVersion,
          ledger: {
            origin: container.checkpoints.origin,
            verifierKey: container.checkpoints.verifierKey,
            keyFile: config.ledgerKeyFile,
          },
          admin: result.admin,
        };
        if (opts.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        else printAdmin(result.admin);
      } finally {
        await store.close();
      }
    });

  program
    .command('migrate')
    .description('Bring the database schema up to date (the server also does this on start)')
    .action(async () => {
      const { loadConfig, openConfiguredStore, PROJECTIONS } = await load();
      const store = openConfiguredStore(loadConfig());
      try {
        await store.migrate(PROJECTIONS);
        process.stdout.write('schema up to date\n');
      } finally {
        await store.close();
      }
    });
}
