// Configuration from the environment, validated once at start; a bad value stops the process with a message.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  K8S_ADMISSION_ENV,
  K8S_ADMISSION_SOURCE,
  k8sAdmissionSettings,
} from './connectors/k8s-admission/settings.ts';
import {
  CONNECTOR_SECRET_NAMES as SECRET,
  DEFAULT_CONNECTOR_SETTINGS,
  type ConnectorSettings,
} from './connectors/settings.ts';

/** `a=b,c=d` → { a: 'b', c: 'd' }: the forge connectors' environment and service maps. */
const Pairs = z
  .string()
  .regex(
    /^\s*[^=,\s]+\s*=\s*[^=,\s]+\s*(,\s*[^=,\s]+\s*=\s*[^=,\s]+\s*)*$/,
    'write name=value pairs, comma-separated, e.g. production=prod,staging=staging',
  )
  .transform((s) =>
    Object.fromEntries(s.split(',').map((pair) => pair.split('=').map((x) => x.trim()) as [string, string])),
  );
const HttpUrl = z
  .string()
  .regex(
    /^https?:\/\/[^\s]+[^/\s]$/,
    'an http(s) URL without a trailing slash, e.g. https://gitlab.example.com',
  );
const Flag = z.enum(['0', '1', 'true', 'false']);
const isOn = (flag: string | undefined) => flag === '1' || flag === 'true';

