'use strict';
/*
 * apheresis_schedule.test.js - the schedule of apheresis procedures in the
 * browser, on a phone (390 px) as an apheresis nurse of Los Angeles: a
 * procedure booked from an order's page with the times on the market's
 * clocks, a second booking of the same nurse at an overlapping time
 * refused under the nurse's field naming the booking in the way, and the
 * booking seen on the board of its day with the nurse's free times, the
 * page no wider than the screen; the day after reached by its link.
 * Screenshots in tests/out/web/apheresis-schedule-*.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, ADMIN_PASSWORD, PHONE } = require('./lib/web');
const { day, utcOf } = require('../api/lib/chain');

const ZONE = 'America/Los_Angeles';

describe('the apheresis schedule on a phone', () => {
  let app;
  let page;
  let nurse;
  let order;
  const tomorrow = day(1, ZONE);

  before(async () => {
    app = await startApp();
    const password = await app.addUser('nadia', 'apheresis_nurse');
    const admin = await app.srv.login('admin', ADMIN_PASSWORD);
    const scope = await app.srv.api('PUT', '/api/v1/users/nadia/scope', { token: admin.token, body: { markets: 'LA' } });
    assert.equal(scope.status, 200, scope.text);
    nurse = await app.srv.login('nadia', password);
    const post = async (path, body) => {
      const r = await app.srv.api('POST', path, { token: nurse.token, body });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    await post('/api/v1/apheresis-devices', { serial: 'SPECTRA-001', model: 'Spectra Optia', market: 'LA' });
    const patient = await post('/api/v1/patients', {
      hospital: 'CEDARS', mrn: 'CS-9001', family_name: 'Alvarez', given_name: 'Maria', birth_date: '1968-09-12',
      sex: 'female', height_m: '1.60', weight_kg: 60,
    });
    order = await post('/api/v1/apheresis-orders', {
      patient: patient.id, physician: 'Dr. Ana Ruiz', procedure_type: 'plasma_exchange', indication: 'myasthenia gravis',
      asfa_category: 'I', asfa_grade: '1B', procedures: 5, frequency: 'every 2 days', hct: '0.40', volumes: '1',
    });
    page = await app.newPage({ viewport: PHONE });
    await app.login(page, 'nadia', password, `/apheresis-orders/${order.id}`);
    await page.getByRole('heading', { name: /^Order \d+: therapeutic plasma exchange$/ }).waitFor();
  });

  after(async () => {
    if (app) await app.close();
  });

  async function assertNoSidewaysScroll(what) {
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
    }));
    assert.ok(scroll <= client, `${what} fits a phone: ${scroll}px wide on a ${client}px screen`);
  }

  async function book(start, end) {
    const form = page.getByRole('form', { name: 'Book a procedure' });
    await form.waitFor();
    assert.equal(await form.getByLabel('Nurse (username)').inputValue(), 'nadia', 'the nurse booking is offered as the nurse');
    await form.getByLabel('Device').selectOption('SPECTRA-001');
    await form.getByLabel('Day').fill(tomorrow);
    await form.getByLabel('Start').fill(start);
    await form.getByLabel('Expected end').fill(end);
    await form.getByRole('button', { name: 'Book it' }).click();
    return form;
  }

  test('a procedure booked from the order\'s page is on the board of its day, with the nurse\'s free times', async () => {
    await page.getByRole('link', { name: 'Book a procedure' }).click();
    await assertNoSidewaysScroll('the booking form');
    await book('08:00', '10:00');
    await page.getByRole('heading', { name: 'Apheresis schedule' }).waitFor();
    assert.ok(page.url().includes(`day=${tomorrow}`), page.url());
    await page.getByText(/Booked: Alvarez, Maria/).waitFor();

    const bookings = (await app.srv.api('GET', `/api/v1/apheresis-bookings?order=${order.id}`, { token: nurse.token })).json.items;
    assert.equal(bookings.length, 1);
    assert.equal(bookings[0].starts_at, utcOf(tomorrow, '08:00', ZONE), 'the time typed is on the market\u2019s clocks');
    const row = page.getByRole('row').filter({ hasText: 'Alvarez, Maria' });
    await row.getByRole('link', { name: '08:00 \u2013 10:00' }).waitFor();
    assert.match(await row.textContent(), /therapeutic plasma exchange/);
    assert.match(await row.textContent(), /SPECTRA-001/);
    const lane = page.locator('[data-lane="nurse:nadia"]');
    assert.deepEqual((await lane.locator('.schedule-slot').allTextContents()).map((t) => t.trim()),
      ['00:00 \u2013 08:00 free', '08:00 \u2013 10:00 Alvarez, Maria, therapeutic plasma exchange', '10:00 \u2013 24:00 free']);
    await assertNoSidewaysScroll('the board');
    await app.screenshot(page, 'apheresis-schedule-board.png');
  });

  test('the same nurse at an overlapping time is refused under the nurse, naming the booking in the way', async () => {
    await page.goto(`/apheresis-orders/${order.id}/book`);
    const form = await book('09:00', '11:00');
    const refusal = form.getByText(/nurse nadia is booked at that time: booking \d+/);
    await refusal.waitFor();
    assert.equal(await form.getByLabel('Nurse (username)').getAttribute('aria-invalid'), 'true');
    await app.screenshot(page, 'apheresis-schedule-refused.png');

    await page.goto(`/apheresis/schedule?market=LA&day=${tomorrow}`);
    await page.getByRole('link', { name: /\u203a$/ }).click();
    await page.getByText('No procedure is booked on this day.').waitFor();
    assert.ok(page.url().includes(`day=${day(2, ZONE)}`), page.url());
    app.assertClean(page);
  });
});
