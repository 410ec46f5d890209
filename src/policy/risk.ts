// Risk assessment: pure, deterministic, and fail-closed. A rule that cannot be evaluated counts as a
// high-risk match, so a broken or mistyped rule can only ever add ceremony, never remove it.
import type { Assessment, ChangeContent, RiskReason } from '../domain/change.ts';
import type { Service } from '../domain/service.ts';
import { occurrencesBetween } from '../domain/calendar.ts';
import { resolveApprovals } from './person-approvals.ts';
import { celContext, compileRule, errorMessage, GRAPH_VARIABLES, type CompiledRule } from './cel.ts';
import {
  RISK_RATINGS,
  type ApprovalRequirement,
  type ChangeType,
  type Policy,
  type RequiredField,
  type RiskRating,
} from './types.ts';
import type { TestKind } from '../domain/vocabulary.ts';

export interface AssessInput {
  type: ChangeType;
  content: ChangeContent;
  services: Service[];
  /** What the affected services depend on and what depends on them; needed when `readsGraph(policy)`. */
  graph?: { upstream: Service[]; downstream: Service[] };
  /** The change's window (scheduled, else proposed): a soft freeze it overlaps asks one more approval. */
  window?: { start: string; end: string } | null;
  policyVersion: number;
}

const GRAPH_WORDS = new RegExp(`\\b(?:${GRAPH_VARIABLES.join('|')})\\b`);

/** Whether a rule of the policy reads the dependency graph, so the caller must load the catalogue for it. */
export function readsGraph(policy: Policy): boolean {
  return policy.risk.rules.some((rule) => GRAPH_WORDS.test(rule.when));
}

/** A rule that matched (or failed, and so counts as matched), and the approvals it adds. */
interface Matched {
  reason: RiskReason;
  approvals: ApprovalRequirement[];
}

const rank = (r: RiskRating): number => RISK_RATINGS.indexOf(r);

export function maxRating(a: RiskRating, b: RiskRating): RiskRating {
  return rank(a) >= rank(b) ? a : b;
}

/** True when `rating` does not exceed `max` (e.g. a standard change against its template's maxRisk). */
export function ratingAtMost(rating: RiskRating, max: RiskRating): boolean {
  return rank(rating) <= rank(max);
}

type Compiled = { ok: true; evaluate: CompiledRule } | { ok: false; message: string };

// Compiled once per policy object; policies are immutable once loaded.
const compiledRules = new WeakMap<Policy, Compiled[]>();

function rulesOf(policy: Policy): Compiled[] {
  let compiled = compiledRules.get(policy);
  if (!compiled) {
    // The loader already rejects rules that do not compile; a hand-built policy may not have gone through
    // it, and such a rule then fails closed like any other broken rule.
    compiled = policy.risk.rules.map((rule) => compileRule(rule.when));
    compiledRules.set(policy, compiled);
  }
  return compiled;
}

function evaluateRules(policy: Policy, input: AssessInput): Matched[] {
  const context = celContext({
    type: input.type,
    content: input.content,
    services: input.services,
    ...(input.graph ? { graph: input.graph } : {}),
    questionIds: policy.risk.questions.map((q) => q.id),
  });
  const compiled = rulesOf(policy);
  const matched: Matched[] = [];
  policy.risk.rules.forEach((rule, i) => {
    // A rule that fails adds its approvals too: a broken rule only ever adds ceremony.
    const approvals = resolveApprovals(rule.approvals ?? [], input.content, input.services);
    const failed = (message: string): void => {
      matched.push({
        reason: {
          rule: rule.id,
          rating: 'high',
          reason: `rule ${rule.id} could not be evaluated: ${message}`,
        },
        approvals,
      });
    };
    const c = compiled[i];
    if (!c || !c.ok) return failed(c ? c.message : 'not compiled');
    let value: unknown;
    try {
      value = c.evaluate(context);
    } catch (err) {
      return failed(errorMessage(err));
    }
    if (value === true)
      matched.push({ reason: { rule: rule.id, rating: rule.rating, reason: rule.reason }, approvals });
    else if (value !== false) failed(`it returned ${typeof value}, not true or false`);
  });
  return matched;
}

/** Union of approval lists; for a group in both, the larger count wins (never the sum: one person, one vote). */
function mergeApprovals(a: ApprovalRequirement[], b: ApprovalRequirement[]): ApprovalRequirement[] {
  const out = a.map((r) => ({ ...r }));
  for (const req of b) {
    const existing = out.find((r) => r.group === req.group);
    if (existing) existing.count = Math.max(existing.count, req.count);
    else out.push({ ...req });
  }
  return out;
}

function approvalsFor(
  policy: Policy,
  type: ChangeType,
  rating: RiskRating,
  content: ChangeContent,
  services: Service[],
): ApprovalRequirement[] {
  let base: ApprovalRequirement[];
  if (type === 'standard') base = [];
  else if (type === 'emergency')
    base = resolveApprovals(policy.approvals.emergency[rating], content, services);
  else base = resolveApprovals(policy.approvals.normal[rating], content, services);
  // Replacing the policy is itself a change that needs the policy approvers, whatever its type.
  return mergeApprovals(base, content.proposedPolicy !== null ? policy.approvals.policy : []);
}

const blank = (s: string): boolean => s.trim() === '';

