// What the Kubernetes admission webhook needs to know about its cluster, from the server's environment
// (validated at start with the rest of the configuration, src/config.ts). The environment a deployment
// lands in is the cluster's, never the object's: an annotation written by whoever deploys could otherwise
// claim a staging approval for production.
import { z } from 'zod';
import { ADMISSION_MODES, type AdmissionMode } from '../../domain/vocabulary.ts';

export const K8S_ADMISSION_SOURCE = 'k8s-admission';

export interface K8sAdmissionSettings {
  /** The environment every object admitted in this cluster deploys to; null: not configured, deny all. */
  environment: string | null;
  /** The cluster's name, for the record (`kubernetes://<cluster>/…` in the decision). */
  cluster: string;
  /** The namespaces gated (`*`, the default: every namespace the API server sends); others are admitted untouched. */
  namespaces: '*' | readonly string[];
  mode: AdmissionMode;
  /** How long the gate may take before the review is answered without it (fail closed in enforce). */
  timeoutMs: number;
}

export const DEFAULT_ADMISSION_TIMEOUT_SECONDS = 3;

/** Until configured the webhook denies every object it would gate, saying what to set. */
export const UNCONFIGURED: K8sAdmissionSettings = {
  environment: null,
  cluster: 'kubernetes',
  namespaces: '*',
  mode: 'enforce',
  timeoutMs: DEFAULT_ADMISSION_TIMEOUT_SECONDS * 1000,
};

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The environment variables, merged into the server's own schema (src/config.ts). */
export const K8S_ADMISSION_ENV = {
  CHANGEPROOF_K8S_ENVIRONMENT: z.string().min(1).max(100).optional(),
  CHANGEPROOF_K8S_CLUSTER: z
    .string()
    .regex(NAME, 'CHANGEPROOF_K8S_CLUSTER is a DNS label such as prod-eu-1')
    .default('kubernetes'),
  CHANGEPROOF_K8S_NAMESPACES: z
    .string()
    .regex(
      /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\s*,\s*[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/,
      'CHANGEPROOF_K8S_NAMESPACES is * or namespace names, comma-separated (e.g. payments,checkout)',
    )
    .optional(),
  CHANGEPROOF_K8S_MODE: z.enum(ADMISSION_MODES).default('enforce'),
  // Well under the API server's own limit (10 s at most, `timeoutSeconds` of the webhook configuration).
  CHANGEPROOF_K8S_TIMEOUT_SECONDS: z.coerce
    .number()
    .min(0.1, 'CHANGEPROOF_K8S_TIMEOUT_SECONDS is at least 0.1')
    .max(9, 'CHANGEPROOF_K8S_TIMEOUT_SECONDS is at most 9: the API server gives up after 10 s')
    .default(DEFAULT_ADMISSION_TIMEOUT_SECONDS),
};

type Env = z.infer<z.ZodObject<typeof K8S_ADMISSION_ENV>>;

export function k8sAdmissionSettings(env: Env): K8sAdmissionSettings {
  const list = env.CHANGEPROOF_K8S_NAMESPACES;
  return {
    environment: env.CHANGEPROOF_K8S_ENVIRONMENT ?? null,
    cluster: env.CHANGEPROOF_K8S_CLUSTER,
    // Unset: every namespace the webhook configuration's namespaceSelector sends (narrowing is optional).
    namespaces: list === undefined || list === '*' ? '*' : list.split(',').map((s) => s.trim()),
    mode: env.CHANGEPROOF_K8S_MODE,
    timeoutMs: Math.round(env.CHANGEPROOF_K8S_TIMEOUT_SECONDS * 1000),
  };
}

/** Settings handed to the connector (AppOptions.connectorSettings), checked when the server starts. */
export const K8sAdmissionSettingsSchema = z.strictObject({
  environment: z.string().min(1).nullable(),
  cluster: z.string().regex(NAME),
  namespaces: z.union([z.literal('*'), z.array(z.string().regex(NAME))]),
  mode: z.enum(ADMISSION_MODES),
  timeoutMs: z.number().int().min(1).max(9000),
});

export function inScope(settings: K8sAdmissionSettings, namespace: string | undefined): boolean {
  if (!namespace) return false;
  return settings.namespaces === '*' || settings.namespaces.includes(namespace);
}
