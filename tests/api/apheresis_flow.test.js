'use strict';
/*
 * apheresis_flow.test.js - therapeutic apheresis end to end, as the steps
 * follow one another (docs/apheresis.md): a patient and a physician's
 * order, the hospital's contract with its price, a booking (and the same
 * nurse and the same device refused a second booking at that time), the
 * procedure recorded under the booking (the booking done), signed (one
 * invoice line at the contract's price, 1150/4100 for the price and
 * 5100/2100 for the cost on the hospital's market), amended with its
 * reason; then the quarter's volumes by market, the quarterly report's
 * apheresis line and the ledger's 4100 of each market agreeing. One
 * market walks it through the API, the other through the command line;
 * refusals leave the database's fingerprint unchanged. Runs on SQLite and
 * PostgreSQL alike (tests/with-postgres.sh).
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

const cents = (text) => Math.round(Number(text) * 100);
/* Whole minutes before the suite began, so that two times differ by whole minutes. */
const NOW = Math.floor(Date.now() / 60000) * 60000;
const minutesAgo = (m) => new Date(NOW - m * 60000).toISOString().replace(/\.\d+Z$/, 'Z');
const quarterOf = (d) => `${d.slice(0, 4)}Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;

describe('apheresis from the order to the ledger', () => {
  let srv;
  let admin;
  let nurseLA;
  let nurseNY;
  let finance;
  let patient;
  let order;
  let otherOrder;
  let booking;
  let procedure;
  let signed;
  let cliSigned;

  const { post, get, ok, refused } = calls(() => srv);
  const put = (session, route, body) => srv.api('PUT', route, { token: session.token, body });
  const patch = (session, route, body) => srv.api('PATCH', route, { token: session.token, body });
  /* A command that must succeed: its standard output. */
  function run(...args) {
    const r = srv.cli(...args);
    assert.equal(r.status, 0, `bloodops ${args.filter((a) => typeof a === 'string').join(' ')}: ${r.stderr}`);
    return r.stdout;
  }
  /* A command refused naming the option, the database unchanged. */
  function cliRefused(pattern, ...args) {
    const before = srv.fingerprint();
    const r = srv.cli(...args);
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, pattern);
    assert.equal(srv.fingerprint(), before, `the database changed after: bloodops ${args.join(' ')}`);
  }

  const ORDER = {
    physician: 'Dr. Ana Ruiz', procedure_type: 'plasma_exchange', indication: 'myasthenia gravis',
    asfa_category: 'I', asfa_grade: '1B', procedures: 2, frequency: 'every 2 days', hct: '0.40', volumes: '1',
    albumin_fraction: '1', anticoagulant: 'acd_a', ratio: '1:12', inlet_ml_min: 60,
  };

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    for (const [code, name, zone] of [['LA', 'Los Angeles', 'America/Los_Angeles'], ['NY', 'New York', 'America/New_York']])
      await ok(post(admin, '/api/v1/markets', { code, name, time_zone: zone }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'LA' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'BELLE', name: 'Bellevue', market: 'NY' }), 201);
    for (const [username, role, markets] of [['nla', 'apheresis_nurse', 'LA'], ['nla2', 'apheresis_nurse', 'LA'],
      ['nny', 'apheresis_nurse', 'NY'], ['fin', 'finance', null]]) {
      await srv.addUser(admin, username, role);
      if (markets) await ok(put(admin, `/api/v1/users/${username}/scope`, { markets }));
    }
    nurseLA = await srv.login('nla', 'nla-password-1');
    nurseNY = await srv.login('nny', 'nny-password-1');
    finance = await srv.login('fin', 'fin-password-1');
    /* standard costs: half over the API, half on the command line */
    for (const [item, amount] of [['nurse_hour:LA', '60.00'], ['kit:plasma_exchange', '300.00']])
      await ok(put(admin, '/api/v1/apheresis-costs', { item, amount }));
    run('apheresis', 'cost', 'set', 'nurse_hour:NY', '72.00');
    run('apheresis', 'cost', 'set', 'albumin_vial', '40.00');
    run('apheresis', 'cost', 'set', 'plasma_unit', '50.00');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('a patient, an order of two procedures and the hospital\'s contract with its price', async () => {
    patient = await ok(post(nurseLA, '/api/v1/patients', {
      hospital: 'CEDARS', mrn: 'FLOW-1', family_name: 'Alvarez', given_name: 'Maria',
      birth_date: '1968-09-12', sex: 'female', height_m: '1.60', weight_kg: 60,
    }), 201);
    order = await ok(post(nurseLA, '/api/v1/apheresis-orders', { ...ORDER, patient: patient.id }), 201);
    assert.equal(order.status, 'active');
    otherOrder = await ok(post(nurseLA, '/api/v1/apheresis-orders', { ...ORDER, patient: patient.id, procedures: 1 }), 201);
    await refused(() => post(admin, '/api/v1/apheresis-contracts', { hospital: 'CEDARS', effective_from: chain.day(-30), abort_percent: -1 }),
      'abort_percent');
    const contract = await ok(post(admin, '/api/v1/apheresis-contracts', { hospital: 'CEDARS', effective_from: chain.day(-30), abort_percent: 50 }), 201);
    await refused(() => put(admin, `/api/v1/apheresis-contracts/${contract.id}/prices`, { procedure_type: 'plasma_exchange', price: '1250.001' }), 'price');
    const priced = await ok(put(admin, `/api/v1/apheresis-contracts/${contract.id}/prices`, { procedure_type: 'plasma_exchange', price: '1250.00' }));
    assert.deepEqual(priced.prices, [{ key: 'plasma_exchange', amount: '1250.00' }]);
    /* a nurse does not read prices */
    assert.equal((await get(nurseLA, '/api/v1/apheresis-contracts')).status, 403);
  });

  test('a booking; the same nurse or the same device at that time is refused naming it and the booking in the way', async () => {
    await ok(post(nurseLA, '/api/v1/apheresis-devices', { serial: 'FLOW-LA-1', model: 'Spectra Optia', market: 'LA' }), 201);
    await ok(post(nurseLA, '/api/v1/apheresis-devices', { serial: 'FLOW-LA-2', model: 'Spectra Optia', market: 'LA' }), 201);
    const times = { start: minutesAgo(25), end: minutesAgo(1) };
    booking = await ok(post(nurseLA, '/api/v1/apheresis-bookings', { order: order.id, nurse: 'nla', device: 'FLOW-LA-1', ...times }), 201);
    assert.equal(booking.status, 'booked');
    await refused(() => post(nurseLA, '/api/v1/apheresis-bookings', { order: otherOrder.id, nurse: 'nla', device: 'FLOW-LA-2', ...times }),
      'nurse', new RegExp(`booking ${booking.id}`));
    await refused(() => post(nurseLA, '/api/v1/apheresis-bookings', { order: otherOrder.id, nurse: 'nla2', device: 'FLOW-LA-1', ...times }),
      'device', new RegExp(`booking ${booking.id}`));
    /* the order's bookings are listed under it */
    const listed = await ok(get(nurseLA, `/api/v1/apheresis-bookings?order=${order.id}`));
    assert.deepEqual(listed.items.map((b) => b.id), [booking.id]);
  });

  test('the procedure recorded under the booking marks it done; under another order\'s booking it is refused', async () => {
    const record = {
      started_at: booking.starts_at, ended_at: booking.ends_at, device_serial: 'FLOW-LA-1', kit_lot: 'KIT-FLOW-1',
      plasma_removed_ml: 2100, albumin_vials: 9, plasma_units: 0, saline_ml: 250, anticoagulant_ml: 180, ratio: '12', outcome: 'completed',
    };
    await refused(() => post(nurseLA, '/api/v1/apheresis-procedures', { ...record, order: otherOrder.id, booking: booking.id }), 'booking',
      /not a booked procedure/);
    procedure = await ok(post(nurseLA, '/api/v1/apheresis-procedures', { ...record, order: order.id, booking: booking.id }), 201);
    assert.equal(procedure.booking, booking.id);
    assert.equal(procedure.status, 'draft');
    assert.equal((await ok(get(nurseLA, `/api/v1/apheresis-bookings/${booking.id}`))).status, 'done');
    const ofOrder = await ok(get(nurseLA, `/api/v1/apheresis-procedures?order=${order.id}`));
    assert.deepEqual(ofOrder.items.map((p) => p.id), [procedure.id]);
  });

  test('signed: an invoice line at the contract price, and the price and the cost posted on the market', async () => {
    const other = await srv.login('nla2', 'nla2-password-1');
    const before = srv.fingerprint();
    const r = await post(other, `/api/v1/apheresis-procedures/${procedure.id}/sign`, { password: 'nla2-password-1' });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.field, 'signer');
    assert.equal(srv.fingerprint(), before);
    signed = await ok(post(nurseLA, `/api/v1/apheresis-procedures/${procedure.id}/sign`, { password: 'nla-password-1' }));
    assert.equal(signed.status, 'signed');
    assert.deepEqual(signed.surcharges, [], 'the contract sets no surcharge');
    assert.equal(signed.price, '1250.00');
    const minutes = (Date.parse(booking.ends_at) - Date.parse(booking.starts_at)) / 60000;
    /* the nurse's minutes at 60.00 an hour, the kit 300.00, 9 vials at 40.00 */
    assert.equal(cents(signed.cost), Math.round(minutes * 100) + 30000 + 36000);
    const invoice = await ok(get(admin, `/api/v1/invoices/${signed.invoice}`));
    assert.equal(invoice.customer, 'CEDARS');
    assert.equal(invoice.date, signed.performed_on);
    assert.deepEqual(invoice.lines.map((l) => [l.amount, l.account, l.source]), [['1250.00', '4100', 'procedure']]);
    const entry = await ok(get(admin, `/api/v1/journal/${signed.journal_entry}`));
    const byAccount = {};
    for (const l of entry.lines) byAccount[l.account] = (byAccount[l.account] || 0) + cents(l.amount);
    assert.deepEqual(byAccount, { 1150: 125000, 4100: -125000, 5100: cents(signed.cost), 2100: -cents(signed.cost) });
    assert.ok(entry.lines.every((l) => l.center === 'LA'), JSON.stringify(entry.lines));
    await refused(() => post(nurseLA, `/api/v1/apheresis-procedures/${procedure.id}/sign`, { password: 'nla-password-1' }), 'procedure', /signed already/);
  });

  test('amended with a reason; without one it is refused', async () => {
    await refused(() => patch(nurseLA, `/api/v1/apheresis-procedures/${procedure.id}`, { kit_lot: 'KIT-FLOW-2' }), 'reason', /required/);
    const amended = await ok(patch(nurseLA, `/api/v1/apheresis-procedures/${procedure.id}`, { kit_lot: 'KIT-FLOW-2', reason: 'lot misread' }));
    assert.equal(amended.kit_lot, 'KIT-FLOW-2');
    assert.equal(amended.price, '1250.00', 'an amendment does not change the bill');
    assert.equal(amended.amendment_count, 1);
    const shown = await ok(get(nurseLA, `/api/v1/apheresis-procedures/${procedure.id}`));
    assert.deepEqual(shown.amendments.map((a) => [a.reason, a.changed, a.before.kit_lot]), [['lot misread', ['kit_lot'], 'KIT-FLOW-1']]);
  });

  test('the other market on the command line: contract, booking, a double booking refused, record, sign, amend', async () => {
    const ny = await ok(post(nurseNY, '/api/v1/patients', {
      hospital: 'BELLE', mrn: 'FLOW-NY', family_name: 'Chen', given_name: 'Li', birth_date: '1980-01-02', sex: 'male', height_m: '1.75', weight_kg: 80,
    }), 201);
    const nyOrder = (await ok(post(nurseNY, '/api/v1/apheresis-orders', { ...ORDER, patient: ny.id }), 201)).id;
    const contract = run('apheresis', 'contract', 'add', '--hospital', 'BELLE', '--from', chain.day(-30), '--abort-percent', '40', '--format', 'json');
    const contractId = String(JSON.parse(contract).id);
    cliRefused(/--price/, 'apheresis', 'contract', 'price', contractId, '--procedure-type', 'plasma_exchange', '--price', '980.555');
    run('apheresis', 'contract', 'price', contractId, '--procedure-type', 'plasma_exchange', '--price', '980.50');
    run('apheresis', 'device', 'add', '--serial', 'FLOW-NY-1', '--model', 'Amicus', '--market', 'NY');
    const start = minutesAgo(20);
    const end = minutesAgo(1);
    const id = run('apheresis', 'book', String(nyOrder), '--nurse', 'nny', '--device', 'FLOW-NY-1', '--start', start, '--end', end).trim();
    assert.match(id, /^\d+$/);
    cliRefused(new RegExp(`booking ${id}`), 'apheresis', 'book', String(nyOrder), '--nurse', 'nny', '--device', 'FLOW-NY-1', '--start', start, '--end', end);
    const rec = run('apheresis', 'record', String(nyOrder), '--booking', id, '--started-at', start, '--ended-at', end,
      '--nurse', 'nny', '--device-serial', 'FLOW-NY-1', '--kit-lot', 'K-NY-1', '--outcome', 'completed').trim();
    assert.equal(JSON.parse(run('apheresis', 'booking', 'show', id, '--format', 'json')).status, 'done');
    /* a wrong password signs nothing (the failed attempt itself is recorded, as every one is) */
    const wrong = srv.cli('apheresis', 'sign', rec, '--signer', 'nny', '--password-stdin', { input: 'wrong-password\n' });
    assert.notEqual(wrong.status, 0);
    assert.equal(JSON.parse(run('apheresis', 'procedure', 'show', rec, '--format', 'json')).status, 'draft');
    cliSigned = JSON.parse(run('apheresis', 'sign', rec, '--signer', 'nny', '--password-stdin', '--format', 'json', { input: 'nny-password-1\n' }));
    assert.equal(cliSigned.price, '980.50');
    assert.equal(cliSigned.market, 'NY');
    cliRefused(/--reason/, 'apheresis', 'amend', rec, '--kit-lot', 'K-NY-2');
    const amended = JSON.parse(run('apheresis', 'amend', rec, '--kit-lot', 'K-NY-2', '--reason', 'relabelled', '--format', 'json'));
    assert.equal(amended.amendment_count, 1);
    const entry = await ok(get(admin, `/api/v1/journal/${cliSigned.journal_entry}`));
    assert.ok(entry.lines.every((l) => l.center === 'NY'), JSON.stringify(entry.lines));
  });

  test('the quarter\'s volumes, the quarterly report and the ledger\'s 4100 of each market agree', async () => {
    const quarters = [...new Set([quarterOf(signed.performed_on), quarterOf(cliSigned.performed_on)])];
    const revenue = { LA: 0, NY: 0 };
    let count = 0;
    for (const q of quarters) {
      const v = await ok(get(finance, `/api/v1/apheresis-volumes?period=${q}`));
      assert.deepEqual(JSON.parse(run('apheresis', 'volumes', '--period', q, '--format', 'json')), v);
      for (const item of v.items) {
        assert.equal(item.procedure_type, 'plasma_exchange');
        assert.equal(item.aborted, 0);
        assert.equal(cents(item.average_price) * item.procedures, cents(item.revenue));
        revenue[item.market] += cents(item.revenue);
        count += item.procedures;
      }
      const report = await ok(get(finance, `/api/v1/reports/quarterly?period=${q}`));
      assert.equal(report.current.apheresis_procedures, v.total.procedures);
      assert.equal(report.current.apheresis_average_price, v.total.average_price);
      /* the ledger: every 4100 line of the quarter, by market */
      const ledger = { LA: 0, NY: 0 };
      const journal = await ok(get(finance, `/api/v1/journal?account=4100&from=${v.first_day}&to=${v.last_day}&limit=100`));
      for (const item of journal.items) {
        const entry = await ok(get(finance, `/api/v1/journal/${item.id}`));
        for (const l of entry.lines) if (l.account === '4100') ledger[l.center] -= cents(l.amount);
      }
      const byMarket = { LA: 0, NY: 0 };
      for (const item of v.items) byMarket[item.market] += cents(item.revenue);
      assert.deepEqual(ledger, byMarket, `quarter ${q}: the ledger's 4100 against the volumes`);
    }
    assert.equal(count, 2);
    assert.deepEqual(revenue, { LA: 125000, NY: 98050 });
    /* volumes are read with reports: a nurse is refused */
    assert.equal((await get(nurseLA, `/api/v1/apheresis-volumes?period=${quarters[0]}`)).status, 403);
    await refused(() => get(finance, '/api/v1/apheresis-volumes?period=2026Q7'), 'period');
  });
});
