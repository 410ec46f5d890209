// The API describes itself: an OpenAPI 3.1 document covering the resources, and rendered docs at /docs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EVENT_TYPES, componentName } from '../../src/contracts/events.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { noServerErrors, ok } from '../support/http.ts';

interface Schema {
  oneOf?: { $ref: string }[];
  discriminator?: { propertyName: string; mapping: Record<string, string> };
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string; license?: { name: string; identifier?: string } };
  servers?: { url: string }[];
  paths: Record<
    string,
    Record<string, { operationId?: string; requestBody?: unknown; responses?: Record<string, unknown> }>
  >;
  components?: { securitySchemes?: Record<string, unknown>; schemas?: Record<string, Schema> };
}

for (const engine of engines()) {
  describe(`API description (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
    });
    after(() => t.close());

    it('serves an OpenAPI 3.1 document with the resources, without authentication', async () => {
      const res = await t.req(null, 'GET', '/api/v1/openapi.json');
      assert.match(String(res.headers['content-type']), /application\/json/);
      const doc = ok<OpenApi>(res);
      assert.match(doc.openapi, /^3\.1\./);
      assert.equal(doc.info.title, 'Changeproof API');
      const expected: [string, string][] = [
        ['/api/v1/changes', 'post'],
        ['/api/v1/changes', 'get'],
        ['/api/v1/changes/{id}', 'get'],
        ['/api/v1/changes/{id}', 'patch'],
        ['/api/v1/changes/{id}/events', 'get'],
        ['/api/v1/changes/{id}/approve', 'post'],
        ['/api/v1/changes/{id}/reject', 'post'],
        ['/api/v1/services', 'post'],
        ['/api/v1/services/{name}', 'patch'],
        ['/api/v1/users', 'post'],
        ['/api/v1/users/{username}', 'patch'],
        ['/api/v1/tokens', 'post'],
        ['/api/v1/tokens/{id}/revoke', 'post'],
        ['/api/v1/policy', 'get'],
        ['/api/v1/policy', 'post'],
        ['/api/v1/policy/check', 'post'],
        ['/api/v1/auth/login', 'post'],
        ['/api/v1/health', 'get'],
      ];
      for (const [path, method] of expected)
        assert.ok(doc.paths[path]?.[method], `${method} ${path} is described`);
      // Bodies and error responses are described, not just the paths.
      const approve = doc.paths['/api/v1/changes/{id}/approve']!.post!;
      assert.ok(approve.requestBody, 'approve has a request body');
      assert.ok(approve.responses?.['200'] && approve.responses['403'], 'approve lists 200 and 403');
      assert.ok(doc.components?.securitySchemes?.bearer, 'bearer authentication is described');
    });

    it('serves client generators: an operationId on every operation, servers, a licence', async () => {
      const doc = ok<OpenApi>(await t.req(null, 'GET', '/api/v1/openapi.json'));
      const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
      assert.ok(ids.length >= 40, `${ids.length} operations`);
      for (const id of ids) assert.match(String(id), /^[a-z][A-Za-z]+$/, 'a camelCase operationId');
      assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
      assert.equal(doc.paths['/api/v1/changes/{id}/approve']!.post!.operationId, 'approveChange');
      assert.deepEqual(
        doc.servers?.map((s) => s.url),
        ['/'],
      );
      assert.equal(doc.info.license?.identifier, 'Apache-2.0');
    });

    it('describes every event as a named schema, selected by its type', async () => {
      const doc = ok<OpenApi>(await t.req(null, 'GET', '/api/v1/openapi.json'));
      const schemas = doc.components?.schemas ?? {};
      const union = (name: string, types: string[]) => {
        const schema = schemas[name];
        assert.ok(schema, `${name} is a component`);
        assert.equal(schema.discriminator?.propertyName, 'type');
        assert.deepEqual(Object.keys(schema.discriminator.mapping).sort(), [...types].sort());
        for (const type of types) {
          const ref = `#/components/schemas/${componentName(type)}`;
          assert.equal(schema.discriminator.mapping[type], ref);
          assert.ok(
            schema.oneOf?.some((s) => s.$ref === ref),
            `${name} lists ${type}`,
          );
          assert.ok(schemas[componentName(type)], `${componentName(type)} is a component`);
        }
      };
      // A change's history holds the gate's decisions about it too.
      union(
        'ChangeEvent',
        EVENT_TYPES.filter((type) => type.startsWith('change.') || type.startsWith('gate.')),
      );
      union('LedgerEvent', EVENT_TYPES);
      const events = JSON.stringify(doc.paths['/api/v1/changes/{id}/events']!.get!.responses!['200']);
      assert.match(events, /#\/components\/schemas\/ChangeEvent"/);
      const entries = JSON.stringify(doc.paths['/api/v1/ledger/entries']!.get!.responses!['200']);
      assert.match(entries, /"contentSchema":\{"\$ref":"#\/components\/schemas\/LedgerEvent"\}/);
    });

    it('answers /health with an unknown query parameter with the declared 400', async () => {
      assert.equal((await t.req(null, 'GET', '/api/v1/health')).statusCode, 200);
      const res = await t.req(null, 'GET', '/api/v1/health?probe=1');
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json<{ error: { code: string } }>().error.code, 'validation_failed');
    });

    it('renders the docs as HTML at /docs', async () => {
      let res = await t.req(null, 'GET', '/docs');
      for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++)
        res = await t.req(null, 'GET', String(res.headers.location));
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.match(res.body, /<html/i);
      // The root sends people to the docs.
      const root = await t.req(null, 'GET', '/');
      assert.equal(root.statusCode, 302);
      assert.equal(root.headers.location, '/docs');
    });
  });
}
