'use strict';
/*
 * api_reference.test.js - the API reference page: from the navigation, the
 * description the server gives of its API drawn by Redoc (the title, an
 * endpoint's summary, the capability it needs), with no console error and
 * no violation of the page's Content-Security-Policy; without a session,
 * the login page first and then back to the reference.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ADMIN_PASSWORD, startApp } = require('./lib/web');

describe('the API reference', () => {
  let app;

  before(async () => {
    app = await startApp();
  });

  after(async () => {
    if (app) await app.close();
  });

  test('opened from the navigation, it shows every endpoint with the capability it needs', async () => {
    const page = await app.newPage();
    await app.login(page, 'admin', ADMIN_PASSWORD);
    await page.locator('#site-nav').getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL('**/api-reference');
    await page.getByRole('heading', { name: /bloodops API/ }).first().waitFor({ timeout: 30000 });
    await page.getByRole('heading', { name: 'List donor centers' }).waitFor();
    await page.getByRole('heading', { name: 'Record a collection (the donor\'s eligibility is checked again)' }).waitFor();
    await page.getByText(/Needs the capability collections\.write \(record collections/).first().waitFor();
    app.assertClean(page);
    await page.context().close();
  });

  test('without a session it leads to the login, then back to the reference', async () => {
    const page = await app.newPage();
    await page.goto('/api-reference');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.match(page.url(), /\/login\?next=%2Fapi-reference$/);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/api-reference');
    await page.getByRole('heading', { name: 'List donor centers' }).waitFor({ timeout: 30000 });
    app.assertClean(page);
    await page.context().close();
  });
});
