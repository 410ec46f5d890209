// Maintenance and freeze windows from the policy, one-off or recurring, in a named time zone: what is in
// force at an instant (the gate asks `windowsAt` per decision) and what occurs in a range (the calendar,
// scheduling conflicts). Rules are compiled once per policy object and kept beside it.
import type { CalendarWindowRule, Policy } from '../policy/types.ts';
import { ENVIRONMENTS } from './vocabulary.ts';
import { compileRecurrence, type Recurrence } from './recurrence.ts';

/** A window as the gate and the calendar see it: the rule's scope and enforcement, without its times. */
export type CalendarWindow = Pick<
  CalendarWindowRule,
  'id' | 'kind' | 'title' | 'enforcement' | 'approvalGroup' | 'services' | 'environments' | 'timeZone'
>;

export interface Occurrence {
  window: CalendarWindow;
  start: string;
  end: string;
}

export interface WindowsAt {
  /** Freezes in force at that instant for that service and environment. */
  freezes: Occurrence[];
  /** Whether maintenance windows apply to that scope at all, and the one open now if any. */
  maintenanceApplies: boolean;
  maintenance: Occurrence | null;
}

/** A service and the environment it runs in. */
export interface Scope {
  service: string;
  environment: string;
}

interface Compiled {
  window: CalendarWindow;
  recurrence: Recurrence;
}

const compiledRules = new WeakMap<Policy, Compiled[]>();

function describe(rule: CalendarWindowRule): CalendarWindow {
  return {
    id: rule.id,
    kind: rule.kind,
    title: rule.title,
    enforcement: rule.enforcement,
    approvalGroup: rule.approvalGroup,
    services: rule.services,
    environments: rule.environments,
    timeZone: rule.timeZone,
  };
}

function compiled(policy: Policy): Compiled[] {
  let rules = compiledRules.get(policy);
  if (!rules) {
    rules = (policy.calendar?.windows ?? []).map((r) => ({
      window: describe(r),
      recurrence: compileRecurrence(r),
    }));
    compiledRules.set(policy, rules);
  }
  return rules;
}

/** The windows of the policy, without their times. */
export function calendarWindows(policy: Policy): CalendarWindow[] {
  return compiled(policy).map((c) => c.window);
}

const KNOWN_ENVIRONMENTS: readonly string[] = ENVIRONMENTS;

/**
 * Whether the window applies to the scope. An environment that is not one of ours (`production` for
 * `prod`, a typo, a cluster name) cannot be shown to lie outside a window's environments, so every
 * window on the service applies to it: a freeze fails closed.
 */
export function covers(window: CalendarWindow, scope: Scope): boolean {
  return (
    (window.services.length === 0 || window.services.includes(scope.service)) &&
    (window.environments.length === 0 ||
      window.environments.includes(scope.environment) ||
      !KNOWN_ENVIRONMENTS.includes(scope.environment))
  );
}

/** Whether the window applies to any of the scopes (a change touching several services). */
export function coversAny(window: CalendarWindow, scopes: readonly Scope[]): boolean {
  return scopes.some((s) => covers(window, s));
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Occurrences overlapping [from, to), in start order; only those of windows applying to one of `scopes`
 * when given.
 */
export function occurrencesBetween(
  policy: Policy,
  from: string,
  to: string,
  scopes?: readonly Scope[],
): Occurrence[] {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const found: { startMs: number; occurrence: Occurrence }[] = [];
  for (const c of compiled(policy)) {
    if (scopes && !coversAny(c.window, scopes)) continue;
    for (const span of c.recurrence.between(fromMs, toMs))
      found.push({
        startMs: span.startMs,
        occurrence: { window: c.window, start: iso(span.startMs), end: iso(span.endMs) },
      });
  }
  return found.sort((a, b) => a.startMs - b.startMs).map((f) => f.occurrence);
}

/** Whether a maintenance window not yet over at `at` applies to any of the scopes. */
export function maintenanceApplies(policy: Policy, scopes: readonly Scope[], at: string): boolean {
  const atMs = Date.parse(at);
  return compiled(policy).some(
    (c) =>
      c.window.kind === 'maintenance' && coversAny(c.window, scopes) && c.recurrence.continuesAfter(atMs),
  );
}

export function windowsAt(policy: Policy, at: string, scope: Scope): WindowsAt {
  const atMs = Date.parse(at);
  const freezes: Occurrence[] = [];
  let maintenanceApplies = false;
  let maintenance: { occurrence: Occurrence; endMs: number } | null = null;
  for (const c of compiled(policy)) {
    if (!covers(c.window, scope)) continue;
    // A maintenance window applies until its last occurrence is over (for ever, for an unbounded series).
    if (c.window.kind === 'maintenance' && !maintenanceApplies)
      maintenanceApplies = c.recurrence.continuesAfter(atMs);
    // Occurrences are half-open: a window that ends at 04:00 is closed at 04:00.
    for (const span of c.recurrence.between(atMs, atMs + 1)) {
      const occurrence = { window: c.window, start: iso(span.startMs), end: iso(span.endMs) };
      if (c.window.kind === 'freeze') freezes.push(occurrence);
      else if (!maintenance || span.endMs > maintenance.endMs)
        maintenance = { occurrence, endMs: span.endMs };
    }
  }
  return { freezes, maintenanceApplies, maintenance: maintenance?.occurrence ?? null };
}
