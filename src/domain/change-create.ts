// Raising a change. Standard changes come from a template of the active policy and are pre-approved, so
// they are checked against the template's scope, maximum risk and the policy's required fields here, before
// they exist (and again on every edit and when they start).
import type { Actor } from './actor.ts';
import type { Assessment, ChangeContent, Window } from './change.ts';
import type { ChangeEvent, Refusal } from './events.ts';
import { roleAllows } from './permissions.ts';
import { revisionHash } from './revision.ts';
import type { Policy } from '../policy/types.ts';
import { emergencyRequestRefusals } from './emergency.ts';
import { standardRefusals } from './template.ts';
import type { RequestedChangeType } from './vocabulary.ts';
import { windowRefusals } from './window.ts';
import { conflictRefusals, type Conflict } from './conflicts.ts';

export interface CreateChange {
  number: number;
  type: RequestedChangeType;
  template: string | null;
  content: ChangeContent;
  assessment: Assessment;
  window: Window | null;
  /** A standard change raised into a window: its scheduling conflicts, and the next free slot when one is hard. */
  conflicts?: Conflict[];
  freeSlot?: Window | null;
  /** When the change is raised (to check that work recorded as done lies in the past). */
  now?: string;
}

export type CreateDecision = { ok: true; event: ChangeEvent } | { ok: false; refusals: Refusal[] };

export function decideCreate(input: CreateChange, actor: Actor, policy: Policy): CreateDecision {
  const refusals: Refusal[] = [];
  if (!roleAllows(actor, 'change.create'))
    refusals.push({
      code: 'forbidden',
      message: `${actor.id} may not raise changes (needs the requester role)`,
    });
  if (input.type === 'standard') {
    refusals.push(...standardRefusals(input.template, input.content.services, input.assessment, policy));
  } else if (input.template !== null) {
    refusals.push({
      code: 'template_needs_standard',
      message: 'templates are for standard changes; set type to standard',
    });
  }
  refusals.push(...emergencyRequestRefusals(input.type, input.content, policy, input.now ?? null, false));
  if (input.window) refusals.push(...windowRefusals(input.window, policy));
  if (input.window && input.type !== 'standard')
    refusals.push({
      code: 'invalid_window',
      message: 'schedule a normal change after it is approved; propose a window with proposedWindow',
    });
  refusals.push(...conflictRefusals(input.conflicts ?? [], input.freeSlot ?? null));
  if (refusals.length > 0) return { ok: false, refusals };
  const conflicts = input.conflicts ?? [];
  return {
    ok: true,
    event: {
      type: 'change.created',
      data: {
        number: input.number,
        changeType: input.type,
        template: input.template,
        content: input.content,
        revisionHash: revisionHash(input.content),
        assessment: input.assessment,
        window: input.window,
        ...(conflicts.length > 0 ? { conflicts } : {}),
      },
    },
  };
}
