'use strict';
/*
 * phone.test.js - the pages a person acts from on the floor, on a 390 px
 * phone (lib/web.js PHONE), on the demo company with its chain: the release
 * queue, the inventory, the unit lookup and the collections. None scrolls
 * sideways (the page is no wider than the screen), and each shows the
 * columns a person acts on: a unit's state, why it is where it is, and its
 * days to expiry; the inventory each line's total and nearest expiry (the
 * counts by band are left to the desktop); the columns that only describe
 * are left out. Screenshots in tests/out/web/phone-*.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ADMIN_PASSWORD, PHONE, startAsAdmin } = require('./lib/web');

describe('on a phone: the release queue, inventory, unit lookup and collections', () => {
  let app;
  let admin;
  let phone;

  before(async () => {
    ({ app, admin } = await startAsAdmin('/release', 'Release queue', { demoChain: true }));
    phone = await app.newPage({ viewport: PHONE });
    await app.login(phone, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    if (app) await app.close();
  });

  const api = async (path) => {
    const r = await app.srv.api('GET', path, { token: admin.token });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };

  /* The page is no wider than the phone's screen. */
  async function assertNoSidewaysScroll(what) {
    const { scroll, client } = await phone.evaluate(() => ({
      scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
    }));
    assert.ok(scroll <= client, `${what} fits a phone: ${scroll}px wide on a ${client}px screen`);
  }

  /* In the first card: these cells shown (inside the screen), those left out. */
  async function assertCard(card, shown, left) {
    for (const label of shown) {
      const cell = card.locator(`[data-label="${label}"]`);
      assert.ok(await cell.isVisible(), `${label} is shown`);
      const box = await cell.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `${label} is inside the screen (${box.x}+${box.width})`);
    }
    for (const label of left) assert.equal(await card.locator(`[data-label="${label}"]`).isVisible(), false, `${label} is left out`);
  }

  test('the release queue: each unit\'s state, why and days to expiry', async () => {
    const queue = await api('/api/v1/release-queue');
    assert.ok(queue.items.length > 0, 'the demo leaves units in the queue');
    await phone.goto('/release');
    await phone.getByRole('heading', { name: 'Release queue' }).waitFor();
    const card = phone.locator('.release-list tbody tr').first();
    await card.waitFor();
    await assertNoSidewaysScroll('the release queue');
    // The box that selects a unit is on the cards of ready units only (the
    // demo's queue holds none): no empty line on the others.
    const firstReady = (await phone.locator('.release-list tbody td[data-label="State"]').first().textContent()) === 'Ready';
    await assertCard(card, ['DIN', 'State', 'Why', 'Days to expiry', ...(firstReady ? ['Select'] : [])],
      ['Family', 'Center', 'ABO/RhD', 'Expires', ...(firstReady ? [] : ['Select'])]);
    assert.equal(await phone.locator('.release-list thead').isVisible(), true, 'the head is there for screen readers');
    const head = await phone.locator('.release-list thead').boundingBox();
    assert.ok(head.width <= 1 && head.height <= 1, 'but takes no room');
    await app.screenshot(phone, 'phone-release.png');
    app.assertClean(phone);
  });

  test('the inventory: each line\'s total and nearest expiry, the bands left to the desktop', async () => {
    await phone.goto('/inventory');
    await phone.getByRole('heading', { name: 'Inventory' }).waitFor();
    const card = phone.locator('table.inventory-table tbody tr').first();
    await card.waitFor();
    await assertNoSidewaysScroll('the inventory');
    await assertCard(card, ['Center', 'Family', 'ABO/RhD', 'Nearest expiry', 'Total'], ['15+ days', '0-1 days', 'Expired']);
    // The nearest expiry leads to those units.
    const nearest = card.locator('[data-label="Nearest expiry"] a').last();
    const [count] = /^\d+/.exec(await nearest.textContent());
    await nearest.click();
    await phone.getByRole('heading', { name: 'Units on the shelves' }).waitFor();
    await phone.locator('.list-table tbody tr').first().waitFor();
    assert.equal(await phone.locator('.list-table tbody tr').count(), Number(count));
    await assertNoSidewaysScroll('the units of a count');
    await assertCard(phone.locator('.list-table tbody tr').first(), ['DIN', 'Status', 'Why held', 'Days to expiry'], ['Family', 'Center', 'Expires']);
    await phone.goto('/inventory');
    await phone.locator('table.inventory-table tbody tr').first().waitFor();
    await app.screenshot(phone, 'phone-inventory.png');
    // On a desktop the same page shows the bands, not the phone's summary.
    const desktop = await app.newPage();
    await app.login(desktop, 'admin', ADMIN_PASSWORD, '/inventory');
    const line = desktop.locator('table.inventory-table tbody tr').first();
    await line.waitFor();
    assert.equal(await line.locator('[data-label="15+ days"]').isVisible(), true);
    assert.equal(await line.locator('[data-label="Nearest expiry"]').isVisible(), false);
    assert.equal(await desktop.getByRole('columnheader', { name: 'Nearest expiry' }).isVisible(), false);
    app.assertClean(desktop);
    await desktop.context().close();
    app.assertClean(phone);
  });

  test('the unit lookup: each unit\'s status, why it is held and days to expiry', async () => {
    const queue = await api('/api/v1/release-queue');
    const din = queue.items[0].din;
    await phone.goto(`/units/lookup?din=${din}`);
    await phone.getByRole('heading', { name: /^Donation / }).waitFor();
    const card = phone.locator('section[aria-labelledby="units-title"] tbody tr').first();
    await card.waitFor();
    await assertNoSidewaysScroll('the unit lookup');
    await assertCard(card, ['Product', 'Status', 'Why held', 'Days to expiry', 'Details'], ['Description', 'Division', 'Family', 'Volume (mL)', 'Expires']);
    await app.screenshot(phone, 'phone-lookup.png');
    app.assertClean(phone);
  });

  test('the collections: each collection\'s processing state and center', async () => {
    await phone.goto('/collections');
    await phone.getByRole('heading', { name: 'Collections' }).waitFor();
    const card = phone.locator('.list-table tbody tr').first();
    await card.waitFor();
    await assertNoSidewaysScroll('the collections');
    await assertCard(card, ['DIN', 'Collected', 'Center', 'Processing'], ['Donor', 'Procedure', 'Volume (mL)']);
    await app.screenshot(phone, 'phone-collections.png');
    app.assertClean(phone);
  });
});
