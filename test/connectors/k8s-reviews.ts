// AdmissionReviews for the Kubernetes webhook's tests: the captured ones in test/fixtures/k8s-admission-review/
// and ones built from them (each gated kind, images by tag or digest, namespaces, dry runs). Plus a serving
// certificate made in the test, an HTTPS client that trusts only it, and a fake gate that records its calls.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { AppError } from '../../src/contracts/errors.ts';
import type { Actor } from '../../src/domain/actor.ts';
import type { GateDecision, GateInput, GateReason } from '../../src/modules/gate/gate.types.ts';

const DIR = join(import.meta.dirname, '../fixtures/k8s-admission-review');
const read = (file: string) => readFileSync(join(DIR, file), 'utf8');

/** The parts of Kubernetes objects and AdmissionReviews the tests read or build; the rest passes through. */
export interface ContainerJson {
  name: string;
  image: string;
  [key: string]: unknown;
}
export interface PodSpecJson {
  containers: ContainerJson[];
  initContainers?: ContainerJson[];
  ephemeralContainers?: ContainerJson[];
  [key: string]: unknown;
}
interface PodTemplateJson {
  metadata?: unknown;
  spec: PodSpecJson;
}
export interface ObjectJson {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; annotations?: Record<string, string>; [key: string]: unknown };
  spec?: { template?: PodTemplateJson; [key: string]: unknown };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}
export interface RequestJson {
  uid?: string;
  kind: { group: string; version: string; kind: string };
  namespace?: string;
  operation: string;
  dryRun?: boolean;
  object?: ObjectJson | null;
  oldObject?: ObjectJson | null;
  [key: string]: unknown;
}
export interface ReviewJson {
  apiVersion: string;
  kind: string;
  request: RequestJson;
}

export const digest = (n: number | string) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
export const pinned = (repo: string, n: number | string) => `${repo}@${digest(n)}`;

/** The 59 captured v1 reviews of kinds the webhook does not gate (SelfSubjectAccessReview, Event, …). */
export const auditRestReviews = (): ReviewJson[] =>
  read('kube-audit-rest-admissionreviews.jsonl')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ReviewJson);

/** The captured v1beta1 UPDATE of a Deployment (NeuVector): the label `date` added, the spec unchanged. */
export const neuvectorReview = (): ReviewJson =>
  JSON.parse(read('neuvector-request_update_deployment.json')) as ReviewJson;

/** The same captured request in a v1 envelope, as an API server asking for v1 sends it. */
export function neuvectorAsV1(): ReviewJson {
  return { ...neuvectorReview(), apiVersion: 'admission.k8s.io/v1' };
}

const KINDS: Record<string, { group: string; version: string; resource: string; apiVersion: string }> = {
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments', apiVersion: 'apps/v1' },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets', apiVersion: 'apps/v1' },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets', apiVersion: 'apps/v1' },
  Job: { group: 'batch', version: 'v1', resource: 'jobs', apiVersion: 'batch/v1' },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs', apiVersion: 'batch/v1' },
  ConfigMap: { group: '', version: 'v1', resource: 'configmaps', apiVersion: 'v1' },
  Secret: { group: '', version: 'v1', resource: 'secrets', apiVersion: 'v1' },
  Pod: { group: '', version: 'v1', resource: 'pods', apiVersion: 'v1' },
};
export type Kind = keyof typeof KINDS;

export interface ReviewOptions {
  kind?: Kind;
  uid?: string;
  namespace?: string;
  operation?: 'CREATE' | 'UPDATE' | 'DELETE';
  dryRun?: boolean;
  change?: string | null;
  service?: string | null;
  /** The pod template's containers' images; the captured `nginx:latest` when absent. */
  images?: string[];
  initImages?: string[];
  ephemeralImages?: string[];
  /** A ConfigMap's or Secret's data. */
  data?: Record<string, string>;
}

let uids = 0;

/**
 * A v1 AdmissionReview built from the captured Deployment CREATE (Kubewarden): its request and object as
 * captured, with the kind, namespace, annotations and images asked for.
 */
