// Implementation windows under the policy: no longer than `windows.maxLength`, and once approvers have
// agreed a window, moving it beyond `windows.moveTolerance` sends the change back for approval.
import type { Change, Window } from './change.ts';
import type { Refusal } from './events.ts';
import type { Policy } from '../policy/types.ts';

const MINUTE = 60_000;

export function formatMinutes(minutes: number): string {
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** Refusals for a window that is malformed or longer than the policy allows. */
export function windowRefusals(window: Window, policy: Policy): Refusal[] {
  const length = (Date.parse(window.end) - Date.parse(window.start)) / MINUTE;
  if (length <= 0) return [{ code: 'invalid_window', message: 'the window must end after it starts' }];
  const max = policy.windows.maxLengthMinutes;
  if (length > max)
    return [
      {
        code: 'window_too_long',
        message: `the window lasts ${formatMinutes(Math.ceil(length))}; the policy allows at most ${formatMinutes(max)} (windows.maxLength)`,
      },
    ];
  return [];
}

/**
 * Whether moving to `next` needs approval again: the policy asks for it, approvers agreed a window, and
 * `next` does not lie within that window widened by the tolerance on each side.
 */
export function moveNeedsReapproval(change: Change, next: Window, policy: Policy): boolean {
  const agreed = change.agreedWindow ?? null;
  if (!policy.windows.reapproveOnMove || agreed === null) return false;
  const slack = policy.windows.moveToleranceMinutes * MINUTE;
  return (
    Date.parse(next.start) < Date.parse(agreed.start) - slack ||
    Date.parse(next.end) > Date.parse(agreed.end) + slack
  );
}
