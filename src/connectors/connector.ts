// What a connector is, and how one is mounted. A connector adapts a protocol we do not own (a webhook, an
// admission review, an ingest feed) to our use-cases: it declares its routes, how each authenticates, its
// body limit and, where the protocol dictates, the form of its errors. Each is mounted in a Fastify scope of
// its own under /api/v1, so its raw-body JSON parser and error formatter touch no other route.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ErrorBody } from '../contracts/errors.ts';
import type { Container } from '../container.ts';
import type { Access } from '../modules/identity/access.ts';
import type { SignatureVerifier } from '../server/authorize.ts';
import { errorResponse } from '../server/errors.ts';
import type { ConnectorSettings } from './settings.ts';

/**
 * How a route's caller proves who they are: a bearer session or token with the access it needs (the
 * default; undeclared means signed-in sessions only), a signature over the raw body, or none — which must
 * say why (e.g. "Kubernetes admission: the API server reaches us over mutual TLS").
 */
export type ConnectorAuth =
  | {
      kind: 'bearer';
      access?: Access;
      /** Check the token once the body is parsed, so a refusal can quote the request's id (its uid). */
      afterBody?: boolean;
    }
  | { kind: 'signature'; verify: SignatureVerifier }
  | { kind: 'none'; because: string };

export interface ConnectorRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below the connector's prefix, e.g. `/events`. */
  url: string;
  /** Bearer with no declared access (sessions only) when absent: forgetting it fails closed. */
  auth?: ConnectorAuth;
  /** zod schemas, as for our own routes. Use `z.object`/`z.looseObject` for payloads we do not own. */
  schema?: FastifySchema;
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** A failure as our API would answer it, handed to a connector to say in its protocol's form. */
export interface ConnectorFailure {
  status: number;
  error: ErrorBody['error'];
}

export interface ConnectorContext {
  container: Container;
  /** A secret from the server's configuration (webhook secret, shared token), or undefined if unset. */
  secret: (name: string) => string | undefined;
  /** The forge connectors' configuration (src/config.ts); defaults where the server was given none. */
  settings: ConnectorSettings;
}

export interface Connector {
  /** The source's name, as its folder: `src/connectors/<source>/`. */
  source: string;
  /** Where its routes live below /api/v1; `/connectors/<source>` by default. */
  prefix?: string;
  /** Largest body accepted, in bytes; 1 MiB by default. */
  bodyLimit?: number;
  /** The protocol's form of an error; our error envelope when absent. */
  formatError?: (failure: ConnectorFailure, req: FastifyRequest) => { status: number; body: unknown };
  routes: (ctx: ConnectorContext) => ConnectorRoute[];
}

export const DEFAULT_CONNECTOR_BODY_LIMIT = 1024 * 1024;

/** Route config from a declaration: the auth hook (server/auth.ts) and the access walk read it. */
function routeConfig(auth: ConnectorAuth | undefined) {
  if (!auth || auth.kind === 'bearer')
    return { auth: 'bearer' as const, access: auth?.access, bearerAfterBody: auth?.afterBody === true };
  if (auth.kind === 'signature') return { auth: 'signature' as const, verifySignature: auth.verify };
  return { auth: 'none' as const };
}

/** Mounts each connector in its own scope of `api` (the /api/v1 scope, after its auth hook). */
export async function registerConnectors(
  api: FastifyInstance,
  connectors: readonly Connector[],
  ctx: ConnectorContext,
): Promise<void> {
  const seen = new Set<string>();
  for (const connector of connectors) {
    if (seen.has(connector.source)) throw new Error(`connector ${connector.source} is registered twice`);
    seen.add(connector.source);
    await api.register(async (scope) => mountConnector(scope, connector, ctx), {
      prefix: connector.prefix ?? `/connectors/${connector.source}`,
    });
  }
}

function mountConnector(scope: FastifyInstance, connector: Connector, ctx: ConnectorContext): void {
  // JSON only, its bytes kept for signature checks, parsed after (prototype-poisoning checks included).
  // Unknown fields are the route schema's business: payloads we do not own are read leniently there.
  const json = scope.getDefaultJsonParser('error', 'error');
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: connector.bodyLimit ?? DEFAULT_CONNECTOR_BODY_LIMIT },
    (req, body, done) => {
      req.rawBody = body as Buffer;
      if (req.rawBody.length === 0) done(null, undefined);
      else void json(req, req.rawBody.toString('utf8'), done);
    },
  );
  const format = connector.formatError;
  if (format)
    scope.setErrorHandler((err: FastifyError, req, reply) => {
      const { status, body } = errorResponse(err, req);
      const out = format({ status, error: body.error }, req);
      return reply.code(out.status).send(out.body);
    });
  const r = scope.withTypeProvider<ZodTypeProvider>();
  for (const route of connector.routes(ctx))
    r.route({
      method: route.method,
      url: route.url,
      config: routeConfig(route.auth),
      // The API description says that these routes take no bearer token.
      schema: { ...route.schema, ...(route.auth && route.auth.kind !== 'bearer' ? { security: [] } : {}) },
      handler: route.handler,
    });
}
