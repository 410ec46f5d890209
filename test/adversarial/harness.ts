// Drives the real HTTP application as a cast of people holding credentials, and checks after every request
// what must hold whatever was asked: no 5xx, errors with a body, a failed request writes nothing but its
// recorded refusal, every ledger entry names the person who really acted, read-only tokens change nothing,
// passwords are not set through tokens, stale sessions are dead, and every new `change.started`,
// `change.reviewed` and standard `change.created` passes the checks of quorum-check.ts.
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../support/app.ts';
import { checkReview, checkStandardCreated, checkStart, type Finding } from './quorum-check.ts';
import { World, type Entry } from './world.ts';

/**
 * What a refused command may record: the refusal, and the facts that explain it — a start refused because
 * approvals no longer suffice records the new assessment and which approvals lapsed, as the issue asks.
 */
const REFUSAL_EVIDENCE = new Set(['change.command_refused', 'change.reassessed', 'change.approvals_lapsed']);

export interface Cred {
  label: string;
  secret: string;
  kind: 'token' | 'session';
  /** Whose credential the server thinks it is. */
  owner: string;
  /** Who really holds it (differs from owner only when someone obtained another person's credential). */
  holder: string;
  scopes: string[] | null;
  /** Ledger size when it was obtained. */
  since: number;
  /** A password change made through this session does not end it. */
  keepsPasswordAt: number[];
}

const READ_SCOPES = ['changes:read', 'services:read', 'policy:read'];
const READ_ONLY_POSTS = [/\/policy\/check$/, /\/auth\/logout$/, /\/cosignatures$/];

function summarise(res: LightMyRequestResponse): string {
  try {
    const j = res.json<{ error?: { code: string }; state?: string; id?: string }>();
    return j.error ? j.error.code : [j.id, j.state].filter(Boolean).join(' ');
  } catch {
    return res.body.slice(0, 60);
  }
}

function hasErrorBody(res: LightMyRequestResponse): boolean {
  try {
    const e = res.json<{ error?: { code?: string; message?: string } }>().error;
    return !!e?.code && !!e.message;
  } catch {
    return false;
  }
}

export class Violation extends Error {
  readonly tags: string[];
  constructor(findings: Finding[], transcript: string[]) {
    super(
      `${findings.map((f) => `[${f.tags.join(',')}] ${f.message}`).join('\n')}\n--- requests of this run ---\n${transcript.join('\n')}`,
    );
    this.name = 'Violation';
    this.tags = [...new Set(findings.flatMap((f) => f.tags))];
  }
}

