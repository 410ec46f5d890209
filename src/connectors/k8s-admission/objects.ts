// What the webhook reads from a Kubernetes object: whether its kind is gated, the pod template that says
// what runs, every container image in it, and whether an update changes anything that runs. Pure: plain
// objects in, plain answers out. Secret and ConfigMap data is never read, only compared.
import { isDeepStrictEqual } from 'node:util';

/** Workloads and where their pod template sits; configuration kinds have none. */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
const CONFIG_KINDS = new Set(['/ConfigMap', '/Secret']);

/** The fields whose change alters what runs: a workload's spec, a ConfigMap's or Secret's contents. */
const RUNNING_FIELDS: Record<'workload' | 'config', readonly string[]> = {
  workload: ['spec'],
  config: ['data', 'binaryData', 'stringData', 'type', 'immutable'],
};

export type GatedKind = { key: string; class: 'workload' | 'config' };

export function gatedKind(kind: { group?: string; kind?: string }): GatedKind | null {
  const key = `${kind.group ?? ''}/${kind.kind ?? ''}`;
  if (TEMPLATE_PATHS[key]) return { key, class: 'workload' };
  if (CONFIG_KINDS.has(key)) return { key, class: 'config' };
  return null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) v = isObj(v) ? v[key] : undefined;
  return v;
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Every container image of a workload's pod template, in order; null when it has no pod template. */
export function imagesOf(kind: GatedKind, object: unknown): string[] | null {
  const path = TEMPLATE_PATHS[kind.key];
  if (!path) return [];
  const pod = at(object, path);
  if (!isObj(pod)) return null;
  const images: string[] = [];
  for (const list of CONTAINER_LISTS) {
    const containers = pod[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) images.push(isObj(c) && typeof c.image === 'string' ? c.image : '');
  }
  return images;
}

const DIGEST = /@(sha256:[0-9a-f]{64})$/;

/** The `sha256:<hex>` an image reference is pinned by (`repo@sha256:…`, `repo:tag@sha256:…`), or null. */
export function digestOf(image: string): string | null {
  return DIGEST.exec(image)?.[1] ?? null;
}

/** Whether an update leaves everything that runs as it was (labels, annotations, finalizers aside). */
export function runsTheSame(kind: GatedKind, object: unknown, oldObject: unknown): boolean {
  if (!isObj(object) || !isObj(oldObject)) return false;
  return RUNNING_FIELDS[kind.class].every((f) => isDeepStrictEqual(object[f], oldObject[f]));
}

export function annotation(object: unknown, name: string): string | undefined {
  const value = at(object, ['metadata', 'annotations', name]);
  return typeof value === 'string' ? value : undefined;
}

/** Set by the API server once deletion started: updates then only clear finalizers. */
export function isBeingDeleted(object: unknown): boolean {
  return typeof at(object, ['metadata', 'deletionTimestamp']) === 'string';
}

export function nameOf(object: unknown): string | undefined {
  const name = at(object, ['metadata', 'name']) ?? at(object, ['metadata', 'generateName']);
  return typeof name === 'string' && name !== '' ? name : undefined;
}
