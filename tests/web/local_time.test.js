'use strict';
/*
 * local_time.test.js - times in the web application are shown on the clock
 * of the center they belong to, with the zone named ("2026-12-05 22:30
 * PST"), in one date format: the collections list and a collection's page,
 * its units' expiry (23:59 there), the unit lookup, the release queue; and
 * the time typed when recording a collection is the center's, whatever the
 * browser's zone. The demo company's Los Angeles center and a New York
 * center added here get donations at the same instant, which is the evening
 * before in Los Angeles and the small hours in New York.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startAsAdmin, clock, shownAt: shown } = require('./lib/web');
const chain = require('../api/lib/chain');

const LA = 'America/Los_Angeles';
const NY = 'America/New_York';

const AT = chain.EVENING_BEFORE;
const VITALS = { weight_lb: '170', height_in: '70', hemoglobin: '14.1', temperature: '36.8', systolic: '120', diastolic: '80', pulse: '70' };

describe('local time', () => {
  let app;
  let page;
  let admin;
  const made = {};

  const api = (method, path, body) => app.srv.api(method, path, { token: admin.token, body });
  const ok = async (method, path, body, status = 201) => {
    const r = await api(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    return r.json;
  };

  before(async () => {
    ({ app, admin, page } = await startAsAdmin('/collections', 'Collections'));
    await ok('POST', '/api/v1/centers', { code: 'NY-02', name: 'Manhattan Donor Center', market: 'NY', fin: 'W0009', open_date: '2001-03-01' });
    for (const [center, zone] of [['LA-01', LA], ['NY-02', NY]]) {
      const donor = await ok('POST', '/api/v1/donors', { family_name: `Clock${center.slice(0, 2)}`, given_name: 'Test', birth_date: '1980-05-17', sex: 'M' });
      const c = await ok('POST', '/api/v1/collections', { donor: donor.donor_number, center, procedure: 'whole_blood', volume_ml: 500, collected_at: AT, ...VITALS });
      const processed = await ok('POST', `/api/v1/collections/${c.din}/process`, { components: [{ product: 'E0300' }] });
      made[center] = { collection: c, unit: processed.units[0], zone };
    }
    assert.notEqual(clock(AT, LA).date, clock(AT, NY).date, 'a different day in each');
  });

  after(async () => {
    if (app) await app.close();
  });

  test('the collections list and a collection\'s page show each collection on its center\'s clock', async () => {
    await page.goto('/collections');
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    for (const center of ['LA-01', 'NY-02']) {
      const { collection, zone } = made[center];
      const row = page.locator('table tbody tr').filter({ hasText: collection.eye_readable });
      await row.waitFor();
      const cells = await row.locator('th, td').allTextContents();
      assert.ok(cells.includes(shown(AT, zone)), `${center}: ${cells.join(' | ')}`);
    }
    assert.match(shown(AT, LA), / P[SD]T$/);
    assert.match(shown(AT, NY), / E[SD]T$/);

    const { collection, unit } = made['LA-01'];
    await page.goto(`/collections/${collection.din}`);
    await page.getByRole('heading', { name: `Collection ${collection.eye_readable}` }).waitFor();
    const details = await page.locator('dl.details').first().textContent();
    assert.ok(details.includes(`Collected${shown(AT, LA)}`), details);
    // Red cells expire at 23:59 on the center's clock, 42 days on.
    const expiry = shown(unit.expires_at, LA);
    assert.match(expiry, /^\d{4}-\d{2}-\d{2} 23:59 P[SD]T$/);
    assert.ok((await page.locator('table tbody').last().textContent()).includes(expiry), 'the units made, with their expiry');
    app.assertClean(page);
  });

  test('the unit lookup and the release queue show the expiry at 23:59 where the unit was collected', async () => {
    const { collection, unit } = made['NY-02'];
    await page.goto(`/units/lookup?din=${encodeURIComponent(collection.din)}`);
    await page.getByRole('heading', { name: /^Donation / }).waitFor();
    const expiry = shown(unit.expires_at, NY);
    assert.match(expiry, /^\d{4}-\d{2}-\d{2} 23:59 E[SD]T$/);
    assert.ok((await page.locator('dl.details').first().textContent()).includes(`Collected${shown(AT, NY)}`));
    assert.ok((await page.locator('table tbody').first().textContent()).includes(expiry));

    await page.goto('/release');
    await page.getByRole('heading', { name: /Release/ }).first().waitFor();
    const row = page.locator('table tbody tr').filter({ hasText: collection.eye_readable });
    await row.first().waitFor();
    assert.ok((await row.first().textContent()).includes(expiry), await row.first().textContent());
    app.assertClean(page);
  });

  test('the time typed for a collection is the center\'s, whatever the browser\'s zone', async () => {
    const donor = await ok('POST', '/api/v1/donors', { family_name: 'Typed', given_name: 'Time', birth_date: '1982-02-02', sex: 'F' });
    // 21:15 yesterday in New York, typed as the clocks there show it.
    const yesterdayInNewYork = clock(new Date(Date.now() - 86400000).toISOString(), NY).date;
    const typed = `${yesterdayInNewYork}T21:15`;
    const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    assert.notEqual(browserZone, NY, 'the browser is elsewhere');

    await page.goto('/collections/new');
    await page.getByRole('heading', { name: 'Record a collection' }).waitFor();
    const donorStep = page.getByRole('form', { name: 'Confirm the donor' });
    await donorStep.getByLabel('Procedure').selectOption('whole_blood');
    await donorStep.getByLabel('Donor number').fill(donor.donor_number);
    await donorStep.getByLabel('Donor number').press('Enter');
    const form = page.getByRole('form', { name: 'Record a collection' });
    await form.waitFor();
    await form.getByLabel('Center').selectOption('NY-02');
    await form.getByLabel('Collected at').fill(typed);
    await form.getByLabel('Volume (mL)').fill('500');
    await form.getByLabel('Weight (lb)').fill(VITALS.weight_lb);
    await form.getByLabel('Height (in)').fill(VITALS.height_in);
    await form.getByLabel('Hemoglobin (g/dL)').fill(VITALS.hemoglobin);
    await form.getByLabel('Temperature (°C)').fill(VITALS.temperature);
    await form.getByLabel('Systolic pressure (mmHg)').fill(VITALS.systolic);
    await form.getByLabel('Diastolic pressure (mmHg)').fill(VITALS.diastolic);
    await form.getByLabel('Pulse (beats per minute)').fill(VITALS.pulse);
    await form.getByRole('button', { name: 'Record the collection' }).click();
    await page.getByRole('heading', { name: 'Collection recorded' }).waitFor();

    const recorded = (await ok('GET', `/api/v1/collections?center=NY-02&on=${yesterdayInNewYork}`, undefined, 200)).items
      .find((c) => c.donor_number === donor.donor_number);
    assert.ok(recorded, 'recorded on that day in New York');
    assert.deepEqual(clock(recorded.collected_at, NY).time, '21:15', `stored ${recorded.collected_at}`);
    assert.ok((await page.locator('dl.details').textContent()).includes(`Collected${yesterdayInNewYork} 21:15 E`));
    app.assertClean(page);
  });
});
