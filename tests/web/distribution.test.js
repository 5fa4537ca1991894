'use strict';
/*
 * distribution.test.js - distribution in the browser, from order to
 * shipment: a contract read with its prices; an order taken on the order
 * entry page and a line added; the open-orders board with its clock;
 * allocation shown with the group of each unit; shipping by scanning the
 * DINs as a keyboard-wedge scanner types them (each ending with Enter,
 * which adds the DIN and never submits), a DIN not on the allocation
 * refused beside it, then the shipment with its units, price and packing
 * list, and the unit's page saying where it went; a return recorded with
 * its cold chain; the quarter's results with the units sold net of the
 * credited return; an order cancelled from its page with a reason; order
 * entry on a phone. Screenshots in
 * tests/out/web/distribution-*.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const chain = require('../api/lib/chain');
const { ADMIN_PASSWORD, PHONE, startAsAdmin, financialRow } = require('./lib/web');

const LAB_PASSWORD = 'lab1-password-1';

describe('distribution: order, allocation, shipment with scanned DINs, return', () => {
  let app;
  let page;
  let admin;
  let srv;
  const released = []; // their DINs
  let stranger;
  let orderId;

  const call = async (session, method, url, body, status) => {
    const r = await srv.api(method, url, { token: session.token, body });
    assert.equal(r.status, status, r.text);
    return r.json;
  };

  before(async () => {
    ({ app, admin, page } = await startAsAdmin('/orders', 'Open orders'));
    srv = app.srv;
    await srv.addUser(admin, 'lab1', 'lab', LAB_PASSWORD);
    const lab = await srv.login('lab1', LAB_PASSWORD);
    for (let i = 0; i < 3; i++)
      released.push((await chain.releasedUnit(srv, admin, lab, { username: 'lab1', password: LAB_PASSWORD, rhd: 'NEG' })).din);
    const contract = await call(admin, 'POST', '/api/v1/contracts', { hospital: 'CEDARS', from: chain.day(-30), return_days: 3, return_credit: '50' }, 201);
    await call(admin, 'POST', `/api/v1/contracts/${contract.id}/prices`, { family: 'red_cells', price: '210.00' }, 200);
  });

  after(async () => {
    if (app) await app.close();
  });

  test('the contract with its price', async () => {
    await page.goto('/contracts');
    await page.getByRole('link', { name: /CEDARS/ }).first().click();
    await page.getByRole('heading', { name: /contract version 1/ }).waitFor();
    await page.getByRole('cell', { name: '$210.00' }).waitFor();
    app.assertClean(page);
  });

  test('an order taken, its line added, shown on the board with its clock, then allocated', async () => {
    await page.goto('/orders/new');
    const form = page.getByRole('form', { name: 'New order' });
    await form.getByLabel('Hospital').fill('cedars');
    await form.getByLabel('Priority').selectOption('stat');
    await form.getByRole('button', { name: 'Take the order' }).click();
    await page.getByRole('heading', { name: /^Order \d+: / }).waitFor();
    orderId = Number(/\/orders\/(\d+)/.exec(page.url())[1]);
    const line = page.getByRole('form', { name: 'Add a line' });
    await line.getByLabel('Product family').selectOption('red_cells');
    await line.getByLabel('ABO/RhD').selectOption('O POS');
    await line.getByLabel('Units').fill('2');
    await line.getByRole('button', { name: 'Add the line' }).click();
    await page.getByRole('status').filter({ hasText: 'The line is added.' }).waitFor();

    await page.goto('/orders');
    const row = page.getByRole('row', { name: new RegExp(`Order ${orderId}`) });
    await row.waitFor();
    assert.match(await row.textContent(), /STAT/);
    assert.match(await row.textContent(), /\d+ min left/);

    await row.getByRole('link', { name: `Order ${orderId}` }).click();
    await page.getByRole('button', { name: 'Allocate units' }).click();
    await page.getByRole('status').filter({ hasText: '2 of 2 units allocated' }).waitFor();
    /* O NEG units for an O POS line: each one a substitution, said so */
    const allocation = page.getByRole('region', { name: 'Allocation' });
    assert.equal(await allocation.getByText('substitution: O NEG for O POS').count(), 2);
    await app.screenshot(page, 'distribution-allocation.png');
    app.assertClean(page);
  });

  test('shipping: DINs scanned with Enter, a stranger refused beside it, then the shipment and its packing list', async () => {
    const order = await call(admin, 'GET', `/api/v1/orders/${orderId}`, undefined, 200);
    const dins = order.lines[0].allocations.map((a) => a.din);
    stranger = released.find((din) => !dins.includes(din));
    const ship = page.getByRole('form', { name: 'Ship' });
    const scan = ship.getByLabel('Scan a DIN');
    /* the scanner types the DIN and Enter: it joins the list, nothing is sent */
    for (const din of [dins[0], stranger]) {
      await scan.click();
      await page.keyboard.type(din);
      await page.keyboard.press('Enter');
    }
    assert.equal(await ship.getByRole('list', { name: 'DINs scanned' }).getByRole('listitem').count(), 2);
    assert.equal(await scan.inputValue(), '');
    await ship.getByLabel('Shipper').fill('Courier A');
    await ship.getByLabel(/Packing temperature/).fill('4');
    await ship.getByRole('button', { name: 'Ship the scanned units' }).click();
    await ship.getByText(/not on the allocation of order/).first().waitFor();
    const refused = await call(admin, 'GET', `/api/v1/orders/${orderId}`, undefined, 200);
    assert.equal(refused.status, 'open', 'nothing shipped');
    await ship.getByRole('button', { name: /^Remove / }).nth(1).click();
    await scan.click();
    await page.keyboard.type(dins[1]);
    await page.keyboard.press('Enter');
    await ship.getByRole('button', { name: 'Ship the scanned units' }).click();
    await page.getByRole('heading', { name: /^Shipment \d+ to / }).waitFor();
    await page.getByRole('status').filter({ hasText: /of 2 units to CEDARS is recorded/ }).waitFor();
    const units = page.getByRole('region', { name: 'Units' });
    assert.equal(await units.getByRole('cell', { name: '$210.00' }).count(), 2);
    const packing = page.getByRole('link', { name: /Open the packing list/ });
    const href = await packing.getAttribute('href');
    const list = await page.request.get(href);
    assert.equal(list.status(), 200);
    assert.match(await list.text(), /<h1>Packing list, shipment \d+<\/h1>/);
    await app.screenshot(page, 'distribution-shipment.png');
    /* the unit's page says where it went */
    await page.goto(`/units/lookup?din=${dins[0]}`);
    await page.getByRole('button', { name: /^History of E0300/ }).click();
    await page.getByText(/Shipped to CEDARS on .*, shipment \d+\./).waitFor();
    app.assertClean(page);
  });

  test('a return recorded: kept cold, back on the shelf with its credit', async () => {
    const order = await call(admin, 'GET', `/api/v1/orders/${orderId}`, undefined, 200);
    assert.equal(order.status, 'shipped');
    const din = order.lines[0].allocations[0].din;
    await page.goto('/returns/new');
    const form = page.getByRole('form', { name: 'Record a return' });
    await form.getByLabel('DIN').click();
    await page.keyboard.type(din);
    await page.keyboard.press('Enter');
    await form.getByLabel(/Temperature on receipt/).fill('warm');
    await form.getByRole('button', { name: 'Record the return' }).click();
    await form.getByText(/not a number of degrees Celsius/).waitFor();
    await form.getByLabel(/Temperature on receipt/).fill('5');
    await form.getByLabel('Minutes out of controlled storage').fill('10');
    await form.getByRole('button', { name: 'Record the return' }).click();
    await page.getByRole('heading', { name: /back on the shelf/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'credited $105.00' }).waitFor();
    app.assertClean(page);
  });

  test('the quarter\'s results: the red cells sold net of the credited return, beside revenue', async () => {
    const today = chain.day(0);
    const quarter = `${today.slice(0, 4)}Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
    await page.goto(`/quarterly?period=${quarter}&compare=none`);
    const cells = (label) => financialRow(page, 'Revenue by segment', label);
    await page.locator('table.financial caption', { hasText: 'Revenue by segment' }).waitFor();
    /* two shipped, one returned with its credit */
    assert.deepEqual(await cells('Net units sold, blood products (units)'), ['1']);
    assert.deepEqual(await cells('red_cells'), ['1']);
    app.assertClean(page);
  });

  test('the other unit back with its credit too: the quarter shows 0 units sold net, as the printed report does', async () => {
    const order = await call(admin, 'GET', `/api/v1/orders/${orderId}`, undefined, 200);
    const din = order.lines[0].allocations[1].din;
    const back = await call(admin, 'POST', '/api/v1/returns', { din, date: chain.day(0), temperature: '4', seal: 'intact', minutes_out: 5 }, 201);
    assert.equal(back.outcome, 'released');
    const today = chain.day(0);
    const quarter = `${today.slice(0, 4)}Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
    await page.goto(`/quarterly?period=${quarter}&compare=none`);
    await page.locator('table.financial caption', { hasText: 'Revenue by segment' }).waitFor();
    const cells = (label) => financialRow(page, 'Revenue by segment', label);
    assert.deepEqual(await cells('Net units sold, blood products (units)'), ['0']);
    assert.deepEqual(await cells('red_cells'), ['0']);
    const printed = await srv.api('GET', `/api/v1/reports/quarterly?period=${quarter}&compare=none&format=text`, { token: admin.token });
    assert.equal(printed.status, 200, printed.text);
    assert.match(printed.text, /Net units sold, blood products \(units\)\s+0\b/);
    app.assertClean(page);
  });

  test('an order cancelled from its page with a reason: its unit back on the shelf, off the board, the reason shown', async () => {
    const o = await call(admin, 'POST', '/api/v1/orders', { hospital: 'CEDARS', priority: 'routine', needed_by: chain.fromNow(12) }, 201);
    await call(admin, 'POST', `/api/v1/orders/${o.id}/lines`, { family: 'red_cells', group: 'O NEG', quantity: 1 }, 201);
    const allocated = await call(admin, 'POST', `/api/v1/orders/${o.id}/allocate`, {}, 200);
    const unit = allocated.lines[0].allocations[0].unit;
    await page.goto(`/orders/${o.id}`);
    const cancel = page.getByRole('form', { name: 'Cancel the order' });
    await cancel.getByRole('button', { name: 'Cancel the order…' }).click();
    assert.equal(await page.getByRole('dialog').count() + await page.getByRole('alertdialog').count(), 0, 'no confirmation without a reason');
    await cancel.getByLabel('Reason').fill('the hospital found a unit of its own');
    await cancel.getByRole('button', { name: 'Cancel the order…' }).click();
    await page.getByText(/Its allocated units not yet shipped go back on the shelf/).waitFor();
    await app.screenshot(page, 'distribution-cancel.png');
    /* going back keeps the order open */
    await page.getByRole('button', { name: 'Keep the order' }).click();
    await cancel.getByRole('button', { name: 'Cancel the order…' }).click();
    await page.getByRole('button', { name: 'Cancel the order', exact: true }).click();
    await page.getByRole('status').filter({ hasText: `Order ${o.id} is cancelled.` }).waitFor();
    await page.getByText('the hospital found a unit of its own').waitFor();
    assert.equal(await page.getByRole('form', { name: 'Cancel the order' }).count(), 0, 'nothing more to do on it');
    assert.equal((await call(admin, 'GET', `/api/v1/units/${unit}`, undefined, 200)).status, 'released');
    await page.goto('/orders');
    await page.getByRole('heading', { name: 'Open orders' }).waitFor();
    assert.equal(await page.getByRole('link', { name: `Order ${o.id}` }).count(), 0, 'off the board');
    app.assertClean(page);
  });

  test('order entry fits a phone, its fields one under the other', async () => {
    const phone = await app.newPage({ viewport: PHONE });
    await app.login(phone, 'admin', ADMIN_PASSWORD, '/orders/new');
    await phone.getByRole('heading', { name: 'New order' }).waitFor();
    assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
    const form = phone.getByRole('form', { name: 'New order' });
    const hospital = await form.getByLabel('Hospital').boundingBox();
    const priority = await form.getByLabel('Priority').boundingBox();
    assert.ok(priority.y > hospital.y + hospital.height - 1, 'one field under the other');
    assert.ok(hospital.width > 300, `the hospital field is ${hospital.width} px wide`);
    await app.screenshot(phone, 'distribution-order-phone.png');
    app.assertClean(phone);
    await phone.context().close();
  });
});