const Env = z
  .object({
    CHANGEPROOF_HOST: z.string().min(1).default('127.0.0.1'),
    CHANGEPROOF_PORT: z.coerce.number().int().min(0).max(65535).default(8320),
    CHANGEPROOF_DATA: z.string().min(1).default('./data'),
    CHANGEPROOF_POLICY: z.string().min(1).optional(),
    CHANGEPROOF_LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    CHANGEPROOF_BODY_LIMIT: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    CHANGEPROOF_LEDGER_KEY_FILE: z.string().min(1).optional(),
    CHANGEPROOF_LOG_ORIGIN: z
      .string()
      .regex(
        /^[^\s+]+$/,
        'CHANGEPROOF_LOG_ORIGIN is a name without spaces or "+", e.g. changeproof.example.com/prod',
      )
      .optional(),
    CHANGEPROOF_WITNESSES: z.string().optional(),
    CHANGEPROOF_DEMO: z.enum(['0', '1', 'true', 'false']).default('0'),
    CHANGEPROOF_LOGIN_LIMIT: z.coerce.number().int().min(1).max(10_000).default(10),
    CHANGEPROOF_SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int('CHANGEPROOF_SESSION_IDLE_MINUTES is a whole number of minutes')
      .min(1, 'CHANGEPROOF_SESSION_IDLE_MINUTES is at least 1')
      .max(720, 'CHANGEPROOF_SESSION_IDLE_MINUTES is at most 720 (sessions end after 12 hours anyway)')
      .default(30),
    CHANGEPROOF_IDEMPOTENCY_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    CHANGEPROOF_TRUST_PROXY: z
      .string()
      .regex(
        /^(true|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/,
        "CHANGEPROOF_TRUST_PROXY is true (every proxy) or the proxies' addresses/CIDRs, comma-separated",
      )
      .optional(),
    CHANGEPROOF_GITHUB_WEBHOOK_SECRET: z
      .string()
      .min(16, 'CHANGEPROOF_GITHUB_WEBHOOK_SECRET: at least 16 characters')
      .optional(),
    CHANGEPROOF_GITHUB_API_URL: HttpUrl.default(DEFAULT_CONNECTOR_SETTINGS.github.apiUrl),
    CHANGEPROOF_GITHUB_APP_ID: z
      .string()
      .regex(/^\d+$/, "CHANGEPROOF_GITHUB_APP_ID is the App's numeric id")
      .optional(),
    CHANGEPROOF_GITHUB_APP_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    CHANGEPROOF_GITHUB_TOKEN: z.string().min(1).optional(),
    CHANGEPROOF_GITHUB_ENVIRONMENTS: Pairs.optional(),
    CHANGEPROOF_GITHUB_SERVICES: Pairs.optional(),
    CHANGEPROOF_GITLAB_URL: HttpUrl.optional(),
    CHANGEPROOF_GITLAB_WEBHOOK_TOKEN: z
      .string()
      .min(16, 'CHANGEPROOF_GITLAB_WEBHOOK_TOKEN: at least 16 characters')
      .optional(),
    CHANGEPROOF_GITLAB_TOKEN: z.string().min(1).optional(),
    CHANGEPROOF_GITLAB_ENVIRONMENTS: Pairs.optional(),
    CHANGEPROOF_GITLAB_SERVICES: Pairs.optional(),
    CHANGEPROOF_GITLAB_PLAY_APPROVED: Flag.default('0'),
    CHANGEPROOF_GITLAB_POLL_PROJECTS: z.string().optional(),
    CHANGEPROOF_GITLAB_POLL_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
      .optional(),
    CHANGEPROOF_TLS_CERT: z.string().min(1).optional(),
    CHANGEPROOF_TLS_KEY: z.string().min(1).optional(),
    ...K8S_ADMISSION_ENV,
  })
  .refine((e) => (e.CHANGEPROOF_TLS_CERT === undefined) === (e.CHANGEPROOF_TLS_KEY === undefined), {
    path: ['CHANGEPROOF_TLS_CERT'],
    message:
      'set CHANGEPROOF_TLS_CERT and CHANGEPROOF_TLS_KEY together (PEM files), or neither for plain HTTP',
  });

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  policyFile: string | undefined;
  logLevel: z.infer<typeof Env>['CHANGEPROOF_LOG_LEVEL'];
  bodyLimit: number;
  databaseUrl: string | undefined;
  /** The ledger's signing key file (created at init when missing). */
  ledgerKeyFile: string;
  /** Origin (and key name) of a new log. */
  logOrigin: string | undefined;
  /** Witness verifier keys (tlog-cosignature/v1) whose cosignatures are accepted. */
  witnesses: string[];
  /** Seed a fresh instance with demo services, people and changes. */
  demo: boolean;
  /** Failed sign-ins allowed per account and address in 15 minutes. */
  loginLimit: number;
  /** Which proxies' X-Forwarded-For to believe: none (false), all (true), or those at these addresses. */
  trustProxy: boolean | string[];
  /** Minutes after which an unused session ends. */
  sessionIdleMinutes: number;
  /** Hours an Idempotency-Key and its answer are remembered. */
  idempotencyHours: number;
  /** Serve HTTPS with these PEM files (certificate chain, private key); plain HTTP when null. */
  tls: { certFile: string; keyFile: string } | null;
  /** What the connectors are told, apart from their secrets (GitHub, GitLab, the Kubernetes cluster). */
  connectors: ConnectorSettings;
  /** The connectors' secrets by name (`CONNECTOR_SECRET_NAMES`): webhook secrets, tokens, the App's key. */
  connectorSecrets: Record<string, string>;
}

function trustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined) return false;
  if (value === 'true') return true;
  return value.split(',').map((s) => s.trim());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    host: e.CHANGEPROOF_HOST,
    port: e.CHANGEPROOF_PORT,
    dataDir: resolve(e.CHANGEPROOF_DATA),
    policyFile: e.CHANGEPROOF_POLICY,
    logLevel: e.CHANGEPROOF_LOG_LEVEL,
    bodyLimit: e.CHANGEPROOF_BODY_LIMIT,
    databaseUrl: e.DATABASE_URL,
    ledgerKeyFile: resolve(e.CHANGEPROOF_LEDGER_KEY_FILE ?? `${e.CHANGEPROOF_DATA}/ledger.key`),
    logOrigin: e.CHANGEPROOF_LOG_ORIGIN,
    witnesses: (e.CHANGEPROOF_WITNESSES ?? '').split(/[\s,]+/).filter(Boolean),
    demo: e.CHANGEPROOF_DEMO === '1' || e.CHANGEPROOF_DEMO === 'true',
    loginLimit: e.CHANGEPROOF_LOGIN_LIMIT,
    trustProxy: trustProxy(e.CHANGEPROOF_TRUST_PROXY),
    sessionIdleMinutes: e.CHANGEPROOF_SESSION_IDLE_MINUTES,
    idempotencyHours: e.CHANGEPROOF_IDEMPOTENCY_HOURS,
    tls:
      e.CHANGEPROOF_TLS_CERT && e.CHANGEPROOF_TLS_KEY
        ? { certFile: resolve(e.CHANGEPROOF_TLS_CERT), keyFile: resolve(e.CHANGEPROOF_TLS_KEY) }
        : null,
    ...connectorConfig(e),
  };
}

