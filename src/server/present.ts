// Turns use-case results into HTTP outcomes: the resource as it now is, or the recorded refusal.
import type { Change } from '../domain/change.ts';
import type { Live } from '../domain/standing.ts';
import { Refused } from '../modules/changes/changes.service.ts';
import { toView } from '../modules/changes/change-view.ts';
import type { Policy } from '../policy/types.ts';
import { refusalError } from './errors.ts';
import type { Outcome } from './idempotency.ts';

export function presentChange(
  result: Change | Refused,
  policy: Policy,
  now: Date,
  status = 200,
  live: Live | null = null,
): Outcome {
  if (result instanceof Refused) return refusalError(result.refusals);
  return { status, body: toView(result, now.toISOString(), policy, live) };
}
