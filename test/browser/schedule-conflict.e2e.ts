// Scheduling refused for a hard conflict, in a browser: under a policy where changes on one service may not
// share a window, the refusal lists the clash and the next free slot the API offers, and one press schedules
// the change there. The refusal is in the change's history; axe-core finds nothing serious on the way.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../../src/client/api-client.ts';
import { ROOT, startCliServer, type CliServer } from '../cli/support.ts';
import { consoleErrors, ensureWebBuilt, launchBrowser, seriousViolations } from './support.ts';

const PASSWORD = (u: string) => `${u}-password-123`;

/** The example policy, with clashes on a service made hard. */
function hardServicePolicy(dir: string): string {
  const example = readFileSync(join(ROOT, 'examples/changeproof.policy.yaml'), 'utf8');
  const soft = '    service: soft ';
  assert.ok(example.includes(soft), 'the example policy makes clashes on a service soft');
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, example.replace(soft, '    service: hard '));
  return file;
}

describe('scheduling into a hard conflict in a browser', () => {
  let server: CliServer;
  let browser: Browser;
  let dir: string;
  let held: { id: string; end: string };
  let id: string;
  before(async () => {
    await ensureWebBuilt();
    dir = mkdtempSync(join(tmpdir(), 'changeproof-policy-'));
    server = await startCliServer('sqlite', { CHANGEPROOF_POLICY: hardServicePolicy(dir) });
    const admin = new ApiClient({ url: server.url, token: server.adminToken, keyPerRequest: true });
    await admin.services.create({ name: 'reports-api', environment: 'dev' });
    await admin.users.create({
      username: 'ivy',
      roles: ['requester', 'implementer'],
      groups: [],
      password: PASSWORD('ivy'),
    });
    await admin.users.create({
      username: 'tess',
      roles: ['approver'],
      groups: ['technical'],
      password: PASSWORD('tess'),
    });
    const login = async (username: string) =>
      new ApiClient({
        url: server.url,
        keyPerRequest: true,
        token: (
          await new ApiClient({ url: server.url, token: null }).login({
            username,
            password: PASSWORD(username),
          })
        ).token,
      });
    const [ivy, tess] = [await login('ivy'), await login('tess')];
    const body = {
      description: 'Rebuild the nightly report indexes.',
      reason: 'Queries slowed down.',
      services: ['reports-api'],
    };
    const first = (await admin.changes.create({ title: 'Reindex reports', ...body })).id;
    await admin.changes.action(first, 'submit');
    await tess.changes.action(first, 'approve');
    const now = Date.now();
    const window = {
      start: new Date(now - 5 * 60_000).toISOString(),
      end: new Date(now + 2 * 3_600_000).toISOString(),
    };
    await admin.changes.action(first, 'schedule', { window });
    held = { id: first, end: window.end };
    id = (await ivy.changes.create({ title: 'Vacuum reports', implementer: 'ivy', ...body })).id;
    await ivy.changes.action(id, 'submit');
    const approved = await tess.changes.action(id, 'approve');
    assert.equal(approved.state, 'approved');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the clash and the next free slot, and schedules into it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = consoleErrors(page);
    await page.goto(server.url);
    await page.getByLabel('Username').fill('ivy');
    await page.getByLabel('Password').fill(PASSWORD('ivy'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'What needs me' }).waitFor();
    await page.goto(`${server.url}/changes/${id}`);
    await page.getByRole('button', { name: 'schedule', exact: true }).click();
    await page.getByRole('button', { name: 'Confirm schedule' }).click();
    const refusal = page.getByRole('alert');
    await refusal.getByText(`service (hard)`).waitFor();
    assert.match((await refusal.textContent()) ?? '', new RegExp(held.id));
    // The refusal is recorded, and the timeline shows it at once.
    const refused = page.locator('ol.timeline li.refused', { hasText: /schedule refused: .*next free slot/ });
    await refused.waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'the change page with a hard conflict');
    await page.getByRole('button', { name: 'Schedule into the next free slot' }).click();
    await page.getByText('State: scheduled', { exact: true }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
    const admin = new ApiClient({ url: server.url, token: server.adminToken });
    const change = await admin.changes.get(id);
    assert.ok(change.window, 'scheduled into a window');
    assert.ok(change.window.start >= held.end, `${change.window.start} is after the held window`);
    assert.equal(Date.parse(change.window.end) - Date.parse(change.window.start), 3_600_000, 'same length');
    assert.deepEqual(change.conflicts, []);
    await page.locator('ol.timeline li', { hasText: 'scheduled by ivy' }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'the change page, scheduled into the free slot');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
