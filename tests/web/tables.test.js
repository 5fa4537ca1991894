'use strict';
/*
 * tables.test.js - the lists (web/js/data_table.js) as a user meets them,
 * on the collections list of the demo company: newest first, a column
 * header that sorts (and says so to a screen reader), pages with the total
 * count, a filter kept in the URL, the CSV export of every row the filter
 * gives (not only the page shown), a range of days and the donor's group
 * (a backward range told under its field), and on a 390 px phone the rows as cards
 * with the columns a person acts on and nothing scrolling sideways.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { startAsAdmin, PHONE, ADMIN_PASSWORD } = require('./lib/web');
const chain = require('../api/lib/chain');

describe('lists: sort, filter, pages, CSV, phone', () => {
  let app;
  let page;
  let admin;

  before(async () => {
    ({ app, admin, page } = await startAsAdmin('/collections', 'Collections', { demoChain: true }));
    // More than two pages of collections: 40 walk-in donors at two centers.
    for (let i = 0; i < 40; i++) {
      const donor = await app.srv.api('POST', '/api/v1/donors', { token: admin.token, body: {
        family_name: `Lister${i}`, given_name: 'Pat', birth_date: '1980-05-0' + (1 + (i % 9)), sex: i % 2 ? 'F' : 'M',
        home_center: i % 2 ? 'LA-01' : 'OC-01' } });
      assert.equal(donor.status, 201, donor.text);
      const collection = await app.srv.api('POST', '/api/v1/collections', { token: admin.token, body: {
        donor: donor.json.donor_number, center: i % 2 ? 'LA-01' : 'OC-01', procedure: 'whole_blood', volume_ml: 480,
        weight_lb: '150', height_in: '64', hemoglobin: '13.5', temperature: '36.8', systolic: '120', diastolic: '80', pulse: '72' } });
      assert.equal(collection.status, 201, collection.text);
    }
    await page.reload();
  });

  after(async () => {
    if (app) await app.close();
  });

  const api = async (path) => {
    const answer = await app.srv.api('GET', path, { token: admin.token });
    assert.equal(answer.status, 200, answer.text);
    return answer.json;
  };
  const rows = () => page.locator('.list-table tbody tr');
  const collectedColumn = async () => page.locator('.list-table tbody tr td[data-label="Collected"]').allTextContents();

  test('collections come newest first, with the total count and pages', async () => {
    await rows().first().waitFor();
    const all = await api('/api/v1/collections?sort=-collected_at&limit=500');
    assert.ok(all.total > 25, `the demo has more than a page of collections (${all.total})`);
    await page.getByText(`Showing 1–25 of ${all.total.toLocaleString('en-US')}.`).waitFor();
    assert.equal(await rows().count(), 25);
    const header = page.getByRole('columnheader', { name: /Collected/ });
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    const firstDin = await rows().first().locator('th').textContent();
    assert.equal(firstDin, all.items[0].eye_readable);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(`Showing 26–50 of ${all.total.toLocaleString('en-US')}.`).waitFor();
    assert.match(page.url(), /page=2/);
    assert.equal(await rows().first().locator('th').textContent(), all.items[25].eye_readable);
  });

  test('a link to a page past the last shows the first page with the count, not an empty list', async () => {
    const all = await api('/api/v1/collections?sort=-collected_at&limit=1');
    const address = new URL(page.url());
    address.searchParams.set('page', '9999');
    await page.goto(address.href);
    await page.getByText(`Showing 1–25 of ${all.total.toLocaleString('en-US')}.`).waitFor();
    assert.equal(await rows().count(), 25);
    assert.doesNotMatch(page.url(), /page=/);
  });

  test('a column header sorts ascending, then descending', async () => {
    await page.getByRole('button', { name: 'Center' }).click();
    await page.waitForURL(/sort=center/);
    const header = page.getByRole('columnheader', { name: /Center/ });
    await assert.doesNotReject(() => page.waitForFunction(() =>
      document.querySelector('th[aria-sort="ascending"]')?.textContent.startsWith('Center')));
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    const ascending = await page.locator('.list-table tbody td[data-label="Center"]').allTextContents();
    assert.deepEqual(ascending, [...ascending].sort(), 'centers in order');
    assert.match(page.url(), /[?&]sort=center(&|$)/);
    assert.doesNotMatch(page.url(), /page=/, 'a new sort starts again at the first page');
    await page.getByRole('button', { name: 'Center' }).click();
    await page.waitForURL(/sort=-center/);
    await page.waitForFunction(() => document.querySelector('th[aria-sort="descending"]')?.textContent.startsWith('Center'));
    const descending = await page.locator('.list-table tbody td[data-label="Center"]').allTextContents();
    assert.deepEqual(descending, [...descending].sort().reverse());
  });

  test('a filter narrows the list, counts it, is kept in the URL, and the CSV holds every row it gives', async () => {
    const la = await api('/api/v1/collections?center=LA-01&sort=-collected_at&limit=1');
    await page.getByLabel('Center').selectOption('LA-01');
    await page.waitForURL(/center=LA-01/);
    await page.getByText(new RegExp(`of ${la.total.toLocaleString('en-US')}\\.$`)).waitFor();
    const centers = await page.locator('.list-table tbody td[data-label="Center"]').allTextContents();
    assert.ok(centers.length > 0 && centers.every((c) => c === 'LA-01'), centers.join(','));
    // The same URL opened again shows the same list.
    await page.reload();
    await page.getByText(new RegExp(`of ${la.total.toLocaleString('en-US')}\\.$`)).waitFor();
    assert.equal(await page.getByLabel('Center').inputValue(), 'LA-01');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'collections.csv');
    const text = fs.readFileSync(await download.path(), 'utf8');
    const lines = text.trim().split(/\r\n/);
    assert.equal(lines[0], 'DIN,Collected,Donor,Center,ABO/RhD,Procedure,Volume (mL),Processing');
    assert.equal(lines.length - 1, la.total, 'every row of the filter, all pages');
    assert.ok(lines.slice(1).every((line) => line.split(',')[3] === 'LA-01'));
    app.assertClean(page);
  });

  test('a range of days and the donor\'s group narrow the collections, counted by the server and kept in the URL', async () => {
    await page.goto('/collections');
    await rows().first().waitFor();
    // The demo chain's collections of the last five days, before today's walk-ins.
    const [from, to] = [chain.day(-5), chain.day(-1)];
    const days = await api(`/api/v1/collections?from=${from}&to=${to}&sort=-collected_at&limit=500`);
    assert.ok(days.total > 0 && days.total <= 25, `the demo collected those days (${days.total})`);
    await page.getByLabel('From', { exact: true }).fill(from);
    await page.getByLabel('To', { exact: true }).fill(to);
    await page.waitForURL((url) => url.searchParams.get('from') === from && url.searchParams.get('to') === to);
    await page.waitForFunction((n) => document.querySelectorAll('.list-table tbody tr').length === n, days.total);
    assert.deepEqual(await page.locator('.list-table tbody th').allTextContents(), days.items.map((c) => c.eye_readable));
    assert.ok((await collectedColumn()).every((d) => d.slice(0, 10) >= from && d.slice(0, 10) <= to));
    // With a group: the collections of the O positive donors those days.
    const opos = days.items.filter((c) => c.donor_group === 'O POS');
    assert.ok(opos.length > 0 && opos.length < days.total, `some of those donors are O POS (${opos.length})`);
    await page.getByLabel('ABO/RhD').selectOption('O POS');
    await page.waitForURL(/group=O\+POS/);
    await page.waitForFunction((n) => document.querySelectorAll('.list-table tbody tr').length === n, opos.length);
    assert.deepEqual(await page.locator('.list-table tbody th').allTextContents(), opos.map((c) => c.eye_readable));
    assert.ok((await page.locator('.list-table tbody td[data-label="ABO/RhD"]').allTextContents()).every((g) => g === 'O Pos'));
    // The same link shows the same list.
    await page.reload();
    await page.waitForFunction((n) => document.querySelectorAll('.list-table tbody tr').length === n, opos.length);
    assert.equal(await page.getByLabel('ABO/RhD').inputValue(), 'O POS');
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), from);
    // A range backwards is told under its field.
    await page.getByLabel('From', { exact: true }).fill(chain.day(0));
    await page.locator('.field-error').filter({ hasText: /must not be before from/ }).waitFor();
    assert.equal(await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid'), 'true');
    app.assertClean(page);
  });

  test('on a phone the collections read as cards: state and center shown, nothing scrolls sideways', async () => {
    const phone = await app.newPage({ viewport: PHONE });
    await app.login(phone, 'admin', ADMIN_PASSWORD, '/collections');
    await phone.locator('.list-table tbody tr').first().waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the list fits a phone (${overflow}px too wide)`);
    const card = phone.locator('.list-table tbody tr').first();
    assert.ok(await card.locator('td[data-label="Processing"]').isVisible(), 'the processing state is shown');
    assert.ok(await card.locator('td[data-label="Center"]').isVisible());
    assert.ok(!(await card.locator('td[data-label="Procedure"]').isVisible()), 'the procedure is left out on a phone');
    await app.screenshot(phone, 'tables-collections-phone.png');
    app.assertClean(phone);
    await phone.context().close();
  });
});
