// A small typed client of the HTTP API, shared by the CLI and the web app. Types come from the contracts
// (type-only imports, so zod is not loaded at run time); it uses only what browsers and Node share (fetch,
// URL, AbortSignal, crypto.randomUUID), and `fetch` can be passed in. Every mutating request carries one
// Idempotency-Key per client (one per CLI invocation): a retry after a dropped connection or a 503 returns
// the first result instead of writing twice. Failures are ApiError, carrying the status and the error body.
import type { z } from 'zod';
import type * as Approvals from '../contracts/approvals.ts';
import type * as Calendar from '../contracts/calendar.ts';
import type * as Changes from '../contracts/changes.ts';
import type { ErrorBody } from '../contracts/errors.ts';
import type * as Events from '../contracts/events.ts';
import type * as FollowUps from '../contracts/follow-ups.ts';
import type * as Gate from '../contracts/gate.ts';
import type * as Home from '../contracts/home.ts';
import type * as Identity from '../contracts/identity.ts';
import type * as Ledger from '../contracts/ledger.ts';
import type * as Policy from '../contracts/policy.ts';
import type * as Services from '../contracts/services.ts';
import { ApiError, clientError } from './errors.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8320';

type In<T extends z.ZodType> = z.input<T>;
type Out<T extends z.ZodType> = z.output<T>;
export type ChangeView = Out<typeof Changes.ChangeView>;
export type ChangeList = Out<typeof Changes.ChangeList>;
export type ChangeEvents = Out<typeof Events.ChangeEvents>;
export type ServiceView = Out<typeof Services.ServiceView>;
export type FollowUpView = Out<typeof FollowUps.FollowUpView>;
export type FollowUpList = Out<typeof FollowUps.FollowUpList>;
export type FollowUpQuery = Omit<In<typeof FollowUps.ListFollowUpsQuery>, 'limit'> & { limit?: number };
export type LateApprovalList = Out<typeof Approvals.LateApprovalList>;
export type CalendarView = Out<typeof Calendar.CalendarView>;
export type FreeSlotView = Out<typeof Calendar.FreeSlotView>;
export type FeedTokenView = Out<typeof Calendar.FeedTokenView>;
export type GateDecisionView = Out<typeof Gate.GateDecisionView>;
export type GateDecisionList = Out<typeof Gate.GateDecisionList>;
export type BreakGlassView = Out<typeof Gate.BreakGlassView>;
export type DeploymentView = Out<typeof Gate.DeploymentView>;
export type DeploymentList = Out<typeof Gate.DeploymentList>;
export type DeploymentQuery = Omit<In<typeof Gate.ListDeploymentsQuery>, 'limit'> & { limit?: number };
export type UserView = Out<typeof Identity.UserView>;
export type TokenView = Out<typeof Identity.TokenView>;
export type PolicyVersionView = Out<typeof Policy.PolicyVersionView>;
export type ActivePolicyView = Out<typeof Policy.ActivePolicyView>;
export type PolicyForRaising = Out<typeof Policy.PolicyForRaising>;
export type ChangeContent = In<typeof Changes.ContentInput>;
export type CreateChangeInput = In<typeof Changes.CreateChangeBody>;
export type ListQuery = Omit<In<typeof Changes.ListChangesQuery>, 'state' | 'limit'> & {
  state?: Out<typeof Changes.ChangeStateEnum>[];
  limit?: number;
};

export interface ClientConfig {
  url: string;
  token: string | null;
  /** Extra attempts after a connection error or a 503. */
  retries?: number;
  backoffMs?: number;
  timeoutMs?: number;
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch;
  /**
   * Browser sign-in: the session rides in the server's HttpOnly cookie (`credentials: 'same-origin'`) and every
   * write carries the session's CSRF token as X-CSRF-Token; no bearer token is needed.
   */
  cookies?: boolean;
  /**
   * A new Idempotency-Key for every write (kept across that write's retries) instead of one per client: a page
   * lives long and writes many times, where a CLI invocation writes once.
   */
  keyPerRequest?: boolean;
  /** Cookie mode: the CSRF token from sign-in or GET /auth/csrf (settable later with setCsrfToken). */
  csrfToken?: string | null;
}