const IS_MISSING: Record<RequiredField, (c: ChangeContent) => boolean> = {
  description: (c) => blank(c.description),
  reason: (c) => blank(c.reason),
  implementationPlan: (c) => blank(c.implementationPlan),
  testPlan: (c) => blank(c.testPlan),
  securityImpact: (c) => blank(c.securityImpact),
  services: (c) => c.services.length === 0,
  rollbackPlan: (c) => c.rollbackPlan === null,
  backupConfirmed: (c) => c.rollbackPlan === null || !c.rollbackPlan.backupConfirmed,
  // An explicit "no test environment" exemption, with its production verification, stands in for evidence.
  testEvidence: (c) => c.testEvidence === null && (c.testEnvironmentExemption ?? null) === null,
  supplier: (c) => c.supplier === null || blank(c.supplier),
  supplierReference: (c) => c.supplierReference === null || blank(c.supplierReference),
  supplierImpact: (c) => blank(c.supplierImpact),
  customerCommunication: (c) => blank(c.customerCommunication),
  supplierAccessReview: (c) => c.supplierAccessReview === null,
  dataImpact: (c) => blank(c.dataImpact),
  links: (c) => c.links.length === 0,
  riskAnswers: (c) => Object.keys(c.riskAnswers).length === 0,
  implementer: (c) => c.implementer === null,
  riskOwner: (c) => (c.riskOwner ?? null) === null,
  monitors: (c) => (c.monitors ?? []).length === 0,
  rollbackDecider: (c) => (c.rollbackDecider ?? null) === null,
  proposedWindow: (c) => (c.proposedWindow ?? null) === null,
  functionalTests: (c) => !passed(c, 'functional'),
  securityTests: (c) => !passed(c, 'security'),
  performanceTests: (c) => !passed(c, 'performance'),
  rollbackTests: (c) => !passed(c, 'rollback'),
  testDataMasked: (c) => c.testDataMasked !== true,
  rolloutStrategy: (c) => (c.rolloutStrategy ?? null) === null,
  rollbackOwner: (c) => (c.rollbackOwner ?? null) === null,
  maxOutage: (c) => (c.maxOutageMinutes ?? null) === null,
  // Like backupConfirmed: required means the rollback was tested, not only that someone answered.
  rollbackTested: (c) => c.rollbackTested !== true,
  artifacts: (c) => (c.artifacts ?? []).length === 0,
};

/** Whether the change records a passing test of this kind. */
function passed(c: ChangeContent, kind: TestKind): boolean {
  return (c.testResults ?? []).some((r) => r.kind === kind && r.passed);
}

/** Where an affected service holds one of the policy's masked data classes, testing must not have used it. */
function maskedDataMissing(policy: Policy, services: Service[], content: ChangeContent): RequiredField[] {
  const classes = policy.testing?.maskedDataClasses ?? [];
  const touches = services.some((s) => s.dataClasses.some((d) => classes.includes(d)));
  return touches && content.testDataMasked !== true ? ['testDataMasked'] : [];
}

/** The fields among `fields` that `content` leaves empty. */
export function fieldsMissing(fields: RequiredField[], content: ChangeContent): RequiredField[] {
  return fields.filter((field) => IS_MISSING[field](content));
}

/** What the rating requires, then what the change's origin adds at that rating; each field once. */
export function missingFields(policy: Policy, rating: RiskRating, content: ChangeContent): RequiredField[] {
  const byOrigin = policy.requirements.byOrigin?.[content.origin]?.[rating] ?? [];
  const required = [...new Set([...policy.requirements[rating], ...byOrigin])];
  return required.filter((field) => IS_MISSING[field](content));
}

/**
 * One more approval from the named group of each soft freeze the window overlaps on an affected service
 * (hard freezes are refused at scheduling and at the gate; they ask nothing here).
 */
function softFreezeApprovals(
  policy: Policy,
  input: AssessInput,
  base: ApprovalRequirement[],
): ApprovalRequirement[] {
  const w = input.window;
  if (!w || input.type === 'standard' || (policy.calendar?.windows ?? []).length === 0) return base;
  const scopes = input.services.map((s) => ({ service: s.name, environment: s.environment }));
  const out = base.map((r) => ({ ...r }));
  const asked = new Set<string>();
  for (const o of occurrencesBetween(policy, w.start, w.end, scopes)) {
    const group = o.window.approvalGroup;
    if (o.window.kind !== 'freeze' || o.window.enforcement !== 'soft' || group === null) continue;
    if (asked.has(group)) continue;
    asked.add(group);
    const line = out.find((r) => r.group === group);
    if (line) line.count += 1;
    else out.push({ group, count: 1, label: `soft freeze ${o.window.id}` });
  }
  return out;
}

export function assess(policy: Policy, input: AssessInput): Assessment {
  const matched = evaluateRules(policy, input);
  const reasons = matched.map((m) => m.reason);
  // The default applies only when nothing matched, so a rule may rate below it (e.g. "dev only ⇒ low").
  const rating =
    reasons.length === 0
      ? policy.risk.default
      : reasons.reduce<RiskRating>((r, reason) => maxRating(r, reason.rating), 'low');
  return {
    rating,
    reasons,
    // Standard changes are pre-approved by their template; a rule's approvals apply to every other type.
    requiredApprovals:
      input.type === 'standard'
        ? approvalsFor(policy, input.type, rating, input.content, input.services)
        : softFreezeApprovals(
            policy,
            input,
            matched.reduce(
              (list, m) => mergeApprovals(list, m.approvals),
              approvalsFor(policy, input.type, rating, input.content, input.services),
            ),
          ),
    missing: [
      ...new Set([
        ...missingFields(policy, rating, input.content),
        ...maskedDataMissing(policy, input.services, input.content),
      ]),
    ],
    policyVersion: input.policyVersion,
  };
}
