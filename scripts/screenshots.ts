// Screenshots of the web app's main screens for the README: `npm run screenshots` starts a server on a
// temporary data directory seeded with the demo data (CHANGEPROOF_DEMO), signs in as a demo approver in
// Debian's chromium (playwright-core), then as the first admin, and writes 1280×800 PNGs to docs/screenshots/. Re-run it after a
// visible change and commit the images.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { loadConfig } from '../src/config.ts';
import { DEMO_PASSWORD } from '../src/server/demo.ts';
import { startServer } from '../src/server/start.ts';
import { ensureWebBuilt, launchBrowser } from '../test/browser/support.ts';

const OUT = fileURLToPath(new URL('../docs/screenshots', import.meta.url));
const USER = 'tom';

const dir = mkdtempSync(join(tmpdir(), 'changeproof-shots-'));
await ensureWebBuilt();
const server = await startServer(
  loadConfig({
    CHANGEPROOF_DATA: dir,
    CHANGEPROOF_PORT: '0',
    CHANGEPROOF_LOG_LEVEL: 'silent',
    CHANGEPROOF_DEMO: '1',
  }),
);
const browser = await launchBrowser();
try {
  mkdirSync(OUT, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const shoot = async (name: string) => {
    // Let fonts and the last fetches settle so the picture is the finished screen.
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    console.log(`docs/screenshots/${name}.png`);
  };
  const heading = (p: Page, name: string | RegExp) => p.getByRole('heading', { name }).waitFor();

  const signIn = async (username: string, before?: () => Promise<void>) => {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await before?.();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as').waitFor();
  };

  await page.goto(server.url);
  await signIn(USER, () => shoot('sign-in'));
  await heading(page, 'What needs me');
  await page.getByTestId('weekly-chart').waitFor();
  await shoot('home');

  await page.getByRole('link', { name: 'Changes', exact: true }).click();
  await heading(page, 'Changes');
  const first = page.getByRole('link', { name: /^CHG-\d+$/ }).first();
  await first.waitFor();
  await shoot('changes');

  await first.click();
  await heading(page, 'Timeline');
  await shoot('change');

  // Approvers do not raise changes: the form is shown to a requester, with the draft's assessment beside it.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn('alice');
  await page.getByRole('link', { name: 'Raise a change' }).click();
  await page.getByLabel(/^Title/).fill('Upgrade the payments database');
  await page.getByRole('checkbox', { name: /^payments-api/ }).check();
  await page.getByLabel(/^Description/).fill('Minor version upgrade of the primary and its replicas.');
  await page.getByLabel(/^Reason/).fill('Security fixes in the new minor version.');
  await page
    .locator('.assessment')
    .getByText(/^Rated/)
    .waitFor();
  await shoot('raise');

  // This month's calendar with the demo's scheduled changes, as their requester sees it.
  await page.getByRole('link', { name: 'Calendar' }).click();
  await heading(page, 'Calendar');
  await shoot('calendar');

  // The admin pages, as the first admin (the password printed on the first start).
  const admin = server.init.admin;
  if (!admin) throw new Error('a fresh data directory has a first admin');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Username').fill(admin.username);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Admin' }).click();
  await heading(page, 'Users');
  await shoot('admin-users');
  await page.getByRole('link', { name: 'Policy', exact: true }).click();
  await heading(page, /^Policy/);
  await shoot('admin-policy');
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
