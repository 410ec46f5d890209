// Break-glass: a deployment forced past the gate is never a silent exception. It raises an emergency change,
// under way from that moment and authorized by nobody, that owes its record and its review by the policy's
// emergency deadlines (so it shows in the overdue list when late); the change it claimed, if any, notes it.
import { emptyContent, type Assessment, type ChangeContent } from './change.ts';
import { addMinutes } from './minutes.ts';
import { changeId } from './change-evolve.ts';
import type { ChangeEvent } from './events.ts';
import { revisionHash } from './revision.ts';

export interface BreakGlassRequest {
  /** The change it claimed, when that change exists. */
  claimed: string | null;
  service: string;
  environment: string;
  artifacts: string[];
  reason: string;
  pipelineUrl: string | null;
  /** Whether the service is in the catalogue: only catalogued services go on a change. */
  catalogued: boolean;
}

/** The emergency change's content: what is known now; the rest is owed. */
export function breakGlassContent(r: BreakGlassRequest): ChangeContent {
  const where = `${r.service} (${r.environment})`;
  return {
    ...emptyContent(),
    title: `Break-glass deployment to ${where}`,
    description: [
      `Deployed past the deployment gate to ${where}: ${r.artifacts.join(', ')}.`,
      r.claimed ? `It claimed ${r.claimed}.` : 'It claimed no change.',
      r.pipelineUrl ? `Pipeline: ${r.pipelineUrl}` : '',
    ]
      .filter((s) => s !== '')
      .join(' '),
    reason: r.reason,
    services: r.catalogued ? [r.service] : [],
    artifacts: r.artifacts,
    emergencyJustification: r.reason,
    origin: 'automation',
  };
}

export interface BreakGlassEvents {
  id: string;
  created: ChangeEvent;
  broken: ChangeEvent;
}

/** The emergency change raised for a forced deployment, numbered `number`, at `now`. */
export function breakGlassEvents(
  number: number,
  content: ChangeContent,
  assessment: Assessment,
  r: BreakGlassRequest,
  deadlines: { emergencyRecordMinutes: number; emergencyReviewMinutes: number },
  now: string,
): BreakGlassEvents {
  return {
    id: changeId(number),
    created: {
      type: 'change.created',
      data: {
        number,
        changeType: 'emergency',
        template: null,
        content,
        revisionHash: revisionHash(content),
        assessment,
        window: null,
      },
    },
    broken: {
      type: 'change.break_glass',
      data: {
        reason: r.reason,
        claimed: r.claimed,
        recordDueAt: addMinutes(now, deadlines.emergencyRecordMinutes),
        reviewDueAt: addMinutes(now, deadlines.emergencyReviewMinutes),
      },
    },
  };
}
