// The CEL environment risk rules run in. Variables are declared with their field types so a typo such as
// `change.titel` or `s.internetFacng` is a load-time error instead of a rule that silently never matches.
import { Environment, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';
import type { ChangeContent } from '../domain/change.ts';
import type { Service } from '../domain/service.ts';
import { BUDGET, checkBudget, contextOverBounds, LINEAR_MATCHES } from './cel-budget.ts';
import { compileLinear, type LinearMatcher } from './regex.ts';
import type { ChangeType } from './types.ts';

const CHANGE_FIELDS = {
  type: 'string',
  title: 'string',
  description: 'string',
  reason: 'string',
  services: 'list<string>',
  dataImpact: 'string',
  supplierImpact: 'string',
  securityImpact: 'string',
  hasImplementationPlan: 'bool',
  hasRollbackPlan: 'bool',
  backupConfirmed: 'bool',
  hasTestPlan: 'bool',
  hasTestEvidence: 'bool',
  testEnvironment: 'string',
  links: 'int',
  linkKinds: 'list<string>',
  proposesPolicy: 'bool',
  origin: 'string',
  supplier: 'string',
  supplierReference: 'string',
  customerCommunication: 'string',
  hasSupplierAccessReview: 'bool',
  teams: 'list<string>',
  businessOwners: 'list<string>',
  emergencyCriterion: 'string',
  recordedAfterwards: 'bool',
} as const;

const SERVICE_FIELDS = {
  name: 'string',
  environment: 'string',
  internetFacing: 'bool',
  dataClasses: 'list<string>',
  securityControl: 'bool',
  criticality: 'string',
  supplier: 'string',
  doraCriticalFunction: 'bool',
  nis2Service: 'bool',
  dependencies: 'list<string>',
  owner: 'string',
  businessOwner: 'string',
  team: 'string',
} as const;

/** Names of the fields rules can read, for documentation and error messages. */
export const CEL_FIELDS = { change: Object.keys(CHANGE_FIELDS), services: Object.keys(SERVICE_FIELDS) };

/** Variables that need the whole catalogue: what the affected services depend on, and what depends on them. */
export const GRAPH_VARIABLES = ['upstream', 'downstream'] as const;

/** Thrown inside a rule that runs out of its budget; risk.ts counts the rule as matched at `high`. */
export class RuleCutOff extends Error {
  constructor(why: string) {
    super(`cut off: ${why}`);
    this.name = 'RuleCutOff';
  }
}

// The library's own `matches` backtracks (JavaScript's RegExp) and cannot be replaced under its name, so
// compiled rules call this one instead (see useLinearMatches). Patterns are literals checked at load time.
const matchers = new Map<string, LinearMatcher>();
// The time by which the rule being evaluated must be done with `matches` (evaluation is synchronous).
let matchDeadline = Infinity;

function linearMatches(text: string, pattern: string): boolean {
  if (performance.now() > matchDeadline)
    throw new RuleCutOff(`matches ran for more than ${BUDGET.matchMillis} ms`);
  let matcher = matchers.get(pattern);
  if (!matcher) {
    matcher = compileLinear(pattern);
    matchers.set(pattern, matcher);
  }
  return matcher(text);
}

const env = new Environment({
  limits: { maxAstNodes: 2000, maxDepth: 50, maxListElements: 100, maxMapEntries: 100, maxCallArguments: 8 },
})
  .registerType('Change', { fields: CHANGE_FIELDS })
  .registerType('Service', { fields: SERVICE_FIELDS })
  .registerVariable('change', 'Change')
  .registerVariable('services', 'list<Service>')
  .registerVariable('upstream', 'list<Service>')
  .registerVariable('downstream', 'list<Service>')
  .registerVariable('answers', 'map<string, bool>')
  .registerFunction(`string.${LINEAR_MATCHES}(string): bool`, linearMatches);

/** Points every `text.matches(pattern)` of a parsed, not yet checked rule at the linear-time engine. */
function useLinearMatches(ast: ASTNode): void {
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...(node as unknown[]));
    else if (typeof node === 'object' && node !== null && 'op' in node && 'args' in node) {
      const n = node as ASTNode;
      // The AST's documented shape: an rcall's args are [method name, receiver, arguments].
      if (n.op === 'rcall' && n.args[0] === 'matches') (n.args as unknown[])[0] = LINEAR_MATCHES;
      stack.push(n.args);
    }
  }
}

export interface CelInput {
  type: ChangeType;
  content: ChangeContent;
  services: Service[];
  /** The dependency graph around the affected services, when a rule reads it. */
  graph?: { upstream: Service[]; downstream: Service[] };
  /** Every declared question id; answers not given default to false so rules never see a missing key. */
  questionIds: string[];
}

