// The read-only screens in a real browser: the services catalogue and a service with what it depends on and
// what depends on it, and the ledger page with the latest signed checkpoint and the verifier key. Reached by
// keyboard alone, with no serious accessibility violation, at desktop and phone widths.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../../src/client/api-client.ts';
import { startCliServer, type CliServer } from '../cli/support.ts';
import { consoleErrors, ensureWebBuilt, launchBrowser, seriousViolations } from './support.ts';

const PASSWORD = 'audrey-password-123';

describe('services catalogue and ledger page in a browser', () => {
  let server: CliServer;
  let browser: Browser;
  let verifierKey: string;
  let checkpointSize: number;
  before(async () => {
    await ensureWebBuilt();
    server = await startCliServer('sqlite');
    const admin = new ApiClient({ url: server.url, token: server.adminToken, keyPerRequest: true });
    await admin.services.create({ name: 'ledger-db', environment: 'prod', criticality: 'critical' });
    await admin.services.create({
      name: 'payments-api',
      environment: 'prod',
      criticality: 'high',
      team: 'payments',
      owners: { technical: 'tom', business: 'bea' },
      internetFacing: true,
      doraCriticalFunction: true,
      dependencies: ['ledger-db'],
    });
    await admin.users.create({ username: 'audrey', roles: ['requester'], groups: [], password: PASSWORD });
    const cp = await admin.ledger.issue();
    checkpointSize = cp.size;
    verifierKey = (await admin.ledger.key()).verifierKey;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signedIn(width: number): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors = consoleErrors(page);
    await page.goto(server.url);
    await page.getByLabel('Username').fill('audrey');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'What needs me' }).waitFor();
    return { page, errors };
  }

  /** Presses Tab until the focused element is a link named `name`, then Enter. */
  async function tabTo(page: Page, name: string): Promise<void> {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(
        "document.activeElement?.tagName === 'A' ? document.activeElement.textContent : null",
      );
      if (focused === name) {
        await page.keyboard.press('Enter');
        return;
      }
    }
    assert.fail(`no link named ${name} reachable by Tab`);
  }

  for (const width of [1280, 390]) {
    it(`shows the catalogue and a service's dependencies both ways, by keyboard, at ${width} px`, async () => {
      const { page, errors } = await signedIn(width);
      await tabTo(page, 'Services');
      await page.getByRole('heading', { name: 'Services', level: 1 }).waitFor();
      const row = page.getByRole('row', { name: /payments-api/ });
      assert.match((await row.textContent()) ?? '', /high.*tom \(technical\).*payments.*internet-facing/);
      assert.match((await row.textContent()) ?? '', /DORA critical function/);
      assert.deepEqual(await seriousViolations(page), [], 'services table');
      await tabTo(page, 'ledger-db');
      await page.getByRole('heading', { name: 'ledger-db', level: 1 }).waitFor();
      const dependents = page.getByRole('region', { name: 'Depended on by' });
      await dependents.getByRole('link', { name: 'payments-api' }).click();
      await page.getByRole('heading', { name: 'payments-api', level: 1 }).waitFor();
      await page
        .getByRole('region', { name: 'Depends on' })
        .getByRole('link', { name: 'ledger-db' })
        .waitFor();
      assert.deepEqual(await seriousViolations(page), [], 'service page');
      const wide = Number(await page.evaluate('document.documentElement.scrollWidth'));
      assert.ok(wide <= width, `the page scrolls sideways (${wide} px wide)`);
      assert.deepEqual(errors, []);
      await page.close();
    });

    it(`shows the latest checkpoint, the verifier key and how to verify offline at ${width} px`, async () => {
      const { page, errors } = await signedIn(width);
      await tabTo(page, 'Ledger');
      await page.getByRole('heading', { name: 'Ledger', level: 1 }).waitFor();
      const checkpoint = page.getByRole('region', { name: 'Latest signed checkpoint' });
      await checkpoint.getByText('Entries covered').waitFor();
      assert.match((await checkpoint.textContent()) ?? '', new RegExp(`Entries covered${checkpointSize}`));
      await page.getByText(verifierKey, { exact: true }).waitFor();
      const offline = page.getByRole('region', { name: 'Verify offline' });
      assert.match((await offline.textContent()) ?? '', /changeproof verify \.\/q4-export --key/);
      assert.deepEqual(await seriousViolations(page), [], 'ledger page');
      const wide = Number(await page.evaluate('document.documentElement.scrollWidth'));
      assert.ok(wide <= width, `the page scrolls sideways (${wide} px wide)`);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
