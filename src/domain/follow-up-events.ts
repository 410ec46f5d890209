// The events of follow-ups, part of the closed union in events.ts.
import type { FollowUpKind } from './vocabulary.ts';

export type FollowUpEvent =
  | {
      type: 'follow_up.opened';
      data: {
        number: number;
        changeId: string;
        kind: FollowUpKind;
        title: string;
        owner: string;
        dueAt: string;
      };
    }
  | { type: 'follow_up.reassigned'; data: { owner: string; dueAt: string; note: string } }
  | { type: 'follow_up.done'; data: { note: string; reference: string | null } }
  | { type: 'follow_up.cancelled'; data: { note: string } };
