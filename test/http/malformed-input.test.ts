// Input that no client should send but an attacker will: text that is not well-formed Unicode, dates that do
// not exist, paths too long to route. Each gets a 4xx in the error envelope naming the field to fix, and
// writes nothing.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { registerServices, startTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { act, bearer, noServerErrors, ok, raise, writesNothing } from '../support/http.ts';

// Two lone surrogates: a low one, then a high one with no low one after it.
const LONE = 'Fix \udc00 and \ud800 now';

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}

/** A value of `schema`'s shape with a lone surrogate in one string, and where that string sits. */
function withLoneSurrogate(schema: Schema, doc: OpenApi, depth = 0): { value: unknown; at: string } | null {
  if (depth > 8) return null;
  if (schema.$ref) {
    const target = doc.components?.schemas?.[schema.$ref.split('/').pop()!];
    return target ? withLoneSurrogate(target, doc, depth + 1) : null;
  }
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    const found = withLoneSurrogate(branch, doc, depth + 1);
    if (found) return found;
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('string')) return { value: LONE, at: '' };
  if (types.includes('array') && schema.items) {
    const found = withLoneSurrogate(schema.items, doc, depth + 1);
    return found && { value: [found.value], at: `.0${found.at}` };
  }
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const found = withLoneSurrogate(prop, doc, depth + 1);
    if (found) return { value: { [key]: found.value }, at: `.${key}${found.at}` };
  }
  if (typeof schema.additionalProperties === 'object') {
    const found = withLoneSurrogate(schema.additionalProperties, doc, depth + 1);
    if (found) return { value: { key: found.value }, at: `.key${found.at}` };
  }
  return null;
}

