'use strict';
/*
 * unit_lists.test.js - the lists of the chain as a user meets them (the
 * demo company without its chain, and units made here with known expiries):
 * the donors list sorted by a column and filtered by ABO/RhD group and home
 * center (the server sorts and counts); the release queue with its ready
 * units first, then by expiry, filtered by ABO/RhD; a unit expiring tomorrow highlighted and
 * saying so wherever units are listed (release queue, unit lookup, the
 * units behind an inventory count); each count of the inventory leading to
 * exactly the units it counted. Screenshots in tests/out/web/lists-*.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startAsAdmin } = require('./lib/web');
const chain = require('../api/lib/chain');

/* Days before today in Los Angeles, the centers' zone: the days the server
 * counts (before 08:00 UTC it is still yesterday there). */
function daysAgo(n) {
  return chain.day(-n);
}

const PANEL = ['ABSCREEN:negative', 'HIV:nonreactive', 'HBSAG:nonreactive', 'ANTIHBC:nonreactive', 'HCV:nonreactive',
  'HTLV:nonreactive', 'SYPHILIS:nonreactive', 'NAT_HIV:nonreactive', 'NAT_HCV:nonreactive', 'NAT_HBV:nonreactive'];

function resultsCsv(din, abo, rhd) {
  const date = daysAgo(0);
  const lines = ['din,test,result,date', `${din},ABO,${abo},${date}`, `${din},RHD,${rhd},${date}`,
    ...PANEL.map((pair) => `${din},${pair.split(':')[0]},${pair.split(':')[1]},${date}`)];
  return `${lines.join('\n')}\n`;
}

const VITALS = { weight_lb: '160', height_in: '66', hemoglobin: '14.0', temperature: '36.7', systolic: '118', diastolic: '76', pulse: '70' };

