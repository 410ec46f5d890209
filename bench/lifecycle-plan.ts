// The lifecycle both lifecycle benchmarks run: one normal change from request to closure, as a creation
// body and the seven actions that follow it, each with who takes it and the state it leads to.

export type Role = 'requester' | 'technical' | 'business' | 'implementer';

export interface Step {
  /** Name in the latency table (both approvals count as `approve`). */
  name: string;
  action: 'submit' | 'approve' | 'schedule' | 'start' | 'complete' | 'close';
  role: Role;
  body: Record<string, unknown>;
  state: string;
}

export function createBody(service: string, i: number) {
  return {
    title: `Raise the connection pool size of ${service} (run ${i})`,
    services: [service],
    description: 'Increase the database connection pool from 20 to 40 connections.',
    reason: 'Pool exhaustion at the month-end peak caused timeouts.',
    implementationPlan: 'Change the pool size in the service config and roll the pods.',
    testPlan: 'Load test in staging at twice the month-end peak.',
    rollbackPlan: {
      method: 'Revert the config commit and roll the pods.',
      expectedMinutes: 10,
      triggers: 'Database CPU above 80% or error rate above 1%.',
      backupConfirmed: false,
    },
  };
}

/** The actions after creation; the window is open from a minute before `now`. */
export function steps(now: number): Step[] {
  const window = {
    start: new Date(now - 60_000).toISOString(),
    end: new Date(now + 3_600_000).toISOString(),
  };
  return [
    { name: 'submit', action: 'submit', role: 'requester', body: {}, state: 'awaiting_approval' },
    {
      name: 'approve',
      action: 'approve',
      role: 'technical',
      body: { comment: 'Pool size fits the database limits.' },
      state: 'awaiting_approval',
    },
    {
      name: 'approve',
      action: 'approve',
      role: 'business',
      body: { comment: 'Fine outside the batch window.' },
      state: 'approved',
    },
    { name: 'schedule', action: 'schedule', role: 'requester', body: { window }, state: 'scheduled' },
    { name: 'start', action: 'start', role: 'implementer', body: {}, state: 'implementing' },
    {
      name: 'complete',
      action: 'complete',
      role: 'implementer',
      body: { outcome: 'successful', verification: [{ name: 'pool metrics', passed: true }] },
      state: 'review',
    },
    { name: 'close', action: 'close', role: 'implementer', body: {}, state: 'closed' },
  ];
}
