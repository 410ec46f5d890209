// Which actions a change page offers the signed-in user, and why approving is barred when segregation of duties
// bars it. A guide only: the API decides, and its refusal (codes like sod_requester) is shown as it comes.
import type { ChangeView, UserView } from '../../../src/client/api-client.ts';

export const ACTIONS = [
  'submit',
  'approve',
  'reject',
  'schedule',
  'start',
  'complete',
  'review',
  'close',
  'cancel',
] as const;
export type Action = (typeof ACTIONS)[number];

const MANAGERS = ['admin', 'change_manager'];
const WORKERS = [...MANAGERS, 'requester', 'implementer', 'approver'];
const IMPLEMENTERS = [...MANAGERS, 'implementer'];
const CANCELLABLE = ['draft', 'awaiting_approval', 'approved', 'scheduled'];

const has = (u: UserView, roles: string[]) => u.roles.some((r) => roles.includes(r));

/** Why this user may not decide on this change, in the second person; null when nothing bars them. */
export function dutyBar(c: ChangeView, u: UserView): string | null {
  const me = u.username;
  if (c.requester === me) return 'you requested this change';
  if (c.lastEditor === me) return 'you last edited this change';
  if (c.authors.includes(me)) return 'you wrote a revision of this change';
  if (c.implementer === me) return 'you are its implementer';
  return null;
}

/** The approver groups that still owe a decision and that this user can give. */
export function myOpenGroups(c: ChangeView, u: UserView): string[] {
  return c.approvalStatus.requirements
    .filter((r) => r.remaining > 0 && !r.approvedBy.includes(u.username))
    .filter((r) => u.groups.includes(r.group) || r.group === `person:${u.username}`)
    .map((r) => r.group);
}

/** The actions to offer: the state allows them and the user's roles grant them. */
export function offeredActions(c: ChangeView, u: UserView): Action[] {
  const mine = c.requester === u.username || has(u, MANAGERS);
  const implementer = c.implementer === u.username || has(u, MANAGERS);
  const out: Action[] = [];
  if (!has(u, WORKERS)) return out;
  if (c.state === 'draft' && mine) out.push('submit');
  if (c.state === 'awaiting_approval') out.push('approve', 'reject');
  if (c.state === 'approved' && has(u, IMPLEMENTERS)) out.push('schedule');
  if ((c.state === 'approved' || c.state === 'scheduled') && implementer && has(u, IMPLEMENTERS))
    out.push('start');
  if (c.state === 'implementing' && implementer) out.push('complete');
  if (c.state === 'review' && !c.review) out.push('review');
  if (c.state === 'review' && (c.review || !c.reviewRequired)) out.push('close');
  if (CANCELLABLE.includes(c.state) && mine) out.push('cancel');
  return out;
}

/** What each action asks for before it is sent. */
export const INPUT: Partial<Record<Action, { label: string; required: boolean }>> = {
  approve: { label: 'Comment', required: false },
  reject: { label: 'Why you reject it', required: true },
  complete: { label: 'Notes', required: false },
  review: { label: 'Summary of what happened', required: true },
  cancel: { label: 'Why the change is cancelled', required: true },
};

/** The body the API takes for an action, from the one text field (and outcome) the form has. */
export function actionBody(action: Action, text: string, outcome: string): unknown {
  switch (action) {
    case 'approve':
    case 'reject':
      return { comment: text };
    case 'complete':
      return { outcome, notes: text };
    case 'review':
      return { summary: text };
    case 'cancel':
      return { reason: text };
    default:
      return undefined;
  }
}
