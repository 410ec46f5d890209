// The web app in a real browser against a real server: sign in, find a change, be told why one cannot approve
// one's own change, approve it as someone else, filter the table through the address, and no
// serious accessibility violation on any screen, at desktop and phone widths, with no CSP violation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../../src/client/api-client.ts';
import { startCliServer, type CliServer } from '../cli/support.ts';
import { consoleErrors, ensureWebBuilt, launchBrowser, seriousViolations, signedInPage } from './support.ts';

const PASSWORD = (u: string) => `${u}-password-123`;

describe('web app in a browser', () => {
  let server: CliServer;
  let browser: Browser;
  let changeId: string;
  before(async () => {
    await ensureWebBuilt();
    server = await startCliServer('sqlite');
    const admin = new ApiClient({ url: server.url, token: server.adminToken, keyPerRequest: true });
    await admin.services.create({ name: 'payments-api', environment: 'prod' });
    await admin.users.create({
      username: 'alice',
      roles: ['requester'],
      groups: [],
      password: PASSWORD('alice'),
    });
    await admin.users.create({
      username: 'tom',
      roles: ['approver'],
      groups: ['technical'],
      password: PASSWORD('tom'),
    });
    const { token } = await new ApiClient({ url: server.url, token: null }).login({
      username: 'alice',
      password: PASSWORD('alice'),
    });
    const alice = new ApiClient({ url: server.url, token, keyPerRequest: true });
    const change = await alice.changes.create({
      title: 'Rotate the payments TLS certificate',
      description: 'Replace the certificate that expires next month.',
      reason: 'The current certificate expires.',
      services: ['payments-api'],
    });
    changeId = change.id;
    const submitted = await alice.changes.action(changeId, 'submit');
    assert.equal(submitted.state, 'awaiting_approval', 'the fixture change awaits approval');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const signedIn = (username: string, width = 1280) =>
    signedInPage(browser, server.url, username, PASSWORD(username), { width });

  it('refuses a wrong password with the reason, then signs in to the home queue', async () => {
    const page = await browser.newPage();
    const errors = consoleErrors(page);
    await page.goto(server.url);
    assert.deepEqual(await seriousViolations(page), [], 'sign-in screen');
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /password|credentials|sign/i);
    await page.getByLabel('Password').fill(PASSWORD('alice'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'What needs me' }).waitFor();
    await page
      .getByRole('region', { name: /My open changes/ })
      .getByRole('link', { name: changeId })
      .waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'home screen');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows a change and says why its requester cannot approve it', async () => {
    const { page, errors } = await signedIn('alice');
    await page.getByRole('link', { name: 'Changes', exact: true }).click();
    await page.getByRole('link', { name: changeId }).click();
    await page.getByRole('heading', { name: new RegExp(`${changeId}: Rotate the payments`) }).waitFor();
    assert.match((await page.locator('#duty-bar').textContent()) ?? '', /you requested this change/);
    // Approving is not offered where the API would refuse it; the bar above says why.
    assert.equal(await page.getByRole('button', { name: 'approve', exact: true }).count(), 0);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'change page');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('lets another approver approve it', async () => {
    const { page, errors } = await signedIn('tom');
    await page
      .getByRole('region', { name: /Awaiting my approval/ })
      .getByRole('link', { name: changeId })
      .click();
    assert.equal(await page.locator('#duty-bar').count(), 0, 'nothing bars tom');
    await page.getByRole('button', { name: 'approve', exact: true }).click();
    await page.getByLabel('Comment').fill('Looks safe.');
    await page.getByRole('button', { name: 'Confirm approve' }).click();
    await page.getByText('State: approved').waitFor();
    await page.getByText(/approval granted by tom/).waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('raises a change from the form, with its assessment beside it', async () => {
    const { page, errors } = await signedIn('alice');
    await page.getByRole('link', { name: 'Raise a change' }).click();
    await page.getByLabel('Title').fill('Upgrade the payments database');
    await page.getByRole('checkbox', { name: /^payments-api/ }).check();
    await page.getByLabel(/^Description/).fill('Minor version upgrade.');
    await page.getByLabel(/^Reason/).fill('Security fixes in the new minor version.');
    // The server's assessment of the draft: a prod service that is not internet-facing rates low.
    await page.getByText('Rated low').waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'raise-a-change form');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('heading', { name: /CHG-\d+: Upgrade the payments database/ }).waitFor();
    await page.getByText('State: draft').waitFor();
    await page.getByRole('button', { name: 'submit', exact: true }).click();
    await page.getByText('State: awaiting approval').or(page.getByRole('alert')).waitFor();
    assert.equal(
      await page.getByRole('alert').count(),
      0,
      await page.getByRole('alert').allTextContents().then(String),
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('keeps the filters in the address and works at phone width', async () => {
    const { page, errors } = await signedIn('tom', 390);
    assert.deepEqual(await seriousViolations(page), [], 'home at phone width');
    await page.getByRole('link', { name: 'Changes', exact: true }).click();
    await page.getByLabel('State').selectOption('approved');
    await page.getByLabel('Search').fill('payments');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/state=approved/);
    assert.match(page.url(), /q=payments/);
    await page.getByRole('link', { name: changeId }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'changes table at phone width');
    // Paging back keeps the filters the address held.
    await page.getByRole('link', { name: 'Home' }).click();
    await page.goBack();
    assert.equal(await page.getByLabel('State').inputValue(), 'approved');
    const wide = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(wide <= 390, `the page scrolls sideways at 390 px (${wide} px wide)`);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
