// The OpenAPI 3.1 document, written for client generators as well as for readers: every operation has an
// operationId, the server is the one serving the document, and only schemas something refers to are listed
// (`npm run lint:api` keeps it clean under Redocly's recommended rules).
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

const DESCRIPTION =
  'Change management with a verifiable ledger. Authenticate with `Authorization: Bearer <token>` (a session from POST /api/v1/auth/login, or an API token). Every mutating request accepts an `Idempotency-Key` header; a retry with the same key returns the first result (keys are remembered for a day by default; a secret such as a new token is shown once and never replayed). API tokens may call only the routes their scopes cover.';

interface Doc {
  paths?: unknown;
  components?: { schemas?: Record<string, unknown> };
}

export function openApiOptions(version: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Changeproof API',
        version,
        description: DESCRIPTION,
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      // Self-hosted: the host differs per installation, so the API is where this document was fetched from.
      servers: [{ url: '/', description: 'The server that serves this document' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => withoutUnusedSchemas(jsonSchemaTransformObject(input)),
  };
}

/**
 * Every schema with an id becomes a component twice (as read and as written); keep those the paths reach,
 * directly or through other components.
 */
export function withoutUnusedSchemas<D extends Doc>(doc: D): D {
  const schemas = doc.components?.schemas;
  if (!schemas) return doc;
  const refs = (value: unknown): string[] =>
    [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
  const used = new Set<string>();
  const pending = refs(doc.paths ?? {});
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (used.has(name)) continue;
    used.add(name);
    pending.push(...refs(schemas[name]));
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...doc, components: { ...doc.components, schemas: kept } };
}
