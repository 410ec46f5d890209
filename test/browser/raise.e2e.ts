// Raising changes in a real browser against a real server: the live rating moves with the risk answers and
// marks what the policy then requires, lists the approvals it will need, puts the API's errors next to
// their inputs with the focus on the first; a standard change from a template lands scheduled; an
// emergency shows its deadlines. axe finds nothing serious at 1280 and 390 px, and nothing scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../../src/client/api-client.ts';
import { startCliServer, type CliServer } from '../cli/support.ts';
import { consoleErrors, ensureWebBuilt, launchBrowser, seriousViolations } from './support.ts';

const PASSWORD = 'alice-password-123';

describe('raising a change in a browser', () => {
  let server: CliServer;
  let browser: Browser;
  let admin: ApiClient;
  before(async () => {
    await ensureWebBuilt();
    server = await startCliServer('sqlite');
    admin = new ApiClient({ url: server.url, token: server.adminToken, keyPerRequest: true });
    await admin.services.create({ name: 'reports-batch', environment: 'dev' });
    await admin.services.create({ name: 'search-api', environment: 'staging' });
    await admin.services.create({ name: 'old-portal', environment: 'dev' });
    await admin.request('POST', '/services/old-portal/retire', {
      body: { reason: 'Replaced by the new portal' },
    });
    await admin.users.create({ username: 'alice', roles: ['requester'], groups: [], password: PASSWORD });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function raiseForm(width: number): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, timezoneId: 'UTC' });
    const errors = consoleErrors(page);
    await page.goto(server.url);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'What needs me' }).waitFor();
    await page.getByRole('link', { name: 'Raise a change' }).click();
    await page.getByRole('heading', { name: 'Raise a change' }).waitFor();
    await page.getByRole('checkbox', { name: /^reports-batch/ }).waitFor();
    return { page, errors };
  }
  const assessment = (page: Page) => page.getByRole('region', { name: 'Assessment' });
  const attr = (page: Page, label: RegExp, name: string) => page.getByLabel(label).getAttribute(name);
  const focusedId = (page: Page) => page.evaluate('document.activeElement?.id ?? null');

  it('rates a draft live, marks what a high rating requires and puts the errors next to the inputs', async () => {
    const { page, errors } = await raiseForm(1280);
    // Only services still in service are offered; the filter narrows the list.
    assert.equal(await page.getByRole('checkbox', { name: /^old-portal/ }).count(), 0, 'retired service');
    await page.getByLabel('Filter the catalogue').fill('search');
    assert.equal(await page.getByRole('checkbox', { name: /^reports-batch/ }).count(), 0, 'filtered out');
    await page.getByLabel('Filter the catalogue').fill('');

    // Submitting without a title: the API's validation error beside the title, which takes the focus.
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    const titleError = page.locator('#r-title-error');
    await titleError.waitFor();
    assert.match((await titleError.textContent()) ?? '', /title of at least 3 characters/);
    assert.equal(await attr(page, /^Title/, 'aria-invalid'), 'true');
    assert.equal(await attr(page, /^Title/, 'aria-describedby'), 'r-title-error');
    assert.equal(await focusedId(page), 'r-title');

    await page.getByLabel(/^Title/).fill('Purge old report archives');
    // By keyboard: from the filter, Tab reaches the first service and Space ticks it.
    await page.getByLabel('Filter the catalogue').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    assert.equal(await page.getByRole('checkbox', { name: /^reports-batch/ }).isChecked(), true);
    await assessment(page).getByText('Rated low').waitFor();
    await assessment(page).getByText('1 from technical').waitFor();
    assert.equal(
      await attr(page, /^Description/, 'aria-required'),
      'true',
      'low risk requires a description',
    );
    assert.equal(await attr(page, /^Rollback method/, 'aria-required'), null, 'not required at low risk');
    assert.deepEqual(await seriousViolations(page), [], 'the form at 1280 px');

    // An irreversible change rates high: its reason, the approvals it needs and its required inputs follow.
    const irreversible = page.getByRole('group', { name: /not be cleanly rolled back/ });
    await irreversible.getByLabel('Yes').check();
    await assessment(page).getByText('Rated high').waitFor();
    await assessment(page)
      .getByText(/Cannot be cleanly rolled back/)
      .waitFor();
    await assessment(page).getByText('1 from security').waitFor();
    await assessment(page).getByText('1 from technical').waitFor();
    for (const label of [/^Rollback method/, /^Test environment/, /^Implementation plan/])
      assert.equal(await attr(page, label, 'aria-required'), 'true', `${label} required at high risk`);
    await page
      .getByLabel(/^Rollback method/)
      .locator('xpath=..')
      .getByText('(required)')
      .waitFor();
    // Answered no again, the rating goes back down: the rating is the server's, following the answers.
    await irreversible.getByLabel('No').check();
    await assessment(page).getByText('Rated low').waitFor();
    assert.equal(await attr(page, /^Rollback method/, 'aria-required'), null);
    await irreversible.getByLabel('Yes').check();
    await assessment(page).getByText('Rated high').waitFor();

    // Submitted without its rollback plan and test evidence: saved as a draft, refused for approval, and
    // each missing input says so, the first with the focus.
    await page.getByLabel(/^Description/).fill('Delete report archives older than seven years.');
    await page.getByLabel(/^Reason/).fill('Retention policy: seven years.');
    await page.getByLabel(/^Implementation plan/).fill('Run the purge job with the cut-off date.');
    await page.getByLabel(/^Test plan/).fill('Dry run in staging, compare counts.');
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await page.getByText(/Saved as draft CHG-\d+/).waitFor();
    const rollbackError = page.locator('#r-rollbackMethod-error');
    await rollbackError.waitFor();
    assert.equal(await rollbackError.textContent(), 'required at high risk');
    assert.equal(await attr(page, /^Rollback method/, 'aria-invalid'), 'true');
    assert.equal(await attr(page, /^Test environment/, 'aria-invalid'), 'true');
    assert.equal(await focusedId(page), 'r-rollbackMethod');
    assert.deepEqual(await seriousViolations(page), [], 'the form showing errors');

    // Completed, the same draft goes for approval.
    await page.getByLabel(/^Rollback method/).fill('Restore the archives from the backup.');
    await page.getByLabel(/^Rollback time/).fill('60');
    await page.getByLabel(/^Rollback triggers/).fill('A report still needs an archive.');
    await page.getByLabel(/A current, restorable backup exists/).check();
    await page.getByLabel(/^Test environment/).fill('staging');
    await page.getByLabel(/^Test results/).fill('Dry run deleted the expected 1,204 archives.');
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await page.getByText('State: awaiting approval').waitFor();
    const id = /CHG-\d+/.exec((await page.getByRole('heading', { level: 1 }).textContent()) ?? '')?.[0];
    const change = await admin.changes.get(id ?? 'none');
    assert.equal(change.riskRating, 'high');
    assert.equal(change.riskAnswers.irreversible, true);
    assert.deepEqual(change.services, ['reports-batch']);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('raises a standard change from a template, prefilled, and it lands scheduled', async () => {
    const { page, errors } = await raiseForm(1280);
    await page.getByRole('checkbox', { name: /^search-api/ }).check();
    await page.getByRole('radio', { name: /^Standard/ }).check();
    const template = page.getByLabel(/^Template/);
    assert.equal(await template.getAttribute('aria-required'), 'true');
    await template.selectOption({ label: 'Scale service replicas' });
    await page.getByText(/Approved for web-frontend, api-gateway, search-api, at most medium risk/).waitFor();
    assert.equal(await page.getByLabel(/^Title/).inputValue(), 'Scale service replicas');
    assert.match(await page.getByLabel(/^Implementation plan/).inputValue(), /replica count/);
    assert.equal(await page.getByLabel(/^Rollback method/).inputValue(), 'Revert the manifest commit.');
    // Only the templates covering every chosen service are offered.
    await page.getByRole('checkbox', { name: /^reports-batch/ }).check();
    assert.equal(await template.locator('option', { hasText: 'Scale service replicas' }).count(), 0);
    await page.getByRole('checkbox', { name: /^reports-batch/ }).uncheck();
    await page.getByLabel(/^Description/).fill('Four replicas for the search API during the sale.');
    await page.getByLabel(/^Reason/).fill('Expected traffic doubles.');
    await assessment(page).getByText('None: pre-approved by its template.').waitFor();
    // Half a window is refused next to the end that is missing, then the whole window is taken.
    await page.getByLabel(/^Window start/).fill('2027-03-01T22:00');
    await page.getByRole('button', { name: 'Raise standard change' }).click();
    await page.locator('#r-windowEnd-error').waitFor();
    await page.getByLabel(/^Window end/).fill('2027-03-01T23:00');
    await page.getByRole('button', { name: 'Raise standard change' }).click();
    await page.getByText('State: scheduled').waitFor();
    const id = /CHG-\d+/.exec((await page.getByRole('heading', { level: 1 }).textContent()) ?? '')?.[0];
    const change = await admin.changes.get(id ?? 'none');
    assert.equal(change.type, 'standard');
    assert.equal(change.template, 'scale-replicas');
    assert.equal(change.state, 'scheduled');
    // The page's zone is the test's (UTC), so the times typed are the instants stored.
    assert.deepEqual(change.window, { start: '2027-03-01T22:00:00.000Z', end: '2027-03-01T23:00:00.000Z' });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("shows an emergency's deadlines and criteria, and fits a phone", async () => {
    const { page, errors } = await raiseForm(390);
    await page.getByRole('radio', { name: /^Emergency/ }).check();
    const deadlines = page.getByRole('region', { name: 'Emergency deadlines' });
    await deadlines.getByText(/Full record within 24 hours of authorization: by .+/).waitFor();
    await deadlines
      .getByText(/Post-implementation review within 5 days of implementation starting/)
      .waitFor();
    const criterion = page.getByLabel(/^Emergency criterion/);
    assert.equal(await criterion.getAttribute('aria-required'), 'true');
    await criterion.selectOption({
      label: 'Data is being lost or corrupted and waiting would make it worse.',
    });
    await page.getByLabel(/^Title/).fill('Stop the corrupting import');
    await page.getByRole('checkbox', { name: /^reports-batch/ }).check();
    await assessment(page).getByText('1 from duty_manager').waitFor();
    // Without the justification the server refuses to submit it, and says so next to that input.
    await page.getByLabel(/^Rollback method/).fill('Re-enable the import.');
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    const why = page.locator('#r-emergencyJustification-error');
    await why.waitFor();
    assert.match((await why.textContent()) ?? '', /why the emergency criterion applies/);
    assert.equal(await focusedId(page), 'r-emergencyJustification');
    assert.deepEqual(await seriousViolations(page), [], 'the emergency form at 390 px');
    const wide = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(wide <= 390, `the form scrolls sideways at 390 px (${wide} px wide)`);
    // Said why, the saved draft goes to the duty manager.
    await page.getByLabel(/^Why the criterion applies/).fill('The nightly import is overwriting orders.');
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await page.getByText('State: awaiting approval').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });
});
