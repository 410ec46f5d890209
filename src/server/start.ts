// Starting a server the way users do: open the database, migrate, make sure there is a policy and a first
// admin, then listen. Used by `npm start`, `changeproof serve` and the tests' real-server fixtures.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { createContainer, type Container } from '../container.ts';
import { SYSTEM_ACTOR } from '../domain/actor.ts';
import { PROJECTIONS } from '../modules/projections.ts';
import { processHolder, type Subscriber } from '../modules/notifications/outbox-dispatcher.ts';
import { JobRunner } from '../jobs/runner.ts';
import { serverJobs } from '../jobs/server-jobs.ts';
import { openStore, type Store } from '../store/database.ts';
import { loadOrCreateLedgerKey } from '../modules/ledger/ledger-key.ts';
import { fileSignedState } from '../modules/ledger/signed-state.ts';
import { parseWitnessVerifierKey } from '../ledger/cosignature.ts';
import { mkdirSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { seedDemo } from './demo.ts';
import { WEB_DIST } from './web.ts';
import { readTls, reloadTlsOnChange, type TlsReloader } from './tls.ts';

export interface InitResult {
  created: boolean;
  admin: { username: string; password: string; token: string } | null;
  policyVersion: number | null;
}

/**
 * Creates the schema, records the log's signing key, the first policy version and the first admin, each
 * only if missing, and signs the first checkpoint of a new log.
 */
export async function initialise(c: Container, policyFile?: string, demo = false): Promise<InitResult> {
  await c.store.migrate(PROJECTIONS);
  await c.checkpoints.ensureKey();
  const policyVersion = await c.policies.ensureInitial(SYSTEM_ACTOR, policyFile);
  const admin = await c.identity.bootstrap();
  if (admin && demo) await seedDemo(c);
  if (!(await c.checkpoints.latest())) await c.checkpoints.issue('schedule');
  return { created: admin !== null || policyVersion !== null, admin, policyVersion };
}

export function openConfiguredStore(config: Config): Store {
  return openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}

/** The store plus the log's key (created on first use) and the record of what this server signed. */
export function openContainer(config: Config, now?: () => Date): Container {
  // The signed-state file lives here even when the database is PostgreSQL (`init` runs before any start).
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  for (const witness of config.witnesses) {
    try {
      parseWitnessVerifierKey(witness);
    } catch (err) {
      throw new Error(
        `CHANGEPROOF_WITNESSES: ${witness} is not a witness verifier key: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  const store = openConfiguredStore(config);
  const { key } = loadOrCreateLedgerKey(config.ledgerKeyFile, config.logOrigin);
  const state = fileSignedState(join(config.dataDir, 'ledger.state'));
  return createContainer(store, { key, state, witnesses: config.witnesses }, now, {
    sessionIdleMinutes: config.sessionIdleMinutes,
    idempotencyHours: config.idempotencyHours,
  });
}

export interface RunningServer {
  app: FastifyInstance;
  container: Container;
  url: string;
  init: InitResult;
  close: () => Promise<void>;
  /** Takes a renewed serving certificate into use (checked every minute); null without TLS. */
  tlsReload: TlsReloader | null;
}

/**
 * What the log keeps of a request: a capability in the query (the calendar feed's token, which calendar
 * apps can only send there) is redacted, so the log is not a list of working feed addresses.
 */
export function logRequest(req: { method: string; url: string; ip?: string }) {
  return {
    method: req.method,
    url: req.url.replace(/([?&]token=)[^&]*/gi, '$1[redacted]'),
    remoteAddress: req.ip,
  };
}

export async function startServer(
  config: Config,
  options: { log?: boolean; now?: () => Date } = {},
): Promise<RunningServer> {
  // Before anything is opened: a certificate that cannot be read stops the start with nothing to clean up.
  const https = config.tls ? readTls(config.tls) : undefined;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const container = openContainer(config, options.now);
  const { store } = container;
  const init = await initialise(container, config.policyFile, config.demo);
  const app = await buildApp(container, {
    logger: options.log === false ? false : { level: config.logLevel, serializers: { req: logRequest } },
    bodyLimit: config.bodyLimit,
    loginLimit: config.loginLimit,
    trustProxy: config.trustProxy,
    idempotencyHours: config.idempotencyHours,
    connectorSecrets: config.connectorSecrets,
    connectorSettings: config.connectors,
    https,
    webDir: WEB_DIST,
  });
  // Named `log` since migration 0009, which gave it the delivery state of the days before names.
  const subscribers: Subscriber[] = [
    {
      name: 'log',
      deliver: async (event) =>
        app.log.debug({ seq: event.seq, type: event.type, subject: event.subject }, 'event published'),
    },
  ];
  const holder = processHolder();
  const jobs = new JobRunner(
    store,
    serverJobs(
      container,
      subscribers,
      {
        holder,
        onFailure: (subscriber, err) => app.log.warn({ err, subscriber }, 'event not delivered; will retry'),
      },
      { settings: config.connectors, secret: (name) => config.connectorSecrets[name], log: app.log },
    ),
    { holder, now: container.deps.now, onError: (job, err) => app.log.error({ err, job }, 'job failed') },
  );
  await app.listen({ host: config.host, port: config.port });
  const tlsReload: TlsReloader | null = config.tls
    ? reloadTlsOnChange(app.server as unknown as HttpsServer, config.tls, (err) =>
        app.log.error(
          { err },
          'the renewed TLS certificate was not taken into use; the old one still serves',
        ),
      )
    : null;
  jobs.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${config.tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      tlsReload?.stop();
      await app.close();
      await jobs.stop();
      // A checkpoint at shutdown: the next start continues from exactly what was signed.
      await container.checkpoints
        .issue('shutdown')
        .catch((err: unknown) => app.log.error({ err }, 'no shutdown checkpoint'));
      await store.close();
    })());
  return { app, container, url, init, close, tlsReload };
}
