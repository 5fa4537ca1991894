'use strict';
/*
 * management.test.js - management contracts in the browser: a contract
 * added from the list's form (a negative fee refused under its field), the
 * accrual run of two months from the list, the contract's revenue by month
 * on its page, then its termination mid-month after a confirmation with
 * its reason, and the next month accrued for the days served only; a
 * contract billed per unit, its month's units reported on its page (a
 * negative count refused under the field) and accrued; the quarter's
 * results with the contracts' revenue under their markets.
 * Screenshot in tests/out/web/management.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startAsAdmin } = require('./lib/web');

describe('management contracts: add, accrue, revenue by month, terminate', () => {
  let app;
  let page;
  let id;

  before(async () => {
    ({ app, page } = await startAsAdmin('/management-contracts', 'Management contracts'));
  });

  after(async () => {
    if (app) await app.close();
  });

  test('a contract added from the list, a negative fee refused under its field', async () => {
    await page.getByRole('button', { name: 'New contract' }).click();
    const form = page.getByRole('form', { name: 'New management contract' });
    await form.getByLabel('Customer').fill('cedars');
    await form.getByLabel('Manages').selectOption('blood-center');
    await form.getByLabel('Market').fill('la');
    await form.getByLabel('First day of service').fill('2005-01-01');
    await form.getByLabel('Monthly fee ($)').fill('-100');
    await form.getByRole('button', { name: 'Add the contract' }).click();
    await form.getByText(/negative/).waitFor();
    await form.getByLabel('Monthly fee ($)').fill('9000.00');
    await form.getByRole('button', { name: 'Add the contract' }).click();
    await page.getByRole('heading', { name: /^Management contract \d+: Cedars/ }).waitFor();
    id = Number(/\/management-contracts\/(\d+)/.exec(page.url())[1]);
    await page.getByText('Nothing accrued yet').waitFor();
    app.assertClean(page);
  });

  test('two months accrued from the list, shown by month on the contract', async () => {
    await page.goto('/management-contracts');
    const run = page.getByRole('form', { name: 'Accrue a month' });
    for (const month of ['2005-01', '2005-02']) {
      await run.getByLabel('Month').fill(month);
      await run.getByRole('button', { name: 'Accrue and invoice the month' }).click();
      await page.getByRole('status').filter({ hasText: `${month}: 1 accrual, $9,000.00` }).waitFor();
    }
    const row = page.getByRole('row', { name: new RegExp(`Contract ${id}`) });
    assert.match(await row.textContent(), /\$18,000\.00/);
    await row.getByRole('link', { name: `Contract ${id}` }).click();
    const months = page.getByRole('region', { name: 'Revenue by month' });
    await months.getByText('2005-02', { exact: true }).waitFor();
    assert.equal(await months.getByRole('row').count(), 3, 'a header and two months');
    app.assertClean(page);
  });

  test('terminated mid-month after a confirmation; the month accrues the days served', async () => {
    await page.goto(`/management-contracts/${id}`);
    const terminate = page.getByRole('form', { name: 'Terminate' });
    await terminate.getByLabel('Last day of service').fill('2005-03-10');
    await terminate.getByLabel('Reason').fill('the hospital ends the contract');
    await terminate.getByRole('button', { name: 'Terminate the contract…' }).click();
    await page.getByRole('alertdialog', { name: `Terminate contract ${id}?` }).getByRole('button', { name: 'Cancel' }).click();
    await terminate.getByRole('button', { name: 'Terminate the contract…' }).click();
    await page.getByRole('button', { name: 'Terminate it' }).click();
    await page.getByRole('status').filter({ hasText: `Contract ${id} is terminated` }).waitFor();
    await page.getByText(/terminated, last day/).waitFor();
    assert.equal(await page.getByRole('form', { name: 'Terminate' }).count(), 0, 'terminated once');

    await page.goto('/management-contracts');
    const run = page.getByRole('form', { name: 'Accrue a month' });
    await run.getByLabel('Month').fill('2005-03');
    await run.getByRole('button', { name: 'Accrue and invoice the month' }).click();
    // $9,000.00 x 10 / 31 = $2,903.23
    await page.getByRole('status').filter({ hasText: '2005-03: 1 accrual, $2,903.23' }).waitFor();
    await page.goto(`/management-contracts/${id}`);
    const march = page.getByRole('region', { name: 'Revenue by month' }).getByRole('row', { name: /2005-03/ });
    await march.waitFor();
    assert.match(await march.textContent(), /10.*\$2,903\.23/);
    await page.getByText('$20,903.23').waitFor();
    await app.screenshot(page, 'management.png');
    app.assertClean(page);
  });

  test('a contract billed per unit: its volumes reported on its page, then accrued', async () => {
    await page.goto('/management-contracts');
    await page.getByRole('button', { name: 'New contract' }).click();
    const form = page.getByRole('form', { name: 'New management contract' });
    await form.getByLabel('Customer').fill('CEDARS');
    await form.getByLabel('Manages').selectOption('donor-center');
    await form.getByLabel('Market').fill('NY');
    await form.getByLabel('First day of service').fill('2005-04-01');
    await form.getByLabel('Fee per unit ($)').fill('2.50');
    await form.getByRole('button', { name: 'Add the contract' }).click();
    await page.getByRole('heading', { name: /^Management contract \d+: / }).waitFor();
    const perUnit = Number(/\/management-contracts\/(\d+)/.exec(page.url())[1]);
    const volumes = page.getByRole('form', { name: 'Report a month\u2019s volumes' });
    await volumes.getByLabel('Month').fill('2005-04');
    await volumes.getByLabel('Units').fill('-3');
    await volumes.getByRole('button', { name: 'Report the volumes' }).click();
    await volumes.getByText('must be a whole number from 0 to 10000000').waitFor();
    await volumes.getByLabel('Units').fill('120');
    await volumes.getByRole('button', { name: 'Report the volumes' }).click();
    await page.getByRole('status').filter({ hasText: 'The volumes of 2005-04 are reported.' }).waitFor();

    await page.goto('/management-contracts');
    const run = page.getByRole('form', { name: 'Accrue a month' });
    await run.getByLabel('Month').fill('2005-04');
    await run.getByRole('button', { name: 'Accrue and invoice the month' }).click();
    await page.getByRole('status').filter({ hasText: '2005-04: 1 accrual, $300.00' }).waitFor();
    await page.goto(`/management-contracts/${perUnit}`);
    const april = page.getByRole('region', { name: 'Revenue by month' }).getByRole('row', { name: /2005-04/ });
    await april.waitFor();
    assert.match(await april.textContent(), /120.*\$300\.00/);
    app.assertClean(page);
  });

  test("the quarter's results list the contracts' revenue by market under blood services", async () => {
    await page.goto('/quarterly?period=2005Q1');
    const row = page.getByRole('row', { name: /Management contracts, LA/ });
    await row.waitFor();
    assert.match(await row.textContent(), /\$20,903/);
    app.assertClean(page);
  });
});
