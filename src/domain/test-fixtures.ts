// Shared builders for the domain tests: the real example policy, a small service catalogue, a cast of
// actors, and helpers that drive a change through decide → evolve exactly as the use-cases do.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Actor, Role } from './actor.ts';
import { emptyContent, type Assessment, type Change, type ChangeContent, type Window } from './change.ts';
import { decideCreate, type CreateChange } from './change-create.ts';
import { decideChange, type ChangeCommand, type Decision } from './change-decide.ts';
import { changeId, evolveChange } from './change-evolve.ts';
import type { ChangeEvent, RecordedEvent } from './events.ts';
import { serviceAttributes, type Service } from './service.ts';
import { formatPolicyErrors, parsePolicy } from '../policy/load.ts';
import { assess } from '../policy/risk.ts';
import type { Policy } from '../policy/types.ts';
import type { ChangeType, Outcome } from './vocabulary.ts';

function loadPolicy(): Policy {
  const parsed = parsePolicy(readFileSync('examples/changeproof.policy.yaml', 'utf8'));
  if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors, 'example policy'));
  // Without the example's emergency criteria and minimum before start, so the lifecycle tests need not
  // carry them; test/http/emergency-facts.test.ts holds the example policy to them.
  return { ...parsed.policy, emergency: { criteria: [], beforeStart: [] } };
}
export const policy = loadPolicy();

export const NOW = '2025-06-02T10:00:00.000Z';
export const at = (minutes: number, from = NOW): string =>
  new Date(Date.parse(from) + minutes * 60_000).toISOString();

function service(name: string, overrides: Partial<Service>): Service {
  const { environment = 'dev', createdAt = NOW, updatedAt = NOW, ...rest } = overrides;
  return {
    ...serviceAttributes(environment, {
      owners: { technical: 'tom', business: 'betty' },
      criticality: 'low',
      ...rest,
    }),
    name,
    createdAt,
    updatedAt,
    retiredAt: null,
    retirementReason: '',
  };
}

/** One service per risk rating under the example policy: tool → low, billing → medium, web → high. */
export const CATALOGUE: Record<string, Service> = {
  tool: service('tool', {}),
  billing: service('billing', { environment: 'prod', criticality: 'high' }),
  web: service('web', { environment: 'prod', internetFacing: true }),
  'web-frontend': service('web-frontend', {}),
};

export function assessmentOf(type: ChangeType, content: ChangeContent, p: Policy = policy): Assessment {
  const services = content.services.flatMap((n) => (CATALOGUE[n] ? [CATALOGUE[n]] : []));
  return assess(p, { type, content, services, policyVersion: 1 });
}

/** Content complete enough for any rating: nothing is missing, even at high risk. */
export function content(overrides: Partial<ChangeContent> = {}): ChangeContent {
  return {
    ...emptyContent(),
    title: 'Upgrade the HTTP client',
    description: 'Bump the client library to the patched release.',
    reason: 'Fixes a published vulnerability.',
    services: ['tool'],
    implementationPlan: 'Merge and let the pipeline deploy.',
    implementer: 'ivan',
    rollbackPlan: { method: 'Revert', expectedMinutes: 5, triggers: 'Errors', backupConfirmed: true },
    testPlan: 'Run the integration suite.',
    testEvidence: { environment: 'staging', results: 'all green' },
    ...overrides,
  };
}

export function human(id: string, groups: string[] = [], roles: Role[] = ['approver']): Actor {
  return { id, kind: 'human', roles, groups, scopes: null, email: `${id}@example.com` };
}

export const cast = {
  alice: human('alice', [], ['requester']),
  bob: human('bob', [], ['requester', 'implementer']),
  sam: human('sam', ['security']),
  tom: human('tom', ['technical']),
  tina: human('tina', ['technical']),
  betty: human('betty', ['business']),
  dora: human('dora', ['duty_manager']),
  ivan: human('ivan', [], ['implementer']),
  carl: human('carl', [], ['change_manager']),
  audrey: human('audrey', [], ['auditor']),
  ci: { ...human('ci', ['technical', 'security'], ['implementer']), kind: 'bot', email: null } as Actor,
};

let seq = 0;
export function recorded(
  event: ChangeEvent,
  subject: string,
  actor: Actor,
  when: string,
): RecordedEvent<ChangeEvent> {
  seq += 1;
  return {
    v: 1,
    seq,
    id: `evt-${seq}`,
    type: event.type,
    subject,
    at: when,
    actor: { id: actor.id, kind: actor.kind },
    data: event.data,
  };
}

