// Starting a server the way users do: open the database, migrate, make sure there is a policy and a first
// admin, then listen. Used by `npm start`, `changeproof serve` and the tests' real-server fixtures.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { createContainer, type Container } from '../container.ts';
import { SYSTEM_ACTOR } from '../domain/actor.ts';
import { OutboxDispatcher } from '../modules/notifications/outbox-dispatcher.ts';
import { openStore, type Store } from '../store/database.ts';
import { buildApp } from './app.ts';
import { seedDemo } from './demo.ts';

export interface InitResult {
  created: boolean;
  admin: { username: string; password: string; token: string } | null;
  policyVersion: number | null;
}

/** Creates the schema, the first policy version and the first admin, each only if missing. */
export async function initialise(c: Container, policyFile?: string, demo = false): Promise<InitResult> {
  await c.store.migrate();
  const policyVersion = await c.policies.ensureInitial(SYSTEM_ACTOR, policyFile);
  const admin = await c.identity.bootstrap();
  if (admin && demo) await seedDemo(c);
  return { created: admin !== null || policyVersion !== null, admin, policyVersion };
}

export function openConfiguredStore(config: Config): Store {
  return openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}

export interface RunningServer {
  app: FastifyInstance;
  container: Container;
  url: string;
  init: InitResult;
  close: () => Promise<void>;
}

export async function startServer(
  config: Config,
  options: { log?: boolean; now?: () => Date } = {},
): Promise<RunningServer> {
  const store = openConfiguredStore(config);
  const container = createContainer(store, options.now);
  const init = await initialise(container, config.policyFile, config.demo);
  const app = await buildApp(container, {
    logger: options.log === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimit,
  });
  const dispatcher = new OutboxDispatcher(store, [
    async (event) =>
      app.log.debug({ seq: event.seq, type: event.type, subject: event.subject }, 'event published'),
  ]);
  await app.listen({ host: config.host, port: config.port });
  dispatcher.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await dispatcher.stop();
      await store.close();
    })());
  return { app, container, url, init, close };
}
