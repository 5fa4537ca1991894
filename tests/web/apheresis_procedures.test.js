'use strict';
/*
 * apheresis_procedures.test.js - a procedure record in the browser, on a
 * phone (390x844), as an apheresis nurse of Los Angeles: the record entered
 * at the bedside (a negative volume refused under its field), shown beside
 * what the order prescribed, signed with her password (then billed: the
 * price shown), amended with a reason and the amendment listed.
 * Screenshot in tests/out/web/apheresis-procedure.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, ADMIN_PASSWORD } = require('./lib/web');
const chain = require('../api/lib/chain');

const PHONE = { width: 390, height: 844 };

describe('an apheresis procedure recorded, signed and amended on a phone', () => {
  let app;
  let page;
  let password;
  let order;

  before(async () => {
    app = await startApp();
    password = await app.addUser('nadia', 'apheresis_nurse');
    const admin = await app.srv.login('admin', ADMIN_PASSWORD);
    const call = async (session, method, url, body, status = 200) => {
      const r = await app.srv.api(method, url, { token: session.token, body });
      assert.equal(r.status, status, `${method} ${url}: ${r.text}`);
      return r.json;
    };
    await call(admin, 'PUT', '/api/v1/users/nadia/scope', { markets: 'LA' });
    const nurse = await app.srv.login('nadia', password);
    const patient = await call(nurse, 'POST', '/api/v1/patients', {
      hospital: 'CEDARS', mrn: 'CS-5001', family_name: 'Alvarez', given_name: 'Maria',
      birth_date: '1968-09-12', sex: 'female', height_m: '1.60', weight_kg: 60,
    }, 201);
    order = await call(nurse, 'POST', '/api/v1/apheresis-orders', {
      patient: patient.id, physician: 'Dr. Ana Ruiz', procedure_type: 'plasma_exchange', indication: 'Myasthenia gravis',
      asfa_category: 'I', asfa_grade: '1B', procedures: 5, frequency: 'every 2 days', hct: '0.40', volumes: '1.5', albumin_fraction: '0.5',
    }, 201);
    const contract = await call(admin, 'POST', '/api/v1/apheresis-contracts', { hospital: 'CEDARS', effective_from: chain.day(-30), abort_percent: 50 }, 201);
    await call(admin, 'PUT', `/api/v1/apheresis-contracts/${contract.id}/prices`, { procedure_type: 'plasma_exchange', price: '1200.00' });
    for (const [item, amount] of [['nurse_hour:LA', '60.00'], ['kit:plasma_exchange', '300.00'], ['albumin_vial', '40.00'], ['plasma_unit', '50.00']])
      await call(admin, 'PUT', '/api/v1/apheresis-costs', { item, amount });
    page = await app.newPage({ viewport: PHONE });
    await app.login(page, 'nadia', password, `/apheresis-procedures/new?order=${order.id}`);
    await page.getByRole('heading', { name: 'Record a procedure' }).waitFor();
  });

  after(async () => {
    if (app) await app.close();
  });

  test('recorded beside the prescription, signed, amended', async () => {
    const day = chain.day(-2);
    const form = page.getByRole('form', { name: 'Record a procedure' });
    await form.getByLabel('Started').fill(`${day}T09:00`);
    await form.getByLabel('Ended').fill(`${day}T11:00`);
    await form.getByLabel('Device serial number').fill('SPECTRA-0042');
    await form.getByLabel('Column or kit lot').fill('KIT-1');
    await form.getByLabel('Plasma removed (mL)').fill('-5');
    await form.getByLabel('5% albumin vials given').fill('7');
    await form.getByRole('button', { name: 'Record the procedure' }).click();
    await form.getByText(/must not be negative/).waitFor();
    assert.equal(await form.getByLabel('Plasma removed (mL)').getAttribute('aria-invalid'), 'true');
    await form.getByLabel('Plasma removed (mL)').fill('3200');
    await form.getByRole('button', { name: 'Record the procedure' }).click();
    await page.getByRole('heading', { name: /^Procedure \d+: Alvarez, Maria$/ }).waitFor();
    const id = Number(/\/apheresis-procedures\/(\d+)/.exec(page.url())[1]);

    const compared = page.locator('#prescribed-vs-delivered');
    const vials = compared.getByRole('row').filter({ hasText: '5% albumin vials' });
    const prescribed = order.calculations.plasma_exchange.albumin_vials.value;
    assert.equal((await vials.locator('td').allTextContents()).join(' | '), `${prescribed} vials | 7 vials`);

    await page.getByLabel('Your password').fill(password);
    await page.getByRole('button', { name: 'Sign\u2026' }).click();
    await page.getByRole('button', { name: 'Sign it' }).click();
    await page.getByText(/signed by nadia/).waitFor();

    await page.getByRole('button', { name: 'Amend the record' }).click();
    const amend = page.getByRole('form', { name: 'Amend the record' });
    await amend.getByLabel('Reason for the amendment').fill('kit lot misread');
    await amend.getByLabel('Column or kit lot').fill('KIT-2');
    await amend.getByRole('button', { name: 'Amend' }).click();
    await page.getByRole('region', { name: 'Amendments' }).getByText('kit lot misread').waitFor();
    const api = await app.srv.api('GET', `/api/v1/apheresis-procedures/${id}`, { token: (await app.srv.login('admin', ADMIN_PASSWORD)).token });
    assert.equal(api.json.kit_lot, 'KIT-2');
    assert.equal(api.json.price, '1200.00');
    assert.equal(api.json.amendments[0].before.kit_lot, 'KIT-1');
    await app.screenshot(page, 'apheresis-procedure.png');
    app.assertClean(page);
  });
});
