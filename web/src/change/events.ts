// What one event of a change's history says, in a line: the part of its data a reader needs (the comment,
// the window, the outcome, the gate's reasons, why a command was refused).
import type { ChangeEvents } from '../../../src/client/api-client.ts';
import { label } from '../changes/ChangeTable.tsx';

type Event = ChangeEvents['items'][number];

/** `change.approval_granted` → "approval granted"; `gate.decided` → "gate decided". */
export const what = (type: string) => label(type.replace(/^change\./, '').replace('.', ' '));

const local = (at: string) =>
  new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const reasons = (rs: { message: string }[]) => rs.map((r) => r.message).join('; ');

/** The detail line of an event, or null when its type says it all. */
export function detail(e: Event): string | null {
  switch (e.type) {
    case 'change.command_refused':
      return `${label(e.data.command)} refused: ${reasons(e.data.reasons)}`;
    case 'change.submitted':
      return `rated ${e.data.assessment.rating}`;
    case 'change.approval_granted':
    case 'change.rejected':
      return [`for ${e.data.group.replace(/^person:/, '')}`, e.data.comment].filter(Boolean).join(': ');
    case 'change.scheduled': {
      const clashes = e.data.conflicts ?? [];
      const window = `${local(e.data.window.start)} to ${local(e.data.window.end)}`;
      return clashes.length ? `${window}; conflicts: ${reasons(clashes)}` : window;
    }
    case 'change.approvals_withdrawn':
    case 'change.approvals_lapsed':
      return e.data.reason;
    case 'change.completed':
      return [label(e.data.outcome), e.data.notes].filter(Boolean).join(': ');
    case 'change.reviewed':
      return e.data.review.summary;
    case 'change.cancelled':
      return e.data.reason;
    case 'change.owner_reassigned':
      return `to ${e.data.owner}`;
    case 'change.deployment_noted':
      return `${label(e.data.kind)} ${e.data.ref}: ${e.data.detail}`;
    case 'gate.decided':
      return `${e.data.decision} for ${e.data.service} in ${e.data.environment} (${e.data.source})${
        e.data.reasons.length ? `: ${reasons(e.data.reasons)}` : ''
      }`;
    default:
      return null;
  }
}
