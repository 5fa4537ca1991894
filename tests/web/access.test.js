'use strict';
/*
 * access.test.js - what each role sees: a lab user lands on a home page,
 * has no Dashboard or Users link and is told "You do not have access" at
 * /dashboard; a finance user reads the reports and adds hospitals but not
 * centers; an auditor reads the users page without its actions; the
 * navigation grouped by area; the users page (admin): add a user with roles as checkboxes,
 * refusals by field, reset a password, disable with a confirmation; the
 * keyboard: skip link first, focus visible.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ADMIN_PASSWORD, startApp } = require('./lib/web');

describe('access by role, and user administration', () => {
  let app;

  before(async () => {
    app = await startApp();
  });

  after(async () => {
    if (app) await app.close();
  });

  test('a lab user sees the home page, no Dashboard link, and no access to the dashboard', async () => {
    const password = await app.addUser('lena', 'lab');
    const page = await app.newPage();
    await app.login(page, 'lena', password);
    await page.getByRole('heading', { name: 'Welcome, lena' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(await page.locator('#user-roles').textContent(), /Lab \/ quality/);
    const nav = await page.locator('#site-nav a').allTextContents();
    assert.deepEqual(nav, ['Home', 'Donors', 'Collections', 'Unit lookup', 'Test results', 'Discrepancies', 'Release', 'Lookback', 'Inventory',
      'Shelf units', 'Apheresis calculators', 'Markets', 'Donor centers', 'Hospitals', 'API reference']);
    // Grouped by the product's areas, in the server's order.
    assert.deepEqual(await page.locator('#site-nav .nav-area').allTextContents(),
      ['donors and collections', 'laboratory', 'distribution', 'services', 'administration']);
    assert.equal(await page.getByRole('link', { name: 'Dashboard' }).count(), 0);

    for (const path of ['/dashboard', '/quarterly?period=2004Q1', '/users']) {
      await page.goto(path);
      await page.getByRole('heading', { name: 'No access' }).waitFor();
      assert.match(await page.getByRole('alert').textContent(), /You do not have access to this page\./, path);
    }

    // Registry pages are open to read, without the buttons that change things.
    await page.goto('/centers');
    await page.getByText('Showing 4 donor centers').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add a donor center' }).count(), 0);
    await page.goto('/centers/LA-01');
    await page.getByRole('heading', { name: 'LA-01 Los Angeles Donor Center' }).waitFor();
    assert.equal(await page.getByRole('form').count(), 0, 'no edit or close form');
    await page.goto('/hospitals');
    await page.getByText('Showing 1 hospitals').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add a hospital' }).count(), 0);
    await page.goto('/nowhere/at/all');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    app.assertClean(page);
    await page.context().close();
  });

  test('a finance user reads the reports and adds hospitals, but not centers or users', async () => {
    const password = await app.addUser('fiona', 'finance');
    const page = await app.newPage();
    await app.login(page, 'fiona', password);
    // Their worklist first (tests/web/worklist.test.js), the dashboard a link away.
    await page.getByRole('heading', { name: 'Welcome, fiona' }).waitFor();
    const nav = await page.locator('#site-nav a').allTextContents();
    assert.deepEqual(nav, ['Home', 'Contracts', 'Apheresis contracts', 'Management contracts', 'Clinical trials', 'Dashboard', 'Quarterly results', 'Apheresis volumes', 'Journal', 'Trial balance', 'Income statement', 'Balance sheet', 'Periods', 'Weighted shares', 'Customers', 'Invoices', 'Payments and credits', 'Record a payment', 'Receivables aging', 'Allowance and write-offs', 'Markets', 'Donor centers', 'Hospitals', 'API reference']);
    await page.goto('/hospitals');
    await page.getByRole('button', { name: 'Add a hospital' }).click();
    const form = page.getByRole('form', { name: 'Add a hospital' });
    await form.getByLabel('Code').fill('UCLA');
    await form.getByLabel('Name').fill('UCLA Medical Center');
    await form.getByLabel('Market').selectOption('LA');
    await form.getByRole('button', { name: 'Add the hospital' }).click();
    await page.getByRole('status').filter({ hasText: 'Hospital UCLA UCLA Medical Center is added.' }).waitFor();
    await page.goto('/centers');
    await page.getByText('Showing 4 donor centers').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add a donor center' }).count(), 0);
    await page.goto('/users');
    await page.getByText('You do not have access to this page.').waitFor();
    app.assertClean(page);
    await page.context().close();
  });

  test('an auditor reads the users and the audit-relevant pages, without the buttons that change them', async () => {
    const password = await app.addUser('aurelia', 'auditor');
    const page = await app.newPage();
    await app.login(page, 'aurelia', password);
    await page.getByRole('heading', { name: 'Dashboard, Q1 2004' }).waitFor();
    assert.ok((await page.locator('#site-nav a').allTextContents()).includes('Users'));
    await page.goto('/users');
    await page.getByRole('rowheader', { name: 'aurelia', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add a user' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /Reset password/ }).count(), 0);
    assert.equal(await page.getByRole('columnheader', { name: 'Actions' }).count(), 0);
    app.assertClean(page);
    await page.context().close();
  });

  test('the administrator adds a user with roles chosen as checkboxes', async () => {
    const page = await app.newPage();
    await app.login(page, 'admin', ADMIN_PASSWORD, '/users');
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Add a user' }).click();
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('User name').fill('eve');
    await form.getByLabel('Full name').fill('Eve Executive');
    await form.getByLabel('Initial password').fill('short');
    await form.getByRole('button', { name: 'Add the user' }).click();
    assert.match(await form.locator('.field-error:visible').textContent(), /Choose at least one role/);

    await form.getByRole('checkbox', { name: 'Executive' }).check();
    await form.getByRole('checkbox', { name: 'Finance' }).check();
    await form.getByRole('button', { name: 'Add the user' }).click();
    await page.waitForFunction(() => document.querySelector('input[name="password"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(await form.locator('.field-error:visible').textContent(), /must be 10 to 128 characters/);
    assert.equal(await form.getByRole('checkbox', { name: 'Executive' }).getAttribute('aria-invalid'), null, 'the roles are fine now');

    await form.getByLabel('Initial password').fill('eve-password-1');
    await form.getByRole('button', { name: 'Add the user' }).click();
    await page.getByRole('status').filter({ hasText: 'User eve is added with the roles Finance, Executive.' }).waitFor();
    const row = page.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^eve$/ }) });
    assert.deepEqual((await row.locator('th, td').allTextContents()).slice(0, 5), ['eve', 'Eve Executive', 'Finance, Executive', '—', 'Active']);
    const eve = await app.srv.login('eve', 'eve-password-1');
    assert.deepEqual(eve.user.roles.sort(), ['executive', 'finance']);
    app.assertClean(page);
    await page.context().close();
  });

  test('the administrator assigns a member of center staff their centers', async () => {
    await app.addUser('cleo', 'center_staff');
    const page = await app.newPage();
    await app.login(page, 'admin', ADMIN_PASSWORD, '/users');
    const row = page.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^cleo$/ }) });
    await row.getByRole('button', { name: 'Centers and markets of cleo' }).click();
    const scope = page.getByRole('form', { name: 'Centers and markets of cleo' });
    await scope.getByRole('checkbox', { name: /^LA-01 / }).check();
    await scope.getByRole('checkbox', { name: /^OC-01 / }).check();
    await scope.getByRole('button', { name: 'Save the assignment' }).click();
    await page.getByRole('status').filter({ hasText: 'cleo is assigned LA-01, OC-01 and no market.' }).waitFor();
    assert.equal((await row.locator('td').allTextContents())[2], 'LA-01, OC-01');
    const users = await app.srv.api('GET', '/api/v1/users', { token: (await app.srv.login('admin', ADMIN_PASSWORD)).token });
    assert.deepEqual(users.json.items.find((u) => u.username === 'cleo').centers, ['LA-01', 'OC-01']);
    app.assertClean(page);
    await page.context().close();
  });

  test('a password is reset, and a user is disabled after a confirmation', async () => {
    const page = await app.newPage();
    await app.login(page, 'admin', ADMIN_PASSWORD, '/users');
    const row = page.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^eve$/ }) });
    await row.getByRole('button', { name: 'Reset password of eve' }).click();
    const reset = page.getByRole('form', { name: 'Reset the password of eve' });
    assert.equal(await page.evaluate(() => document.activeElement.name), 'password', 'focus moves to the new password');
    await reset.getByLabel('New password').fill('eve-password-2');
    await reset.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('status').filter({ hasText: 'The password of eve is changed and their sessions are ended.' }).waitFor();
    await app.srv.login('eve', 'eve-password-2');

    await row.getByRole('button', { name: 'Disable eve' }).click();
    const disable = page.getByRole('form', { name: 'Disable eve' });
    await disable.getByLabel('Reason').fill('left the company');
    await disable.getByRole('button', { name: 'Review' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Disable eve?' });
    assert.match(await dialog.textContent(), /will no longer be able to log in.*left the company/);
    await dialog.getByRole('button', { name: 'Yes, disable eve' }).click();
    await page.getByRole('status').filter({ hasText: 'eve is disabled and their sessions are ended.' }).waitFor();
    assert.equal(await row.locator('.badge').textContent(), 'Disabled');
    const refused = await app.srv.api('POST', '/api/v1/login', { body: { username: 'eve', password: 'eve-password-2' } });
    assert.equal(refused.status, 401, 'a disabled user cannot log in');
    assert.equal(await page.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^admin$/ }) })
      .getByRole('button', { name: /Disable/ }).count(), 0, 'nobody disables themselves from here');
    app.assertClean(page);
    await page.context().close();
  });

  test('the keyboard: the skip link comes first, focus is visible, a 401 later leads to the login', async () => {
    const page = await app.newPage();
    await app.login(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/centers');
    await page.getByText('Showing 4 donor centers').waitFor();
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => ({ text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle, top: document.activeElement.getBoundingClientRect().top }));
    assert.equal(skip.text, 'Skip to main content');
    assert.notEqual(skip.outline, 'none', 'focus is visible');
    assert.ok(skip.top >= 0, 'the skip link shows when focused');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => ({ tag: document.activeElement.tagName, text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle }));
    assert.equal(next.text, 'Add a donor center', 'the first control of the page follows');
    assert.notEqual(next.outline, 'none');
    // Every field of the page has a label.
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
      .filter((e) => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.name));
    assert.deepEqual(unlabelled, []);

    // The session ends elsewhere: the next request answers 401, and the
    // user is taken to the login, then back.
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'bloodops_session');
    await app.srv.api('POST', '/api/v1/logout', { cookie: `bloodops_session=${session.value}`, csrf: await page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).csrf_token) });
    await page.getByRole('link', { name: 'LA-01', exact: true }).click();
    await page.getByRole('heading', { name: 'Log in to bloodops' }).waitFor();
    assert.match(page.url(), /\/login\?next=%2Fcenters%2FLA-01$/);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'LA-01 Los Angeles Donor Center' }).waitFor();
    app.assertClean(page);
    await page.context().close();
  });
});
