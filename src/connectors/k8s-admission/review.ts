// The AdmissionReview (admission.k8s.io/v1) as far as the webhook reads it, and its answer. Read leniently:
// the API server sends much more (userInfo, options, managedFields) and adds fields without asking us.
import { z } from 'zod';

export const ADMISSION_V1 = 'admission.k8s.io/v1';

const GroupVersionKind = z.looseObject({ group: z.string(), version: z.string(), kind: z.string() });

export const AdmissionReviewRequest = z.looseObject({
  apiVersion: z.literal(ADMISSION_V1, {
    error: `only ${ADMISSION_V1} is served: set admissionReviewVersions: ["v1"] in the webhook configuration`,
  }),
  kind: z.literal('AdmissionReview'),
  request: z.looseObject({
    uid: z.string().min(1).max(128),
    kind: GroupVersionKind,
    resource: z.looseObject({ group: z.string(), version: z.string(), resource: z.string() }).optional(),
    namespace: z.string().optional(),
    name: z.string().optional(),
    operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
    dryRun: z.boolean().optional(),
    // null on DELETE (object) and CREATE (oldObject); never read beyond what objects.ts looks at.
    object: z.unknown().optional(),
    oldObject: z.unknown().optional(),
  }),
});
export type AdmissionReviewRequest = z.infer<typeof AdmissionReviewRequest>;
export type AdmissionRequest = AdmissionReviewRequest['request'];

export const AdmissionReviewResponse = z.object({
  apiVersion: z.string(),
  kind: z.literal('AdmissionReview'),
  response: z.object({
    uid: z.string(),
    allowed: z.boolean(),
    status: z.object({ code: z.number().int(), message: z.string() }).optional(),
    warnings: z.array(z.string()).optional(),
    auditAnnotations: z.record(z.string(), z.string()).optional(),
  }),
});
export type AdmissionResponse = z.infer<typeof AdmissionReviewResponse>['response'];

export function answer(response: AdmissionResponse, apiVersion = ADMISSION_V1) {
  return { apiVersion, kind: 'AdmissionReview' as const, response };
}

/**
 * The uid and version of whatever arrived, for an answer to a review we could not read: the API server
 * matches the answer by uid. A review refused before its body was parsed (authentication) has neither.
 */
export function envelopeOf(body: unknown): { uid: string; apiVersion: string } {
  const b = body as { apiVersion?: unknown; request?: { uid?: unknown } } | null | undefined;
  const uid = b?.request?.uid;
  // A v1beta1 review is refused in its own version so that an older API server can read why.
  const apiVersion = b?.apiVersion === 'admission.k8s.io/v1beta1' ? b.apiVersion : ADMISSION_V1;
  return { uid: typeof uid === 'string' ? uid.slice(0, 128) : '', apiVersion };
}
