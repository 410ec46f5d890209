// Two connectors that exist only for tests, registered through the same API as real ones: a webhook
// signed with HMAC-SHA256 over the raw body, answering errors in a form of its own, and an admission-style
// endpoint with no authentication that answers everything, errors included, as an AdmissionReview.
import { createHash, createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Connector } from '../../src/connectors/connector.ts';
import { hmacSha256Verifier } from '../../src/connectors/signature.ts';

export const HOOK_SECRET = 'test-hooks-secret-0123456789';
export const HOOK_BODY_LIMIT = 2048;
export const SIGNATURE_HEADER = 'x-test-signature';

/** What the sender puts in its signature header for these exact bytes. */
export function signHook(raw: string | Buffer, secret = HOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

const Delivery = z.looseObject({ action: z.enum(['opened', 'closed']), delivery: z.string().min(1) });

export const hooksConnector: Connector = {
  source: 'test-hooks',
  bodyLimit: HOOK_BODY_LIMIT,
  formatError: ({ status, error }) => ({ status, body: { ok: false, reason: error.message } }),
  routes: (ctx) => [
    {
      method: 'POST',
      url: '/deliveries',
      auth: {
        kind: 'signature',
        verify: hmacSha256Verifier({ header: SIGNATURE_HEADER, secret: () => ctx.secret('test-hooks') }),
      },
      schema: { body: Delivery },
      handler: async (req: FastifyRequest) => {
        const body = req.body as z.infer<typeof Delivery>;
        return {
          ok: true,
          action: body.action,
          fields: Object.keys(body).sort(),
          rawSha256: createHash('sha256').update(req.rawBody!).digest('hex'),
          actor: req.actor?.id ?? null,
        };
      },
    },
  ],
};

/** A route that declares nothing (so: bearer, no access, signed-in sessions only); kept out of the walk. */
export const bareConnector: Connector = {
  source: 'test-bare',
  routes: () => [{ method: 'GET', url: '/undeclared', handler: async () => ({ ok: true }) }],
};

const Review = z.looseObject({
  apiVersion: z.literal('admission.k8s.io/v1'),
  kind: z.literal('AdmissionReview'),
  request: z.looseObject({
    uid: z.string().min(1),
    object: z.looseObject({
      metadata: z.looseObject({ annotations: z.record(z.string(), z.string()).optional() }),
    }),
  }),
});

function review(uid: string, allowed: boolean, status?: { code: number; message: string }) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid, allowed, ...(status ? { status } : {}) },
  };
}

/** The request's uid, if the body got far enough to carry one: the API server matches answers by it. */
function uidOf(body: unknown): string {
  const uid = (body as { request?: { uid?: unknown } } | undefined)?.request?.uid;
  return typeof uid === 'string' ? uid : '';
}

export const admissionConnector: Connector = {
  source: 'test-admission',
  // The API server treats any answer but a 200 AdmissionReview as the webhook failing.
  formatError: ({ status, error }, req) => ({
    status: 200,
    body: review(uidOf(req.body), false, { code: status, message: error.message }),
  }),
  routes: () => [
    {
      method: 'POST',
      url: '/validate',
      auth: { kind: 'none', because: 'the Kubernetes API server calls it over TLS, without a token' },
      schema: { body: Review },
      handler: async (req: FastifyRequest) => {
        const { request } = req.body as z.infer<typeof Review>;
        const change = request.object.metadata.annotations?.['changeproof.dev/change'];
        return change
          ? review(request.uid, true)
          : review(request.uid, false, { code: 403, message: 'no changeproof.dev/change annotation' });
      },
    },
  ],
};

export const TEST_CONNECTORS = [hooksConnector, admissionConnector];
export const TEST_CONNECTOR_SECRETS = { 'test-hooks': HOOK_SECRET };