/** Violation tags to skip (comma-separated in ADVERSARY_IGNORE), to look for the next distinct kind. */
const IGNORED = new Set(
  (process.env.ADVERSARY_IGNORE ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const ignored = (f: Finding) => f.tags.every((t) => IGNORED.has(t) || t === 'start_without_quorum');

/** What the sequences reached, printed at the end so that a quiet run can be told from a shallow one. */
export const reached = new Map<string, number>();

export class Harness {
  readonly t: TestApp;
  readonly world = new World();
  readonly creds: Cred[] = [];
  /** The full-scope token of each person, minted at setup by the system. */
  readonly own = new Map<string, Cred>();
  /** Passwords the cast knows: username → password and who learned it last. */
  readonly passwords = new Map<string, { password: string; knownBy: string }>();
  readonly changes: string[] = [];
  readonly transcript: string[] = [];
  private readonly observer: string;

  private constructor(t: TestApp) {
    this.t = t;
    this.observer = t.tokens.audrey!;
  }

  /** A harness over an app whose cast holds the tokens of `t.tokens`. */
  static async over(t: TestApp): Promise<Harness> {
    const h = new Harness(t);
    for (const [name, secret] of Object.entries(t.tokens)) {
      const cred: Cred = {
        label: `${name}:token`,
        secret,
        kind: 'token',
        owner: name,
        holder: name,
        scopes: null,
        since: 0,
        keepsPasswordAt: [],
      };
      h.own.set(name, cred);
      if (name !== 'audrey') h.creds.push(cred);
      if (name !== 'admin' && name !== 'ci')
        h.passwords.set(name, { password: `${name}-password-123`, knownBy: name });
    }
    await h.sync();
    return h;
  }

  /** A harness over a copy of the database `proto` ran on, holding the same credentials and knowledge. */
  static async fork(t: TestApp, proto: Harness): Promise<Harness> {
    const h = new Harness(t);
    for (const cred of proto.creds) h.creds.push({ ...cred, keepsPasswordAt: [...cred.keepsPasswordAt] });
    for (const [name, cred] of proto.own)
      h.own.set(name, h.creds.find((c) => c.secret === cred.secret) ?? cred);
    for (const [name, known] of proto.passwords) h.passwords.set(name, { ...known });
    h.transcript.push(...proto.transcript);
    await h.sync();
    return h;
  }

  close(): Promise<void> {
    return this.t.close();
  }

  /** Reads the ledger entries recorded since the last look (as the auditor, through the API). */
  private async fetchNew(): Promise<Entry[]> {
    const out: Entry[] = [];
    for (;;) {
      const res = await this.t.app.inject({
        method: 'GET',
        url: `/api/v1/ledger/entries?start=${this.world.size + out.length}&limit=1000`,
        headers: { authorization: `Bearer ${this.observer}` },
      });
      if (res.statusCode !== 200) throw new Error(`reading the ledger: ${res.statusCode} ${res.body}`);
      const page = res.json<{ items: { entry: string }[] }>().items.map((i) => JSON.parse(i.entry) as Entry);
      out.push(...page);
      if (page.length < 1000) return out;
    }
  }

  private async sync(): Promise<Entry[]> {
    const fresh = await this.fetchNew();
    for (const e of fresh) this.world.apply(e);
    return fresh;
  }

  private fail(findings: Finding[]): void {
    const real = findings.filter((f) => !ignored(f));
    if (real.length) throw new Violation(real, this.transcript.slice(-80));
  }

  async send(
    cred: Cred,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse> {
    const staleSession = cred.kind === 'session' ? this.staleness(cred) : null;
    const res = await this.t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${cred.secret}` },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    const brief = body === undefined ? '' : ` ${JSON.stringify(body).slice(0, 160)}`;
    const answer = summarise(res);
    this.transcript.push(`${cred.label} ${method} ${url}${brief} → ${res.statusCode} ${answer}`);
    const action = `${method} ${url.replace(/CHG-\d+/, ':id').replace(/\/users\/[^/]+/, '/users/:u')} ${res.statusCode}`;
    reached.set(action, (reached.get(action) ?? 0) + 1);
    await this.checkAfter(cred, method, url, body, res, staleSession);
    return res;
  }

  /** Why a session should no longer work, or null. */
  private staleness(cred: Cred): string | null {
    const u = this.world.users.get(cred.owner);
    if (!u) return null;
    if (u.disabledAt.some((s) => s >= cred.since))
      return `its user ${cred.owner} was disabled after it was opened`;
    if (u.passwordSetAt.some((s) => s >= cred.since && !cred.keepsPasswordAt.includes(s)))
      return `${cred.owner}'s password was changed after it was opened`;
    return null;
  }

  private async checkAfter(
    cred: Cred,
    method: string,
    url: string,
    body: unknown,
    res: LightMyRequestResponse,
    staleSession: string | null,
  ): Promise<void> {
    const findings: Finding[] = [];
    const said = `${cred.label} ${method} ${url}`;
    if (res.statusCode >= 500)
      findings.push({ tags: ['server_error'], message: `${said} answered ${res.statusCode}: ${res.body}` });
    else if (res.statusCode >= 400) {
      if (!hasErrorBody(res))
        findings.push({
          tags: ['error_without_body'],
          message: `${said} answered ${res.statusCode} without an error body: ${res.body.slice(0, 200)}`,
        });
    }
    if (staleSession && res.statusCode !== 401)
      findings.push({
        tags: ['stale_session_accepted'],
        message: `${said} was answered ${res.statusCode} through a session that should be dead: ${staleSession}`,
      });
    const readOnly = cred.scopes !== null && cred.scopes.every((s) => READ_SCOPES.includes(s));
    if (
      readOnly &&
      method !== 'GET' &&
      res.statusCode < 300 &&
      !READ_ONLY_POSTS.some((r) => r.test(url.split('?')[0]!))
    )
      findings.push({
        tags: ['read_only_token_mutated'],
        message: `${said} succeeded (${res.statusCode}) with a token scoped ${cred.scopes!.join(' ')}`,
      });
    if (
      cred.kind === 'token' &&
      method === 'PATCH' &&
      url.startsWith('/api/v1/users/') &&
      res.statusCode < 300 &&
      typeof (body as { password?: unknown } | undefined)?.password === 'string'
    )
      findings.push({
        tags: ['password_set_by_token'],
        message: `${said} set a password through an API token (scopes ${cred.scopes?.join(' ') ?? 'all'})`,
      });

    // Judge each new entry against the world as it stood just before it.
    for (const e of await this.fetchNew()) {
      if (res.statusCode >= 400 && !REFUSAL_EVIDENCE.has(e.type))
        findings.push({
          tags: ['failed_request_wrote'],
          message: `${said} failed with ${res.statusCode} yet recorded ${e.type} #${e.seq}`,
        });
      if (readOnly && e.type !== 'change.command_refused')
        findings.push({
          tags: ['read_only_token_mutated'],
          message: `${said} through a read-only token recorded ${e.type} #${e.seq}`,
        });
      if (e.actor.id !== cred.holder)
        findings.push({
          tags: ['misattributed'],
          message: `${said} was sent by ${cred.holder}, but ledger entry #${e.seq} (${e.type} ${e.subject}) names ${e.actor.id}`,
        });
      if (e.type === 'token.created') {
        const owner = e.data.owner as string;
        if (owner !== e.actor.id && this.world.users.get(owner)?.kind === 'human')
          findings.push({
            tags: ['token_minted_for_other_person'],
            message: `${e.actor.id} minted API token ${String(e.data.tokenId)} owned by ${owner} (#${e.seq})`,
          });
      }
      if (e.type === 'change.started') findings.push(...checkStart(this.world, e));
      if (e.type === 'change.reviewed') findings.push(...checkReview(this.world, e));
      if (e.type === 'change.created') findings.push(...checkStandardCreated(this.world, e));
      this.world.apply(e);
      reached.set(e.type, (reached.get(e.type) ?? 0) + 1);
      if (e.type === 'change.created') this.changes.push(e.subject);
    }
    this.fail(findings);
  }

  /** A finding observed by a step itself (e.g. a view that contradicts the record). */
  report(findings: Finding[]): void {
    this.fail(findings);
  }

  /** Signs in as `username` with the password the cast knows; the session belongs to whoever learned it. */
  async login(username: string): Promise<Cred | null> {
    const known = this.passwords.get(username);
    if (!known) return null;
    const res = await this.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: known.password },
    });
    this.transcript.push(`${known.knownBy} POST /api/v1/auth/login as ${username} → ${res.statusCode}`);
    if (res.statusCode >= 500)
      this.fail([{ tags: ['server_error'], message: `login answered ${res.statusCode}: ${res.body}` }]);
    if (res.statusCode !== 200) return null;
    const cred: Cred = {
      label: `${known.knownBy}:session(${username})#${this.creds.length}`,
      secret: res.json<{ token: string }>().token,
      kind: 'session',
      owner: username,
      holder: known.knownBy,
      scopes: null,
      since: this.world.size,
      keepsPasswordAt: [],
    };
    this.creds.push(cred);
    return cred;
  }
}
