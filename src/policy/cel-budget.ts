// The time and size budget of a risk rule. Rules run inside the transaction that assesses a change, so a rule
// that can run for long stalls every writer. The budget is checked on the parsed rule when the policy is
// loaded (so `policy check` and `POST /policy` refuse it, pointing at the expression), and guarded at run
// time: input larger than the bounds the check assumed, or `matches` running past its time, cuts the rule
// off, and risk.ts counts a rule cut off as matched at `high`.
import type { ASTNode } from '@marcbachmann/cel-js';
import { compileLinear, PatternError } from './regex.ts';

export const BUDGET = {
  /** Elements one rule may visit, summed over its comprehensions (a nested one multiplies). */
  iterations: 10_000,
  /** Comprehensions (all, exists, exists_one, map, filter) inside one another. */
  nesting: 3,
  /** Characters in a `matches` pattern. */
  patternLength: 500,
  /** Milliseconds one rule may spend in `matches` before it is cut off. */
  matchMillis: 100,
};

/**
 * The most elements of each list a rule can read, as the API contracts cap them (services and links per
 * change, data classes and dependencies per service, questions per policy). Checked again at run time.
 */
export const LIST_BOUNDS = {
  services: 100,
  linkKinds: 100,
  dataClasses: 50,
  dependencies: 200,
  answers: 200,
  /** Services reached through the dependency graph, in each direction (`upstream`, `downstream`). */
  graph: 200,
} as const;

const SERVICE_LISTS: Record<string, number> = {
  services: LIST_BOUNDS.services,
  upstream: LIST_BOUNDS.graph,
  downstream: LIST_BOUNDS.graph,
};

/** What the rule knows about an iteration variable: whether it is a service, and its size if a list. */
interface Element {
  service: boolean;
  size: number;
}
type Scope = ReadonlyMap<string, Element>;

/** The name compiled rules call `matches` by (see cel.ts); a rule may not call it itself, unchecked. */
export const LINEAR_MATCHES = 'matchesInLinearTime';
const MATCHES = new Set(['matches', LINEAR_MATCHES]);
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

export interface BudgetProblem {
  message: string;
  /** 0-based offset of the sub-expression at fault. */
  offset: number;
}

class OverBudget extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

const isNode = (x: unknown): x is ASTNode => typeof x === 'object' && x !== null && 'op' in x && 'args' in x;

function children(node: ASTNode): ASTNode[] {
  const args: unknown = node.args;
  if (node.op === 'rcall') {
    const [, receiver, rest] = node.args;
    return [receiver, ...rest];
  }
  if (node.op === 'call') return node.args[1];
  if (isNode(args)) return [args];
  if (Array.isArray(args)) return (args as unknown[]).flat().filter(isNode);
  return [];
}

function isComprehension(node: ASTNode): node is ASTNode & { op: 'rcall' } {
  if (node.op !== 'rcall') return false;
  const [name, , args] = node.args;
  return COMPREHENSIONS.has(name) && (args.length === 2 || args.length === 3) && args[0]?.op === 'id';
}

const isVariable = (node: ASTNode, name: string, scope: Scope): boolean =>
  node.op === 'id' && node.args === name && !scope.has(name);

/** Largest number of elements `node` can evaluate to, or Infinity when it has no known bound. */
function sizeOf(node: ASTNode, scope: Scope): number {
  switch (node.op) {
    case 'id':
      if (scope.has(node.args)) return scope.get(node.args)!.size;
      if (node.args === 'answers') return LIST_BOUNDS.answers;
      return SERVICE_LISTS[node.args] ?? Infinity;
    case '.': {
      // Bounds hold for the change's and the services' own lists only, not for a field of any map.
      const [receiver, field] = node.args;
      if (isVariable(receiver, 'change', scope) && (field === 'services' || field === 'linkKinds'))
        return LIST_BOUNDS[field];
      // Distinct values over the affected services: at most one each.
      if (isVariable(receiver, 'change', scope) && (field === 'teams' || field === 'businessOwners'))
        return LIST_BOUNDS.services;
      const element = receiver.op === 'id' ? scope.get(receiver.args) : undefined;
      if (element?.service && (field === 'dataClasses' || field === 'dependencies'))
        return LIST_BOUNDS[field];
      return Infinity;
    }
    case 'list':
      return node.args.length;
    case '+':
      return sizeOf(node.args[0], scope) + sizeOf(node.args[1], scope);
    case '?:':
      return Math.max(sizeOf(node.args[1], scope), sizeOf(node.args[2], scope));
    case 'rcall':
      // map and filter give at most as many elements as they read.
      return isComprehension(node) && (node.args[0] === 'map' || node.args[0] === 'filter')
        ? sizeOf(node.args[1], scope)
        : Infinity;
    default:
      return Infinity;
  }
}