for (const engine of engines()) {
  describe(`malformed input over HTTP (${engine})`, () => {
    let t: TestApp;
    let draft: string;
    let approved: string;
    /** An admin's signed-in session: some write routes (a password change) take no API token at all. */
    let session: Record<string, string>;
    before(async () => {
      t = noServerErrors(await startTestApp(engine));
      await registerServices(t);
      const low = {
        description: 'Nightly batch tweak',
        reason: 'Faster reports',
        services: ['reports-batch'],
      };
      draft = (await raise(t, 'alice', { title: 'A draft', ...low })).id;
      approved = (await raise(t, 'alice', { title: 'An approved one', ...low })).id;
      await act(t, 'alice', approved, 'submit');
      assert.equal((await act(t, 'tom', approved, 'approve')).state, 'approved');
      const password = 'malformed-admin-2026';
      ok(await t.req('admin', 'POST', '/api/v1/users', { username: 'ada', roles: ['admin'], password }), 201);
      session = bearer(
        ok<{ token: string }>(await t.req(null, 'POST', '/api/v1/auth/login', { username: 'ada', password }))
          .token,
      );
    });
    after(() => t.close());

    it('refuses a lone surrogate in every string field of every write route, naming the field', async () => {
      const doc = ok<OpenApi>(await t.req('admin', 'GET', '/api/v1/openapi.json'));
      const params: Record<string, string> = {
        id: draft,
        name: 'reports-batch',
        username: 'alice',
        version: '1',
      };
      let routes = 0;
      for (const [path, operations] of Object.entries(doc.paths))
        for (const [method, operation] of Object.entries(operations)) {
          if (!['post', 'patch', 'put', 'delete'].includes(method)) continue;
          routes++;
          const url = path.replace(/\{(\w+)\}/g, (_, p: string) => params[p] ?? '1');
          const schema = operation.requestBody?.content?.['application/json']?.schema;
          const cases: { body: unknown; at: string }[] = [];
          for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
            const found = withLoneSurrogate(prop, doc);
            if (found) cases.push({ body: { [key]: found.value }, at: `body.${key}${found.at}` });
          }
          // A field name, and a body on a route that takes none: the rule is the same for every body.
          cases.push({ body: { [`note${LONE}`]: 'x' }, at: 'body' });
          for (const c of cases) {
            const verb = method.toUpperCase() as 'POST' | 'PATCH' | 'DELETE';
            const err = await writesNothing(
              t,
              () => t.req(null, verb, url, c.body, session),
              400,
              'validation_failed',
            );
            const where = `${method} ${url} ${c.at}`;
            assert.match(err.message, /surrogate/, where);
            assert.ok(
              err.details.some((d) => d.path === c.at) || err.message.includes(`${c.at}: `),
              `${where}: ${JSON.stringify(err)}`,
            );
          }
        }
      assert.ok(routes >= 15, `only ${routes} write routes in the OpenAPI document`);
    });

    it('refuses impossible calendar dates in every date-time field, saying which field and why', async () => {
      const window = (start: string, end: string) => ({ window: { start, end } });
      const cases: [() => Promise<LightMyRequestResponse>, string, RegExp][] = [
        [
          () =>
            t.req(
              'alice',
              'POST',
              `/api/v1/changes/${approved}/schedule`,
              window('2027-02-30T10:00:00Z', '2027-03-02T12:00:00Z'),
            ),
          'body.window.start',
          /February 2027 has 28 days/,
        ],
        [
          () =>
            t.req(
              'alice',
              'POST',
              `/api/v1/changes/${approved}/schedule`,
              window('2027-04-01T10:00:00Z', '2027-04-31T12:00:00Z'),
            ),
          'body.window.end',
          /April 2027 has 30 days/,
        ],
        [
          () => t.req('alice', 'GET', '/api/v1/changes?from=2026-02-03T24:61:00Z'),
          'querystring.from',
          /hour 24/,
        ],
        [
          () => t.req('alice', 'GET', '/api/v1/changes?to=2026-02-03T23:61:00Z'),
          'querystring.to',
          /minute 61/,
        ],
        [
          () => t.req('alice', 'GET', '/api/v1/changes?to=2026-13-03T10:00:00Z'),
          'querystring.to',
          /month 13/,
        ],
        [
          () =>
            t.req('alice', 'GET', `/api/v1/changes?from=${encodeURIComponent('2026-02-03T10:00:00+25:00')}`),
          'querystring.from',
          /offset/,
        ],
        [
          () =>
            t.req('alice', 'POST', '/api/v1/tokens', {
              name: 'leap',
              scopes: ['changes:read'],
              expiresAt: '2027-02-29T00:00:00Z',
            }),
          'body.expiresAt',
          /February 2027 has 28 days/,
        ],
      ];
      for (const [send, path, why] of cases) {
        const err = await writesNothing(t, send, 400, 'validation_failed');
        const detail = err.details.find((d) => d.path === path);
        assert.ok(detail, `${path} in ${JSON.stringify(err)}`);
        assert.match(detail.message, why);
        assert.match(err.message, new RegExp(path.replace('.', '\\.')));
      }
      // A real leap day, minute precision and an offset are still fine, normalised to UTC.
      ok(await t.req('alice', 'GET', '/api/v1/changes?from=2028-02-29T00:00:00Z'));
      const scheduled = await act(
        t,
        'alice',
        approved,
        'schedule',
        window('2028-02-29T23:30+01:00', '2028-02-29T23:59:59.5Z'),
      );
      assert.deepEqual(scheduled.window, {
        start: '2028-02-29T22:30:00.000Z',
        end: '2028-02-29T23:59:59.500Z',
      });
    });

    it('answers a path it cannot route with the error envelope', async () => {
      const long = await writesNothing(
        t,
        () => t.req('alice', 'GET', `/api/v1/services/${'a'.repeat(5000)}`),
        414,
        'uri_too_long',
      );
      assert.ok(long.message.length < 300, 'the message does not echo the path');
      await writesNothing(
        t,
        () => t.req('alice', 'PATCH', `/api/v1/changes/CHG-${'9'.repeat(500)}`, { title: 'Long id' }),
        414,
        'uri_too_long',
      );
      const bad = await writesNothing(
        t,
        () => t.req('alice', 'GET', '/api/v1/services/%ED%A0%80'),
        400,
        'validation_failed',
      );
      assert.match(bad.message, /UTF-8/);
    });

    it('answers a request line longer than the server reads with the error envelope', async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      const res = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: `/api/v1/changes?q=${'a'.repeat(20_000)}` },
          (r) => {
            let body = '';
            r.setEncoding('utf8');
            r.on('data', (chunk: string) => (body += chunk));
            r.on('end', () =>
              resolve({ status: r.statusCode ?? 0, type: r.headers['content-type'] ?? '', body }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.equal(res.status, 431, res.body);
      assert.match(res.type, /application\/json/);
      const body = JSON.parse(res.body) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'headers_too_large');
      assert.match(body.error.message, /too long/);
    });
  });
}
