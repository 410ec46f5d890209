// What the GitHub and GitLab connectors are told by the server's configuration (src/config.ts), apart from
// their secrets, which reach them by name through `ConnectorContext.secret` (webhook secrets, tokens, keys).

import type { K8sAdmissionSettings } from './k8s-admission/settings.ts';

/** Names under which the connectors ask for their secrets. */
export const CONNECTOR_SECRET_NAMES = {
  githubWebhook: 'github.webhook-secret',
  githubToken: 'github.token',
  githubAppPrivateKey: 'github.app-private-key',
  gitlabWebhook: 'gitlab.webhook-token',
  gitlabToken: 'gitlab.token',
} as const;

/** How long to wait before each retry of a call back to the forge (after the first attempt). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [2_000, 10_000, 60_000, 300_000, 900_000];

export interface GitHubSettings {
  /** REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl: string;
  /** The GitHub App's id; with its private key, the connector authenticates as the App's installation. */
  appId: string | undefined;
  /** GitHub environment name → our environment; a name not listed is used as it is. */
  environments: Readonly<Record<string, string>>;
  /** `owner/repo` → our service; unlisted, the deployment payload's `service`, else the repository name. */
  services: Readonly<Record<string, string>>;
  retryDelaysMs: readonly number[];
}

export interface GitLabSettings {
  /** GitLab's address, e.g. https://gitlab.example.com; the API is below /api/v4. */
  url: string | undefined;
  /** GitLab environment name → our environment; a name not listed is used as it is. */
  environments: Readonly<Record<string, string>>;
  /** Project path (`group/project`) → our service; unlisted, the project's name. */
  services: Readonly<Record<string, string>>;
  /** Start the deployment job once approved: GitLab leaves a manual job waiting after approval. */
  playApproved: boolean;
  /** Projects (ids or paths) whose blocked deployments a job polls, for GitLab versions without the hook. */
  pollProjects: readonly string[];
  pollSeconds: number;
  retryDelaysMs: readonly number[];
}

export interface ConnectorSettings {
  github: GitHubSettings;
  gitlab: GitLabSettings;
  /** The Kubernetes cluster the admission webhook gates; unset, it denies everything it would gate. */
  'k8s-admission'?: K8sAdmissionSettings;
}

export const DEFAULT_CONNECTOR_SETTINGS: ConnectorSettings = {
  github: {
    apiUrl: 'https://api.github.com',
    appId: undefined,
    environments: {},
    services: {},
    retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
  },
  gitlab: {
    url: undefined,
    environments: {},
    services: {},
    playApproved: false,
    pollProjects: [],
    pollSeconds: 60,
    retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
  },
};
