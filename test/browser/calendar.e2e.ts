// The calendar in a real browser: month and week views show scheduled changes with their risk, a conflict
// between two of them in words, and the example policy's maintenance and freeze windows; the requester drags a
// change to another day and to another hour and confirms, and the API then holds the new window; a move into
// the implementer's other booking is refused with the next free slot offered, which is then taken; an
// approver who may not move changes sees no handle and no button; the feed address is made and revoked.
// No serious accessibility violation at 1280 and 390 px. The browser runs in UTC, so hours read as in the API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../../src/client/api-client.ts';
import { startCliServer, type CliServer } from '../cli/support.ts';
import { ensureWebBuilt, launchBrowser, seriousViolations, signedInPage } from './support.ts';

const PASSWORD = (u: string) => `${u}-password-123`;
const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * A day three or more days ahead, between the 5th and the 14th (clear of the example policy's month-end
 * freeze for the three days used) and outside its year-end freeze.
 */
function quietDay(): string {
  for (let t = Date.now() + 3 * DAY; ; t += DAY) {
    const key = new Date(t).toISOString().slice(0, 10);
    const dom = Number(key.slice(8));
    if (dom >= 5 && dom <= 14 && !(key >= '2026-12-20' && key <= '2027-01-05')) return key;
  }
}

