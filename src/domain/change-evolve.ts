// Applies recorded change events to the change record. Pure and total: replaying the ledger through this
// function rebuilds the projection exactly, which is how `verify --rebuild` catches a direct database edit.
import { authorsOf, emptyContent, type Approval, type Change } from './change.ts';
import type { ChangeEvent, RecordedEvent } from './events.ts';

export function changeId(number: number): string {
  return `CHG-${number}`;
}

const addAuthor = (authors: string[], who: string): string[] =>
  authors.includes(who) ? authors : [...authors, who];

export function evolveChange(change: Change | null, event: RecordedEvent<ChangeEvent>): Change {
  if (event.type === 'change.created') {
    const d = event.data as Extract<ChangeEvent, { type: 'change.created' }>['data'];
    return {
      ...emptyContent(),
      ...d.content,
      id: changeId(d.number),
      number: d.number,
      type: d.changeType,
      state: d.changeType === 'standard' ? 'scheduled' : 'draft',
      template: d.template,
      requester: event.actor.id,
      owner: event.actor.id,
      lastEditor: event.actor.id,
      authors: [event.actor.id],
      revision: 1,
      revisionHash: d.revisionHash,
      assessment: d.assessment,
      approvals: [],
      window: d.window,
      agreedWindow: null,
      ...(d.conflicts ? { conflicts: d.conflicts } : {}),
      implementedBy: null,
      startedAt: null,
      completedAt: null,
      outcome: null,
      outcomeNotes: '',
      verification: [],
      review: null,
      authorizedAt: null,
      recordDueAt: null,
      recordCompletedAt: null,
      reviewDueAt: null,
      cancelReason: null,
      createdAt: event.at,
      updatedAt: event.at,
      closedAt: null,
    };
  }
  if (!change) throw new Error(`${event.type} for ${event.subject} arrived before change.created`);
  const next: Change = { ...change, updatedAt: event.at };
  const e = { type: event.type, data: event.data } as ChangeEvent;
  switch (e.type) {
    case 'change.edited':
      return {
        ...next,
        ...e.data.fields,
        revision: e.data.revision,
        revisionHash: e.data.revisionHash,
        assessment: e.data.assessment,
        lastEditor: event.actor.id,
        authors: addAuthor(authorsOf(next), event.actor.id),
      };
    case 'change.approvals_withdrawn':
      return {
        ...next,
        state: next.state === 'draft' ? 'draft' : 'awaiting_approval',
        awaitingApprovalSince: next.state === 'draft' ? null : event.at,
        approvals: next.approvals.map((a) => (a.withdrawnAt === null ? { ...a, withdrawnAt: event.at } : a)),
      };
    case 'change.reassessed':
      return { ...next, assessment: e.data.assessment };
    case 'change.approvals_lapsed': {
      const lapsed = (a: Approval) =>
        e.data.lapsed.some((l) => l.approver === a.approver && l.group === a.group);
      return {
        ...next,
        state: 'awaiting_approval',
        awaitingApprovalSince: event.at,
        approvals: next.approvals.map((a) =>
          a.withdrawnAt === null && a.decision === 'approved' && lapsed(a)
            ? { ...a, withdrawnAt: event.at }
            : a,
        ),
      };
    }
    case 'change.submitted':
      return {
        ...next,
        state: 'awaiting_approval',
        awaitingApprovalSince: event.at,
        assessment: e.data.assessment,
        recordCompletedAt:
          next.type === 'emergency' && e.data.assessment.missing.length === 0
            ? event.at
            : next.recordCompletedAt,
      };
    case 'change.approval_granted':
      return {
        ...next,
        approvals: [...next.approvals, { ...e.data, decision: 'approved', at: event.at, withdrawnAt: null }],
      };
    case 'change.approved':
      return {
        ...next,
        state: 'approved',
        authorizedAt: next.type === 'emergency' ? event.at : next.authorizedAt,
        recordDueAt: e.data.recordDueAt,
        // Approvers agree to the window the change has, else to the one it proposed.
        agreedWindow: next.window ?? next.proposedWindow ?? null,
      };
    case 'change.rejected':
      return {
        ...next,
        state: 'rejected',
        approvals: [...next.approvals, { ...e.data, decision: 'rejected', at: event.at, withdrawnAt: null }],
        closedAt: event.at,
      };
    case 'change.scheduled':
      // Standard changes are pre-approved by their template, not by people: no window is agreed for them.
      return {
        ...next,
        state: 'scheduled',
        window: e.data.window,
        agreedWindow: next.agreedWindow ?? (next.type === 'standard' ? null : e.data.window),
        // Records scheduled before conflicts were kept stay byte-identical until one is recorded.
        ...(e.data.conflicts || next.conflicts ? { conflicts: e.data.conflicts ?? [] } : {}),
      };
    case 'change.owner_reassigned':
      return { ...next, owner: e.data.owner };
    case 'change.started':
      return {
        ...next,
        state: 'implementing',
        implementedBy: e.data.implementer,
        // An emergency recorded after the fact started when it really did.
        startedAt: next.performed?.start ?? event.at,
        reviewDueAt: e.data.reviewDueAt,
      };
    case 'change.record_completed':
      return { ...next, recordCompletedAt: event.at };
    case 'change.completed':
      return {
        ...next,
        state: 'review',
        outcome: e.data.outcome,
        outcomeNotes: e.data.notes,
        verification: e.data.verification,
        completedAt: event.at,
      };
    case 'change.reviewed':
      return { ...next, review: { ...e.data.review, reviewer: event.actor.id, at: event.at } };
    case 'change.closed':
      return { ...next, state: 'closed', closedAt: event.at };
    case 'change.cancelled':
      return { ...next, state: 'cancelled', cancelReason: e.data.reason, closedAt: event.at };
    case 'change.deployment_noted':
      return { ...next, deploymentNotes: [...(next.deploymentNotes ?? []), e.data] };
    case 'change.break_glass':
      return {
        ...next,
        state: 'implementing',
        implementedBy: event.actor.id,
        startedAt: event.at,
        recordDueAt: e.data.recordDueAt,
        reviewDueAt: e.data.reviewDueAt,
        recordCompletedAt: (next.assessment?.missing ?? []).length === 0 ? event.at : null,
        breakGlass: { reason: e.data.reason, claimed: e.data.claimed, by: event.actor.id, at: event.at },
      };
    case 'change.command_refused':
      // A refusal is evidence, not a state change.
      return change;
    case 'change.created':
      throw new Error('unreachable');
  }
}
