'use strict';
/*
 * standing_orders.test.js - standing orders in the browser: one added
 * (a missing weekday refused under the weekdays), its lines added and one
 * removed, listed
 * with its schedule; the due orders created from the list, each on the
 * open-orders board and its page saying which standing order it came
 * from; stopping it after a confirmation. Screenshot in
 * tests/out/web/standing-orders.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const chain = require('../api/lib/chain');
const { startAsAdmin } = require('./lib/web');

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/* The weekday's name of a YYYY-MM-DD. */
function weekdayName(date) {
  return WEEKDAYS[(new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7];
}

describe('standing orders: schedule, lines, the orders they create, stop', () => {
  let app;
  let page;
  let standingId;

  before(async () => {
    ({ app, page } = await startAsAdmin('/standing-orders', 'Standing orders'));
  });

  after(async () => {
    if (app) await app.close();
  });

  test('a standing order added with its line, a weekday required', async () => {
    await page.getByRole('link', { name: 'New standing order' }).click();
    const form = page.getByRole('form', { name: 'New standing order' });
    await form.getByLabel('Hospital').fill('cedars');
    await form.getByLabel('Priority').selectOption('asap');
    await form.getByLabel(/Needed by/).fill('07:30');
    await form.getByLabel('First day').fill(chain.day(0));
    await form.getByRole('button', { name: 'Add the standing order' }).click();
    await form.getByRole('group', { name: 'Every' }).getByText(/is required/).waitFor();
    await form.getByLabel(weekdayName(chain.day(1))).check();
    await form.getByRole('button', { name: 'Add the standing order' }).click();
    await page.getByRole('heading', { name: /^Standing order \d+: / }).waitFor();
    standingId = Number(/\/standing-orders\/(\d+)/.exec(page.url())[1]);
    const line = page.getByRole('form', { name: 'Add a line' });
    await line.getByLabel('Product family').selectOption('red_cells');
    await line.getByLabel('ABO/RhD').selectOption('O NEG');
    await line.getByLabel('Units').fill('3');
    await line.getByRole('button', { name: 'Add the line' }).click();
    await page.getByRole('status').filter({ hasText: 'The line is added.' }).waitFor();
    await page.getByRole('region', { name: 'Lines' }).getByRole('cell', { name: 'O NEG', exact: true }).waitFor();
    /* A second line, removed again. */
    await line.getByLabel('Product family').selectOption('plasma');
    await line.getByLabel('ABO/RhD').selectOption('AB POS');
    await line.getByRole('button', { name: 'Add the line' }).click();
    await page.getByRole('region', { name: 'Lines' }).getByRole('cell', { name: 'AB POS', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Remove the line plasma AB POS' }).click();
    await page.getByRole('status').filter({ hasText: 'The line plasma AB POS is removed.' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Lines' }).getByRole('cell', { name: 'AB POS', exact: true }).count(), 0);
    app.assertClean(page);
  });

  test('listed with its schedule; the due order created, on the board, from its standing order', async () => {
    await page.goto('/standing-orders');
    const row = page.getByRole('row', { name: new RegExp(`Standing order ${standingId}`) });
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, new RegExp(weekdayName(chain.day(1)).slice(0, 3)));
    assert.match(text, /07:30 America\/Los_Angeles/);
    assert.match(text, /ASAP/);
    await page.getByRole('button', { name: 'Create the orders due through tomorrow' }).click();
    await page.getByRole('status').filter({ hasText: new RegExp(`1 order created: order \\d+ for CEDARS on ${chain.day(1)}`) }).waitFor();
    await app.screenshot(page, 'standing-orders.png');

    await page.goto(`/standing-orders/${standingId}`);
    const created = page.getByRole('region', { name: 'Orders created' });
    const link = created.getByRole('link', { name: /^Order \d+$/ });
    await link.waitFor();
    const orderId = Number((await link.textContent()).replace('Order ', ''));
    await page.goto('/orders');
    await page.getByRole('row', { name: new RegExp(`Order ${orderId}`) }).waitFor();
    await page.goto(`/orders/${orderId}`);
    await page.getByRole('link', { name: `from standing order ${standingId}` }).click();
    await page.getByRole('heading', { name: new RegExp(`^Standing order ${standingId}: `) }).waitFor();
    app.assertClean(page);
  });

  test('stopped after a confirmation: no more lines', async () => {
    /* Cancel goes back to the button; nothing stopped. */
    await page.getByRole('button', { name: 'Stop the standing order…' }).click();
    await page.getByRole('alertdialog', { name: `Stop standing order ${standingId}?` }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Stop the standing order…' }).click();
    await page.getByRole('button', { name: 'Stop it' }).click();
    await page.getByRole('status').filter({ hasText: `Standing order ${standingId} is stopped.` }).waitFor();
    await page.getByText('stopped', { exact: true }).waitFor();
    assert.equal(await page.getByRole('form', { name: 'Add a line' }).count(), 0);
    app.assertClean(page);
  });
});
