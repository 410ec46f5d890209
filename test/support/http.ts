// Small helpers for the HTTP suites: error assertions, database snapshots (to prove that a failed request
// wrote nothing, or exactly one refusal), and shortcuts for raising and moving changes.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { TestApp } from './app.ts';

export interface ErrorJson {
  error: { code: string; message: string; details: { code?: string; path?: string; message: string }[] };
}

export interface LedgerEventJson {
  seq: number;
  type: string;
  subject: string;
  actor: { id: string; kind: string };
  data: Record<string, unknown>;
}

/**
 * Makes every request of `t` fail the test on a 5xx: whatever a client sends, the answer is a 4xx that says
 * what to fix or a success. Call once after startTestApp.
 */
export function noServerErrors(t: TestApp): TestApp {
  const send = t.req;
  t.req = async (...args) => {
    const res = await send(...args);
    assert.ok(res.statusCode < 500, `${args[1]} ${args[2]} answered ${res.statusCode}: ${res.body}`);
    return res;
  };
  return t;
}

/** Asserts an error response with the given status (and code, if given); returns the error body. */
export function expectError(
  res: LightMyRequestResponse,
  status: number,
  code?: string | RegExp,
): ErrorJson['error'] {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json<ErrorJson>();
  assert.ok(body.error, `no error envelope: ${res.body}`);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0, 'an error says what to fix');
  if (typeof code === 'string') assert.equal(body.error.code, code, res.body);
  else if (code) assert.match(body.error.code, code, res.body);
  return body.error;
}

/**
 * A refusal in our envelope, or in the form a connector's protocol dictates: the Kubernetes admission
 * webhook answers 200 with an AdmissionReview that denies, its status carrying the HTTP code and message.
 */
export function refusalOf(
  res: LightMyRequestResponse,
  status: number,
  code: string,
): Pick<ErrorJson['error'], 'message' | 'details'> {
  const review = res.json<{
    kind?: string;
    response?: { allowed: boolean; status?: { code: number; message: string } };
  }>();
  if (review.kind !== 'AdmissionReview') return expectError(res, status, code);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(review.response?.allowed, false, res.body);
  assert.equal(review.response?.status?.code, status, res.body);
  // The protocol has room for a message only: it names the field at fault, as our details do.
  return { message: review.response.status.message, details: [] };
}

/** Asserts a 2xx status and returns the parsed body. */
export function ok<T = Record<string, unknown>>(res: LightMyRequestResponse, status = 200): T {
  assert.equal(res.statusCode, status, res.body);
  return res.json<T>();
}

export async function ledgerSize(t: TestApp): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ledger_entries`.execute(
    t.c.store.db,
  );
  return Number(rows[0]!.n);
}

/** Ledger size plus every change row as stored, to compare before and after a request. */
export async function snapshot(t: TestApp): Promise<{ ledger: number; changes: string }> {
  const rows = await t.c.store.db.selectFrom('changes').selectAll().orderBy('number').execute();
  return { ledger: await ledgerSize(t), changes: JSON.stringify(rows) };
}

/** Runs a request that must fail with `status`/`code` and must leave the database exactly as it was. */
export async function writesNothing(
  t: TestApp,
  send: () => Promise<LightMyRequestResponse>,
  status: number,
  code: string,
) {
  const before = await snapshot(t);
  const err = refusalOf(await send(), status, code);
  assert.deepEqual(await snapshot(t), before, 'a rejected request changed the database');
  return err;
}

/** The ledger entries recorded since `since` (a ledger size taken earlier; sequences start at 0). */
export async function ledgerSince(t: TestApp, since: number): Promise<LedgerEventJson[]> {
  const rows = await t.c.store.db
    .selectFrom('ledger_entries')
    .select('canonical')
    .where('seq', '>=', since)
    .orderBy('seq')
    .execute();
  return rows.map((r) => JSON.parse(r.canonical) as LedgerEventJson);
}

export async function events(t: TestApp, id: string): Promise<LedgerEventJson[]> {
  return ok<{ items: LedgerEventJson[] }>(await t.req('audrey', 'GET', `/api/v1/changes/${id}/events`)).items;
}

export interface ChangeJson {
  id: string;
  number: number;
  type: string;
  state: string;
  riskRating: string | null;
  requester: string;
  [key: string]: unknown;
}

/** Raises a change as `as` and returns it; fails the test unless it was created. */
export async function raise(t: TestApp, as: string, body: Record<string, unknown>): Promise<ChangeJson> {
  return ok<ChangeJson>(await t.req(as, 'POST', '/api/v1/changes', body), 201);
}

/** Runs an action that must succeed and returns the change as it now is. */
export async function act(
  t: TestApp,
  as: string,
  id: string,
  action: string,
  body?: unknown,
): Promise<ChangeJson> {
  return ok<ChangeJson>(await t.req(as, 'POST', `/api/v1/changes/${id}/${action}`, body));
}

export async function getChange(t: TestApp, id: string, as = 'audrey'): Promise<ChangeJson> {
  return ok<ChangeJson>(await t.req(as, 'GET', `/api/v1/changes/${id}`));
}

/** Bearer header for a raw secret (a session, a fresh token, or a bogus one). */
export const bearer = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}` });

export const hoursLater = (d: Date, hours: number): Date => new Date(d.getTime() + hours * 3_600_000);