function connectorConfig(e: z.infer<typeof Env>): Pick<Config, 'connectors' | 'connectorSecrets'> {
  const { github, gitlab } = DEFAULT_CONNECTOR_SETTINGS;
  if (e.CHANGEPROOF_GITLAB_POLL_PROJECTS && !(e.CHANGEPROOF_GITLAB_URL && e.CHANGEPROOF_GITLAB_TOKEN))
    throw new Error(
      'invalid configuration:\n  CHANGEPROOF_GITLAB_POLL_PROJECTS needs CHANGEPROOF_GITLAB_URL and CHANGEPROOF_GITLAB_TOKEN',
    );
  if (!e.CHANGEPROOF_GITHUB_APP_ID !== !e.CHANGEPROOF_GITHUB_APP_PRIVATE_KEY_FILE)
    throw new Error(
      'invalid configuration:\n  CHANGEPROOF_GITHUB_APP_ID and CHANGEPROOF_GITHUB_APP_PRIVATE_KEY_FILE go together',
    );
  const secrets: Record<string, string | undefined> = {
    [SECRET.githubWebhook]: e.CHANGEPROOF_GITHUB_WEBHOOK_SECRET,
    [SECRET.githubToken]: e.CHANGEPROOF_GITHUB_TOKEN,
    [SECRET.githubAppPrivateKey]:
      e.CHANGEPROOF_GITHUB_APP_PRIVATE_KEY_FILE && readKey(e.CHANGEPROOF_GITHUB_APP_PRIVATE_KEY_FILE),
    [SECRET.gitlabWebhook]: e.CHANGEPROOF_GITLAB_WEBHOOK_TOKEN,
    [SECRET.gitlabToken]: e.CHANGEPROOF_GITLAB_TOKEN,
  };
  return {
    connectors: {
      github: {
        ...github,
        apiUrl: e.CHANGEPROOF_GITHUB_API_URL,
        appId: e.CHANGEPROOF_GITHUB_APP_ID,
        environments: e.CHANGEPROOF_GITHUB_ENVIRONMENTS ?? {},
        services: e.CHANGEPROOF_GITHUB_SERVICES ?? {},
      },
      gitlab: {
        ...gitlab,
        url: e.CHANGEPROOF_GITLAB_URL,
        environments: e.CHANGEPROOF_GITLAB_ENVIRONMENTS ?? {},
        services: e.CHANGEPROOF_GITLAB_SERVICES ?? {},
        playApproved: isOn(e.CHANGEPROOF_GITLAB_PLAY_APPROVED),
        pollProjects: (e.CHANGEPROOF_GITLAB_POLL_PROJECTS ?? '').split(/[\s,]+/).filter(Boolean),
        pollSeconds: e.CHANGEPROOF_GITLAB_POLL_SECONDS,
      },
      [K8S_ADMISSION_SOURCE]: k8sAdmissionSettings(e),
    },
    connectorSecrets: Object.fromEntries(
      Object.entries(secrets).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
  };
}

function readKey(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `invalid configuration:\n  CHANGEPROOF_GITHUB_APP_PRIVATE_KEY_FILE: cannot read ${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
