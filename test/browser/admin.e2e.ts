// The admin screens in a real browser: users (created with their groups, roles changed, deactivated and
// reactivated), groups and their members, API tokens (the secret shown once, gone after a reload, its last
// use shown, dead after revoking) and the policy (a past version compared with the active one, a broken one
// checked, a valid one proposed as a change). An auditor reads the users with nothing to change; a requester
// is offered none of it and is told why. No serious accessibility violation, and the users table fits a phone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../../src/client/api-client.ts';
import { ApiError } from '../../src/client/errors.ts';
import { startCliServer, type CliServer } from '../cli/support.ts';
import { ensureWebBuilt, launchBrowser, seriousViolations, signedInPage } from './support.ts';

const PASSWORD = (u: string) => `${u}-password-123`;
const EXAMPLE = readFileSync(new URL('../../examples/changeproof.policy.yaml', import.meta.url), 'utf8');
const V2 = EXAMPLE.replace('name: Example Corp change policy', 'name: Example Corp change policy v2');

describe('admin pages in a browser', () => {
  let server: CliServer;
  let browser: Browser;
  let admin: ApiClient;
  before(async () => {
    await ensureWebBuilt();
    server = await startCliServer('sqlite');
    admin = new ApiClient({ url: server.url, token: server.adminToken, keyPerRequest: true });
    await admin.users.create({ username: 'ada', roles: ['admin'], groups: [], password: PASSWORD('ada') });
    await admin.users.create({
      username: 'audrey',
      roles: ['auditor'],
      groups: [],
      password: PASSWORD('audrey'),
    });
    await admin.users.create({
      username: 'rita',
      roles: ['requester'],
      groups: [],
      password: PASSWORD('rita'),
    });
    // Version 2 of the policy, activated the only way there is: proposed, approved by others, started.
    const as = async (username: string, roles: ('approver' | 'implementer')[], groups: string[]) => {
      await admin.users.create({ username, roles, groups, password: PASSWORD(username) });
      const { token } = await new ApiClient({ url: server.url, token: null }).login({
        username,
        password: PASSWORD(username),
      });
      return new ApiClient({ url: server.url, token, keyPerRequest: true });
    };
    const [security, technical, implementer] = [
      await as('vera', ['approver'], ['security']),
      await as('tess', ['approver'], ['technical']),
      await as('ivo', ['implementer'], []),
    ];
    const proposal = await admin.policy.propose({ source: V2, reason: 'Name the version' });
    await admin.changes.action(proposal.id, 'submit');
    await security.changes.action(proposal.id, 'approve');
    await technical.changes.action(proposal.id, 'approve');
    await implementer.changes.action(proposal.id, 'start');
    assert.equal((await admin.policy.active()).version, 2, 'the fixture activates version 2');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const signedIn = (username: string, width = 1280) =>
    signedInPage(browser, server.url, username, PASSWORD(username), { width });

  const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? '';

  it('creates a user with groups, lists them in their groups, and changes their roles', async () => {
    const { page, errors } = await signedIn('ada');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'users page');

    const form = page.getByRole('region', { name: 'Create a user' });
    await form.getByLabel('Username').fill('sam');
    await form.getByLabel('Display name (optional)').fill('Sam Approver');
    await form.getByLabel('Groups').fill('security, technical');
    await form.getByRole('checkbox', { name: 'approver' }).check();
    await form.getByLabel('Initial password').fill('short');
    await form.getByRole('button', { name: 'Create user' }).click();
    // The API's rule, next to the field it concerns.
    await page.locator('#nu-password-err').waitFor();
    assert.match(await text(page, '#nu-password-err'), /at least 12 characters/);
    assert.equal(await form.getByLabel('Initial password').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await seriousViolations(page), [], 'users page with a field error');
    await form.getByLabel('Initial password').fill(PASSWORD('sam'));
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.getByRole('status').filter({ hasText: 'Created sam.' }).waitFor();
    const row = page.getByRole('row', { name: /^sam / });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Sam Approver.*approver.*security, technical.*yes/);

    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    const security = page.getByRole('region', { name: 'security' });
    await security.getByText('sam (Sam Approver)').waitFor();
    assert.match(
      (await page.getByRole('region', { name: 'technical' }).textContent()) ?? '',
      /sam \(Sam Approver\)/,
    );
    assert.deepEqual(await seriousViolations(page), [], 'groups page');
    // Adding a member is an update of that user's groups.
    await security.getByLabel('Add a member to security').selectOption('rita');
    await security.getByRole('button', { name: 'Add to security' }).click();
    const rita = security.getByRole('listitem').filter({ hasText: 'rita' });
    await rita.waitFor();
    assert.deepEqual((await admin.users.list()).items.find((u) => u.username === 'rita')?.groups, [
      'security',
    ]);
    await security.getByRole('button', { name: 'Remove rita from security' }).click();
    await rita.waitFor({ state: 'detached' });
    assert.deepEqual((await admin.users.list()).items.find((u) => u.username === 'rita')?.groups, []);

    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Edit sam' }).click();
    const edit = page.getByRole('region', { name: 'Edit sam' });
    await edit.getByRole('checkbox', { name: 'implementer' }).check();
    await edit.getByRole('checkbox', { name: 'approver' }).uncheck();
    assert.deepEqual(await seriousViolations(page), [], 'editing a user');
    await edit.getByRole('button', { name: 'Save sam' }).click();
    await edit.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /^sam .*implementer/ }).waitFor();
    const sam = (await admin.users.list()).items.find((u) => u.username === 'sam');
    assert.deepEqual(sam?.roles, ['implementer']);
    assert.deepEqual(sam?.groups, ['security', 'technical']);

    // Deactivating asks first and ends the account's sessions; reactivating restores the account.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Deactivate sam' }).click();
    await page.getByRole('row', { name: /^sam .*no \(deactivated\)/ }).waitFor();
    assert.equal((await admin.users.list()).items.find((u) => u.username === 'sam')?.active, false);
    await page.getByRole('button', { name: 'Reactivate sam' }).click();
    await page.getByRole('row', { name: /^sam .*yes/ }).waitFor();
    assert.equal((await admin.users.list()).items.find((u) => u.username === 'sam')?.active, true);
    // Nobody is offered deactivating themselves (the API refuses it).
    assert.equal(await page.getByRole('button', { name: 'Deactivate ada' }).count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows the users table at 390 px without sideways scrolling', async () => {
    const { page, errors } = await signedIn('ada', 390);
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('row', { name: /rita/ }).waitFor();
    const wide = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(wide <= 390, `the page scrolls sideways (${wide} px wide)`);
    const overflow = Number(
      await page.evaluate(
        "(() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth - w.clientWidth; })()",
      ),
    );
    assert.ok(overflow <= 0, `the users table scrolls sideways by ${overflow} px`);
    assert.deepEqual(await seriousViolations(page), [], 'users page at 390 px');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows a new token once, never after a reload, and revokes it so it no longer authenticates', async () => {
    const { page, errors } = await signedIn('ada');
    await page.goto(`${server.url}/admin/tokens`);
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    const form = page.getByRole('region', { name: 'Create a token' });
    await form.getByLabel('Name').fill('ci-reader');
    await form.getByRole('checkbox', { name: 'changes:read' }).check();
    await form.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('region', { name: 'Copy the token ci-reader now' });
    await shown.waitFor();
    assert.match((await shown.textContent()) ?? '', /only time it is shown/);
    const secret = await shown.getByLabel('Token secret').inputValue();
    assert.ok(secret.length > 20, 'the secret is shown');
    await shown.getByRole('button', { name: 'Copy token' }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'tokens page with the new secret');
    const viaToken = new ApiClient({ url: server.url, token: secret });
    const mine = await viaToken.tokens.list();
    const created = mine.items.find((t) => t.name === 'ci-reader');
    assert.ok(created, 'the secret authenticates as ada');
    assert.deepEqual(created.scopes, ['changes:read']);

    await page.reload();
    const row = page.getByRole('row', { name: /^ci-reader / });
    await row.waitFor();
    assert.match(
      (await row.textContent()) ?? '',
      new RegExp(`${created.id}.*ada.*changes:read.*never.*active`),
    );
    // Listing the tokens through it above was its first use.
    assert.equal(await row.locator('td[data-label="Last used"] time').count(), 1, 'its last use is shown');
    const html = await page.content();
    assert.ok(!html.includes(secret), 'the secret is shown again after a reload');
    assert.equal(await page.getByRole('region', { name: /Copy the token/ }).count(), 0);
    assert.deepEqual(await seriousViolations(page), [], 'tokens page');

    await row.getByRole('button', { name: 'Revoke ci-reader' }).click();
    await row.getByRole('button', { name: 'Yes, revoke ci-reader' }).click();
    await page.getByRole('row', { name: /^ci-reader .*revoked/ }).waitFor();
    await assert.rejects(
      viaToken.tokens.list(),
      (err: unknown) => err instanceof ApiError && err.status === 401,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('lists a broken policy’s errors, then proposes a valid one and lands on its change', async () => {
    const { page, errors } = await signedIn('ada');
    await page.goto(`${server.url}/admin/policy`);
    await page.getByRole('heading', { name: 'Policy', level: 1 }).waitFor();
    const active = page.getByRole('region', { name: 'Active policy' });
    await active.getByRole('definition').filter({ hasText: 'Example Corp change policy v2' }).waitFor();
    const facts = (await active.textContent()) ?? '';
    const policy = await admin.policy.active();
    assert.ok(facts.includes(policy.sha256), 'the active sha256 is shown');
    assert.match(facts, new RegExp(`Version2.*Activated byivo through ${policy.changeId}`));
    const history = page.getByRole('region', { name: 'History' });
    assert.match(
      (await history.textContent()) ?? '',
      /2 \(active\)Example Corp change policy v2.*1Example Corp/,
    );
    await page.getByRole('button', { name: 'View version 1' }).click();
    const v1 = page.getByRole('region', { name: 'Version 1' });
    await v1.getByRole('heading', { name: 'From version 1 to the active version 2' }).waitFor();
    const diff = (await v1.locator('pre.diff').textContent()) ?? '';
    assert.match(diff, /^- name: Example Corp change policy$/m);
    assert.match(diff, /^\+ name: Example Corp change policy v2$/m);
    assert.equal(diff.match(/^[-+] /gm)?.length, 2, 'only the changed line is marked');
    assert.deepEqual(await seriousViolations(page), [], 'policy page with a version compared');
    await page.getByRole('button', { name: 'View version 2' }).click();
    await page.getByText('This is the active version.').waitFor();

    const propose = page.getByRole('region', { name: 'Propose a replacement' });
    const source = propose.getByLabel('Policy file (YAML)');
    await source.fill(EXAMPLE.replace('version: 1', 'version: one'));
    await propose.getByRole('button', { name: 'Check' }).click();
    const alert = propose.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /error\(s\):.*line 9.*version/s);
    assert.deepEqual(await seriousViolations(page), [], 'policy page with check errors');

    await source.fill(V2.replace('policy v2', 'policy v3'));
    await propose.getByRole('button', { name: 'Check' }).click();
    await propose.getByRole('status').filter({ hasText: 'The policy is valid' }).waitFor();
    await propose.getByLabel('Title of the change (optional)').fill('Rename the change policy');
    await propose.getByLabel('Reason').fill('The name should say which version it is.');
    await propose.getByRole('button', { name: 'Propose' }).click();
    await page.getByRole('heading', { name: /^CHG-\d+: Rename the change policy$/, level: 1 }).waitFor();
    const id = /\/changes\/(CHG-\d+)$/.exec(page.url())?.[1];
    assert.ok(id, `landed on a change page: ${page.url()}`);
    const change = await admin.changes.get(id);
    assert.equal(change.title, 'Rename the change policy');
    assert.equal(change.requester, 'ada');
    assert.equal((await admin.policy.active()).version, 2, 'proposing activates nothing');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows an auditor the users to read, with nothing to change', async () => {
    const { page, errors } = await signedIn('audrey');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('row', { name: /^rita / }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Edit / }).count(), 0);
    assert.equal(await page.getByRole('region', { name: 'Create a user' }).count(), 0);
    assert.equal(await page.getByRole('columnheader', { name: 'Actions' }).count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('offers a requester no Admin link and refuses the users page with the reason', async () => {
    const { page, errors } = await signedIn('rita');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Ledger' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Admin' }).count(), 0);
    await page.goto(`${server.url}/admin/users`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Not allowed: listing users needs the admin/);
    assert.equal(await page.getByRole('table').count(), 0);
    assert.equal(await page.getByRole('region', { name: 'Create a user' }).count(), 0);
    assert.deepEqual(await seriousViolations(page), [], 'refused users page');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
