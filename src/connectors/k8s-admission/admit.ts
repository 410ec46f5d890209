// One admission review answered: out of scope → admitted untouched; otherwise the object must name an
// approved change and a service, every image must be pinned by a digest, and the gate must allow that
// change, service, this cluster's environment and those digests. `warn` admits what `enforce` refuses,
// with the reasons as warnings. The gate gets a deadline: the API server will not wait past its timeout.
import { AppError } from '../../contracts/errors.ts';
import type { Actor } from '../../domain/actor.ts';
import type { GateDecision, GateInput, GateReason } from '../../modules/gate/gate.types.ts';
import {
  annotation,
  digestOf,
  gatedKind,
  imagesOf,
  isBeingDeleted,
  nameOf,
  runsTheSame,
  type GatedKind,
} from './objects.ts';
import type { AdmissionRequest, AdmissionResponse } from './review.ts';
import { inScope, type K8sAdmissionSettings } from './settings.ts';

export const CHANGE_ANNOTATION = 'changeproof.io/change';
export const SERVICE_ANNOTATION = 'changeproof.io/service';

/** The gate as this webhook uses it (`container.gate`). */
export interface Gate {
  decide(actor: Actor, input: GateInput, idempotencyKey?: string): Promise<GateDecision>;
}

const CHANGE_ID = /^CHG-[1-9][0-9]{0,9}$/;

/** Why the webhook itself refuses, before or instead of the gate. */
const reason = (code: string, message: string): GateReason => ({ code, message });

/** What the API server is told when a review cannot be answered as asked (shared with formatError). */
export function refusal(uid: string, code: number, message: string): AdmissionResponse {
  return { uid, allowed: false, status: { code, message: `changeproof: ${message}` } };
}

export interface Admission {
  settings: K8sAdmissionSettings;
  /** Who asks: the API server's token (scope `gate`). */
  actor: Actor;
  gate: Gate;
  /** Where a gate failure's details go (the server log); the API server is told only that it failed. */
  onGateError: (err: unknown) => void;
}

export async function admit(request: AdmissionRequest, a: Admission): Promise<AdmissionResponse> {
  const { settings } = a;
  const { uid } = request;
  const kind = gatedKind(request.kind);
  if (!kind || !inScope(settings, request.namespace)) return { uid, allowed: true };
  // Deleting removes what runs rather than shipping anything (ADR 0016); the rules need not send DELETE.
  if (request.operation === 'DELETE' || request.operation === 'CONNECT') return { uid, allowed: true };
  const { object, oldObject } = request;
  if (object === null || object === undefined)
    return refusal(uid, 400, `the review's request.object is missing for ${request.operation}`);
  if (request.operation === 'UPDATE' && (isBeingDeleted(object) || runsTheSame(kind, object, oldObject)))
    return { uid, allowed: true };
  const reasons = await reasonsToDeny(request, kind, a);
  return verdict(uid, settings, reasons.reasons, reasons.decision);
}

interface Reasons {
  reasons: GateReason[];
  decision: GateDecision | null;
}

