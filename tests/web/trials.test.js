'use strict';
/*
 * trials.test.js - clinical-trial site services in the browser: a trial
 * contract added from the list (an end before the start refused under its
 * field), a fee set and a site added from the contract's page, the
 * readiness board saying what the site lacks; the site's set-up signed off
 * with the password re-entered and confirmed (a wrong password refused
 * under its field), and the board then showing the site setting up with
 * one thing fewer lacking and the contract's headroom down by the fee.
 * Screenshot in tests/out/web/trials.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startAsAdmin, ADMIN_PASSWORD } = require('./lib/web');

describe('clinical trials: a site task signed off changes the readiness board', () => {
  let app;
  let page;
  let contract;
  let site;

  before(async () => {
    ({ app, page } = await startAsAdmin('/trial-contracts', 'Clinical trials'));
  });

  after(async () => {
    if (app) await app.close();
  });

  test('a contract, its fee and a site added; the board says what the site lacks', async () => {
    await page.getByRole('button', { name: 'New trial contract' }).click();
    const form = page.getByRole('form', { name: 'New trial contract' });
    await form.getByLabel('Sponsor').fill('cedars');
    await form.getByLabel('Device').fill('Column X');
    await form.getByLabel('Protocols').fill('AX-1, AX-2');
    await form.getByLabel('First day').fill('2026-01-01');
    await form.getByLabel('Last day').fill('2025-12-31');
    await form.getByLabel('Cap ($)').fill('5000');
    await form.getByLabel('Market').fill('LA');
    await form.getByRole('button', { name: 'Add the contract' }).click();
    await form.getByText(/before the start/).waitFor();
    await form.getByLabel('Last day').fill('2030-12-31');
    await form.getByRole('button', { name: 'Add the contract' }).click();
    await page.getByRole('heading', { name: /^Trial contract \d+: Column X/ }).waitFor();
    contract = Number(/\/trial-contracts\/(\d+)/.exec(page.url())[1]);
    await page.getByText('headroom').first().waitFor();
    assert.match(await page.locator('.trial-cap-text').textContent(), /Billed \$0\.00 of \$5,000\.00; headroom \$5,000\.00/);

    await page.getByRole('button', { name: 'Set a fee' }).click();
    const fee = page.getByRole('form', { name: 'Set a fee' });
    await fee.getByLabel('For').selectOption('setup');
    await fee.getByLabel('Fee ($)').fill('1200.00');
    await fee.getByRole('button', { name: 'Set the fee' }).click();
    await page.getByRole('status').filter({ hasText: 'fee is set' }).waitFor();

    await page.getByRole('button', { name: 'New site' }).click();
    const newSite = page.getByRole('form', { name: 'New site' });
    await newSite.getByLabel('Name').fill('Toronto General');
    await newSite.getByLabel('Country').selectOption('CA');
    await newSite.getByLabel('City').fill('Toronto');
    await newSite.getByLabel('Principal investigator').fill('Dr. Roy');
    await newSite.getByRole('button', { name: 'Add the site' }).click();
    await page.getByRole('heading', { name: 'Trial site Toronto General' }).waitFor();
    site = Number(/\/trial-sites\/(\d+)/.exec(page.url())[1]);

    await page.goto('/trial-contracts');
    await page.getByRole('row', { name: new RegExp(`Contract ${contract}`) }).getByRole('link', { name: 'Readiness board' }).click();
    await page.getByRole('heading', { name: 'Readiness board: Column X (Cedars-Sinai Medical Center)' }).waitFor();
    const row = page.getByRole('row', { name: /Toronto General/ });
    await row.waitFor();
    assert.match(await row.textContent(), /Planned/);
    assert.match(await row.textContent(), /set-up, verification, a trained investigator, a trained nurse/);
    app.assertClean(page);
  });

  test('signing the set-up with the password moves the site on the board', async () => {
    await page.goto(`/trial-sites/${site}`);
    const sign = page.getByRole('form', { name: 'Sign off a task' });
    await sign.getByLabel('Task').selectOption('setup');
    await sign.getByLabel('Done on').fill('2026-02-03');
    await sign.getByLabel('Your password').fill('not-the-password');
    await sign.getByRole('button', { name: 'Sign off…' }).click();
    await page.getByRole('button', { name: 'Sign it' }).click();
    await sign.locator('.field-error:visible').waitFor();
    assert.equal(await sign.getByLabel('Your password').getAttribute('aria-invalid'), 'true');
    assert.match(page.url(), /\/trial-sites\/\d+$/, 'a wrong password does not end the session');
    await sign.getByLabel('Your password').fill(ADMIN_PASSWORD);
    await sign.getByRole('button', { name: 'Sign off…' }).click();
    await page.getByRole('button', { name: 'Sign it' }).click();
    await page.getByRole('status').filter({ hasText: 'is signed off' }).waitFor();
    const tasks = page.getByRole('region', { name: 'Tasks and sign-offs' });
    await tasks.getByRole('cell', { name: '$1,200.00' }).waitFor();

    await page.goto(`/trial-contracts/${contract}/board`);
    const row = page.getByRole('row', { name: /Toronto General/ });
    await row.waitFor();
    assert.match(await row.textContent(), /Setting up/);
    assert.doesNotMatch(await row.textContent(), /set-up,/);
    assert.match(await row.textContent(), /verification, a trained investigator, a trained nurse/);
    assert.match(await page.locator('.trial-cap-text').textContent(), /headroom \$3,800\.00/);
    // The board filtered by country and status.
    await page.getByLabel('Status').selectOption('ready');
    await page.getByText('No site matches.').waitFor();
    await page.getByLabel('Status').selectOption('setting_up');
    await page.getByRole('row', { name: /Toronto General/ }).waitFor();
    await app.screenshot(page, 'trials.png');
    app.assertClean(page);
  });
});
