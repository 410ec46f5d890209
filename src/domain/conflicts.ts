// Scheduling conflicts, pure: another change on the same service or on a service related by the
// catalogue's dependencies in an overlapping window, a freeze overlapping the window, the implementer
// booked twice. The policy says per kind whether a conflict is soft (recorded, shown) or hard (refused);
// `nextFreeSlot` finds the first window of a given length that has none.
import type { Window } from './change.ts';
import type { Refusal } from './events.ts';
import type { Policy } from '../policy/types.ts';
import { maintenanceApplies, occurrencesBetween, type Scope } from './calendar.ts';
import type { ConflictKind, Enforcement } from './vocabulary.ts';

/** A change holding a window: scheduled or being implemented. */
export interface Booking {
  id: string;
  title: string;
  services: string[];
  implementer: string | null;
  window: Window;
}

export interface Conflict {
  kind: ConflictKind;
  severity: Enforcement;
  /** The other change's id, or the freeze window's id. */
  with: string;
  start: string;
  end: string;
  message: string;
}

export interface ConflictQuery {
  change: { id: string; services: string[]; implementer: string | null };
  window: Window;
  /** Changes holding windows; the change itself and those not overlapping are ignored. */
  bookings: Booking[];
  /** Services the change's services depend on, or that depend on them (`serviceGraph`). */
  related: { upstream: string[]; downstream: string[] };
  /** The change's services with their environments, for the freezes that apply to them. */
  scopes: Scope[];
  policy: Policy;
}

const overlaps = (a: Window, b: Window) => a.start < b.end && b.start < a.end;

function severity(policy: Policy, kind: ConflictKind): Enforcement {
  return policy.calendar?.conflicts[kind] ?? (kind === 'freeze' ? 'hard' : 'soft');
}

export function findConflicts(q: ConflictQuery): Conflict[] {
  const found: Conflict[] = [];
  const mine = new Set(q.change.services);
  const upstream = new Set(q.related.upstream);
  const downstream = new Set(q.related.downstream);
  for (const b of q.bookings) {
    if (b.id === q.change.id || !overlaps(b.window, q.window)) continue;
    const at = { start: b.window.start, end: b.window.end };
    const when = `from ${b.window.start} to ${b.window.end}`;
    const shared = b.services.filter((s) => mine.has(s));
    const up = b.services.filter((s) => upstream.has(s));
    const down = b.services.filter((s) => downstream.has(s));
    if (shared.length > 0)
      found.push({
        kind: 'service',
        severity: severity(q.policy, 'service'),
        with: b.id,
        ...at,
        message: `${b.id} (${b.title}) also changes ${shared.join(', ')} ${when}`,
      });
    else if (up.length + down.length > 0) {
      const how = [
        ...(up.length ? [`${up.join(', ')}, which this change's services depend on,`] : []),
        ...(down.length ? [`${down.join(', ')}, which depend on this change's services,`] : []),
      ].join(' and ');
      found.push({
        kind: 'dependency',
        severity: severity(q.policy, 'dependency'),
        with: b.id,
        ...at,
        message: `${b.id} (${b.title}) changes ${how} ${when}`,
      });
    }
    if (q.change.implementer !== null && b.implementer === q.change.implementer)
      found.push({
        kind: 'implementer',
        severity: severity(q.policy, 'implementer'),
        with: b.id,
        ...at,
        message: `${q.change.implementer} already implements ${b.id} (${b.title}) ${when}`,
      });
  }
  for (const o of occurrencesBetween(q.policy, q.window.start, q.window.end, q.scopes)) {
    if (o.window.kind !== 'freeze') continue;
    // A soft freeze lets the change through with one more approval, so it never refuses scheduling.
    const hard = o.window.enforcement === 'hard';
    found.push({
      kind: 'freeze',
      severity: hard ? severity(q.policy, 'freeze') : 'soft',
      with: o.window.id,
      start: o.start,
      end: o.end,
      message: `the ${hard ? '' : 'soft '}freeze ${o.window.id} (${o.window.title}) runs from ${o.start} to ${o.end}${hard ? '' : `; deploying in it needs one more approval from ${o.window.approvalGroup}`}`,
    });
  }
  return found;
}

export interface SlotQuery {
  /** The earliest start. */
  after: string;
  lengthMinutes: number;
  /** Windows the slot must not overlap: the bookings that would conflict. */
  busy: Window[];
  scopes: Scope[];
  policy: Policy;
  /** How far ahead to look. */
  horizonDays?: number;
}

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The earliest window of the requested length from `after` that overlaps no busy window and no freeze
 * applying to the scopes and, where maintenance windows apply to them, lies inside one occurrence of
 * those. Null when none starts within the horizon.
 */
export function nextFreeSlot(q: SlotQuery): Window | null {
  const fromMs = Date.parse(q.after);
  const length = q.lengthMinutes * MINUTE;
  const horizon = fromMs + (q.horizonDays ?? 90) * 24 * 60 * MINUTE;
  const windows = occurrencesBetween(q.policy, q.after, iso(horizon + length), q.scopes);
  const busy = [
    ...q.busy.map((w) => ({ start: Date.parse(w.start), end: Date.parse(w.end) })),
    ...windows
      .filter((o) => o.window.kind === 'freeze')
      .map((o) => ({ start: Date.parse(o.start), end: Date.parse(o.end) })),
  ];
  const needsMaintenance = maintenanceApplies(q.policy, q.scopes, q.after);
  const maintenance = windows
    .filter((o) => o.window.kind === 'maintenance')
    .map((o) => ({ start: Date.parse(o.start), end: Date.parse(o.end) }));
  const candidates = [
    fromMs,
    ...busy.map((b) => b.end),
    ...(needsMaintenance ? maintenance.map((m) => m.start) : []),
  ]
    .filter((c) => c >= fromMs && c <= horizon)
    .sort((a, b) => a - b);
  for (const start of candidates) {
    const end = start + length;
    if (busy.some((b) => b.start < end && start < b.end)) continue;
    if (needsMaintenance && !maintenance.some((m) => m.start <= start && end <= m.end)) continue;
    return { start: iso(start), end: iso(end) };
  }
  return null;
}

/** Scheduling refused: one refusal per hard conflict, then the next free slot (or that there is none). */
export function conflictRefusals(conflicts: Conflict[], freeSlot: Window | null): Refusal[] {
  const hard = conflicts.filter((c) => c.severity === 'hard');
  if (hard.length === 0) return [];
  return [
    ...hard.map((c) => ({ code: `conflict_${c.kind}`, message: c.message })),
    {
      code: 'next_free_slot',
      ...(freeSlot && { slot: freeSlot }),
      message: freeSlot
        ? `the next free slot of the same length is ${freeSlot.start} – ${freeSlot.end}`
        : 'no free slot of the same length within 90 days; shorten the window or resolve the conflicts',
    },
  ];
}
