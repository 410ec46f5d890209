// A change's whole life in a browser: raised by ivy, approved by two other people in the groups a high-risk
// change needs, scheduled into a window another change on the same service holds (the soft conflict shown),
// started, completed, reviewed and closed, with the gate's decisions, a deployment and the timeline (its
// refusal too) on the page; a downloaded proof of an event verifies with the project's own verifier, and a
// write posted from another origin with the session's cookie is refused and changes nothing. axe-core checks
// the page in every state visited, and no page logs an error (CSP violations included).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiClient } from '../../src/client/api-client.ts';
import { leafHashOf } from '../../src/ledger/tile-hash.ts';
import { TlogProofError, verifyTlogProof } from '../../src/ledger/tlog-proof.ts';
import { verifyInclusion } from '../../src/ledger/verify-proof.ts';
import { COMPLETE_RECORD } from '../support/app.ts';
import { startCliServer, type CliServer } from '../cli/support.ts';
import { consoleErrors, ensureWebBuilt, launchBrowser, seriousViolations } from './support.ts';

const PASSWORD = (u: string) => `${u}-password-123`;
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('a change from request to closure in a browser', () => {
  let server: CliServer;
  let browser: Browser;
  let admin: ApiClient;
  let other: string; // scheduled on the same service, holding the window ours clashes with
  let id: string;
  const pages: { page: Page; errors: string[] }[] = [];

  const as = async (username: string) => {
    const { token } = await new ApiClient({ url: server.url, token: null }).login({
      username,
      password: PASSWORD(username),
    });
    return new ApiClient({ url: server.url, token, keyPerRequest: true });
  };

  before(async () => {
    await ensureWebBuilt();
    server = await startCliServer('sqlite');
    admin = new ApiClient({ url: server.url, token: server.adminToken, keyPerRequest: true });
    await admin.services.create({
      name: 'payments-api',
      environment: 'prod',
      internetFacing: true,
      dataClasses: ['personal'],
    });
    const people = [
      { username: 'ivy', roles: ['requester', 'implementer'], groups: [] },
      { username: 'sam', roles: ['approver'], groups: ['security'] },
      { username: 'tess', roles: ['approver'], groups: ['technical'] },
      { username: 'audrey', roles: ['auditor'], groups: [] },
    ] as const;
    for (const p of people)
      await admin.users.create({
        ...p,
        roles: [...p.roles],
        groups: [...p.groups],
        password: PASSWORD(p.username),
      });
    const [sam, tess] = [await as('sam'), await as('tess')];
    // Another change on payments-api, approved and scheduled from a few minutes ago for two hours.
    other = (
      await admin.changes.create({
        title: 'Rotate payments keys',
        services: ['payments-api'],
        ...COMPLETE_RECORD,
      })
    ).id;
    await admin.changes.action(other, 'submit');
    await sam.changes.action(other, 'approve', { comment: 'ok' });
    await tess.changes.action(other, 'approve', { comment: 'ok' });
    const now = Date.now();
    const scheduled = await admin.changes.action(other, 'schedule', {
      window: {
        start: new Date(now - 5 * 60_000).toISOString(),
        end: new Date(now + 2 * 3_600_000).toISOString(),
      },
    });
    assert.equal(scheduled.state, 'scheduled');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(username: string, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    pages.push({ page, errors: consoleErrors(page) });
    await page.goto(server.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD(username));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'What needs me' }).waitFor();
    await page.goto(`${server.url}/changes/${id}`);
    await page.getByRole('heading', { name: new RegExp(`^${id}: `) }).waitFor();
    return { context, page };
  }

  async function accessible(page: Page, state: string) {
    assert.deepEqual(await seriousViolations(page), [], `the change page, ${state}`);
  }

  async function press(page: Page, action: string, fill: Record<string, string> = {}) {
    await page.getByRole('button', { name: action, exact: true }).click();
    for (const [field, value] of Object.entries(fill)) await page.getByLabel(field).fill(value);
    await page.getByRole('button', { name: `Confirm ${action}` }).click();
  }

  const state = (page: Page, s: string) => page.getByText(`State: ${s}`, { exact: true }).waitFor();

  it('is submitted by its requester, who is told why she cannot approve it', async () => {
    const ivy = await as('ivy');
    id = (
      await ivy.changes.create({
        title: 'TLS 1.3 only on payments',
        services: ['payments-api'],
        implementer: 'ivy',
        artifacts: [A],
        ...COMPLETE_RECORD,
      })
    ).id;
    const { page } = await signIn('ivy');
    await state(page, 'draft');
    await accessible(page, 'draft');
    await page.getByRole('button', { name: 'submit', exact: true }).click();
    await state(page, 'awaiting approval');
    await page.getByText('Still to decide: security (1), technical (1).').waitFor();
    assert.match((await page.locator('#duty-bar').textContent()) ?? '', /you requested this change/);
    assert.equal(await page.getByRole('button', { name: 'approve', exact: true }).count(), 0);
    // Asked anyway through the API, the approval is refused, and the refusal is in the history.
    await assert.rejects(ivy.changes.action(id, 'approve', { comment: 'mine' }), /ivy requested/);
    await page.reload();
    await page.locator('ol.timeline li.refused', { hasText: /approve refused: .*ivy requested/ }).waitFor();
    await accessible(page, 'awaiting approval, seen by its requester');
  });

  it('is approved by two other people in the groups it needs', async () => {
    const { page: sam } = await signIn('sam');
    await sam.getByText('You decide for security.').waitFor();
    await accessible(sam, 'awaiting approval, seen by an approver');
    await press(sam, 'approve', { Comment: 'Exposure and rollback reviewed' });
    await sam.getByText('Still to decide: technical (1).').waitFor();
    await sam.getByText(/sam approved for security/).waitFor();
    assert.equal(await sam.getByRole('button', { name: 'approve', exact: true }).count(), 0);
    const { page: tess } = await signIn('tess', 390);
    await press(tess, 'approve', { Comment: 'Plan and test evidence reviewed' });
    await state(tess, 'approved');
    await tess.getByText('Every required approval is given.').waitFor();
    await accessible(tess, 'approved, at phone width');
    const wide = Number(await tess.evaluate('document.documentElement.scrollWidth'));
    assert.ok(wide <= 390, `the change page scrolls sideways at 390 px (${wide} px wide)`);
  });

  it('is scheduled into a window another change holds, and shows the conflict', async () => {
    const { page } = await signIn('ivy');
    await accessible(page, 'approved, seen by its implementer');
    await page.getByRole('button', { name: 'schedule', exact: true }).click();
    await page.getByText(/Times are in your time zone \(.+, UTC[+-]\d\d:\d\d\)/).waitFor();
    const start = await page.getByLabel('Window start').inputValue();
    assert.match(start, /^\d{4}-\d\d-\d\dT\d\d:\d\d$/, 'prefilled with a local time from now');
    await accessible(page, 'the schedule form');
    await page.getByRole('button', { name: 'Confirm schedule' }).click();
    await state(page, 'scheduled');
    const conflict = page.getByRole('list', { name: 'Conflicts' }).getByRole('listitem');
    await conflict.first().waitFor();
    assert.match(
      (await conflict.first().textContent()) ?? '',
      new RegExp(`service with ${other} \\(soft\\)`),
    );
    await page.locator('ol.timeline li', { hasText: `conflicts:` }).waitFor();
    await accessible(page, 'scheduled with a conflict');
  });

  it('is started, gated, deployed, completed, reviewed and closed', async () => {
    const { page } = await signIn('ivy');
    await page.getByRole('button', { name: 'start', exact: true }).click();
    await state(page, 'implementing');
    await accessible(page, 'implementing');
    // CI asks the gate twice (the approved artifact, then another) and records a deployment.
    const allowed = await admin.gate.decide({
      change: id,
      service: 'payments-api',
      environment: 'prod',
      artifact: A,
    });
    assert.equal(allowed.decision, 'allow', JSON.stringify(allowed.reasons));
    const denied = await admin.gate.decide({
      change: id,
      service: 'payments-api',
      environment: 'prod',
      artifact: B,
    });
    assert.equal(denied.decision, 'deny');
    const dep = await admin.deployments.start({
      decision: allowed.id!,
      service: 'payments-api',
      environment: 'prod',
      artifact: A,
    });
    await admin.deployments.finish(dep.id, { result: 'succeeded' });
    await page.reload();
    const gate = page.getByRole('region', { name: 'Gate decisions', exact: true });
    await gate.getByText(/^allow$/).waitFor();
    await gate.getByText(denied.reasons[0]!.message).waitFor();
    const deployments = page.getByRole('region', { name: 'Deployments', exact: true });
    await deployments.getByRole('cell', { name: dep.id }).waitFor();
    await deployments.getByRole('cell', { name: 'succeeded' }).waitFor();
    await accessible(page, 'implementing, with gate decisions and a deployment');
    await page.getByRole('button', { name: 'complete', exact: true }).click();
    await page.getByRole('combobox', { name: 'Outcome' }).selectOption('successful');
    await page.getByLabel('Notes').fill('TLS 1.2 handshakes refused, error rate flat');
    await page.getByRole('button', { name: 'Confirm complete' }).click();
    await state(page, 'review');
    await page.getByText('A post-implementation review is required before it closes.').waitFor();
    assert.equal(
      await page.getByRole('button', { name: 'close', exact: true }).count(),
      0,
      'not before review',
    );
    await accessible(page, 'awaiting review');
    await press(page, 'review', { 'Summary of what happened': 'Went as planned' });
    await page.getByText('Reviewed by ivy: Went as planned').waitFor();
    await page.getByRole('button', { name: 'close', exact: true }).click();
    await state(page, 'closed');
    assert.equal(
      await page.getByRole('region', { name: 'Actions', exact: true }).count(),
      0,
      'nothing left to do',
    );
    await accessible(page, 'closed');
  });

  it('offers the proof of an event, which verifies offline', async () => {
    const { page } = await signIn('audrey');
    await accessible(page, 'closed, seen by an auditor');
    const closed = page.locator('ol.timeline li', { hasText: 'closed by ivy' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      closed.getByRole('button', { name: /Download proof/ }).click(),
    ]);
    assert.match(download.suggestedFilename(), new RegExp(`^${id}-\\d+-change\\.closed\\.proof\\.json$`));
    const file = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      format: string;
      index: number;
      treeSize: number;
      entry: string;
      inclusionProof: string[];
      checkpoint: { rootHash: string; size: number };
      tlogProof: string;
    };
    assert.equal(file.format, 'changeproof-event-proof/v1');
    const entry = JSON.parse(file.entry) as { type: string; subject: string; seq: number };
    assert.deepEqual([entry.type, entry.subject, entry.seq], ['change.closed', id, file.index]);
    // Against the verifier key as the auditor holds it, not as the file states it.
    const { verifierKey } = await admin.ledger.key();
    const verified = verifyTlogProof(file.tlogProof, Buffer.from(file.entry, 'utf8'), [verifierKey]);
    assert.equal(verified.index, file.index);
    assert.equal(verified.checkpoint.size, file.treeSize);
    assert.equal(Buffer.from(verified.checkpoint.rootHash).toString('base64'), file.checkpoint.rootHash);
    verifyInclusion(
      file.index,
      file.treeSize,
      leafHashOf(Buffer.from(file.entry, 'utf8')),
      file.inclusionProof.map((h) => Buffer.from(h, 'base64')),
      Buffer.from(file.checkpoint.rootHash, 'base64'),
    );
    const forged = file.entry.replace('"ivy"', '"mallory"');
    assert.notEqual(forged, file.entry);
    assert.throws(
      () => verifyTlogProof(file.tlogProof, Buffer.from(forged, 'utf8'), [verifierKey]),
      (e: unknown) => e instanceof TlogProofError && e.code === 'not-included',
    );
  });

  it('refuses a write posted from another origin with the session cookie, and changes nothing', async () => {
    const { context } = await signIn('ivy');
    const target = `${server.url}/api/v1/changes/${other}/cancel`;
    const evil: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<!doctype html><title>Win a prize</title><form method="post" action="${target}">` +
          `<input name="reason" value="cancelled by another site"><button>Claim</button></form>`,
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const before = await admin.ledger.entries(0, 1);
      const page = await context.newPage();
      const site = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
      await page.goto(site);
      // A form post: the browser sends the cookie (same site, another port) and our Origin is not it.
      const [posted] = await Promise.all([
        page.waitForResponse((r) => r.url() === target),
        page.getByRole('button', { name: 'Claim' }).click(),
      ]);
      assert.equal(posted.status(), 403);
      assert.equal(((await posted.json()) as { error: { code: string } }).error.code, 'csrf_failed');
      // A script's fetch with the cookie, as a simple request (JSON would be stopped by its preflight); no-cors,
      // so that the browser hands the answer on rather than failing the request for want of CORS headers.
      await page.goto(site);
      const [fetched] = await Promise.all([
        page.waitForResponse((r) => r.url() === target),
        page.evaluate(
          (url) =>
            fetch(url, {
              method: 'POST',
              mode: 'no-cors',
              credentials: 'include',
              body: '{"reason":"x"}',
            }).catch(() => null),
          target,
        ),
      ]);
      assert.equal(fetched.status(), 403);
      const after = await admin.ledger.entries(0, 1);
      assert.equal(after.size, before.size, 'nothing was recorded');
      assert.equal((await admin.changes.get(other)).state, 'scheduled', 'the other change is untouched');
    } finally {
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });

  it('logged no error on any page', () => {
    for (const { errors } of pages) assert.deepEqual(errors, []);
  });
});
