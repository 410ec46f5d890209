// Builds the Fastify application: contracts as validators and serializers, the OpenAPI 3.1 document, the
// rendered docs at /docs, authentication and the feature routes under /api/v1.
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerConnectors, type Connector } from '../connectors/connector.ts';
import { CONNECTORS } from '../connectors/index.ts';
import { DEFAULT_CONNECTOR_SETTINGS, type ConnectorSettings } from '../connectors/settings.ts';
import { ErrorBody } from '../contracts/errors.ts';
import type { Container } from '../container.ts';
import { HealthView } from '../contracts/health.ts';
import { registerAuth } from './auth.ts';
import { trackRouteAccess } from './authorize.ts';
import { registerDocs } from './docs.ts';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './errors.ts';
import { DEFAULT_IDEMPOTENCY_HOURS } from './idempotency.ts';
import { loginLimits } from './login-limits.ts';
import { openApiOptions } from './openapi.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { approvalsRoutes } from './routes/approvals.routes.ts';
import { calendarRoutes } from './routes/calendar.routes.ts';
import { changesRoutes } from './routes/changes.routes.ts';
import { followUpsRoutes } from './routes/follow-ups.routes.ts';
import { gateRoutes } from './routes/gate.routes.ts';
import { homeRoutes } from './routes/home.routes.ts';
import { identityRoutes } from './routes/identity.routes.ts';
import { policyRoutes } from './routes/policy.routes.ts';
import { ledgerRoutes } from './routes/ledger.routes.ts';
import { servicesRoutes } from './routes/services.routes.ts';
import { registerWeb } from './web.ts';
import { refuseMalformedText } from './well-formed-text.ts';

export const VERSION = '0.1.0';

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  bodyLimit?: number;
  /** Failed sign-ins allowed per account and address in 15 minutes (ten times as many per address). */
  loginLimit?: number;
  /** Fastify's trustProxy: whose X-Forwarded-For (and -Proto) to believe for the client's address. */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** How long an Idempotency-Key is remembered, in hours. */
  idempotencyHours?: number;
  /** The connectors to mount; those of src/connectors/index.ts by default. */
  connectors?: readonly Connector[];
  /** Secrets connectors ask for by name (webhook secrets, shared tokens). */
  connectorSecrets?: Readonly<Record<string, string>>;
  /** What the connectors are told apart from secrets (GitHub, GitLab, the Kubernetes cluster); defaults where absent. */
  connectorSettings?: Partial<ConnectorSettings>;
  /** Serve the web app built in this folder at `/` (web/dist for real servers); without it `/` shows the docs. */
  webDir?: string;
  /** Serve HTTPS with this certificate chain and key (PEM); the Kubernetes API server calls nothing else. */
  https?: { cert: string | Buffer; key: string | Buffer };
}

export const DEFAULT_LOGIN_LIMIT = 10;

export async function buildApp(c: Container, options: AppOptions = {}): Promise<FastifyInstance> {
  const settings = {
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    frameworkErrors,
    clientErrorHandler,
  };
  // The same application over TLS: Fastify types an HTTPS instance apart, though every route is the same.
  const app = options.https
    ? (Fastify({ ...settings, https: options.https }) as unknown as FastifyInstance)
    : Fastify(settings);
  // Actions such as POST /changes/CHG-1/submit carry no body; clients that still send a JSON content type
  // with an empty body get the same result as those that send none.
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') done(null, undefined);
    else void json(req, body as string, done);
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  refuseMalformedText(app);
  trackRouteAccess(app);
  registerSecurityHeaders(app);
  app.decorate('idempotencyRetentionMs', (options.idempotencyHours ?? DEFAULT_IDEMPOTENCY_HOURS) * 3_600_000);
  const limits = loginLimits(options.loginLimit ?? DEFAULT_LOGIN_LIMIT);

  await app.register(fastifySwagger, openApiOptions(VERSION));

  await app.register(
    async (api) => {
      registerAuth(api, c.identity);
      const r = api.withTypeProvider<ZodTypeProvider>();
      r.get(
        '/health',
        {
          config: { access: 'public' },
          schema: {
            operationId: 'getHealth',
            tags: ['meta'],
            summary: 'Liveness, database reachability and delivery to subscribers',
            security: [],
            // Strict like every query of the API: a parameter it does not know is an error, not ignored.
            querystring: z.strictObject({}),
            response: { 200: HealthView, 400: ErrorBody },
          },
        },
        async () => {
          // Reading the cursors is the database check too.
          const subscribers = await c.delivery.subscribers();
          return {
            status: subscribers.some((s) => s.stuck) ? ('degraded' as const) : ('ok' as const),
            version: VERSION,
            database: c.store.engine,
            delivery: { subscribers },
          };
        },
      );
      api.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
        app.swagger(),
      );
      identityRoutes(api, c, limits);
      servicesRoutes(api, c);
      changesRoutes(api, c);
      followUpsRoutes(api, c);
      gateRoutes(api, c);
      approvalsRoutes(api, c);
      policyRoutes(api, c);
      ledgerRoutes(api, c);
      calendarRoutes(api, c);
      homeRoutes(api, c);
      await registerConnectors(api, options.connectors ?? CONNECTORS, {
        container: c,
        secret: (name) => options.connectorSecrets?.[name],
        settings: { ...DEFAULT_CONNECTOR_SETTINGS, ...options.connectorSettings },
      });
    },
    { prefix: '/api/v1' },
  );

  await registerDocs(app);
  if (!options.webDir || !registerWeb(app, options.webDir))
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/docs'));
  await app.ready();
  return app;
}
