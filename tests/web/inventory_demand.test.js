'use strict';
/*
 * inventory_demand.test.js - the inventory beside the open orders' demand
 * in the browser (docs/collections.md "Inventory"): a line's units
 * available and allocated apart, the allocated count leading to exactly
 * those units, each naming its order and leading to the order's page; the
 * demand of a family and group with its shortfall; a line of a group in
 * demand with a unit expiring tomorrow warned in words and colour, a line
 * without demand not; on a phone the warning stays on the screen.
 * Screenshots in tests/out/web/inventory-*.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const chain = require('../api/lib/chain');
const { ADMIN_PASSWORD, PHONE, startAsAdmin } = require('./lib/web');

const LAB_PASSWORD = 'lab1-password-1';

describe('the inventory: allocated units, the demand and its warnings', () => {
  let app;
  let page;
  let admin;
  let srv;
  let orderId;
  const allocated = []; // unit ids

  const call = async (method, url, body, status = 200) => {
    const r = await srv.api(method, url, { token: admin.token, body });
    assert.equal(r.status, status, r.text);
    return r.json;
  };
  const lineOf = (inv, family, group) => inv.lines.find((l) => l.center === 'LA-01' && l.family === family && l.group === group);
  /* The inventory's row of LA-01's platelets of `group` ("O Neg"). */
  const row = (p, group) => p.locator('table.inventory-table tbody tr')
    .filter({ has: p.locator('th', { hasText: 'LA-01' }) }).filter({ hasText: 'Platelets' }).filter({ hasText: group });

  before(async () => {
    ({ app, admin, page } = await startAsAdmin('/inventory', 'Inventory'));
    srv = app.srv;
    await srv.addUser(admin, 'lab1', 'lab', LAB_PASSWORD);
    const lab = await srv.login('lab1', LAB_PASSWORD);
    // Platelets keep 5 days: collected 1 day ago they expire in 4 days, 4
    // days ago tomorrow.
    const released = (abo, rhd, daysAgo) =>
      chain.releasedUnit(srv, admin, lab, { username: 'lab1', password: LAB_PASSWORD, abo, rhd, product: 'E0400', daysAgo });
    for (let i = 0; i < 2; i++) allocated.push((await released('O', 'NEG', 1)).id);
    const order = await call('POST', '/api/v1/orders', { hospital: 'CEDARS', priority: 'routine', needed_by: chain.fromNow(20) }, 201);
    orderId = order.id;
    await call('POST', `/api/v1/orders/${orderId}/lines`, { family: 'platelets', group: 'O NEG', quantity: 5 }, 201);
    const filled = await call('POST', `/api/v1/orders/${orderId}/allocate`, {});
    assert.equal(filled.units_allocated, 2);
    // Then one O NEG expiring tomorrow (the order still owes 3) and one
    // A POS expiring tomorrow that no order wants.
    await released('O', 'NEG', 4);
    await released('A', 'POS', 4);
  });

  after(async () => {
    if (app) await app.close();
  });

  test('the allocated count leads to its units, each naming its order; the demand and the warnings', async () => {
    const inv = await call('GET', '/api/v1/inventory');
    const oNeg = lineOf(inv, 'platelets', 'O NEG');
    assert.equal(oNeg.allocated, 2);
    assert.equal(oNeg.available, 1);
    assert.ok(oNeg.short > 0, JSON.stringify(oNeg));
    assert.deepEqual(lineOf(inv, 'platelets', 'A POS').warnings, []);

    await page.goto('/inventory');
    await page.getByRole('heading', { name: 'Inventory' }).waitFor();
    const line = row(page, 'O Neg');
    await line.waitFor();
    assert.equal(await line.locator('td[data-label="Available"]').textContent(), '1');
    assert.equal(await line.locator('td[data-label="Allocated"]').textContent(), '2');
    assert.equal(await line.locator('td[data-label="Demand"]').textContent(), String(oNeg.backorder));
    // The warning in words and in colour, the line marked.
    const urgent = line.locator('td[data-label="Warning"] .inventory-warning-urgent');
    assert.deepEqual(await urgent.allTextContents(), ['1 expires in 0-1 days: send out first', `short by ${oNeg.short}`]);
    const colour = await urgent.first().evaluate((el) => getComputedStyle(el).color);
    assert.notEqual(colour, await line.locator('th').evaluate((el) => getComputedStyle(el).color));
    assert.match(await line.getAttribute('class'), /\brow-demand-warning\b/);
    // A group no order wants, its unit expiring tomorrow too: no warning.
    const aPos = row(page, 'A Pos');
    assert.equal(await aPos.locator('td[data-label="0-1 days"]').textContent(), '1');
    assert.equal(await aPos.locator('td[data-label="Warning"]').textContent(), '');
    assert.equal(await aPos.getAttribute('class'), null);
    // The demand beside the stock.
    const demand = page.locator('table.demand-table tbody tr').filter({ hasText: 'Platelets' }).filter({ hasText: 'O Neg' });
    assert.equal(await demand.locator('td[data-label="Backordered"]').textContent(), String(oNeg.backorder));
    assert.equal(await demand.locator('td[data-label="Short"]').textContent(), `short by ${oNeg.short}`);
    await app.screenshot(page, 'inventory-demand.png');

    // The allocated count: exactly the allocated units, each with its order.
    await line.locator('td[data-label="Allocated"] a').click();
    await page.waitForURL(/\/inventory\/units\?.*status=allocated/);
    await page.getByRole('heading', { name: 'Units on the shelves' }).waitFor();
    await page.getByText('Showing 1–2 of 2.').waitFor();
    const units = page.locator('.list-table tbody tr');
    assert.equal(await units.count(), 2);
    assert.deepEqual(await units.locator('td[data-label="Allocated to"]').allTextContents(), [`Order ${orderId}`, `Order ${orderId}`]);
    assert.equal(await page.getByLabel('Status').inputValue(), 'allocated');
    await units.first().locator('td[data-label="Allocated to"] a').click();
    await page.getByRole('heading', { name: new RegExp(`^Order ${orderId}: `) }).waitFor();
    app.assertClean(page);
  });

  test('on a phone the warning stays on the screen', async () => {
    const phone = await app.newPage({ viewport: PHONE });
    await app.login(phone, 'admin', ADMIN_PASSWORD, '/inventory');
    await phone.getByRole('heading', { name: 'Inventory' }).waitFor();
    const card = row(phone, 'O Neg');
    await card.waitFor();
    assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
    for (const label of ['Available', 'Allocated', 'Demand', 'Warning']) {
      const cell = card.locator(`td[data-label="${label}"]`);
      assert.ok(await cell.isVisible(), `${label} is shown`);
      const box = await cell.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `${label} is inside the screen (${box.x}+${box.width})`);
    }
    const warning = card.locator('.inventory-warning-urgent').first();
    const box = await warning.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `the warning is inside the screen (${box.x}+${box.width})`);
    assert.equal(await warning.textContent(), '1 expires in 0-1 days: send out first');
    await card.scrollIntoViewIfNeeded();
    await app.screenshot(phone, 'inventory-demand-phone.png');
    app.assertClean(phone);
    await phone.context().close();
  });
});
