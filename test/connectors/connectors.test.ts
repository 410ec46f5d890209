// Connectors speak protocols we do not own: a route authenticates by a signature over the exact bytes sent
// (never by a bearer token in its place) or, declared so, not at all; payloads are read leniently; errors
// come out in the protocol's form. These run the test-only connectors through the real application. The
// database plays no part here, so SQLite alone.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Fastify, { type LightMyRequestResponse } from 'fastify';
import type { Connector } from '../../src/connectors/connector.ts';
import { buildApp } from '../../src/server/app.ts';
import { registerAuth } from '../../src/server/auth.ts';
import { declaredAccess, type SignatureVerifier } from '../../src/server/authorize.ts';
import { registerErrorHandling } from '../../src/server/errors.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bearer, expectError, ledgerSize, ok } from '../support/http.ts';
import {
  HOOK_BODY_LIMIT,
  SIGNATURE_HEADER,
  TEST_CONNECTORS,
  bareConnector,
  TEST_CONNECTOR_SECRETS,
  hooksConnector,
  signHook,
} from './test-connectors.ts';

const HOOK = '/api/v1/connectors/test-hooks/deliveries';
const ADMIT = '/api/v1/connectors/test-admission/validate';

describe('connectors', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('sqlite', {
      connectors: [...TEST_CONNECTORS, bareConnector],
      connectorSecrets: TEST_CONNECTOR_SECRETS,
    });
  });
  after(() => t.close());

  const post = (url: string, raw: string | Buffer, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: raw,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const signed = (raw: string, headers: Record<string, string> = {}) =>
    post(HOOK, raw, { [SIGNATURE_HEADER]: signHook(raw), ...headers });
  /** A refusal in the hook connector's own form, not our error envelope. */
  const hookRefusal = (res: LightMyRequestResponse, status: number, reason: RegExp) => {
    assert.equal(res.statusCode, status, res.body);
    const body = res.json<Record<string, unknown>>();
    assert.deepEqual(Object.keys(body).sort(), ['ok', 'reason']);
    assert.equal(body.ok, false);
    assert.match(String(body.reason), reason);
  };

  describe('signature auth over the raw body', () => {
    it('accepts a correctly signed delivery, verified over the exact bytes sent', async () => {
      // Odd spacing and key order: a signature over re-serialised JSON would not match.
      const raw = '{ "delivery":"d-1",\n  "action" : "opened" }';
      const body = ok<{ action: string; rawSha256: string; actor: string | null }>(await signed(raw));
      assert.equal(body.action, 'opened');
      assert.equal(body.rawSha256, createHash('sha256').update(raw).digest('hex'));
      assert.equal(body.actor, null, 'a signature identifies the sender, not a user');
    });

    it('refuses a wrong signature with 401 in the connector form', async () => {
      const raw = JSON.stringify({ action: 'opened', delivery: 'd-2' });
      hookRefusal(
        await post(HOOK, raw, { [SIGNATURE_HEADER]: signHook(raw, 'another-secret') }),
        401,
        /does not match/,
      );
      hookRefusal(await post(HOOK, raw, { [SIGNATURE_HEADER]: 'sha256=zz' }), 401, /64 hex digits/);
    });

    it('refuses a tampered body signed for the original', async () => {
      const original = JSON.stringify({ action: 'opened', delivery: 'd-3' });
      const tampered = JSON.stringify({ action: 'closed', delivery: 'd-3' });
      hookRefusal(
        await post(HOOK, tampered, { [SIGNATURE_HEADER]: signHook(original) }),
        401,
        /does not match/,
      );
    });

    it('refuses a delivery with no signature', async () => {
      hookRefusal(
        await post(HOOK, JSON.stringify({ action: 'opened', delivery: 'd-4' })),
        401,
        /header is missing/,
      );
    });

    it('does not take a bearer token in place of a signature', async () => {
      const raw = JSON.stringify({ action: 'opened', delivery: 'd-5' });
      const size = await ledgerSize(t);
      hookRefusal(await post(HOOK, raw, bearer(t.tokens.admin!)), 401, /header is missing/);
      hookRefusal(
        await post(HOOK, raw, { ...bearer(t.tokens.admin!), [SIGNATURE_HEADER]: signHook(raw, 'guess') }),
        401,
        /does not match/,
      );
      assert.equal(await ledgerSize(t), size);
    });

    it('refuses everything while no secret is configured', async () => {
      const app = await buildApp(t.c, { connectors: [hooksConnector] });
      try {
        const raw = JSON.stringify({ action: 'opened', delivery: 'd-6' });
        const res = await app.inject({
          method: 'POST',
          url: HOOK,
          payload: raw,
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signHook(raw) },
        });
        hookRefusal(res, 401, /no secret is configured/);
      } finally {
        await app.close();
      }
    });
  });

  describe('payloads we do not own', () => {
    it('accepts unknown fields, while our own API stays strict', async () => {
      const raw = JSON.stringify({
        action: 'closed',
        delivery: 'd-7',
        sender: { login: 'octocat' },
        zen: 'x',
      });
      const body = ok<{ fields: string[] }>(await signed(raw));
      assert.deepEqual(body.fields, ['action', 'delivery', 'sender', 'zen']);
      expectError(
        await t.req('admin', 'POST', '/api/v1/services', {
          name: 'strict-svc',
          environment: 'dev',
          zen: 'x',
        }),
        400,
        'validation_failed',
      );
    });

    it('answers validation failures, bad JSON and oversize bodies in the connector form', async () => {
      hookRefusal(await signed(JSON.stringify({ action: 'merged', delivery: 'd-8' })), 400, /body\.action/);
      hookRefusal(await signed('{"action": "opened",'), 400, /not valid JSON/);
      const big = JSON.stringify({ action: 'opened', delivery: 'd-9', pad: 'x'.repeat(HOOK_BODY_LIMIT) });
      hookRefusal(await signed(big), 413, /too large/);
      hookRefusal(
        await post(HOOK, 'action=opened', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        /json/,
      );
    });
  });

  describe('no auth, declared, with the protocol as the error format', () => {
    const reviewOf = (res: LightMyRequestResponse) => {
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<{
        kind: string;
        error?: unknown;
        response: { uid: string; allowed: boolean; status?: { code: number; message: string } };
      }>();
      assert.equal(body.kind, 'AdmissionReview');
      assert.equal(body.error, undefined);
      return body.response;
    };
    const admissionReview = (uid: string, annotations?: Record<string, string>) =>
      JSON.stringify({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: {
          uid,
          operation: 'CREATE',
          object: { kind: 'Deployment', metadata: { name: 'web', annotations } },
        },
      });

    it('answers an AdmissionReview without any credential', async () => {
      const allowed = reviewOf(
        await post(ADMIT, admissionReview('u-1', { 'changeproof.dev/change': 'CHG-1' })),
      );
      assert.deepEqual(allowed, { uid: 'u-1', allowed: true });
      const denied = reviewOf(await post(ADMIT, admissionReview('u-2')));
      assert.equal(denied.allowed, false);
      assert.equal(denied.status?.code, 403);
    });

    it('answers a malformed review as an AdmissionReview that denies, never our envelope', async () => {
      const malformed = JSON.parse(admissionReview('u-3')) as { request: { object: unknown } };
      delete malformed.request.object;
      const res = reviewOf(await post(ADMIT, JSON.stringify(malformed)));
      assert.equal(res.uid, 'u-3');
      assert.equal(res.allowed, false);
      assert.equal(res.status?.code, 400);
      assert.match(res.status?.message ?? '', /body\.request\.object/);
      const garbage = reviewOf(await post(ADMIT, '{not json'));
      assert.deepEqual([garbage.allowed, garbage.status?.code], [false, 400]);
    });
  });

  describe('declaration', () => {
    it('lists connector routes with how each authenticates', () => {
      const mine = declaredAccess(t.app).filter((r) => r.url.startsWith('/api/v1/connectors/'));
      assert.deepEqual(mine.map((r) => `${r.method} ${r.url} ${r.auth} ${r.access ?? '-'}`).sort(), [
        `GET /api/v1/connectors/test-bare/undeclared bearer -`,
        `HEAD /api/v1/connectors/test-bare/undeclared bearer -`,
        `POST ${ADMIT} none -`,
        `POST ${HOOK} signature -`,
      ]);
    });

    it('tells the API description which connector routes take no bearer token', async () => {
      const doc = ok<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>(
        await t.req(null, 'GET', '/api/v1/openapi.json'),
      );
      assert.deepEqual(doc.paths[HOOK]?.post?.security, []);
      assert.deepEqual(doc.paths[ADMIT]?.post?.security, []);
      assert.equal(doc.paths['/api/v1/connectors/test-bare/undeclared']?.get?.security, undefined);
    });

    it('fails closed on a connector route that declares nothing: signed-in sessions only', async () => {
      const url = '/api/v1/connectors/test-bare/undeclared';
      // No error formatter of its own: our envelope.
      const anonymous = expectError(await t.app.inject({ method: 'GET', url }), 401, 'unauthenticated');
      assert.match(anonymous.message, /sign in/);
      const token = expectError(
        await t.app.inject({ method: 'GET', url, headers: bearer(t.tokens.admin!) }),
        403,
        'forbidden',
      );
      assert.match(token.message, /declares no scope/);
      const session = ok<{ token: string }>(
        await t.req(null, 'POST', '/api/v1/auth/login', { username: 'carl', password: 'carl-password-123' }),
      );
      ok(await t.app.inject({ method: 'GET', url, headers: bearer(session.token) }));
    });

    it('refuses to start with a signature route that has no verifier, or a source mounted twice', async () => {
      const broken: Connector = {
        source: 'broken',
        routes: () => [
          {
            method: 'POST',
            url: '/x',
            auth: { kind: 'signature', verify: undefined as unknown as SignatureVerifier },
            handler: async () => ({}),
          },
        ],
      };
      await assert.rejects(
        buildApp(t.c, { connectors: [broken] }),
        /declares signature auth but no verifier/,
      );
      await assert.rejects(
        buildApp(t.c, { connectors: [hooksConnector, hooksConnector] }),
        /registered twice/,
      );
    });
  });

  it('refuses a signature route whose body was parsed without its bytes kept', async () => {
    // Outside a connector scope the default parser keeps no raw body; even a verifier that accepts
    // anything must not be handed an empty buffer in place of the body.
    const app = Fastify();
    registerErrorHandling(app);
    registerAuth(app, { authenticate: async () => null });
    const config = { auth: 'signature' as const, verifySignature: () => null };
    app.post('/hook', { config }, async () => ({ ok: true }));
    app.get('/hook', { config }, async () => ({ ok: true }));
    await app.ready();
    try {
      const res = await app.inject({ method: 'POST', url: '/hook', payload: { a: 1 } });
      assert.match(expectError(res, 401, 'unauthenticated').message, /cannot verify/);
      ok(await app.inject({ method: 'GET', url: '/hook' }));
    } finally {
      await app.close();
    }
  });
});
