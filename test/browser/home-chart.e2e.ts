// The weekly chart on the home screen in a real browser: Chart.js draws this week's open change on the canvas,
// the same numbers are in the hidden table for screen readers, and nothing breaks the page's CSP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../../src/client/api-client.ts';
import { startCliServer, type CliServer } from '../cli/support.ts';
import { consoleErrors, ensureWebBuilt, launchBrowser, seriousViolations } from './support.ts';

const PASSWORD = 'alice-password-123';
// The "Open" series' colour (web/src/home/outcomes.ts), as the canvas holds it.
const OPEN_RGB = [0x0a, 0x4f, 0xa8];

describe('weekly chart on the home screen', () => {
  let server: CliServer;
  let browser: Browser;
  before(async () => {
    await ensureWebBuilt();
    server = await startCliServer('sqlite');
    const admin = new ApiClient({ url: server.url, token: server.adminToken, keyPerRequest: true });
    await admin.services.create({ name: 'payments-api', environment: 'prod' });
    await admin.users.create({ username: 'alice', roles: ['requester'], groups: [], password: PASSWORD });
    const { token } = await new ApiClient({ url: server.url, token: null }).login({
      username: 'alice',
      password: PASSWORD,
    });
    const alice = new ApiClient({ url: server.url, token, keyPerRequest: true });
    await alice.changes.create({
      title: 'Rotate the payments TLS certificate',
      description: 'Replace the certificate that expires next month.',
      reason: 'The current certificate expires.',
      services: ['payments-api'],
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws the weeks on a canvas with the same numbers in a table, within the CSP', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = consoleErrors(page);
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await page.goto(server.url);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Changes per week' }).waitFor();

    // The text alternative: twelve weeks, this week last, with the change raised in it still open.
    const table = page.getByRole('table', { name: /Changes raised per week by outcome/ });
    await table.waitFor({ state: 'attached' });
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 12);
    const headers = await table.locator('thead th').allTextContents();
    assert.deepEqual(headers, ['Week starting', 'Successful', 'Failed', 'Rolled back', 'Cancelled', 'Open']);
    const thisWeek = await rows.last().locator('th, td').allTextContents();
    assert.match(thisWeek[0] ?? '', /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(thisWeek.slice(1), ['0', '0', '0', '0', '1']);

    // The drawing: the open change's bar is on the canvas in the "Open" colour.
    const canvas = page.getByTestId('weekly-chart');
    await canvas.waitFor();
    // A string, run in the page: the tests are type-checked without the DOM's types.
    await page.waitForFunction(
      `(() => {
        const c = document.querySelector('[data-testid="weekly-chart"]');
        const px = c && c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; px && i < px.length; i += 4)
          if (px[i] === ${OPEN_RGB[0]} && px[i + 1] === ${OPEN_RGB[1]} && px[i + 2] === ${OPEN_RGB[2]} && px[i + 3] === 255) return true;
        return false;
      })()`,
      undefined,
      { timeout: 5000 },
    );
    assert.ok(
      scripts.some((u) => /\/assets\/weeklyChart-[^/]+\.js$/.test(u)),
      'Chart.js comes in its own chunk',
    );
    assert.deepEqual(await seriousViolations(page), [], 'home with the chart');
    assert.deepEqual(errors, [], 'no script error and no CSP violation');
    await page.close();
  });

  it('does not load Chart.js on the sign-in screen', async () => {
    const page = await browser.newPage();
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await page.goto(server.url);
    await page.getByLabel('Username').waitFor();
    assert.deepEqual(
      scripts.filter((u) => u.includes('weeklyChart')),
      [],
    );
    await page.close();
  });
});
