// Browser fixtures: the built web app (built here if missing), Debian's chromium driven by playwright-core,
// and axe-core run inside the page. Headless with no sandbox: CI runs as root in a container.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WEB_DIST } from '../../src/server/web.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const WEB = fileURLToPath(new URL('../../web', import.meta.url));

/** The newest modification time among the app's sources. */
function newestSource(dir = join(WEB, 'src')): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestSource(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );
}

/** Builds web/dist when it is missing or older than a source file (npm ci builds it; an edit may not have). */
export async function ensureWebBuilt(): Promise<void> {
  const index = join(WEB_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource()) return;
  const { build } = await import('vite');
  await build({
    configFile: join(WEB, 'vite.config.ts'),
    logLevel: 'warn',
  });
}

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}

/**
 * Script errors and console errors of a page, CSP violations among them: each must fail the test. Chromium's
 * "Failed to load resource" lines are left out: refused requests are part of the flows tested (a wrong
 * password, a refused approval), and what the screen makes of them is asserted instead.
 */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is. Evaluated through
 * the DevTools protocol, which the page's CSP does not govern (the page itself may run no inline script).
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A new page signed in through the form, on the home screen, with its console errors collected. */
export async function signedInPage(
  browser: Browser,
  url: string,
  username: string,
  password: string,
  opts: { width?: number; timezoneId?: string } = {},
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({
    viewport: { width: opts.width ?? 1280, height: 900 },
    ...(opts.timezoneId && { timezoneId: opts.timezoneId }),
  });
  const errors = consoleErrors(page);
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'What needs me' }).waitFor();
  return { page, errors };
}
