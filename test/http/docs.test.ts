// The API reference at /docs is self-contained: every asset comes from this server, nothing on the page reaches
// an outside service (no "Ask AI", "Generate MCP" or "Deploy" buttons), and it needs no inline script.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { noServerErrors } from '../support/http.ts';

const OUTSIDE_BUTTONS = ['Ask AI', 'Generate MCP', 'Deploy'];

/** Every src= and href= of a page. */
const references = (html: string) =>
  [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]!);

/** The docs page after any redirect, with the address its relative references resolve against. */
async function docsPage(t: TestApp) {
  let url = '/docs';
  let res = await t.req(null, 'GET', url);
  for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) {
    url = String(res.headers.location);
    res = await t.req(null, 'GET', url);
  }
  const at = (ref: string) => new URL(ref, `http://self.invalid${url}`).pathname;
  return { res, at };
}

describe('API reference page', () => {
  let t: TestApp;
  before(async () => {
    t = noServerErrors(await startTestApp('sqlite'));
  });
  after(() => t.close());

  it('serves /docs with all its assets from the server itself', async () => {
    const { res: page, at } = await docsPage(t);
    assert.equal(page.statusCode, 200, page.body);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const refs = references(page.body);
    const scripts = refs.filter((r) => r.endsWith('.js'));
    assert.ok(scripts.length > 0, `the page loads its scripts: ${refs.join(', ')}`);
    for (const ref of refs) {
      assert.doesNotMatch(ref, /^(?:[a-z][a-z0-9+.-]*:)?\/\//i, `${ref} is on this server`);
      const url = at(ref);
      const asset = await t.req(null, 'GET', url);
      assert.equal(asset.statusCode, 200, `${url} is served`);
    }
    assert.doesNotMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline script');
  });

  it('shows no button that reaches an outside service', async () => {
    const { res: page, at } = await docsPage(t);
    const own = [page.body];
    for (const ref of references(page.body).filter((r) => r.endsWith('.js'))) {
      const body = (await t.req(null, 'GET', at(ref))).body;
      // The Swagger UI bundle holds "Deploy" as a highlighted PowerShell verb; the page and its set-up must not.
      if (/swagger-ui-(bundle|standalone-preset)\.js$/.test(ref)) {
        assert.ok(!body.includes('Ask AI') && !body.includes('Generate MCP'), `${ref} has no AI buttons`);
      } else own.push(body);
    }
    for (const text of own)
      for (const button of OUTSIDE_BUTTONS) assert.ok(!text.includes(button), `no "${button}" on the page`);
    const init = own.find((b) => b.includes('SwaggerUIBundle')) ?? '';
    assert.match(init, /validatorUrl: null/, 'no hosted validator');
  });

  it('sends a CSP that allows scripts from the server only', async () => {
    for (const url of ['/docs', '/docs/static/swagger-ui-bundle.js']) {
      const res = await t.req(null, 'GET', url);
      const csp = String(res.headers['content-security-policy'] ?? '');
      const script = /script-src ([^;]+)/.exec(csp)?.[1];
      assert.equal(script, "'self'", `${url}: ${csp}`);
      assert.match(csp, /default-src 'self'/);
    }
  });
});
