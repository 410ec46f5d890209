// The shared API client runs wherever fetch does: the CLI, the web app in a browser. It imports nothing of
// the CLI, the server or the store, nothing of Node, and only types from the contracts; its failures are
// ApiError with the status and the API's error body. Fetch is passed in here: no socket is opened.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiClient } from '../../src/client/api-client.ts';
import { ApiError } from '../../src/client/errors.ts';

const DIR = join(import.meta.dirname, '..', '..', 'src', 'client');

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestInit['credentials'];
}

/** A fetch answering from a list of responses, recording each request. */
function fakeFetch(answers: (Response | Error)[]) {
  const calls: Call[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({
      url: input instanceof Request ? input.url : input.toString(),
      method: init?.method ?? 'GET',
      headers: init?.headers as Record<string, string>,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      credentials: init?.credentials,
    });
    const next = answers.shift();
    if (!next) throw new Error('no answer left');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('shared API client', () => {
  it('imports only its own files and types from the contracts', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    assert.ok(files.includes('api-client.ts') && files.includes('errors.ts'));
    for (const file of files) {
      const text = readFileSync(join(DIR, file), 'utf8');
      const imports = [...text.matchAll(/^import (type )?[^;]*? from '([^']+)';/gms)];
      assert.ok(imports.length > 0, `${file} has imports to check`);
      for (const [statement, typeOnly, from] of imports) {
        if (from!.startsWith('./')) continue;
        assert.ok(
          typeOnly && (from!.startsWith('../contracts/') || from === 'zod'),
          `${file}: only type imports from the contracts, got ${statement}`,
        );
      }
    }
  });

  it('sends the token and one idempotency key per client, and returns the body', async () => {
    const { fetch, calls } = fakeFetch([
      json(201, { id: 'CHG-1' }),
      json(200, { id: 'CHG-1', state: 'draft' }),
    ]);
    const client = new ApiClient({ url: 'https://cp.example/api/v1/', token: 't0k', fetch });
    const created = await client.changes.create({ title: 'Rotate keys' });
    assert.equal(created.id, 'CHG-1');
    await client.changes.action('CHG-1', 'submit');
    assert.deepEqual(
      calls.map((c) => [c.method, c.url]),
      [
        ['POST', 'https://cp.example/api/v1/changes'],
        ['POST', 'https://cp.example/api/v1/changes/CHG-1/submit'],
      ],
    );
    assert.equal(calls[0]!.headers.authorization, 'Bearer t0k');
    assert.deepEqual(calls[0]!.body, { title: 'Rotate keys' });
    assert.match(calls[0]!.headers['idempotency-key']!, /^[0-9a-f-]{36}$/);
    assert.equal(calls[1]!.headers['idempotency-key'], calls[0]!.headers['idempotency-key']);
    assert.notEqual(new ApiClient({ url: 'http://h', token: null }).idempotencyKey, client.idempotencyKey);
  });

  it('in cookie mode sends the session cookie, the CSRF token on writes only, and a new key per write', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { username: 'alice' }),
      json(201, { id: 'CHG-1' }),
      json(200, { id: 'CHG-1' }),
      json(200, { id: 'CHG-1' }),
    ]);
    const client = new ApiClient({
      url: 'https://cp.example',
      token: null,
      cookies: true,
      csrfToken: 'c1',
      keyPerRequest: true,
      fetch,
    });
    await client.me();
    await client.changes.create({ title: 'Rotate keys' });
    await client.changes.action('CHG-1', 'submit');
    client.setCsrfToken('c2');
    await client.changes.action('CHG-1', 'cancel', { reason: 'not needed' });
    assert.deepEqual(
      calls.map((c) => c.credentials),
      ['same-origin', 'same-origin', 'same-origin', 'same-origin'],
    );
    assert.ok(calls.every((c) => c.headers.authorization === undefined));
    assert.deepEqual(
      calls.map((c) => c.headers['x-csrf-token']),
      [undefined, 'c1', 'c1', 'c2'],
    );
    const keys = calls.slice(1).map((c) => c.headers['idempotency-key']);
    assert.equal(new Set(keys).size, 3, 'one key per write');
  });

  it('throws the API error with its status, code and body', async () => {
    const body = { error: { code: 'sod_author', message: 'alice wrote this revision', details: [] } };
    const { fetch } = fakeFetch([json(403, body)]);
    const client = new ApiClient({ url: 'http://h', token: 't', fetch });
    await assert.rejects(client.changes.action('CHG-1', 'approve', {}), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.deepEqual([err.status, err.code, err.body], [403, 'sod_author', body]);
      assert.match(err.message, /alice wrote this revision \[403 sod_author\]/);
      return true;
    });
  });

  it('retries a 503 and a dropped connection, then reports the connection failure as status 0', async () => {
    const ok = fakeFetch([json(503, {}), new TypeError('fetch failed'), json(200, { items: [] })]);
    const client = new ApiClient({ url: 'http://h', token: 't', backoffMs: 1, fetch: ok.fetch });
    assert.deepEqual(await client.services.list(), { items: [] });
    assert.equal(ok.calls.length, 3);
    const down = fakeFetch([new TypeError('fetch failed'), new TypeError('fetch failed')]);
    const failing = new ApiClient({
      url: 'http://h',
      token: 't',
      retries: 1,
      backoffMs: 1,
      fetch: down.fetch,
    });
    await assert.rejects(failing.services.list(), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.deepEqual([err.status, err.code], [0, 'connection_failed']);
      assert.match(err.message, /cannot reach the Changeproof server at http:\/\/h/);
      return true;
    });
  });

  it('refuses a missing token and a URL it cannot use without sending anything', async () => {
    const { fetch, calls } = fakeFetch([]);
    await assert.rejects(new ApiClient({ url: 'http://h', token: null, fetch }).me(), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.deepEqual([err.status, err.code], [0, 'unauthenticated']);
      return true;
    });
    assert.equal(calls.length, 0);
    assert.throws(
      () => new ApiClient({ url: 'ftp://h', token: 't', fetch }),
      (err: unknown) => err instanceof ApiError && err.code === 'invalid_url',
    );
  });

  it('reads the home page and the live assessment from their routes', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { assessment: { rating: 'low' } }),
      json(200, { awaitingMyApproval: [] }),
      json(200, { weeks: [] }),
      json(200, { csrfToken: 'c' }),
    ]);
    const client = new ApiClient({ url: 'https://cp.example', token: 't0k', fetch });
    assert.equal((await client.assessChange({ title: 'Rotate keys' })).assessment.rating, 'low');
    await client.myQueue();
    await client.weeklyMetrics(4);
    assert.equal((await client.csrf()).csrfToken, 'c');
    assert.deepEqual(
      calls.map((c) => [c.method, c.url]),
      [
        ['POST', 'https://cp.example/api/v1/changes/assess'],
        ['GET', 'https://cp.example/api/v1/me/queue'],
        ['GET', 'https://cp.example/api/v1/metrics/changes/weekly?weeks=4'],
        ['GET', 'https://cp.example/api/v1/auth/csrf'],
      ],
    );
  });
});
