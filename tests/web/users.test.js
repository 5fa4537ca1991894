'use strict';
/*
 * users.test.js - the users page (/users) as the administrator and an
 * auditor use it: each user's last login (or "Never"), their roles changed
 * with checkboxes (and the last administrator's admin role kept, the
 * server's refusal shown under the field), their centers assigned, a user
 * disabled and enabled again after a confirmation, the list filtered by
 * state and role; an auditor reads it without the buttons that change it
 * and follows a user's history into the audit trail.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, ADMIN_PASSWORD } = require('./lib/web');

describe('the users page', () => {
  let app;
  let admin;
  let page; // the administrator's

  const row = (username) => page.locator('.list-table tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^${username.replace('.', '\\.')}$`) }) });
  const cell = (username, label) => row(username).locator(`td[data-label="${label}"]`);
  /* A cell after a change: the list is read again after the change's
   * message shows, so wait for the new text, then hold the cell to it. */
  const cellShows = async (username, label, text) => {
    await cell(username, label).filter({ hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: 5000 }).catch(() => {});
    assert.equal(await cell(username, label).textContent(), text);
  };
  const apiUser = async (username) => {
    const r = await app.srv.api('GET', '/api/v1/users?limit=500', { token: admin.token });
    assert.equal(r.status, 200, r.text);
    return r.json.items.find((u) => u.username === username);
  };

  before(async () => {
    app = await startApp();
    admin = await app.srv.login('admin', ADMIN_PASSWORD);
    await app.addUser('nina', 'finance');
    const password = await app.addUser('lou', 'lab');
    await app.srv.login('lou', password);
    page = await app.newPage();
    await app.login(page, 'admin', ADMIN_PASSWORD, '/users');
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await row('nina').waitFor();
  });

  after(async () => {
    if (app) await app.close();
  });

  test('each user\'s last login is shown, "Never" before the first', async () => {
    const lou = await apiUser('lou');
    assert.ok(lou.last_login_at, 'lou logged in');
    const shown = `${lou.last_login_at.slice(0, 10)} ${lou.last_login_at.slice(11, 16)} UTC`;
    assert.equal(await cell('lou', 'Last login').textContent(), shown);
    assert.equal(await cell('nina', 'Last login').textContent(), 'Never');
    // nina logs in; the page read again shows it.
    await app.srv.login('nina', 'nina-password-1');
    await page.reload();
    await row('nina').waitFor();
    assert.match(await cell('nina', 'Last login').textContent(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    app.assertClean(page);
  });

  test('the administrator changes a user\'s roles with checkboxes', async () => {
    await row('nina').getByRole('button', { name: 'Roles of nina' }).click();
    const form = page.getByRole('form', { name: 'Roles of nina' });
    assert.equal(await form.getByRole('checkbox', { name: 'Finance' }).isChecked(), true, 'her roles are checked');
    await form.getByRole('checkbox', { name: 'Finance' }).uncheck();
    await form.getByRole('button', { name: 'Save the roles' }).click();
    assert.match(await form.locator('.field-error:visible').textContent(), /Choose at least one role/);
    await form.getByRole('checkbox', { name: 'Auditor' }).check();
    await form.getByRole('checkbox', { name: 'Executive' }).check();
    await form.getByRole('button', { name: 'Save the roles' }).click();
    await page.getByRole('status').filter({ hasText: 'nina now holds the roles Executive, Auditor.' }).waitFor();
    // The list is fetched again after the message: wait for her row to show it.
    await cell('nina', 'Roles').filter({ hasText: /^Executive, Auditor$/ }).waitFor();
    assert.deepEqual((await apiUser('nina')).roles, ['auditor', 'executive']);
    app.assertClean(page);
  });

  test('the last administrator\'s admin role is kept: the refusal is shown under the roles', async () => {
    await row('admin').getByRole('button', { name: 'Roles of admin' }).click();
    const form = page.getByRole('form', { name: 'Roles of admin' });
    await form.getByRole('checkbox', { name: 'Administrator' }).uncheck();
    await form.getByRole('checkbox', { name: 'Auditor' }).check();
    await form.getByRole('button', { name: 'Save the roles' }).click();
    await page.waitForFunction(() => document.querySelector('input[name="roles"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(await form.locator('.field-error:visible').textContent(), /last enabled administrator/);
    assert.deepEqual((await apiUser('admin')).roles, ['admin'], 'nothing changed');
    await form.getByRole('button', { name: 'Cancel' }).click();
    app.assertClean(page);
  });

  test('the administrator assigns centers, disables a user and enables them again', async () => {
    await row('lou').getByRole('button', { name: 'Centers and markets of lou' }).click();
    const scope = page.getByRole('form', { name: 'Centers and markets of lou' });
    await scope.getByRole('checkbox', { name: /^LA-01 / }).check();
    await scope.getByRole('button', { name: 'Save the assignment' }).click();
    await page.getByRole('status').filter({ hasText: 'lou is assigned LA-01 and no market.' }).waitFor();
    await cellShows('lou', 'Centers and markets', 'LA-01');

    await row('lou').getByRole('button', { name: 'Disable lou' }).click();
    const disable = page.getByRole('form', { name: 'Disable lou' });
    await disable.getByLabel('Reason').fill('on leave');
    await disable.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('alertdialog', { name: 'Disable lou?' }).getByRole('button', { name: 'Yes, disable lou' }).click();
    await page.getByRole('status').filter({ hasText: 'lou is disabled' }).waitFor();
    await cellShows('lou', 'State', 'Disabled');
    assert.equal(await row('lou').getByRole('button', { name: 'Roles of lou' }).count(), 0, 'a disabled user is enabled first');

    await row('lou').getByRole('button', { name: 'Enable lou' }).click();
    const enable = page.getByRole('form', { name: 'Enable lou' });
    await enable.getByLabel('Reason').fill('back from leave');
    await enable.getByRole('button', { name: 'Review' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Enable lou?' });
    assert.match(await dialog.textContent(), /log in again with their password as it was.*back from leave/);
    await dialog.getByRole('button', { name: 'Yes, enable lou' }).click();
    await page.getByRole('status').filter({ hasText: 'lou is enabled and may log in again.' }).waitFor();
    await cellShows('lou', 'State', 'Active');
    await app.srv.login('lou', 'lou-password-1');
    assert.equal((await apiUser('lou')).disabled, false);
    await app.screenshot(page, 'users.png');
    app.assertClean(page);
  });

  test('the list filters by state and by role', async () => {
    await app.addUser('gone', 'distribution');
    const disabled = await app.srv.api('POST', '/api/v1/users/gone/disable', { token: admin.token, body: { reason: 'left' } });
    assert.equal(disabled.status, 200, disabled.text);
    await page.reload();
    await row('gone').waitFor();
    await page.getByLabel('State').selectOption('disabled');
    await page.getByText('Showing 1–1 of 1.').waitFor();
    assert.deepEqual(await page.locator('.list-table tbody th').allTextContents(), ['gone']);
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Role').selectOption('auditor');
    const auditors = await page.locator('.list-table tbody th').allTextContents();
    assert.deepEqual(auditors, ['nina']);
    await page.getByLabel('Role').selectOption('');
    app.assertClean(page);
  });

  test('an auditor reads the users without the buttons that change them, and follows a user\'s history', async () => {
    const password = await app.addUser('audra', 'auditor');
    const reader = await app.newPage();
    await app.login(reader, 'audra', password, '/users');
    const lou = reader.locator('.list-table tbody tr').filter({ has: reader.locator('th', { hasText: /^lou$/ }) });
    await lou.waitFor();
    assert.equal(await reader.getByRole('button', { name: /Roles of|Enable|Disable/ }).count(), 0);
    await lou.getByRole('link', { name: 'History of lou' }).click();
    await reader.waitForURL(/\/audit\?entity=user&entity_id=lou/);
    await reader.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await reader.locator('.list-table tbody tr').first().waitFor();
    const actions = await reader.locator('.list-table tbody td[data-label="Action"]').allTextContents();
    assert.deepEqual(actions, ['enable', 'disable', 'scope', 'create'], 'lou\'s history, newest first');
    app.assertClean(reader);
    await reader.context().close();
  });
});
