// Benchmark of the web app's first load (issue 16: under 1 s on localhost): a real server on the demo data,
// Debian's chromium driving a fresh browser context per load (nothing cached), timed from navigation to the
// first screen a person can use — the sign-in form, and the home queue with its data when signed in — and a
// reload with the assets cached. Also the JavaScript the first screen fetched, compressed as sent.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadConfig } from '../src/config.ts';
import { DEMO_PASSWORD } from '../src/server/demo.ts';
import { startServer } from '../src/server/start.ts';
import { ensureWebBuilt, launchBrowser } from '../test/browser/support.ts';
import { printTable, summarise, verdict, type Summary } from './stats.ts';

const TARGET_FIRST_LOAD_MS = 1_000;
const TARGET_JS_GZIP_KB = 300;

/** Sums the compressed bytes of the scripts a page has fetched so far. */
const SCRIPT_BYTES = `performance.getEntriesByType('resource')
  .filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'))
  .reduce((n, e) => n + e.encodedBodySize, 0)`;

export async function webBench(opts: { root: string; loads: number }) {
  await ensureWebBuilt();
  const dataDir = mkdtempSync(join(opts.root, 'web-'));
  const server = await startServer(
    loadConfig({
      CHANGEPROOF_DATA: dataDir,
      CHANGEPROOF_PORT: '0',
      CHANGEPROOF_HOST: '127.0.0.1',
      CHANGEPROOF_LOG_LEVEL: 'silent',
      CHANGEPROOF_DEMO: '1',
    }),
  );
  const browser = await launchBrowser();
  try {
    const cookie = await sessionCookie(server.url);
    const signInMs: number[] = [];
    const homeMs: number[] = [];
    const warmMs: number[] = [];
    let signInJs = 0;
    let homeJs = 0;
    // One load first, not counted: chromium's own start-up and the server's first compression of each asset.
    await timeLoad(browser, server.url, null);
    for (let i = 0; i < opts.loads; i++) {
      const cold = await timeLoad(browser, server.url, null);
      signInMs.push(cold.ms);
      signInJs = cold.jsBytes;
      const home = await timeLoad(browser, server.url, cookie, true);
      homeMs.push(home.ms);
      warmMs.push(home.warmMs!);
      homeJs = home.jsBytes;
      if ((i + 1) % 5 === 0) process.stdout.write(`  ${i + 1}/${opts.loads} loads\r`);
    }
    const rows: [string, Summary][] = [
      ['sign-in screen, cold', summarise(signInMs)],
      ['home with its queue, cold', summarise(homeMs)],
      ['home, reload (assets cached)', summarise(warmMs)],
    ];
    console.log(`\n${opts.loads} loads each, a fresh browser context per cold load`);
    printTable(rows);
    const kb = (n: number) => Math.round(n / 102.4) / 10;
    console.log(`JavaScript fetched (compressed): sign-in ${kb(signInJs)} KB, home ${kb(homeJs)} KB`);
    const worst = Math.max(...rows.map(([, s]) => s.p95));
    console.log(
      `${verdict(worst < TARGET_FIRST_LOAD_MS)} first load p95 ${worst} ms (target < ${TARGET_FIRST_LOAD_MS} ms)`,
    );
    console.log(
      `${verdict(kb(homeJs) < TARGET_JS_GZIP_KB)} first screen's JavaScript ${kb(homeJs)} KB compressed (target < ${TARGET_JS_GZIP_KB} KB)`,
    );
    return { rows: Object.fromEntries(rows), signInJsBytes: signInJs, homeJsBytes: homeJs };
  } finally {
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The demo approver's session cookie, from the same sign-in the browser's form makes. */
async function sessionCookie(url: string): Promise<{ name: string; value: string; url: string }> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'tom', password: DEMO_PASSWORD, cookie: true }),
  });
  if (!res.ok) throw new Error(`sign-in for the benchmark failed: ${res.status} ${await res.text()}`);
  const set = res.headers.getSetCookie().find((c) => c.startsWith('cp_session='));
  if (!set) throw new Error('the sign-in set no session cookie');
  const value = set.slice('cp_session='.length).split(';')[0]!;
  return { name: 'cp_session', value, url };
}

async function timeLoad(
  browser: Browser,
  url: string,
  cookie: { name: string; value: string; url: string } | null,
  reload = false,
): Promise<{ ms: number; warmMs?: number; jsBytes: number }> {
  const context: BrowserContext = await browser.newContext();
  try {
    if (cookie) await context.addCookies([cookie]);
    const page = await context.newPage();
    const ready = cookie
      ? () =>
          page
            .getByRole('region', { name: /Awaiting my approval/ })
            .getByRole('link')
            .first()
            .waitFor()
      : () => page.getByRole('button', { name: 'Sign in' }).waitFor();
    const start = performance.now();
    await page.goto(url);
    await ready();
    const ms = Math.round(performance.now() - start);
    const jsBytes = Number(await page.evaluate(SCRIPT_BYTES));
    if (!reload) return { ms, jsBytes };
    const again = performance.now();
    await page.reload();
    await ready();
    return { ms, warmMs: Math.round(performance.now() - again), jsBytes };
  } finally {
    await context.close();
  }
}
