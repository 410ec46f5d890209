// Checks on the parts of a change's record that name people and say how it was tested (issue 14), and
// the reassignment of its owner. Pure: the people and services as they are now are inputs.
import type { Actor } from './actor.ts';
import { ownerOf, type Approval, type Assessment, type Change, type ChangeContent } from './change.ts';
import type { ChangeEvent, Refusal } from './events.ts';
import { roleAllows } from './permissions.ts';
import type { Service } from './service.ts';
import type { ApproverNow } from './standing.ts';
import type { Policy } from '../policy/types.ts';
import type { ApprovalReasonField } from './vocabulary.ts';

/** The content fields that name people; each must be an active user when it is set. */
export const PEOPLE_FIELDS = ['riskOwner', 'rollbackDecider', 'rollbackOwner', 'monitors'] as const;

/** The people a set of fields names, each once. */
export function peopleNamed(fields: Partial<ChangeContent>): string[] {
  const named: string[] = [];
  for (const field of PEOPLE_FIELDS) {
    const value = fields[field];
    if (typeof value === 'string') named.push(value);
    else if (Array.isArray(value)) named.push(...value);
  }
  return [...new Set(named)];
}

function personRefusal(field: string, who: string, people: Record<string, ApproverNow>): Refusal | null {
  const person = people[who];
  if (person === undefined)
    return {
      code: 'unknown_person',
      message: `${field}: ${who} is not a user; name someone with an account`,
    };
  if (!person.active)
    return {
      code: 'inactive_person',
      message: `${field}: ${who}'s account is disabled; name someone active`,
    };
  return null;
}

/** Named people who do not exist or are disabled, among the fields being set. */
export function peopleRefusals(
  fields: Partial<ChangeContent>,
  people: Record<string, ApproverNow>,
): Refusal[] {
  const refusals: Refusal[] = [];
  for (const field of PEOPLE_FIELDS) {
    const value = fields[field];
    const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    for (const who of names) {
      const refusal = personRefusal(field, who, people);
      if (refusal) refusals.push(refusal);
    }
  }
  return refusals;
}

/**
 * Whether a test ran in production: its environment is `prod` (or `production`), or a catalogued service
 * whose environment is `prod`. `environments` maps the catalogued services named as test environments.
 */
export function isProduction(environment: string, environments: Record<string, Service>): boolean {
  const name = environment.trim().toLowerCase();
  if (name === 'prod' || name === 'production') return true;
  return environments[environment.trim()]?.environment === 'prod';
}

/** The environments a change's tests name (evidence and results), to look up in the catalogue. */
export function testEnvironments(content: ChangeContent): string[] {
  const named = (content.testResults ?? []).map((r) => r.environment.trim());
  if (content.testEvidence) named.push(content.testEvidence.environment.trim());
  return [...new Set(named)];
}

/** Where the policy requires testing outside production at this rating, evidence from production is refused. */
export function productionTestRefusals(
  content: ChangeContent,
  assessment: Assessment,
  environments: Record<string, Service>,
  policy: Policy,
): Refusal[] {
  if (!(policy.testing?.outsideProduction ?? []).includes(assessment.rating)) return [];
  const refusals: Refusal[] = [];
  const refuse = (what: string, env: string) =>
    refusals.push({
      code: 'tested_in_production',
      message: `${what} comes from production (${env}); at ${assessment.rating} risk the policy requires testing outside production (testing.outsideProduction), or a testEnvironmentExemption with its production verification`,
    });
  if (content.testEvidence && isProduction(content.testEvidence.environment, environments))
    refuse('testEvidence', content.testEvidence.environment);
  for (const r of content.testResults ?? [])
    if (isProduction(r.environment, environments)) refuse(`the ${r.kind} test result`, r.environment);
  return refusals;
}

/** The reasoning fields this approval must carry: from any approver, plus the risk owner's own. */
export function requiredReasoning(change: Change, approver: string, policy: Policy): ApprovalReasonField[] {
  const rating = change.assessment?.rating;
  if (!rating || !policy.approvalReasoning) return [];
  const own = change.riskOwner === approver ? policy.approvalReasoning.riskOwner[rating] : [];
  return [...new Set([...policy.approvalReasoning.any[rating], ...own])];
}

export function reasoningRefusals(
  change: Change,
  approver: string,
  reasoning: Approval['reasoning'],
  policy: Policy,
): Refusal[] {
  const missing = requiredReasoning(change, approver, policy).filter(
    (f) => (reasoning?.[f] ?? '').trim() === '',
  );
  if (missing.length === 0) return [];
  const whose = change.riskOwner === approver ? "the risk owner's approval" : 'an approval';
  return [
    {
      code: 'reasoning_required',
      message: `at ${change.assessment?.rating} risk ${whose} must give reasoning.${missing.join(', reasoning.')} (approvalReasoning)`,
    },
  ];
}

const OPEN = ['draft', 'awaiting_approval', 'approved', 'scheduled', 'implementing', 'review'];

/** The owner, or a change manager, hands the change to another active user. */
export function decideReassign(
  change: Change,
  owner: string,
  people: Record<string, ApproverNow>,
  actor: Actor,
): { ok: true; event: ChangeEvent } | { ok: false; refusals: Refusal[] } {
  const previous = ownerOf(change);
  const no = (code: string, message: string) => ({ ok: false as const, refusals: [{ code, message }] });
  if (previous !== actor.id && !roleAllows(actor, 'change.manage'))
    return no(
      'forbidden',
      `${actor.id} may not reassign ${change.id}: only its owner ${previous} or a change manager`,
    );
  if (!OPEN.includes(change.state))
    return no('invalid_transition', `${change.id} is ${change.state}; its owner can no longer change`);
  if (owner === previous) return no('no_change', `${owner} already owns ${change.id}`);
  const refusal = personRefusal('owner', owner, people);
  if (refusal) return { ok: false, refusals: [refusal] };
  return { ok: true, event: { type: 'change.owner_reassigned', data: { owner, previous } } };
}