export interface CelContext {
  change: Record<string, string | boolean | bigint | string[]>;
  services: Record<string, string | boolean | string[]>[];
  upstream: Record<string, string | boolean | string[]>[];
  downstream: Record<string, string | boolean | string[]>[];
  answers: Record<string, boolean>;
}

const distinct = (values: string[]): string[] => [...new Set(values.filter((v) => v.trim() !== ''))];

// Nulls become '' so rules compare strings instead of guarding against null_type.
const serviceFields = (s: Service): Record<string, string | boolean | string[]> => ({
  name: s.name,
  environment: s.environment,
  internetFacing: s.internetFacing,
  dataClasses: [...s.dataClasses],
  securityControl: s.securityControl,
  criticality: s.criticality,
  supplier: s.supplier ?? '',
  doraCriticalFunction: s.doraCriticalFunction,
  nis2Service: s.nis2Service,
  dependencies: [...s.dependencies],
  owner: s.owners.technical,
  businessOwner: s.owners.business,
  team: s.team ?? '',
});

export function celContext({ type, content, services, graph, questionIds }: CelInput): CelContext {
  const answers: Record<string, boolean> = {};
  for (const id of questionIds) answers[id] = content.riskAnswers[id] === true;
  return {
    change: {
      type,
      title: content.title,
      description: content.description,
      reason: content.reason,
      services: [...content.services],
      dataImpact: content.dataImpact,
      supplierImpact: content.supplierImpact,
      securityImpact: content.securityImpact,
      hasImplementationPlan: content.implementationPlan.trim() !== '',
      hasRollbackPlan: content.rollbackPlan !== null,
      backupConfirmed: content.rollbackPlan?.backupConfirmed === true,
      hasTestPlan: content.testPlan.trim() !== '',
      hasTestEvidence: content.testEvidence !== null,
      testEnvironment: content.testEvidence?.environment ?? '',
      links: BigInt(content.links.length),
      linkKinds: content.links.map((l) => l.kind),
      proposesPolicy: content.proposedPolicy !== null,
      origin: content.origin,
      supplier: content.supplier ?? '',
      supplierReference: content.supplierReference ?? '',
      customerCommunication: content.customerCommunication,
      hasSupplierAccessReview: content.supplierAccessReview !== null,
      teams: distinct(services.map((s) => s.team ?? '')),
      businessOwners: distinct(services.map((s) => s.owners.business)),
      emergencyCriterion: content.emergencyCriterion ?? '',
      recordedAfterwards: (content.performed ?? null) !== null,
    },
    services: services.map(serviceFields),
    upstream: (graph?.upstream ?? []).map(serviceFields),
    downstream: (graph?.downstream ?? []).map(serviceFields),
    answers,
  };
}

export type CompiledRule = (context: CelContext) => unknown;

export type CompileResult =
  | { ok: true; evaluate: CompiledRule }
  | {
      ok: false;
      message: string;
      /** 0-based offset into the expression, when CEL knows it. */ offset?: number;
      /** The rule is valid CEL but over the evaluation budget. */
      budget?: true;
    };

interface CelError {
  summary?: string;
  message?: string;
  range?: { start: number };
}

function describe(err: unknown): { message: string; offset?: number } {
  const e = (err ?? {}) as CelError;
  const message = e.summary ?? e.message?.split('\n')[0] ?? String(err);
  return e.range ? { message, offset: e.range.start } : { message };
}

/** Parses and type-checks a rule; a rule must be a boolean expression (or `dyn`, decided at run time). */
export function compileRule(source: string): CompileResult {
  let parsed: ParseResult;
  try {
    parsed = env.parse(source);
  } catch (err) {
    return { ok: false, ...describe(err) };
  }
  const checked = parsed.check();
  if (!checked.valid) return { ok: false, ...describe(checked.error) };
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return { ok: false, message: `the expression must be true or false, but it returns ${checked.type}` };
  }
  const over = checkBudget(parsed.ast);
  if (over) return { ok: false, message: over.message, offset: over.offset, budget: true };
  // A second parse of the same text, its `matches` calls pointed at the linear engine. The first one gave
  // the type errors above in the rule's own words.
  const runnable = env.parse(source);
  useLinearMatches(runnable.ast);
  const rechecked = runnable.check();
  if (!rechecked.valid) return { ok: false, ...describe(rechecked.error) };
  return {
    ok: true,
    evaluate: (context) => {
      const over = contextOverBounds(context);
      if (over) throw new RuleCutOff(`the change has more than the rule was checked for (${over})`);
      matchDeadline = performance.now() + BUDGET.matchMillis;
      try {
        return runnable(context) as unknown;
      } finally {
        matchDeadline = Infinity;
      }
    },
  };
}

/** The message of an evaluation error, without the source excerpt the library appends. */
export function errorMessage(err: unknown): string {
  return describe(err).message;
}
