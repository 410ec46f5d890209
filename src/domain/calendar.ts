// Maintenance and freeze windows from the policy, one-off or recurring, in a named time zone.
// (Seam: the gate asks `windowsAt`; the calendar issue fills the rules in.)
import type { Policy } from '../policy/types.ts';

export interface CalendarWindow {
  id: string;
  kind: 'maintenance' | 'freeze';
  title: string;
  /** hard: deny; soft: allowed with one more approval from `approvalGroup`. */
  enforcement: 'hard' | 'soft';
  approvalGroup: string | null;
  /** Empty means every service / environment. */
  services: string[];
  environments: string[];
}

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

export function windowsAt(
  _policy: Policy,
  _at: string,
  _scope: { service: string; environment: string },
): WindowsAt {
  return { freezes: [], maintenanceApplies: false, maintenance: null };
}
