// The CLI's HTTP client against a scripted server: retries reuse the Idempotency-Key, and statuses map to
// the documented exit codes.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiClient, exitCodeFor, normaliseUrl } from '../../src/cli/client.ts';
import { EXIT_REFUSED, EXIT_USAGE, type CliError } from '../../src/cli/exit.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('CLI client', () => {
  let server: Server;
  let url: string;
  let handler: Handler = () => {};
  const seen: { method: string; url: string; key: string | undefined; auth: string | undefined }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          key: req.headers['idempotency-key'] as string | undefined,
          auth: req.headers.authorization,
        });
        handler(req, res, body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const client = () => new ApiClient({ url, token: 'secret', backoffMs: 5 });
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  it('retries a dropped connection and a 503 with the same Idempotency-Key, then returns the result', async () => {
    seen.length = 0;
    let calls = 0;
    handler = (req, res, body) => {
      calls++;
      if (calls === 1) return req.socket.destroy(); // the connection drops before an answer
      if (calls === 2)
        return json(res, 503, { error: { code: 'unavailable', message: 'busy', details: [] } });
      json(res, 201, { name: (JSON.parse(body) as { name: string }).name });
    };
    const c = client();
    const created = await c.services.create({ name: 'api', environment: 'prod' });
    assert.deepEqual(created, { name: 'api' });
    assert.equal(seen.length, 3);
    assert.ok(
      seen.every((s) => s.key === c.idempotencyKey && s.method === 'POST' && s.url === '/api/v1/services'),
    );
    assert.match(c.idempotencyKey, /^[0-9a-f-]{36}$/);
    assert.equal(seen[0]!.auth, 'Bearer secret');
  });

  it('gives up after the retries with a connection error naming the URL (exit 2)', async () => {
    seen.length = 0;
    handler = (req) => req.socket.destroy();
    await assert.rejects(client().changes.get('CHG-1'), (err: CliError) => {
      assert.equal(err.exitCode, EXIT_USAGE);
      assert.match(err.message, new RegExp(`cannot reach the Changeproof server at ${url}`));
      return true;
    });
    assert.equal(seen.length, 3, 'one attempt and two retries');
    assert.equal(seen[0]!.key, undefined, 'reads carry no Idempotency-Key');
  });

  it('sends repeated filters as repeated query parameters', async () => {
    seen.length = 0;
    handler = (_req, res) => json(res, 200, { items: [], nextCursor: null });
    await client().changes.list({ state: ['draft', 'review'], risk: 'high', limit: 5 });
    assert.equal(seen[0]!.url, '/api/v1/changes?state=draft&state=review&risk=high&limit=5');
  });

  it('turns an API error into a CliError carrying the body and the exit code', async () => {
    const body = { error: { code: 'sod_requester', message: 'alice requested CHG-1', details: [] } };
    handler = (_req, res) => json(res, 403, body);
    await assert.rejects(client().changes.action('CHG-1', 'approve', {}), (err: CliError) => {
      assert.equal(err.exitCode, EXIT_REFUSED);
      assert.deepEqual(err.body, body);
      assert.match(err.message, /alice requested CHG-1 \[403 sod_requester\]/);
      return true;
    });
  });

  it('refuses to send an authenticated request without a token (exit 2)', async () => {
    seen.length = 0;
    const c = new ApiClient({ url, token: null });
    await assert.rejects(
      c.me(),
      (err: CliError) => err.exitCode === EXIT_USAGE && /CHANGEPROOF_TOKEN/.test(err.message),
    );
    assert.equal(seen.length, 0);
  });

  it('maps statuses to exit codes and normalises server URLs', () => {
    assert.deepEqual(
      [400, 401, 403, 404, 409, 413, 422, 429, 500].map((s) => exitCodeFor(s, 'x')),
      [2, 2, 1, 1, 1, 2, 1, 2, 2],
    );
    assert.equal(exitCodeFor(400, 'policy_invalid'), EXIT_REFUSED);
    assert.equal(normaliseUrl('http://h:1/api/v1/'), 'http://h:1');
    assert.equal(normaliseUrl('https://h/cp/'), 'https://h/cp');
    assert.throws(
      () => normaliseUrl('h:1'),
      (e: CliError) => e.exitCode === EXIT_USAGE,
    );
  });
});