/** One change as listed; the queue's and the list's items. */
export type ChangeSummary = ChangeList['items'][number];
/** GET /me/queue: what needs the signed-in user. */
export type MyQueue = Out<typeof Home.MyQueue>;
export type WeeklyChangeMetrics = Out<typeof Home.WeeklyMetrics>;
export type Assessment = NonNullable<ChangeView['assessment']>;

type Query = Record<string, string | number | readonly string[] | undefined>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Accepts http://host:port, with or without a trailing slash or /api/v1. */
export function normaliseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw clientError(
      'invalid_url',
      `invalid server URL ${JSON.stringify(url)}; expected e.g. ${DEFAULT_URL}`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw clientError('invalid_url', `the server URL must start with http:// or https:// (got ${url})`);
  return parsed.href.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

export class ApiClient {
  readonly url: string;
  readonly idempotencyKey = globalThis.crypto.randomUUID();
  private readonly token: string | null;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly cookies: boolean;
  private readonly keyPerRequest: boolean;
  private csrfToken: string | null;

  constructor(config: ClientConfig) {
    this.url = normaliseUrl(config.url);
    this.token = config.token;
    this.retries = config.retries ?? 2;
    this.backoffMs = config.backoffMs ?? 200;
    this.timeoutMs = config.timeoutMs ?? 30_000;
    this.fetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.cookies = config.cookies ?? false;
    this.keyPerRequest = config.keyPerRequest ?? false;
    this.csrfToken = config.csrfToken ?? null;
  }

  /** Cookie mode: the token every write must carry, from sign-in or GET /auth/csrf. */
  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  async request<T>(
    method: Method,
    path: string,
    opts: { body?: unknown; query?: Query; auth?: boolean } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.cookies) {
      if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    } else if (opts.auth !== false) {
      if (!this.token)
        throw new ApiError(
          'no API token: set CHANGEPROOF_TOKEN (or pass --token), or run `changeproof login`',
          0,
          'unauthenticated',
          clientError('unauthenticated', 'no API token configured').body,
        );
      headers.authorization = `Bearer ${this.token}`;
    }
    if (method !== 'GET')
      headers['idempotency-key'] = this.keyPerRequest ? globalThis.crypto.randomUUID() : this.idempotencyKey;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const target = `${this.url}/api/v1${path}${queryString(opts.query)}`;
    for (let attempt = 0; ; attempt++) {
      const retry = attempt < this.retries;
      let res: Response;
      try {
        res = await this.fetch(target, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          ...(this.cookies ? { credentials: 'same-origin' as const } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        if (retry && !isTimeout(err)) {
          await sleep(this.backoffMs * 2 ** attempt);
          continue;
        }
        throw this.connectionError(err);
      }
      if (res.status === 503 && retry) {
        await res.body?.cancel();
        await sleep(this.backoffMs * 2 ** attempt);
        continue;
      }
      const text = await res.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON (a proxy's error page, say): reported below by status
      }
      if (res.ok) return body as T;
      throw apiError(res.status, body, `${method} ${target}`);
    }
  }

  private connectionError(err: unknown): ApiError {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = isTimeout(err)
      ? `no answer within ${this.timeoutMs / 1000} s`
      : (cause?.code ?? cause?.message ?? (err as Error).message);
    const message = `cannot reach the Changeproof server at ${this.url} (${why}); is it running? Set CHANGEPROOF_URL or --url`;
    return clientError('connection_failed', message);
  }

  private get = <T>(path: string, query?: Query) => this.request<T>('GET', path, { query });
  private post = <T>(path: string, body?: unknown) => this.request<T>('POST', path, { body });
  private patch = <T>(path: string, body: unknown) => this.request<T>('PATCH', path, { body });
  private del = <T>(path: string) => this.request<T>('DELETE', path);

  login = (body: In<typeof Identity.LoginBody>) =>
    this.request<Out<typeof Identity.LoginResponse>>('POST', '/auth/login', { body, auth: false });
  logout = () => this.post<null>('/auth/logout');
  me = () => this.get<UserView>('/auth/me');
  /** Cookie mode: the CSRF token of the cookie's session (after a page reload). */
  changePassword = (body: In<typeof Identity.ChangePasswordBody>) =>
    this.post<Out<typeof Identity.PasswordChanged>>('/auth/password', body);

  sessions = {
    list: () => this.get<Out<typeof Identity.SessionList>>('/auth/sessions'),
    revoke: (id: string) => this.post<Out<typeof Identity.SessionView>>(`/auth/sessions/${enc(id)}/revoke`),
  };

  services = {
    list: () => this.get<Out<typeof Services.ServiceList>>('/services'),
    get: (name: string) => this.get<ServiceView>(`/services/${enc(name)}`),
    create: (body: In<typeof Services.CreateServiceBody>) => this.post<ServiceView>('/services', body),
    update: (name: string, body: In<typeof Services.UpdateServiceBody>) =>
      this.patch<ServiceView>(`/services/${enc(name)}`, body),
  };

  changes = {
    list: (query: ListQuery) => this.get<ChangeList>('/changes', query),
    get: (id: string) => this.get<ChangeView>(`/changes/${enc(id)}`),
    events: (id: string) => this.get<ChangeEvents>(`/changes/${enc(id)}/events`),
    create: (body: CreateChangeInput) => this.post<ChangeView>('/changes', body),
    /** The live assessment of a draft, recorded nowhere. */
    edit: (id: string, body: In<typeof Changes.EditChangeBody>) =>
      this.patch<ChangeView>(`/changes/${enc(id)}`, body),
    /** submit, approve, reject, schedule, start, complete, review, close or cancel. */
    action: (id: string, action: string, body?: unknown) =>
      this.post<ChangeView>(`/changes/${enc(id)}/${action}`, body),
  };

  followUps = {
    list: (query: FollowUpQuery) => this.get<FollowUpList>('/follow-ups', query),
    get: (id: string) => this.get<FollowUpView>(`/follow-ups/${enc(id)}`),
    open: (body: In<typeof FollowUps.OpenFollowUpBody>) => this.post<FollowUpView>('/follow-ups', body),
    /** done, cancel or reassign. */
    action: (id: string, action: string, body?: unknown) =>
      this.post<FollowUpView>(`/follow-ups/${enc(id)}/${action}`, body),
  };

  calendar = {
    range: (from: string, to: string) => this.get<CalendarView>('/calendar', { from, to }),
    freeSlot: (q: { service: string; length: string; after?: string }) =>
      this.get<FreeSlotView>('/calendar/free-slot', q),
    createFeedToken: () => this.post<FeedTokenView>('/calendar/feed-token'),
    revokeFeedToken: () => this.del<{ revoked: number }>('/calendar/feed-token'),
  };

  gate = {
    /** Allow or deny with every reason; a deny is an answer, not an ApiError. */
    decide: (body: In<typeof Gate.GateBody>) => this.post<GateDecisionView>('/gate', body),
    breakGlass: (body: In<typeof Gate.BreakGlassBody>) =>
      this.post<BreakGlassView>('/gate/break-glass', body),
    /** A change's recorded decisions, newest first. */
    decisions: (change: string, query: { limit?: number; cursor?: string } = {}) =>
      this.get<GateDecisionList>(`/changes/${enc(change)}/gate-decisions`, query),
  };

  deployments = {
    list: (query: DeploymentQuery) => this.get<DeploymentList>('/deployments', query),
    get: (id: string) => this.get<DeploymentView>(`/deployments/${enc(id)}`),
    start: (body: In<typeof Gate.StartDeploymentBody>) => this.post<DeploymentView>('/deployments', body),
    finish: (id: string, body: In<typeof Gate.FinishDeploymentBody>) =>
      this.post<DeploymentView>(`/deployments/${enc(id)}/finish`, body),
  };

  approvals = {
    late: (group?: string) => this.get<LateApprovalList>('/approvals/late', { group }),
  };

  users = {
    list: () => this.get<Out<typeof Identity.UserList>>('/users'),
    create: (body: In<typeof Identity.CreateUserBody>) => this.post<UserView>('/users', body),
    update: (username: string, body: In<typeof Identity.UpdateUserBody>) =>
      this.patch<UserView>(`/users/${enc(username)}`, body),
  };

  tokens = {
    list: () => this.get<Out<typeof Identity.TokenList>>('/tokens'),
    create: (body: In<typeof Identity.CreateTokenBody>) =>
      this.post<Out<typeof Identity.CreatedToken>>('/tokens', body),
    revoke: (id: string) => this.post<TokenView>(`/tokens/${enc(id)}/revoke`),
  };

  ledger = {
    key: () => this.get<Out<typeof Ledger.LedgerKeyView>>('/ledger/key'),
    checkpoint: () => this.get<Out<typeof Ledger.CheckpointView>>('/ledger/checkpoint'),
    issue: () => this.post<Out<typeof Ledger.CheckpointView>>('/ledger/checkpoints'),
    entries: (start: number, limit: number) =>
      this.get<Out<typeof Ledger.EntriesView>>('/ledger/entries', { start, limit }),
    inclusion: (index: number, size: number) =>
      this.get<Out<typeof Ledger.InclusionView>>('/ledger/proofs/inclusion', { index, size }),
    cosign: (id: number, signature: string) =>
      this.post<Out<typeof Ledger.CheckpointView>>(`/ledger/checkpoints/${id}/cosignatures`, { signature }),
  };

  policy = {
    active: () => this.get<ActivePolicyView>('/policy'),
    version: (n: number) => this.get<PolicyVersionView>(`/policy/versions/${n}`),
    history: () => this.get<Out<typeof Policy.PolicyHistory>>('/policy/versions'),
    propose: (body: In<typeof Policy.ProposePolicyBody>) => this.post<ChangeView>('/policy', body),
    /** Lints a policy file as the server would load it; proposes nothing. */
    check: (source: string) => this.post<Out<typeof Policy.CheckPolicyResponse>>('/policy/check', { source }),
  };

  /** What raising this change would be assessed as now; records nothing. */
  assessChange(body: CreateChangeInput): Promise<Out<typeof Home.AssessResponse>> {
    return this.post('/changes/assess', body);
  }

  /** What needs the signed-in person: approvals, their open changes, what is owed, upcoming, refusals. */
  myQueue(): Promise<MyQueue> {
    return this.get('/me/queue');
  }

  /** Changes raised per week by outcome, this week last (1 to 52 weeks). */
  weeklyMetrics(weeks = 12): Promise<WeeklyChangeMetrics> {
    return this.get('/metrics/changes/weekly', { weeks });
  }

  /** The CSRF token of the cookie's session, for the X-CSRF-Token header of a browser's writes. */
  csrf(): Promise<Out<typeof Identity.CsrfView>> {
    return this.get('/auth/csrf');
  }
}

const enc = encodeURIComponent;

function isTimeout(err: unknown): boolean {
  return err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function apiError(status: number, body: unknown, what: string): ApiError {
  const err = (body as Partial<ErrorBody> | null)?.error;
  if (!err || typeof err.message !== 'string')
    return new ApiError(`${what} failed with HTTP ${status}`, status, '', body);
  return new ApiError(`${err.message} [${status} ${err.code}]`, status, err.code, body);
}
