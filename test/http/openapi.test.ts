// The API describes itself: an OpenAPI 3.1 document covering the resources, and rendered docs at /docs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { noServerErrors, ok } from '../support/http.ts';

interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>>;
  components?: { securitySchemes?: Record<string, unknown> };
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
