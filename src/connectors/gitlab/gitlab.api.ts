// Calls to GitLab's REST API (v4) with a token: the project's blocked deployments, a deployment approval
// (approved or rejected, with a comment), and playing a manual job once approved.
import type { ApprovalDecision } from '../../domain/vocabulary.ts';
import { callForge, ForgeCallFailed } from '../callback.ts';
import { CONNECTOR_SECRET_NAMES } from '../settings.ts';
import type { GitLabSettings } from '../settings.ts';

/** GitLab's statuses are our approval decisions' words. */
export type ApprovalStatus = ApprovalDecision;

export interface GitLabApi {
  readonly configured: boolean;
  get(path: string): Promise<unknown>;
  approve(project: number, deployment: number, status: ApprovalStatus, comment: string): Promise<void>;
  play(project: number, job: number): Promise<void>;
}

/** A project id or path as the API takes it in a path segment (`group/project` → `group%2Fproject`). */
export const projectRef = (project: string | number) => encodeURIComponent(String(project));

export function gitLabApi(settings: GitLabSettings, secret: (name: string) => string | undefined): GitLabApi {
  const root = settings.url ? `${settings.url}/api/v4` : undefined;
  const call = (path: string, method: 'GET' | 'POST', body?: unknown) => {
    const token = secret(CONNECTOR_SECRET_NAMES.gitlabToken);
    if (!root || !token)
      throw new ForgeCallFailed(
        'set CHANGEPROOF_GITLAB_URL and CHANGEPROOF_GITLAB_TOKEN to answer GitLab',
        400,
      );
    return callForge(`${root}${path}`, { method, headers: { 'private-token': token }, body });
  };
  return {
    get configured() {
      return root !== undefined && secret(CONNECTOR_SECRET_NAMES.gitlabToken) !== undefined;
    },
    get: (path) => call(path, 'GET'),
    async approve(project, deployment, status, comment) {
      await call(`/projects/${project}/deployments/${deployment}/approval`, 'POST', { status, comment });
    },
    async play(project, job) {
      await call(`/projects/${project}/jobs/${job}/play`, 'POST');
    },
  };
}
