// The CLI's view of the shared API client (src/client): the same typed calls, with every ApiError turned into
// a CliError whose exit code says what kind of failure it was.
import {
  ApiClient as SharedClient,
  normaliseUrl as normalise,
  type ClientConfig,
} from '../client/api-client.ts';
import { ApiError } from '../client/errors.ts';
import { CliError, EXIT_REFUSED, EXIT_USAGE } from './exit.ts';

export {
  DEFAULT_URL,
  type CalendarView,
  type FeedTokenView,
  type FreeSlotView,
  type ChangeContent,
  type ChangeEvents,
  type ChangeList,
  type ChangeView,
  type BreakGlassView,
  type DeploymentList,
  type DeploymentView,
  type GateDecisionView,
  type CreateChangeInput,
  type FollowUpList,
  type FollowUpView,
  type LateApprovalList,
  type ListQuery,
  type PolicyVersionView,
  type ServiceView,
  type TokenView,
  type UserView,
} from '../client/api-client.ts';

/** Exit code for an API error: bad input and authentication are usage (2), refusals and 404 are 1. */
export function exitCodeFor(status: number, code: string): number {
  if (code === 'policy_invalid') return EXIT_REFUSED; // a failed check, like `policy check`
  if ([400, 401, 413, 415].includes(status)) return EXIT_USAGE;
  if (status >= 400 && status < 500 && status !== 429) return EXIT_REFUSED;
  return EXIT_USAGE; // 429 and 5xx: the server could not do it; nothing was refused; 0: no answer at all
}

function cliError(err: unknown): unknown {
  return err instanceof ApiError
    ? new CliError(err.message, exitCodeFor(err.status, err.code), err.body, err.status)
    : err;
}

/** Accepts http://host:port, with or without a trailing slash or /api/v1. */
export function normaliseUrl(url: string): string {
  try {
    return normalise(url);
  } catch (err) {
    throw cliError(err);
  }
}

export class ApiClient extends SharedClient {
  constructor(config: ClientConfig) {
    super({ ...config, url: normaliseUrl(config.url) });
  }

  override async request<T>(...args: Parameters<SharedClient['request']>): Promise<T> {
    try {
      return await super.request<T>(...args);
    } catch (err) {
      throw cliError(err);
    }
  }
}
