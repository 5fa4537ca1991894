'use strict';
/*
 * apheresis.test.js - therapeutic apheresis in the browser, on a tablet
 * (768x1024) as an apheresis nurse of Los Angeles at the bedside: the
 * calculators, their figures with units beside the inputs, equal to the
 * API's, a refused input shown under its field; a patient entered (a
 * height of 3 m refused under the height), a plasma exchange ordered for
 * them and its calculations shown with their inputs; the patient's page
 * listing the order. Screenshots in tests/out/web/apheresis-*.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, ADMIN_PASSWORD } = require('./lib/web');

const TABLET = { width: 768, height: 1024 };

describe('apheresis at the bedside on a tablet', () => {
  let app;
  let page;
  let nurse;

  before(async () => {
    app = await startApp();
    const password = await app.addUser('nadia', 'apheresis_nurse');
    const admin = await app.srv.login('admin', ADMIN_PASSWORD);
    const scope = await app.srv.api('PUT', '/api/v1/users/nadia/scope', { token: admin.token, body: { markets: 'LA' } });
    assert.equal(scope.status, 200, scope.text);
    nurse = await app.srv.login('nadia', password);
    page = await app.newPage({ viewport: TABLET });
    await app.login(page, 'nadia', password, '/apheresis/calculators');
    await page.getByRole('heading', { name: 'Apheresis calculators' }).waitFor();
  });

  after(async () => {
    if (app) await app.close();
  });

  /* The text of the figure `key` in the region `region`. */
  const figure = (region, key) => region.locator(`tr[data-figure="${key}"] td`).textContent();

  test('the calculators: the figures with their units and inputs, as the API gives them; a refusal under its field', async () => {
    const nav = await page.locator('#site-nav a').allTextContents();
    assert.ok(nav.includes('Apheresis calculators') && nav.includes('Apheresis patients'), nav.join(', '));
    const form = page.getByRole('form', { name: 'Total blood volume' });
    await form.getByLabel('Sex').selectOption('male');
    await form.getByLabel('Height (m)').fill('1.80');
    await form.getByLabel('Weight (kg)').fill('80');
    const box = await form.getByLabel('Height (m)').boundingBox();
    assert.ok(box.height >= 44, `a field large enough for a finger: ${box.height}px`);
    await form.getByRole('button', { name: 'Calculate' }).click();
    const result = page.getByRole('region', { name: 'Total blood volume' });
    await result.waitFor();
    assert.equal(await figure(result, 'tbv'), '5.32 L');
    assert.equal(await figure(result, 'method'), 'nadler');
    assert.equal(await figure(result, 'height_m'), '1.8 m', 'the input it came from');

    await page.getByLabel('Calculator').selectOption('plasma-exchange');
    const exchange = page.getByRole('form', { name: 'Plasma exchange' });
    await exchange.waitFor();
    await exchange.getByLabel('Sex').selectOption('male');
    await exchange.getByLabel('Height (m)').fill('1.80');
    await exchange.getByLabel('Weight (kg)').fill('80');
    await exchange.getByLabel('Hematocrit (fraction)').fill('1.2');
    await exchange.getByLabel('Plasma volumes to exchange').fill('1');
    await exchange.getByRole('button', { name: 'Calculate' }).click();
    await exchange.getByText(/strictly between 0 and 1/).waitFor();
    assert.equal(await exchange.getByLabel('Hematocrit (fraction)').getAttribute('aria-invalid'), 'true');
    await exchange.getByLabel('Hematocrit (fraction)').fill('0.45');
    await exchange.getByRole('button', { name: 'Calculate' }).click();
    const figures = page.getByRole('region', { name: 'Plasma exchange' });
    await figures.locator('tr[data-figure="albumin_vials"]').waitFor();
    const api = await app.srv.api('GET', '/api/v1/apheresis/calc/plasma-exchange?sex=male&height_m=1.80&weight_kg=80&hct=0.45&volumes=1', { token: nurse.token });
    assert.equal(await figure(figures, 'albumin_vials'), `${api.json.albumin_vials.value} vials`);
    assert.equal(await figure(figures, 'plasma_volume'), `${api.json.plasma_volume.value} L`);
    assert.equal(await figure(figures, 'albumin_vials'), '12 vials');
    await app.screenshot(page, 'apheresis-calculators.png');
    app.assertClean(page);
  });

  test('a patient entered and a plasma exchange ordered: the order shows its calculations with their inputs', async () => {
    await page.goto('/patients/new');
    const form = page.getByRole('form', { name: 'New patient' });
    await form.getByLabel('Hospital').fill('cedars');
    await form.getByLabel('Medical record number').fill('CS-4471');
    await form.getByLabel('Family name').fill('Alvarez');
    await form.getByLabel('Given name').fill('Maria');
    await form.getByLabel('Date of birth').fill('1968-09-12');
    await form.getByLabel('Sex').selectOption('female');
    await form.getByLabel('Height (m)').fill('3');
    await form.getByLabel('Weight (kg)').fill('60');
    await form.getByRole('button', { name: 'Add the patient' }).click();
    await form.getByText(/between 0.3 and 2.5 m/).waitFor();
    await form.getByLabel('Height (m)').fill('1.60');
    await form.getByRole('button', { name: 'Add the patient' }).click();
    await page.getByRole('heading', { name: 'Alvarez, Maria' }).waitFor();
    const tbv = page.getByRole('region', { name: 'Total blood volume' });
    assert.equal(await figure(tbv, 'tbv'), '3.63 L');

    await page.getByRole('link', { name: 'New order' }).click();
    const order = page.getByRole('form', { name: 'New apheresis order' });
    await order.getByLabel('Ordering physician').fill('Dr. Ana Ruiz');
    await order.getByLabel('Procedure type').selectOption('plasma_exchange');
    await order.getByLabel('Indication').fill('Myasthenia gravis, crisis');
    await order.getByLabel('ASFA category').selectOption('I');
    await order.getByLabel('ASFA grade').selectOption('1B');
    await order.getByLabel('Procedures in the course').fill('5');
    await order.getByLabel('Frequency').fill('every 2 days');
    await order.getByLabel('Patient\u2019s hematocrit at ordering').fill('0.40');
    await order.getByLabel('Plasma volumes to exchange').fill('1.5');
    await order.getByLabel('Albumin part of the replacement').fill('0.5');
    await order.getByLabel('Anticoagulant').selectOption('acd_a');
    await order.getByLabel('AC:inlet ratio 1:N').fill('12');
    await order.getByLabel('Inlet rate (mL/min)').fill('60');
    await order.getByRole('button', { name: 'Add the order' }).click();
    await page.getByRole('heading', { name: /^Order \d+: therapeutic plasma exchange$/ }).waitFor();
    const id = Number(/\/apheresis-orders\/(\d+)/.exec(page.url())[1]);
    const api = (await app.srv.api('GET', `/api/v1/apheresis-orders/${id}`, { token: nurse.token })).json.calculations;
    const exchange = page.getByRole('region', { name: 'Plasma exchange' });
    assert.equal(await figure(exchange, 'albumin_vials'), `${api.plasma_exchange.albumin_vials.value} vials`);
    assert.equal(await figure(exchange, 'albumin_vials'), '7 vials');
    assert.equal(await figure(exchange, 'exchange_volume'), '3.26 L');
    assert.equal(await figure(exchange, 'hct'), '0.4 fraction', 'the hematocrit it came from');
    assert.equal(await figure(exchange, 'weight_kg'), '60 kg', 'the patient\u2019s weight it came from');
    const anticoagulant = page.getByRole('region', { name: 'Anticoagulant', exact: true });
    assert.equal(await figure(anticoagulant, 'ac_rate'), '5 mL/min');
    await app.screenshot(page, 'apheresis-order.png');

    await page.getByRole('link', { name: 'Alvarez, Maria' }).click();
    await page.getByRole('region', { name: 'Physicians\u2019 orders' }).getByRole('link', { name: `Order ${id}` }).waitFor();

    // The list of patients: found by a piece of the MRN, with the active order counted.
    await page.getByRole('link', { name: 'Apheresis patients' }).first().click();
    await page.getByRole('heading', { name: 'Apheresis patients' }).waitFor();
    await page.getByLabel('Search').fill('4471');
    await page.getByLabel('Search').press('Enter');
    const row = page.getByRole('row').filter({ hasText: 'CS-4471' });
    await row.getByRole('link', { name: 'Alvarez, Maria' }).waitFor();
    assert.match(await row.textContent(), /CEDARS/);
    app.assertClean(page);
  });
});
