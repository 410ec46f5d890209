// The Kubernetes validating admission webhook: POST /api/v1/connectors/k8s-admission/validate takes an
// AdmissionReview (admission.k8s.io/v1) and answers one with the same uid, always with HTTP 200 — the API
// server reads any other answer as the webhook failing. The API server authenticates with a bearer token
// of scope `gate` from the kubeconfig its admission configuration names (ADR 0016); everything that goes
// wrong, an unauthenticated call included, is answered as a review that denies, with the reason.
import type { FastifyRequest } from 'fastify';
import { ErrorBody } from '../../contracts/errors.ts';
import type { Connector } from '../connector.ts';
import { admit, refusal } from './admit.ts';
import {
  AdmissionReviewRequest,
  AdmissionReviewResponse,
  answer,
  envelopeOf,
  type AdmissionResponse,
} from './review.ts';
import {
  K8S_ADMISSION_SOURCE,
  K8sAdmissionSettingsSchema,
  UNCONFIGURED,
  type K8sAdmissionSettings,
} from './settings.ts';

/** A review holds the object and, on update, the old one; a ConfigMap or Secret may be 1 MiB each. */
export const ADMISSION_BODY_LIMIT = 6 * 1024 * 1024;

function settingsOf(value: unknown): K8sAdmissionSettings {
  const parsed = K8sAdmissionSettingsSchema.safeParse(value ?? UNCONFIGURED);
  if (!parsed.success)
    throw new Error(
      `Kubernetes admission settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export const k8sAdmissionConnector: Connector = {
  source: K8S_ADMISSION_SOURCE,
  bodyLimit: ADMISSION_BODY_LIMIT,
  formatError: ({ status, error }, req) => {
    // Not JSON, so not from an API server (which always sends JSON): our own error, saying what to send.
    if (status === 415) return { status, body: { error } };
    const { uid, apiVersion } = envelopeOf(req.body);
    const message =
      status === 413
        ? `the review is too large: the webhook reads at most ${ADMISSION_BODY_LIMIT} bytes`
        : error.message;
    return { status: 200, body: answer(refusal(uid, status, message), apiVersion) };
  },
  routes: (ctx) => {
    const settings = settingsOf(ctx.settings[K8S_ADMISSION_SOURCE]);
    return [
      {
        method: 'POST',
        url: '/validate',
        // After the body, so that a refused review is answered with its uid, which the API server matches.
        auth: { kind: 'bearer', access: 'gate', afterBody: true },
        schema: {
          operationId: 'reviewKubernetesAdmission',
          tags: ['connectors'],
          summary: 'Kubernetes validating admission webhook: AdmissionReview in, AdmissionReview out',
          description:
            "Called by the Kubernetes API server with a token of scope `gate`. Answers 200 with an AdmissionReview of the same uid; refusals (including authentication and malformed reviews) are `allowed: false` with a status message. A body that is not JSON is answered 415 in the API's error form.",
          body: AdmissionReviewRequest,
          response: { 200: AdmissionReviewResponse, 415: ErrorBody },
        },
        handler: async (req: FastifyRequest) => {
          const { request } = req.body as AdmissionReviewRequest;
          const response: AdmissionResponse = await admit(request, {
            settings,
            actor: req.actor!,
            // Read per request, so that tests can put a gate of their own in the container.
            gate: ctx.container.gate,
            onGateError: (err) => req.log.error({ err }, 'the gate failed during an admission review'),
          });
          return answer(response);
        },
      },
    ];
  },
};