describe('calendar in a browser', () => {
  const D = quietDay();
  const at = (day: number, hour: number) =>
    new Date(Date.parse(`${D}T00:00:00Z`) + day * DAY + hour * HOUR).toISOString();
  const dayOf = (day: number) => at(day, 0).slice(0, 10);
  let server: CliServer;
  let browser: Browser;
  let alice: ApiClient;
  const ids = { a: '', b: '', c: '' };

  before(async () => {
    await ensureWebBuilt();
    server = await startCliServer('sqlite');
    const admin = new ApiClient({ url: server.url, token: server.adminToken, keyPerRequest: true });
    await admin.services.create({ name: 'billing-api', environment: 'prod', criticality: 'low' });
    await admin.services.create({ name: 'search-api', environment: 'prod', criticality: 'low' });
    const people: [string, string, string[]][] = [
      ['alice', 'requester', []],
      ['ivan', 'implementer', []],
      ['tom', 'approver', ['technical']],
    ];
    for (const [username, role, groups] of people)
      await admin.users.create({
        username,
        roles: [role as 'requester'],
        groups,
        password: PASSWORD(username),
      });
    const as = async (username: string) => {
      const { token } = await new ApiClient({ url: server.url, token: null }).login({
        username,
        password: PASSWORD(username),
      });
      return new ApiClient({ url: server.url, token, keyPerRequest: true });
    };
    alice = await as('alice');
    const tom = await as('tom');
    async function scheduled(
      title: string,
      service: string,
      implementer: string | null,
      window: { start: string; end: string },
      proposedWindow?: { start: string; end: string },
    ): Promise<string> {
      const { id } = await alice.changes.create({
        title,
        description: `${title}, as planned.`,
        reason: 'Keeps the service healthy.',
        services: [service],
        implementer,
        proposedWindow,
      });
      await alice.changes.action(id, 'submit');
      assert.equal((await tom.changes.action(id, 'approve', { comment: 'ok' })).state, 'approved');
      assert.equal((await alice.changes.action(id, 'schedule', { window })).state, 'scheduled');
      return id;
    }
    // A's approvers agreed to any time in three days, so moving it within them keeps its approvals.
    ids.a = await scheduled(
      'Reindex billing',
      'billing-api',
      'ivan',
      { start: at(0, 10), end: at(0, 12) },
      { start: at(0, 0), end: at(3, 0) },
    );
    ids.b = await scheduled('Warm the billing cache', 'billing-api', null, {
      start: at(0, 11),
      end: at(0, 13),
    });
    ids.c = await scheduled('Upgrade search', 'search-api', 'ivan', { start: at(2, 10), end: at(2, 12) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const signedIn = (username: string, width = 1280) =>
    signedInPage(browser, server.url, username, PASSWORD(username), { width, timezoneId: 'UTC' });

  const noSidewaysScroll = async (page: Page, width: number) => {
    const wide = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(wide <= width, `the page scrolls sideways (${wide} px wide)`);
  };

  it('shows changes, the conflict and the windows in month and week views, with nothing to move for an approver', async () => {
    const { page, errors } = await signedIn('tom');
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
    await page.locator('table.month').waitFor();
    await page.goto(`${server.url}/calendar?view=month&date=${D}`);
    const cell = page.locator(`td[data-day="${D}"]`);
    await cell.getByRole('link', { name: ids.a }).waitFor();
    const a = cell.locator(`[data-change="${ids.a}"]`);
    assert.match((await a.textContent()) ?? '', /Reindex billing.*10:00.*low risk.*soft conflict/);
    assert.match((await a.getAttribute('class')) ?? '', /risk-edge-low/);
    // Both changes say whom they clash with and why.
    const conflicts = (await page.getByRole('region', { name: 'Conflicts' }).textContent()) ?? '';
    for (const [one, other] of [
      [ids.a, ids.b],
      [ids.b, ids.a],
    ])
      assert.match(
        conflicts,
        new RegExp(`Soft service conflict with ${other}: ${other} \\(.*\\) also changes billing-api`),
        one,
      );
    // The example policy's month-end close is on every month's last day, which every month view shows.
    await page.getByText('Soft freeze: Month-end financial close').first().waitFor();
    assert.equal(await page.locator('.drag-handle').count(), 0, 'no handle for an approver');
    assert.equal(await page.getByRole('button', { name: /^Reschedule/ }).count(), 0);
    assert.deepEqual(await seriousViolations(page), [], 'month view');
    await noSidewaysScroll(page, 1280);

    await page.getByRole('button', { name: 'Week' }).click();
    await page.getByRole('heading', { name: /^Week of/ }).waitFor();
    assert.match(page.url(), /view=week/);
    const column = page.locator(`.week-day[data-day="${D}"]`);
    const placed = column.locator(`[data-change="${ids.a}"]`);
    await placed.waitFor();
    assert.match((await placed.getAttribute('class')) ?? '', /at-h10 span-h2 lane-0/);
    assert.match(
      (await column.locator(`[data-change="${ids.b}"]`).getAttribute('class')) ?? '',
      /at-h11 span-h2 lane-1/,
    );
    assert.deepEqual(await seriousViolations(page), [], 'week view');
    await page.getByRole('button', { name: 'Next week' }).click();
    await page.getByRole('button', { name: 'Previous week' }).click();
    await placed.waitFor();

    // December 2026 holds the hard year-end freeze; Sunday nights the ledger's maintenance.
    await page.goto(`${server.url}/calendar?view=week&date=2026-12-22`);
    await page.getByText('Hard freeze: Year-end freeze').first().waitFor();
    assert.ok((await page.locator('.slot.mark-freeze-hard').count()) > 0, 'hours marked by the hard freeze');
    await page.goto(`${server.url}/calendar?view=month&date=2026-12-01`);
    await page.getByText('Maintenance: Ledger database maintenance').first().waitFor();
    await page.getByText('Hard freeze: Year-end freeze').first().waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'month with freezes');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('lists the period at phone width, with no handle for an approver', async () => {
    const { page, errors } = await signedIn('tom', 390);
    await page.goto(`${server.url}/calendar?view=week&date=${D}`);
    const agenda = page.locator('ol.agenda');
    await agenda.getByRole('link', { name: ids.a }).waitFor();
    await agenda.getByRole('link', { name: ids.b }).waitFor();
    assert.equal(await page.locator('.drag-handle').count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Reschedule/ }).count(), 0);
    assert.deepEqual(await seriousViolations(page), [], 'agenda');
    await noSidewaysScroll(page, 390);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('moves a change by dragging to another day and another hour, after a confirm step', async () => {
    const { page, errors } = await signedIn('alice');
    await page.goto(`${server.url}/calendar?view=month&date=${D}`);
    const handle = page.getByTitle(`Drag ${ids.a} to another day or hour`);
    await handle.dragTo(page.locator(`td[data-day="${dayOf(1)}"]`));
    const panel = page.getByRole('region', { name: new RegExp(`Reschedule ${ids.a}`) });
    await panel.waitFor();
    assert.equal(await page.getByLabel('Start').inputValue(), `${dayOf(1)}T10:00`);
    assert.equal(await page.getByLabel('End').inputValue(), `${dayOf(1)}T12:00`);
    assert.match((await panel.textContent()) ?? '', /Now.*10:00.*12:00.*New.*10:00.*12:00/);
    assert.deepEqual(await seriousViolations(page), [], 'confirm step');
    await panel.getByRole('button', { name: 'Confirm new window' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${ids.a} moved` })
      .waitFor();
    let a = await alice.changes.get(ids.a);
    assert.deepEqual([a.state, a.window], ['scheduled', { start: at(1, 10), end: at(1, 12) }]);
    await page
      .locator(`td[data-day="${dayOf(1)}"]`)
      .getByRole('link', { name: ids.a })
      .waitFor();

    await page.goto(`${server.url}/calendar?view=week&date=${dayOf(1)}`);
    await page
      .getByTitle(`Drag ${ids.a} to another day or hour`)
      .dragTo(page.locator(`[data-slot="${dayOf(1)}T14:00"]`));
    await page.getByRole('button', { name: 'Confirm new window' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${ids.a} moved` })
      .waitFor();
    a = await alice.changes.get(ids.a);
    assert.deepEqual(a.window, { start: at(1, 14), end: at(1, 16) }, 'same length, at the hour dropped on');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('refuses a move into a hard conflict, offers the next free slot, and takes it (by keyboard, on a phone)', async () => {
    const { page, errors } = await signedIn('alice', 390);
    await page.goto(`${server.url}/calendar?view=month&date=${D}`);
    await page.getByRole('button', { name: `Reschedule ${ids.a}` }).click();
    await page.getByLabel('Start').fill(`${dayOf(2)}T10:00`);
    await page.getByLabel('End').fill(`${dayOf(2)}T12:00`);
    await page.getByRole('button', { name: 'Confirm new window' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', new RegExp(`ivan already implements ${ids.c}`));
    const offer = page.getByRole('button', { name: /^Use the next free slot/ });
    await offer.click();
    assert.equal(await page.getByRole('alert').count(), 0);
    const start = await page.getByLabel('Start').inputValue();
    assert.ok(start >= `${dayOf(2)}T12:00`, `the slot offered starts after ${ids.c}: ${start}`);
    assert.deepEqual(await seriousViolations(page), [], 'refusal and offer');
    await noSidewaysScroll(page, 390);
    await page.getByRole('button', { name: 'Confirm new window' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${ids.a} moved` })
      .waitFor();
    const a = await alice.changes.get(ids.a);
    assert.equal(a.state, 'scheduled');
    assert.equal(a.window?.start.slice(0, 16), start);
    assert.equal(Date.parse(a.window.end) - Date.parse(a.window.start), 2 * HOUR);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('makes a feed address shown once, which works until it is revoked', async () => {
    const { page, errors } = await signedIn('alice');
    await page.goto(`${server.url}/calendar`);
    const panel = page.getByRole('region', { name: 'Subscribe' });
    await panel.getByRole('button', { name: 'Create feed address' }).click();
    const url = await panel.getByLabel(/Your feed address/).inputValue();
    assert.match(url, new RegExp(`^${server.url}/api/v1/calendar\\.ics\\?token=cpf_`));
    const feed = await fetch(url);
    assert.equal(feed.status, 200);
    assert.match(await feed.text(), new RegExp(`${ids.a}: Reindex billing`));
    assert.deepEqual(await seriousViolations(page), [], 'subscribe panel');
    await panel.getByRole('button', { name: 'Revoke feed address' }).click();
    await panel.getByRole('status').filter({ hasText: 'revoked' }).waitFor();
    assert.equal((await fetch(url)).status, 401);
    await panel.getByRole('button', { name: 'Revoke feed address' }).click();
    await panel.getByRole('alert').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });
});
