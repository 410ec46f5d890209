// Which actions a change page offers the signed-in user, and why one is held back when segregation of duties
// or the change's window holds it. It follows the domain's rules (change-decide.ts, review.ts): what the state
// allows, who stewards the change (requester, owner, implementer, change manager), who approved it. A guide
// only: the API decides, and any refusal it gives is shown as it comes.
import type { ChangeView, UserView } from '../../../src/client/api-client.ts';
import { isSteward, roleAllows } from '../app/access.ts';

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

const CANCELLABLE = ['draft', 'awaiting_approval', 'approved', 'scheduled'];
/** Changes whose review must come from someone who neither requested nor implemented them. */
const INDEPENDENT_REVIEW = ['emergency', 'unauthorized'];

const localTime = (d: Date) => d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Why this user may not decide on this change, in the second person; null when nothing bars them. */
export function dutyBar(c: ChangeView, u: UserView): string | null {
  const me = u.username;
  if (u.kind !== 'human') return 'an account that is not a person approves nothing';
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

/** Approvals given and not withdrawn: their approvers may not also implement the change. */
const approvedBy = (c: ChangeView) =>
  c.approvals.filter((a) => a.decision === 'approved' && a.withdrawnAt === null).map((a) => a.approver);

export interface Offer {
  /** The actions to offer now. */
  actions: Action[];
  /** Actions the state would allow this user but something holds back, each with why (second person). */
  held: { action: Action; why: string }[];
}

/** What to offer this user on this change at `now`, and what is held back and why. */
export function offer(c: ChangeView, u: UserView, now = new Date()): Offer {
  const actions: Action[] = [];
  const held: Offer['held'] = [];
  if (!roleAllows(u, 'change.work')) return { actions, held };
  const mine = isSteward(c, u);
  if (c.state === 'draft' && mine) actions.push('submit');
  if (c.state === 'awaiting_approval') {
    const bar = dutyBar(c, u);
    if (bar) held.push({ action: 'approve', why: `You cannot approve or reject: ${bar}.` });
    else if (myOpenGroups(c, u).length > 0) actions.push('approve', 'reject');
    else if (u.groups.length > 0)
      held.push({ action: 'approve', why: 'None of your groups still owes a decision on this change.' });
  }
  if ((c.state === 'approved' || c.state === 'scheduled') && mine) actions.push('schedule');
  const direct = c.type === 'emergency' || c.proposedPolicy !== null;
  const startable = c.state === 'scheduled' || (direct && c.state === 'approved');
  const implementer =
    c.implementer === u.username ||
    (roleAllows(u, 'change.implement') && (c.implementer === null || roleAllows(u, 'change.manage')));
  if (startable && implementer) {
    const opens = c.state === 'scheduled' && c.window ? new Date(c.window.start) : null;
    const closes = c.state === 'scheduled' && c.window ? new Date(c.window.end) : null;
    if (approvedBy(c).includes(u.username))
      held.push({
        action: 'start',
        why: 'You cannot start it: you approved it, and an approver may not implement.',
      });
    else if (opens && now < opens)
      held.push({ action: 'start', why: `It can start once its window opens, ${localTime(opens)}.` });
    else if (closes && now > closes)
      held.push({ action: 'start', why: 'Its window has closed: schedule it again to start it.' });
    else actions.push('start');
  }
  if (c.state === 'implementing' && (c.implementedBy === u.username || mine)) actions.push('complete');
  if (c.state === 'review' && !c.review) {
    if (INDEPENDENT_REVIEW.includes(c.type)) {
      const self =
        c.requester === u.username
          ? 'you requested it'
          : c.implementer === u.username || c.implementedBy === u.username
            ? 'you implemented it'
            : null;
      if (self)
        held.push({ action: 'review', why: `You cannot review it: ${self}; someone independent must.` });
      else if (u.kind === 'human') actions.push('review');
    } else if (c.implementedBy === u.username || mine) actions.push('review');
  }
  if (c.state === 'review' && (c.review || !c.reviewRequired) && (mine || c.implementedBy === u.username))
    actions.push('close');
  if (CANCELLABLE.includes(c.state) && mine) actions.push('cancel');
  return { actions, held };
}

/** The actions to offer: the state allows them and the user's roles and the change's people permit them. */
export function offeredActions(c: ChangeView, u: UserView): Action[] {
  return offer(c, u).actions;
}

/** What each action asks for before it is sent (schedule has a form of its own). */
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