describe('lists of donors and units: sorting, filters, the release order, expiring units, the inventory drill-down', () => {
  let app;
  let page;
  let admin;
  const donors = {}; // name -> donor
  const dins = {}; // name -> DIN of their donation

  const api = async (method, path, body) => {
    const r = await app.srv.api(method, path, { token: admin.token, body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.text}`);
    return r.json;
  };

  before(async () => {
    ({ app, admin, page } = await startAsAdmin('/donors', 'Donors'));
    // Five donors; four give whole blood some days ago (platelets keep 5
    // days, red cells 42): Ames 4 days ago (her platelets expire tomorrow),
    // Baker 1 day ago, Cruz 3 days ago (never tested: waiting), Diaz 2 days
    // ago at OC-01; Evans never gives.
    const plan = [
      ['Ames', 'LA-01', 4, ['E0400', 'E0300'], ['O', 'NEG']],
      ['Baker', 'LA-01', 1, ['E0300'], ['O', 'NEG']],
      ['Cruz', 'LA-01', 3, ['E0400'], null],
      ['Diaz', 'OC-01', 2, ['E0300', 'E0500'], ['A', 'POS']],
      ['Evans', 'OC-01', null, null, null],
    ];
    for (const [name, center, ago, products, group] of plan) {
      donors[name] = await api('POST', '/api/v1/donors', { family_name: name, given_name: 'Lee', birth_date: '1985-03-0' + (Object.keys(donors).length + 1), sex: 'F', home_center: center });
      if (ago === null) continue;
      const collection = await api('POST', '/api/v1/collections', {
        donor: donors[name].donor_number, center, procedure: 'whole_blood', volume_ml: 480, collected_at: chain.at(-ago), ...VITALS,
      });
      dins[name] = collection.din;
      await api('POST', `/api/v1/collections/${collection.din}/process`, { components: products.map((product) => ({ product })) });
      if (group) await api('POST', '/api/v1/test-results/import', { file_name: `${name}.csv`, content: resultsCsv(collection.din, ...group) });
    }
    await page.reload();
    await page.getByRole('heading', { name: 'Donors' }).waitFor();
  });

  after(async () => {
    if (app) await app.close();
  });

  const rows = () => page.locator('.list-table tbody tr');
  const column = (label) => page.locator(`.list-table tbody td[data-label="${label}"]`).allTextContents();

  test('the donors list sorts by a column and filters by group and home center, counted by the server', async () => {
    await rows().first().waitFor();
    await page.getByText('Showing 5 donors.').waitFor();
    await page.getByRole('button', { name: 'Name', exact: true }).click();
    await page.waitForURL(/sort=name/);
    await page.waitForFunction(() => document.querySelector('th[aria-sort="ascending"]')?.textContent.startsWith('Name'));
    assert.deepEqual(await column('Name'), ['Ames, Lee', 'Baker, Lee', 'Cruz, Lee', 'Diaz, Lee', 'Evans, Lee']);
    await page.getByRole('button', { name: 'Name', exact: true }).click();
    await page.waitForURL(/sort=-name/);
    await page.waitForFunction(() => document.querySelector('.list-table tbody td[data-label="Name"]')?.textContent === 'Evans, Lee');
    assert.deepEqual(await column('Name'), ['Evans, Lee', 'Diaz, Lee', 'Cruz, Lee', 'Baker, Lee', 'Ames, Lee']);

    // The group filter: the O negative donors, typed by their results.
    await page.getByLabel('ABO/RhD').selectOption('O NEG');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/group=O\+NEG/);
    await page.getByText('Showing 2 donors.').waitFor();
    assert.deepEqual((await column('Name')).sort(), ['Ames, Lee', 'Baker, Lee']);
    assert.deepEqual(await column('ABO/RhD'), ['O Neg', 'O Neg']);
    // With the home center: OC-01 has no O negative donor.
    await page.getByLabel('Home center').selectOption('OC-01');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/home_center=OC-01/);
    await page.getByText('No donors match the filters.').waitFor();
    assert.equal(await rows().count(), 0);
    await page.getByLabel('ABO/RhD').selectOption('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('Showing 2 donors.').waitFor();
    assert.deepEqual((await column('Name')).sort(), ['Diaz, Lee', 'Evans, Lee']);
    // The same URL gives the same list.
    await page.reload();
    await page.getByText('Showing 2 donors.').waitFor();
    assert.equal(await page.getByLabel('Home center').inputValue(), 'OC-01');
    await app.screenshot(page, 'lists-donors.png');
    app.assertClean(page);
  });

  test('the release queue: ready units first, then by expiry; the unit expiring tomorrow is highlighted and says so', async () => {
    await page.goto('/release');
    await page.getByRole('heading', { name: 'Release queue' }).waitFor();
    await page.getByText('6 quarantined units: 5 ready, 1 waiting for tests, 0 blocked.').waitFor();
    const queue = (await api('GET', '/api/v1/release-queue?limit=500')).items;
    const expected = [...queue].sort((a, b) => (a.state === 'ready' ? 0 : 1) - (b.state === 'ready' ? 0 : 1)
      || (a.expires_at < b.expires_at ? -1 : a.expires_at > b.expires_at ? 1 : a.unit_id - b.unit_id));
    const shown = await rows().evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th').textContent, tr.querySelector('td[data-label="Product"]').textContent]));
    assert.deepEqual(shown, expected.map((i) => [i.eye_readable, `${i.product_code} ${i.division}`]));
    assert.deepEqual(await column('State'), ['Ready', 'Ready', 'Ready', 'Ready', 'Ready', 'Waiting']);
    // Ames's platelets, ready and expiring tomorrow, lead the list.
    const first = rows().first();
    assert.equal(await first.locator('th').textContent(), expected[0].eye_readable);
    assert.equal(expected[0].din, dins.Ames);
    assert.match(await first.getAttribute('class'), /\brow-expiring\b/);
    assert.equal(await first.locator('td[data-label="Days to expiry"]').textContent(), 'Expires tomorrow');
    assert.equal(await page.locator('.list-table tbody tr.row-expiring').count(), 1, 'only the unit expiring tomorrow');
    // Cruz's platelets expire sooner than the red cells but wait for tests: last.
    assert.equal(await rows().last().locator('th').textContent(), expected[5].eye_readable);
    assert.equal(expected[5].din, dins.Cruz);
    // A filter by state keeps the order; sorting by expiry puts the waiting unit second.
    await page.getByLabel('State').selectOption('ready');
    await page.waitForURL(/state=ready/);
    assert.deepEqual(await column('State'), ['Ready', 'Ready', 'Ready', 'Ready', 'Ready']);
    await page.getByLabel('State').selectOption('');
    await page.getByRole('button', { name: 'Expires', exact: true }).click();
    await page.waitForURL(/sort=expires_at/);
    assert.deepEqual(await column('State'), ['Ready', 'Waiting', 'Ready', 'Ready', 'Ready', 'Ready']);
    // Selecting all the ready units takes the five of them.
    await page.getByLabel('Select all ready units').check();
    await page.getByText('5 units selected.').waitFor();
    await app.screenshot(page, 'lists-release.png');
    // By ABO/RhD: Diaz's A positive units, the selection cut to them; Cruz's untyped one.
    await page.getByLabel('ABO/RhD').selectOption('A POS');
    await page.waitForURL(/group=A\+POS/);
    await page.getByText('2 units selected.').waitFor();
    assert.deepEqual(await rows().evaluateAll((trs) => trs.map((tr) => tr.querySelector('th').textContent)),
      expected.filter((i) => i.din === dins.Diaz).map((i) => i.eye_readable));
    assert.deepEqual(await column('ABO/RhD'), ['A Pos', 'A Pos']);
    await page.getByLabel('ABO/RhD').selectOption('untyped');
    await page.waitForURL(/group=untyped/);
    await page.waitForFunction(() => document.querySelectorAll('.list-table tbody tr').length === 1);
    assert.equal(await rows().first().locator('th').textContent(), expected[5].eye_readable);
    assert.deepEqual(await column('State'), ['Waiting']);
    app.assertClean(page);
  });

  test('the unit lookup highlights the unit expiring tomorrow, in words too', async () => {
    await page.goto(`/units/lookup?din=${dins.Ames}`);
    await page.getByRole('heading', { name: /^Donation / }).waitFor();
    const unitRows = page.locator('section[aria-labelledby="units-title"] tbody tr');
    assert.equal(await unitRows.count(), 2);
    const platelets = unitRows.filter({ has: page.locator('th', { hasText: 'E0400' }) });
    assert.match(await platelets.getAttribute('class'), /\brow-expiring\b/);
    assert.equal(await platelets.locator('td[data-label="Days to expiry"]').textContent(), 'Expires tomorrow');
    const redCells = unitRows.filter({ has: page.locator('th', { hasText: 'E0300' }) });
    assert.equal(await redCells.getAttribute('class'), null);
    assert.equal(await redCells.locator('td[data-label="Days to expiry"]').textContent(), '38 days');
    app.assertClean(page);
  });

  test('each count of the inventory leads to exactly the units it counted', async () => {
    await page.goto('/inventory');
    await page.getByRole('heading', { name: 'Inventory' }).waitFor();
    const table = page.locator('table.inventory-table');
    await table.waitFor();
    const links = await table.locator('tbody td.num a, tfoot td.num a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), count: Number(a.textContent), name: a.getAttribute('aria-label') })));
    const inventory = await api('GET', '/api/v1/inventory');
    assert.ok(links.length >= 8, JSON.stringify(links));
    // The totals link to every unit on the shelves.
    assert.equal(links[links.length - 1].count, inventory.totals.count);
    for (const link of links) {
      await page.goto(link.href);
      await page.getByRole('heading', { name: 'Units on the shelves' }).waitFor();
      await rows().first().waitFor();
      await page.getByText(new RegExp(`^Showing (1–)?${link.count}( of ${link.count})?\\.$`)).waitFor();
      assert.equal(await rows().count(), link.count, `${link.name}: ${link.href}`);
      // The filters say what the count was.
      const query = new URL(link.href, app.base).searchParams;
      if (query.get('band')) assert.equal(await page.getByLabel('Days to expiry').inputValue(), query.get('band'));
      if (query.get('family')) assert.equal(await page.getByLabel('Family').inputValue(), query.get('family'));
    }
    // The platelets expiring tomorrow: their count, their unit, highlighted.
    await page.goto('/inventory');
    const expiring = page.locator('table.inventory-table tbody tr').filter({ hasText: 'Platelets' }).filter({ hasText: 'O Neg' });
    await expiring.locator('td[data-label="0-1 days"] a').click();
    await page.waitForURL(/\/inventory\/units\?.*band=0-1/);
    await page.getByText('Showing 1–1 of 1.').waitFor();
    const row = rows().first();
    assert.equal(await row.locator('th').textContent(), (await api('GET', `/api/v1/donations/${dins.Ames}`)).eye_readable);
    assert.match(await row.getAttribute('class'), /\brow-expiring\b/);
    assert.equal(await row.locator('td[data-label="Days to expiry"]').textContent(), 'Expires tomorrow');
    await app.screenshot(page, 'lists-drill-down.png');
    // A refused filter is told under its control.
    await page.goto('/inventory/units?band=soon');
    await page.getByRole('heading', { name: 'Units on the shelves' }).waitFor();
    await page.waitForFunction(() => document.querySelector('select[name="band"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(await page.locator('select[name="band"] ~ .field-error').textContent(), /days-to-expiry band/);
    app.assertClean(page);
  });
});