/** What the elements of the list `node` are known to be. */
function elementOf(node: ASTNode, scope: Scope): Element {
  for (const name of Object.keys(SERVICE_LISTS))
    if (isVariable(node, name, scope)) return { service: true, size: Infinity };
  if (isComprehension(node) && node.args[0] === 'filter') return elementOf(node.args[1], scope);
  if (node.op === 'list' && node.args.length > 0)
    return { service: false, size: Math.max(...node.args.map((element) => sizeOf(element, scope))) };
  return { service: false, size: Infinity };
}

function checkPattern(node: ASTNode & { op: 'rcall' }): void {
  const pattern = node.args[2][0];
  if (pattern?.op !== 'value' || typeof pattern.args !== 'string')
    throw new OverBudget(
      'the pattern of matches must be a literal string, such as matches("^hotfix-"), so it can be checked before it runs',
      (pattern ?? node).start,
    );
  if (pattern.args.length > BUDGET.patternLength)
    throw new OverBudget(
      `the pattern of matches has ${pattern.args.length} characters, more than ${BUDGET.patternLength}`,
      pattern.start,
    );
  try {
    compileLinear(pattern.args);
  } catch (err) {
    if (err instanceof PatternError) throw new OverBudget(err.message, pattern.start);
    throw err;
  }
}

/** Checks a parsed rule against the budget; null when it fits. */
export function checkBudget(ast: ASTNode): BudgetProblem | null {
  let visited = 0;
  const visit = (node: ASTNode, times: number, depth: number, scope: Scope): void => {
    if (node.op === 'rcall' && MATCHES.has(node.args[0])) checkPattern(node);
    if (!isComprehension(node)) {
      for (const child of children(node)) visit(child, times, depth, scope);
      return;
    }
    const [, receiver, [variable, ...body]] = node.args;
    visit(receiver, times, depth, scope);
    if (depth + 1 > BUDGET.nesting)
      throw new OverBudget(
        `comprehensions are nested more than ${BUDGET.nesting} deep; split the rule or iterate over fewer lists`,
        node.start,
      );
    const size = sizeOf(receiver, scope);
    if (size === Infinity)
      throw new OverBudget(
        'a comprehension here iterates over a list of no known size; iterate over services, upstream, downstream, ' +
          'change.services, change.linkKinds, change.teams, change.businessOwners, a service’s dataClasses or ' +
          'dependencies, or a list written in the rule',
        receiver.start,
      );
    const inner = times * size;
    visited += inner;
    if (visited > BUDGET.iterations)
      throw new OverBudget(
        `the rule could visit up to ${visited.toLocaleString('en')} elements, more than the budget of ` +
          `${BUDGET.iterations.toLocaleString('en')}; nest fewer comprehensions over large lists`,
        node.start,
      );
    const name = variable?.op === 'id' ? variable.args : '';
    const inside = new Map(scope).set(name, elementOf(receiver, scope));
    for (const part of body) visit(part, inner, depth + 1, inside);
  };
  try {
    visit(ast, 1, 0, new Map());
    return null;
  } catch (err) {
    if (err instanceof OverBudget) return { message: err.message, offset: err.offset };
    throw err;
  }
}

interface BoundedContext {
  change: Record<string, unknown>;
  services: Record<string, unknown>[];
  upstream: Record<string, unknown>[];
  downstream: Record<string, unknown>[];
  answers: Record<string, unknown>;
}

const longer = (value: unknown, max: number): boolean => Array.isArray(value) && value.length > max;

/** Why `context` exceeds the bounds rules were checked against, or null. */
export function contextOverBounds(context: BoundedContext): string | null {
  const { change, services, upstream, downstream, answers } = context;
  if (services.length > LIST_BOUNDS.services) return `${services.length} services`;
  if (upstream.length > LIST_BOUNDS.graph) return `${upstream.length} services upstream`;
  if (downstream.length > LIST_BOUNDS.graph) return `${downstream.length} services downstream`;
  if (longer(change.services, LIST_BOUNDS.services)) return 'too many services';
  if (longer(change.linkKinds, LIST_BOUNDS.linkKinds)) return 'too many links';
  if (Object.keys(answers).length > LIST_BOUNDS.answers) return 'too many risk questions';
  for (const s of [...services, ...upstream, ...downstream]) {
    if (longer(s.dataClasses, LIST_BOUNDS.dataClasses))
      return `service ${String(s.name)} has too many data classes`;
    if (longer(s.dependencies, LIST_BOUNDS.dependencies))
      return `service ${String(s.name)} has too many dependencies`;
  }
  return null;
}
