'use strict';
/*
 * apheresis_flow.test.js - the apheresis steps as a nurse walks them in the
 * browser, on a phone (390x844): from the order's page she books the
 * procedure she has just begun (times on the market's clocks), opens the
 * booking from the board, records the procedure from the booking (the form
 * filled with the order, the booking, the device and the times), signs it
 * with her password; the record then shows its invoice and links back to
 * its order and booking, the order counts 1 of 2 done, and an
 * administrator follows the invoice link to the line at the contract's
 * price. Then finance reads the quarter's volumes (a period refused under
 * its field) and an administrator sets a surcharge and a standard cost on
 * the apheresis contracts page (an amount with three decimals refused
 * under its field). Screenshots in tests/out/web/apheresis-{flow,order-course,volumes,
 * contract}.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, ADMIN_PASSWORD, PHONE, financialRow } = require('./lib/web');
const chain = require('../api/lib/chain');

const ZONE = 'America/Los_Angeles';

/* The LA day and wall time ("2026-12-07", "17:05") of an instant. */
function onLaClocks(ms) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

describe('an apheresis procedure from its order to its invoice on a phone', () => {
  let app;
  let page;
  let password;
  let admin;
  let order;
  let signedOn;

  before(async () => {
    app = await startApp();
    password = await app.addUser('nadia', 'apheresis_nurse');
    admin = await app.srv.login('admin', ADMIN_PASSWORD);
    const call = async (session, method, url, body, status = 200) => {
      const r = await app.srv.api(method, url, { token: session.token, body });
      assert.equal(r.status, status, `${method} ${url}: ${r.text}`);
      return r.json;
    };
    await call(admin, 'PUT', '/api/v1/users/nadia/scope', { markets: 'LA' });
    const nurse = await app.srv.login('nadia', password);
    await call(nurse, 'POST', '/api/v1/apheresis-devices', { serial: 'SPECTRA-007', model: 'Spectra Optia', market: 'LA' }, 201);
    const patient = await call(nurse, 'POST', '/api/v1/patients', {
      hospital: 'CEDARS', mrn: 'CS-7001', family_name: 'Alvarez', given_name: 'Maria',
      birth_date: '1968-09-12', sex: 'female', height_m: '1.60', weight_kg: 60,
    }, 201);
    order = await call(nurse, 'POST', '/api/v1/apheresis-orders', {
      patient: patient.id, physician: 'Dr. Ana Ruiz', procedure_type: 'plasma_exchange', indication: 'Myasthenia gravis',
      asfa_category: 'I', asfa_grade: '1B', procedures: 2, frequency: 'every 2 days', hct: '0.40', volumes: '1',
    }, 201);
    const contract = await call(admin, 'POST', '/api/v1/apheresis-contracts', { hospital: 'CEDARS', effective_from: chain.day(-30), abort_percent: 50 }, 201);
    await call(admin, 'PUT', `/api/v1/apheresis-contracts/${contract.id}/prices`, { procedure_type: 'plasma_exchange', price: '1250.00' });
    for (const [item, amount] of [['nurse_hour:LA', '60.00'], ['kit:plasma_exchange', '300.00'], ['albumin_vial', '40.00'], ['plasma_unit', '50.00']])
      await call(admin, 'PUT', '/api/v1/apheresis-costs', { item, amount });
    page = await app.newPage({ viewport: PHONE });
    await app.login(page, 'nadia', password, `/apheresis-orders/${order.id}`);
    await page.getByRole('heading', { name: /^Order \d+: therapeutic plasma exchange$/ }).waitFor();
  });

  after(async () => {
    if (app) await app.close();
  });

  test('booked from the order, recorded from the booking, signed, the invoice line seen', async () => {
    assert.equal(await page.locator('#course-count').textContent(), '0 of 2 procedures done (0 signed), 0 booked ahead.');
    /* booked as it began: from 20 minutes ago to a minute ago, on the market's clocks */
    const minute = Math.floor(Date.now() / 60000) * 60000;
    const start = onLaClocks(minute - 20 * 60000);
    const end = onLaClocks(minute - 60000);
    await page.getByRole('link', { name: 'Book a procedure' }).click();
    const bookForm = page.getByRole('form', { name: 'Book a procedure' });
    await bookForm.getByLabel('Device').selectOption('SPECTRA-007');
    await bookForm.getByLabel('Day').fill(start.day);
    await bookForm.getByLabel('Start').fill(start.time);
    await bookForm.getByLabel('Expected end').fill(end.time);
    await bookForm.getByRole('button', { name: 'Book it' }).click();
    await page.getByText(/Booked: Alvarez, Maria/).waitFor();

    /* the booking from the board, and the procedure recorded from it */
    await page.getByRole('row').filter({ hasText: 'Alvarez, Maria' }).getByRole('link', { name: `${start.time} \u2013 ${end.time}` }).click();
    await page.getByRole('heading', { name: /^Booking \d+: therapeutic plasma exchange$/ }).waitFor();
    const bookingId = Number(/\/apheresis-bookings\/(\d+)/.exec(page.url())[1]);
    await page.getByRole('link', { name: 'Record the procedure' }).click();
    const form = page.getByRole('form', { name: 'Record a procedure' });
    await form.waitFor();
    assert.equal(await form.getByLabel('Order number').inputValue(), String(order.id));
    assert.equal(await form.getByLabel('Booking number').inputValue(), String(bookingId));
    assert.equal(await form.getByLabel('Device serial number').inputValue(), 'SPECTRA-007');
    assert.equal(await form.getByLabel('Started').inputValue(), `${start.day}T${start.time}`);
    assert.equal(await form.getByLabel('Ended').inputValue(), `${end.day}T${end.time}`);
    await form.getByLabel('Column or kit lot').fill('KIT-77');
    await form.getByLabel('5% albumin vials given').fill('9');
    await form.getByRole('button', { name: 'Record the procedure' }).click();
    await page.getByRole('heading', { name: /^Procedure \d+: Alvarez, Maria$/ }).waitFor();
    const id = Number(/\/apheresis-procedures\/(\d+)/.exec(page.url())[1]);
    await page.getByRole('link', { name: `Booking ${bookingId}` }).waitFor();

    await page.getByLabel('Your password').fill(password);
    await page.getByRole('button', { name: 'Sign\u2026' }).click();
    await page.getByRole('button', { name: 'Sign it' }).click();
    await page.getByText(/signed by nadia/).waitFor();
    const record = (await app.srv.api('GET', `/api/v1/apheresis-procedures/${id}`, { token: admin.token })).json;
    assert.equal(record.booking, bookingId);
    assert.equal(record.price, '1250.00');
    signedOn = record.performed_on;
    /* a nurse has no billing: the invoice is named, not linked */
    await page.getByText(`Invoice ${record.invoice}`, { exact: true }).waitFor();
    assert.equal(await page.getByRole('link', { name: `Invoice ${record.invoice}` }).count(), 0);
    await app.screenshot(page, 'apheresis-flow.png');

    /* back to the order: the course counts the procedure, the booking is done */
    await page.getByRole('link', { name: `Order ${order.id} (plasma_exchange)` }).click();
    await page.locator('#course-count').getByText('1 of 2 procedures done (1 signed), 0 booked ahead.').waitFor();
    await page.getByRole('link', { name: new RegExp(`^Procedure ${id},`) }).waitFor();
    await app.screenshot(page, 'apheresis-order-course.png');
    app.assertClean(page);

    /* an administrator follows the invoice link to its line */
    const adminPage = await app.newPage({ viewport: PHONE });
    await app.login(adminPage, 'admin', ADMIN_PASSWORD, `/apheresis-procedures/${id}`);
    await adminPage.getByRole('link', { name: `Invoice ${record.invoice}` }).click();
    await adminPage.waitForURL(new RegExp(`/invoices/${record.invoice}$`));
    await adminPage.getByText(/1,250\.00/).first().waitFor();
    assert.equal(await adminPage.getByRole('link', { name: `Entry ${record.journal_entry}` }).count(), 0, 'left the procedure page');
    app.assertClean(adminPage);
  });

  test('finance reads the quarter\'s volumes; a period that is none is refused under its field', async () => {
    const quarter = `${signedOn.slice(0, 4)}Q${Math.floor((Number(signedOn.slice(5, 7)) - 1) / 3) + 1}`;
    const fin = await app.addUser('fiona', 'finance');
    const p = await app.newPage({ viewport: PHONE });
    await app.login(p, 'fiona', fin, `/apheresis-volumes?period=${quarter}`);
    await p.getByRole('heading', { name: new RegExp(`^${quarter}: `) }).waitFor();
    const row = p.getByRole('row').filter({ hasText: 'plasma exchange' }).filter({ hasText: 'LA' });
    await row.waitFor();
    assert.match(await row.textContent(), /\$1,250\.00/);
    assert.match(await p.locator('#volumes-total').textContent(), /^1 procedure, \$1,250\.00 in all, on average \$1,250\.00\.$/);
    await app.screenshot(p, 'apheresis-volumes.png');
    /* the quarter's results count it beside blood services' revenue */
    await p.goto(`/quarterly?period=${quarter}&compare=none`);
    const cells = (label) => financialRow(p, 'Revenue by segment', label);
    await p.locator('table.financial caption', { hasText: 'Revenue by segment' }).waitFor();
    assert.deepEqual(await cells('Apheresis procedures, blood services (count)'), ['1']);
    assert.deepEqual(await cells('LA'), ['1']);
    assert.deepEqual(await cells('Average apheresis price'), ['$1,250']);
    await p.goto(`/apheresis-volumes?period=${quarter}`);
    await p.getByRole('heading', { name: new RegExp(`^${quarter}: `) }).waitFor();
    const chooser = p.getByRole('form', { name: 'Choose the period' });
    await chooser.getByLabel('Period').fill('2026Q5');
    await chooser.getByRole('button', { name: 'Show' }).click();
    await chooser.getByText(/2026Q5/).waitFor();
    assert.equal(await chooser.getByLabel('Period').getAttribute('aria-invalid'), 'true');
    assert.ok(p.url().endsWith(`period=${quarter}`), p.url());
    app.assertClean(p);
  });

  test('an administrator sets a contract\'s surcharge and a standard cost', async () => {
    const p = await app.newPage({ viewport: PHONE });
    await app.login(p, 'admin', ADMIN_PASSWORD, '/apheresis-contracts');
    await p.getByRole('heading', { name: 'Apheresis contracts' }).waitFor();
    await p.getByRole('link', { name: 'CEDARS (LA)' }).click();
    await p.getByRole('heading', { name: 'CEDARS: apheresis contract' }).waitFor();
    const prices = p.getByRole('region', { name: 'Prices' });
    assert.match(await prices.getByRole('row').filter({ hasText: '$1,250.00' }).textContent(), /plasma exchange/i);
    const surcharge = p.getByRole('form', { name: 'Set a surcharge' });
    await surcharge.getByLabel('Surcharge').selectOption('weekend');
    await surcharge.getByLabel('Amount (dollars)').fill('150.005');
    await surcharge.getByRole('button', { name: 'Set the surcharge' }).click();
    await p.waitForFunction(() => document.querySelector('[aria-invalid="true"]'));
    assert.equal(await surcharge.getByLabel('Amount (dollars)').getAttribute('aria-invalid'), 'true');
    await surcharge.getByLabel('Amount (dollars)').fill('150.00');
    await surcharge.getByRole('button', { name: 'Set the surcharge' }).click();
    await p.getByText('The weekend surcharge is set.').waitFor();
    await p.getByRole('region', { name: 'Surcharges' }).getByRole('row').filter({ hasText: '$150.00' }).waitFor();
    await app.screenshot(p, 'apheresis-contract.png');

    await p.getByRole('link', { name: 'Apheresis contracts' }).first().click();
    const cost = p.getByRole('form', { name: 'Set a standard cost' });
    await cost.getByLabel('Item').fill('plasma_unit');
    await cost.getByLabel('Amount (dollars)').fill('55.50');
    await cost.getByRole('button', { name: 'Set the cost' }).click();
    await p.getByText('The standard cost of plasma_unit is $55.50.').waitFor();
    const costs = (await app.srv.api('GET', '/api/v1/apheresis-costs', { token: admin.token })).json.items;
    assert.equal(costs.find((c) => c.item === 'plasma_unit').amount, '55.50');
    app.assertClean(p);
  });
});