export function review(o: ReviewOptions = {}): ReviewJson {
  const request = JSON.parse(read('kubewarden-deployment_create_admission_request.json')) as RequestJson;
  const kind = o.kind ?? 'Deployment';
  const k = KINDS[kind]!;
  const captured = request.object!;
  const namespace = o.namespace ?? 'default';
  const annotations: Record<string, string> = { ...captured.metadata.annotations };
  if (o.change !== null) annotations['changeproof.io/change'] = o.change ?? 'CHG-1';
  if (o.service !== null) annotations['changeproof.io/service'] = o.service ?? 'payments-api';
  const metadata = { ...captured.metadata, namespace, annotations };
  const pod = captured.spec!.template!;
  const containers = pod.spec.containers.map((c, i) => ({ ...c, image: o.images?.[i] ?? c.image }));
  for (const image of o.images?.slice(containers.length) ?? [])
    containers.push({ ...containers[0]!, name: `c${containers.length}`, image });
  const podSpec: PodSpecJson = { ...pod.spec, containers };
  if (o.initImages) podSpec.initContainers = o.initImages.map((image, i) => ({ name: `init${i}`, image }));
  if (o.ephemeralImages)
    podSpec.ephemeralContainers = o.ephemeralImages.map((image, i) => ({ name: `debug${i}`, image }));
  const template = { ...pod, spec: podSpec };
  const object: ObjectJson = { apiVersion: k.apiVersion, kind, metadata };
  if (kind === 'ConfigMap' || kind === 'Secret') object.data = o.data ?? { key: 'value' };
  else if (kind === 'CronJob') object.spec = { schedule: '0 3 * * *', jobTemplate: { spec: { template } } };
  else if (kind === 'Pod') object.spec = podSpec;
  else object.spec = { ...captured.spec, template };
  const operation = o.operation ?? 'CREATE';
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      ...request,
      uid: o.uid ?? `00000000-0000-4000-8000-${String(++uids).padStart(12, '0')}`,
      kind: { group: k.group, version: k.version, kind },
      resource: { group: k.group, version: k.version, resource: k.resource },
      requestKind: { group: k.group, version: k.version, kind },
      namespace,
      operation,
      dryRun: o.dryRun ?? false,
      object: operation === 'DELETE' ? null : object,
      oldObject: operation === 'CREATE' ? null : object,
    },
  };
}

/** A serving certificate for 127.0.0.1 and localhost, made now (ECDSA P-256, valid for a day). */
export async function servingCertificate(): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: 'changeproof-webhook.test' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

export interface HttpsAnswer {
  status: number;
  body: string;
  json: () => unknown;
  /** The certificate the server presented, as PEM-less DER in base64. */
  peerCertificate: string;
}

/** POST over HTTPS trusting only `ca`, as the API server does with the webhook's caBundle. */
export function postHttps(
  url: string,
  body: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      // A connection per request (no keep-alive), so each presents the certificate afresh.
      { method: 'POST', ca, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        const peer = (res.socket as TLSSocket).getPeerCertificate();
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            json: () => JSON.parse(text) as unknown,
            peerCertificate: peer.raw.toString('base64'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A gate that records what it was asked and answers as told: allow the digests given, deny the rest. */
export class FakeGate {
  calls: { actor: Actor; input: GateInput; key: string | undefined }[] = [];
  approved = new Set<string>();
  /** Reasons to deny whatever is asked (a closed change, a freeze …). */
  deny: GateReason[] = [];
  /** Never answers (to test the deadline) or throws. */
  behaviour: 'answer' | 'hang' | 'throw' | 'forbid' = 'answer';

  decide = async (actor: Actor, input: GateInput, key?: string): Promise<GateDecision> => {
    this.calls.push({ actor, input, key });
    if (this.behaviour === 'hang') return new Promise<GateDecision>(() => {});
    if (this.behaviour === 'throw') throw new Error('database is gone (connect ECONNREFUSED 10.0.0.7:5432)');
    if (this.behaviour === 'forbid')
      throw new AppError('forbidden', 'asking the gate needs the deployer role');
    const reasons = [...this.deny];
    for (const a of input.artifacts)
      if (!this.approved.has(a))
        reasons.push({ code: 'artifact_mismatch', message: `${a} was not approved` });
    return {
      id: input.dryRun ? null : `gd_${this.calls.length}`,
      decision: reasons.length ? 'deny' : 'allow',
      reasons,
      change: input.change,
      service: input.service,
      environment: input.environment,
      artifacts: input.artifacts,
      dryRun: input.dryRun,
      source: input.source,
      at: new Date().toISOString(),
    };
  };
}