async function reasonsToDeny(
  request: AdmissionRequest,
  kind: GatedKind,
  { settings, actor, gate, onGateError }: Admission,
): Promise<Reasons> {
  const { object } = request;
  const mine: GateReason[] = [];
  if (settings.environment === null)
    mine.push(
      reason(
        'not_configured',
        "this cluster's environment is not configured: set CHANGEPROOF_K8S_ENVIRONMENT on the server",
      ),
    );
  const change = annotation(object, CHANGE_ANNOTATION);
  if (change === undefined)
    mine.push(
      reason('no_change', `annotate the object with ${CHANGE_ANNOTATION}: CHG-<n> of an approved change`),
    );
  else if (!CHANGE_ID.test(change))
    mine.push(
      reason('no_change', `${CHANGE_ANNOTATION} is "${change.slice(0, 40)}", not a change id such as CHG-12`),
    );
  const service = annotation(object, SERVICE_ANNOTATION);
  if (!service)
    mine.push(reason('no_service', `annotate the object with ${SERVICE_ANNOTATION}: the service it deploys`));
  const images = imagesOf(kind, object);
  if (images === null) mine.push(reason('no_pod_template', `the ${request.kind.kind} has no pod template`));
  const digests = new Set<string>();
  for (const image of images ?? []) {
    const digest = digestOf(image);
    if (digest) digests.add(digest);
    else
      mine.push(
        reason(
          'image_not_pinned',
          `image ${image.slice(0, 200) || '(none)'} is not pinned by a digest (image@sha256:…)`,
        ),
      );
  }
  // Without a change, a service and an environment there is nothing the gate could record against.
  if (!change || !CHANGE_ID.test(change) || !service || settings.environment === null)
    return { reasons: mine, decision: null };
  const input: GateInput = {
    change,
    service,
    environment: settings.environment,
    artifacts: [...digests],
    // Refused here anyway: ask for every other reason, and record no decision the answer would contradict.
    dryRun: request.dryRun === true || mine.length > 0,
    source: 'kubernetes',
    pipelineUrl: objectUrl(request, settings),
  };
  const answered = await withDeadline(
    // A gate that throws at once is a failure like one that rejects.
    Promise.resolve().then(() => gate.decide(actor, input, input.dryRun ? undefined : `k8s:${request.uid}`)),
    settings.timeoutMs,
    onGateError,
  );
  if ('failure' in answered) return { reasons: [...mine, answered.failure], decision: null };
  const decision = answered.decision;
  const gateReasons =
    decision.decision === 'allow'
      ? []
      : decision.reasons.length > 0
        ? decision.reasons
        : [reason('denied', 'the gate denied it')];
  return { reasons: [...mine, ...gateReasons], decision };
}

function verdict(
  uid: string,
  settings: K8sAdmissionSettings,
  reasons: GateReason[],
  decision: GateDecision | null,
): AdmissionResponse {
  // Seen in the API server's audit log beside the request; never a patch of the object.
  const auditAnnotations = decision
    ? { change: decision.change, decision: decision.id ?? 'dry-run' }
    : undefined;
  const audit = auditAnnotations ? { auditAnnotations } : {};
  if (reasons.length === 0) return { uid, allowed: true, ...audit };
  if (settings.mode === 'warn')
    return {
      uid,
      allowed: true,
      warnings: reasons.map((r) => `changeproof (warn mode) would deny: ${r.message}`),
      ...audit,
    };
  return {
    uid,
    allowed: false,
    status: { code: 403, message: `changeproof: ${reasons.map((r) => r.message).join('; ')}` },
    ...audit,
  };
}

/** Where the object lives, as its API path: the decision's `pipelineUrl`. Names only, never contents. */
function objectUrl(request: AdmissionRequest, settings: K8sAdmissionSettings): string {
  const { group, version } = request.resource ?? request.kind;
  const plural = request.resource?.resource ?? `${request.kind.kind.toLowerCase()}s`;
  const api = group === '' ? `api/${version}` : `apis/${group}/${version}`;
  const name = request.name || nameOf(request.object) || '';
  const names = [request.namespace ?? '', plural, name].map(encodeURIComponent);
  return `kubernetes://${settings.cluster}/${api}/namespaces/${names.join('/')}`;
}

type Answered = { decision: GateDecision } | { failure: GateReason };

/** The gate's answer, or why there is none: a timeout or an error, both refusals (fail closed). */
async function withDeadline(
  pending: Promise<GateDecision>,
  ms: number,
  onError: (err: unknown) => void,
): Promise<Answered> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Answered>((resolve) => {
    timer = setTimeout(
      () => resolve({ failure: reason('gate_timeout', `the gate did not answer within ${ms} ms`) }),
      ms,
    );
  });
  try {
    return await Promise.race([
      pending.then(
        (decision): Answered => ({ decision }),
        (err: unknown): Answered => {
          // A refusal meant for the caller (the token's owner may not ask the gate) says so; anything else
          // names no internals.
          if (err instanceof AppError) return { failure: reason('gate_refused', err.message) };
          onError(err);
          return {
            failure: reason('gate_failed', 'the gate could not decide; the server log has the details'),
          };
        },
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
