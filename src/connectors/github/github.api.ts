// Calls to GitHub's REST API: as the GitHub App's installation (a JWT signed with the App's key, exchanged
// for an installation token by @octokit/auth-app, which caches it until it nears expiry) or with a token.
// The API root is configurable, for GitHub Enterprise Server.
import type { ApprovalDecision } from '../../domain/vocabulary.ts';
import { createAppAuth } from '@octokit/auth-app';
import { request } from '@octokit/request';
import { callForge, ForgeCallFailed } from '../callback.ts';
import { CONNECTOR_SECRET_NAMES } from '../settings.ts';
import type { GitHubSettings } from '../settings.ts';

/** GitHub's states are our approval decisions' words. */
export type ProtectionState = ApprovalDecision;

export interface GitHubApi {
  /** Whether any credential is configured: without one we can decide but not answer. */
  readonly configured: boolean;
  /** Answers a run's deployment protection rule (POST …/actions/runs/{run_id}/deployment_protection_rule). */
  review(
    callbackUrl: string,
    installationId: number | undefined,
    body: { environment_name: string; state: ProtectionState; comment: string },
  ): Promise<void>;
  /** The full message of a commit, or null when it cannot be read. */
  commitMessage(repo: string, sha: string, installationId: number | undefined): Promise<string | null>;
}

export function gitHubApi(settings: GitHubSettings, secret: (name: string) => string | undefined): GitHubApi {
  const privateKey = secret(CONNECTOR_SECRET_NAMES.githubAppPrivateKey);
  const app =
    settings.appId && privateKey
      ? createAppAuth({
          appId: settings.appId,
          privateKey,
          request: request.defaults({ baseUrl: settings.apiUrl }),
        })
      : null;

  async function authorization(installationId: number | undefined): Promise<string> {
    if (app && installationId !== undefined) {
      try {
        const { token } = await app({ type: 'installation', installationId });
        return `token ${token}`;
      } catch (err) {
        const status = (err as { status?: unknown }).status;
        throw new ForgeCallFailed(
          `no installation token for installation ${installationId}: ${(err as Error).message}`,
          typeof status === 'number' ? status : null,
        );
      }
    }
    const token = secret(CONNECTOR_SECRET_NAMES.githubToken);
    if (token) return `Bearer ${token}`;
    throw new ForgeCallFailed(
      app
        ? 'the delivery names no installation, and no CHANGEPROOF_GITHUB_TOKEN is set'
        : 'no GitHub credential: set CHANGEPROOF_GITHUB_APP_ID with its key, or CHANGEPROOF_GITHUB_TOKEN',
      400,
    );
  }

  const headers = async (installationId: number | undefined) => ({
    authorization: await authorization(installationId),
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  });

  return {
    configured: app !== null || secret(CONNECTOR_SECRET_NAMES.githubToken) !== undefined,
    async review(callbackUrl, installationId, body) {
      // The URL comes in a signed delivery, but a credential is only ever sent to the API we were given.
      if (!callbackUrl.startsWith(`${settings.apiUrl}/`))
        throw new ForgeCallFailed(
          `the callback URL ${callbackUrl} is not below ${settings.apiUrl} (CHANGEPROOF_GITHUB_API_URL)`,
          400,
        );
      await callForge(callbackUrl, { headers: await headers(installationId), body });
    },
    async commitMessage(repo, sha, installationId) {
      if (!this.configured || !/^[0-9a-f]{7,64}$/i.test(sha)) return null;
      try {
        const commit = await callForge(`${settings.apiUrl}/repos/${repo}/commits/${sha}`, {
          method: 'GET',
          headers: await headers(installationId),
        });
        const message = (commit as { commit?: { message?: unknown } } | null)?.commit?.message;
        return typeof message === 'string' ? message : null;
      } catch {
        return null;
      }
    },
  };
}