export function applyEvents(change: Change, events: ChangeEvent[], actor: Actor, when: string): Change {
  return events.reduce((c, e) => evolveChange(c, recorded(e, c.id, actor, when)), change);
}

export interface CreateOptions {
  type?: CreateChange['type'];
  template?: string | null;
  content?: ChangeContent;
  window?: Window | null;
  actor?: Actor;
  number?: number;
}

export function createInput(o: CreateOptions = {}): CreateChange {
  const type = o.type ?? 'normal';
  const c = o.content ?? content();
  return {
    number: o.number ?? 1,
    type,
    template: o.template ?? null,
    content: c,
    assessment: assessmentOf(type, c),
    window: o.window ?? null,
  };
}

/** Creates a change through decideCreate, failing the test on refusal. */
export function create(o: CreateOptions = {}): Change {
  const actor = o.actor ?? cast.alice;
  const input = createInput(o);
  const decision = decideCreate(input, actor, policy);
  assert.ok(decision.ok, `create refused: ${JSON.stringify(!decision.ok && decision.refusals)}`);
  return evolveChange(null, recorded(decision.event, changeId(input.number), actor, NOW));
}

export function attempt(change: Change, cmd: ChangeCommand, actor: Actor, now = NOW): Decision {
  return decideChange(change, cmd, { actor, now, policy });
}

/** Runs a command that must be accepted and returns the change after its events. */
export function step(change: Change, cmd: ChangeCommand, actor: Actor, now = NOW): Change {
  const d = attempt(change, cmd, actor, now);
  assert.ok(d.ok, `${cmd.type} by ${actor.id} refused: ${JSON.stringify(!d.ok && d.refusals)}`);
  return applyEvents(change, d.events, actor, now);
}

export function codes(d: Decision): string[] {
  assert.equal(d.ok, false, 'expected a refusal');
  return d.ok ? [] : d.refusals.map((r) => r.code).sort();
}

export const eventTypes = (d: Decision): string[] => (d.ok ? d.events.map((e) => e.type) : []);

/** Command builders; edit and submit carry the assessment the use-case would compute. */
export const cmd = {
  edit: (change: Change, fields: Partial<ChangeContent>): ChangeCommand => ({
    type: 'edit',
    fields,
    assessment: assessmentOf(change.type, { ...change, ...fields }),
  }),
  submit: (change: Change): ChangeCommand => ({
    type: 'submit',
    assessment: assessmentOf(change.type, change),
  }),
  approve: (group: string | null = null): ChangeCommand => ({ type: 'approve', group, comment: 'ok' }),
  reject: (comment = 'too risky', group: string | null = null): ChangeCommand => ({
    type: 'reject',
    group,
    comment,
  }),
  schedule: (start: string, end: string): ChangeCommand => ({ type: 'schedule', window: { start, end } }),
  start: (): ChangeCommand => ({ type: 'start' }),
  complete: (outcome: Outcome = 'successful'): ChangeCommand => ({
    type: 'complete',
    outcome,
    notes: 'done',
    verification: [{ name: 'smoke', passed: true }],
  }),
  review: (): ChangeCommand => ({
    type: 'review',
    review: { summary: 'went fine', followUps: [], continuityPlanNeedsUpdate: false },
  }),
  close: (): ChangeCommand => ({ type: 'close' }),
  cancel: (): ChangeCommand => ({ type: 'cancel', reason: 'no longer needed' }),
};

export const WINDOW = { start: at(-60), end: at(120) };

/** A low-risk normal change by alice (implementer ivan), driven through the real lifecycle to `state`. */
export function inState(state: Change['state']): Change {
  let c = create();
  if (state === 'draft') return c;
  if (state === 'cancelled') return step(c, cmd.cancel(), cast.alice);
  c = step(c, cmd.submit(c), cast.alice);
  if (state === 'awaiting_approval') return c;
  if (state === 'rejected') return step(c, cmd.reject(), cast.tom);
  c = step(c, cmd.approve(), cast.tom);
  if (state === 'approved') return c;
  c = step(c, cmd.schedule(WINDOW.start, WINDOW.end), cast.alice);
  if (state === 'scheduled') return c;
  c = step(c, cmd.start(), cast.ivan);
  if (state === 'implementing') return c;
  c = step(c, cmd.complete(), cast.ivan);
  if (state === 'review') return c;
  return step(c, cmd.close(), cast.alice);
}
