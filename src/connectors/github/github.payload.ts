// What we read of a `deployment_protection_rule` delivery, leniently (GitHub adds fields), and how it
// names the change, the service and the environment.
import { z } from 'zod';
import { AppError } from '../../contracts/errors.ts';
import { firstChange, type Found } from '../change-reference.ts';
import type { GitHubSettings } from '../settings.ts';

export const ProtectionRuleRequested = z.looseObject({
  action: z.string(),
  environment: z.string().min(1),
  event: z.string().optional(),
  deployment_callback_url: z
    .string()
    .regex(/^https?:\/\/\S+\/actions\/runs\/\d+\/deployment_protection_rule$/, {
      error: 'a URL ending /actions/runs/{run_id}/deployment_protection_rule',
    }),
  deployment: z
    .looseObject({
      id: z.number().int(),
      ref: z.string().optional(),
      sha: z.string().optional(),
      payload: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
    })
    .optional(),
  pull_requests: z
    .array(
      z.looseObject({
        number: z.number().int(),
        title: z.string().optional(),
        body: z.string().nullable().optional(),
        head: z.looseObject({ ref: z.string() }).optional(),
      }),
    )
    .optional(),
  repository: z.looseObject({
    full_name: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: 'owner/name' }),
    name: z.string().min(1),
    html_url: z.string().optional(),
  }),
  installation: z.looseObject({ id: z.number().int() }).optional(),
});
export type ProtectionRuleRequested = z.infer<typeof ProtectionRuleRequested>;

/** The delivery read, or a 400 naming the first field to fix. */
export function readDelivery(body: unknown): ProtectionRuleRequested {
  const parsed = ProtectionRuleRequested.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new AppError(
    'validation_failed',
    `body.${issue.path.join('.')}: ${issue.message} (a deployment_protection_rule delivery)`,
  );
}

/** The deployment's own payload as an object: GitHub keeps what the creator sent, an object or a string. */
export function deploymentPayload(d: ProtectionRuleRequested): Record<string, unknown> {
  const p = d.deployment?.payload;
  if (typeof p !== 'string') return p ?? {};
  try {
    const parsed = JSON.parse(p) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * The change, looked for in this order: the deployment payload's `change`, the deployment's ref, each pull
 * request (title, head branch, body), then the head commit's message (read through the API).
 */
export function findChange(
  d: ProtectionRuleRequested,
  commitMessage: (sha: string) => Promise<string | null>,
): Promise<Found | null> {
  const payload = deploymentPayload(d);
  const prs = d.pull_requests ?? [];
  const sha = d.deployment?.sha;
  return firstChange([
    { where: 'deployment payload', text: () => payload.change },
    { where: 'deployment ref', text: () => d.deployment?.ref },
    ...prs.flatMap((pr) => [
      { where: `pull request #${pr.number} title`, text: () => pr.title },
      { where: `pull request #${pr.number} branch`, text: () => pr.head?.ref },
      { where: `pull request #${pr.number} description`, text: () => pr.body },
    ]),
    { where: 'head commit message', text: () => (sha ? commitMessage(sha) : null) },
  ]);
}

/** Our service and environment: the configuration's maps first, then the payload, then GitHub's names. */
export function placeOf(d: ProtectionRuleRequested, settings: GitHubSettings) {
  const payload = deploymentPayload(d);
  return {
    service: settings.services[d.repository.full_name] ?? str(payload.service) ?? d.repository.name,
    environment: settings.environments[d.environment] ?? str(payload.environment) ?? d.environment,
  };
}

/** The artifacts the deployment claims (`artifact` or `artifacts` in its payload), as given. */
export function artifactsOf(d: ProtectionRuleRequested): string[] {
  const payload = deploymentPayload(d);
  const many = Array.isArray(payload.artifacts) ? payload.artifacts : [payload.artifact];
  return many.filter((a): a is string => typeof a === 'string' && a.length > 0);
}

export const CHANGE_HINT =
  'no change named: put CHG-n in the deployment payload ({"change":"CHG-n"}), the ref, the pull request, or the head commit message';
