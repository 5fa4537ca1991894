'use strict';
/*
 * apheresis_schedule.test.js - the schedule of apheresis procedures over
 * HTTP and the command line (docs/apheresis.md, "The schedule"): devices
 * registered by serial number; bookings of a nurse and a device for an
 * order, with times given in UTC or with an offset and shown in the
 * market's zone; a nurse or a device booked twice at overlapping times is
 * refused naming `nurse` or `device` and the booking in the way, also when
 * eight bookings of one nurse arrive at once (exactly one is kept);
 * adjacent bookings are allowed; the course of an order is never booked
 * beyond its procedures; the board of a market's local day with the free
 * times; market scope (a New York nurse neither books nor sees a Los
 * Angeles patient); bad input refused naming the field with the database
 * unchanged. Runs on SQLite and PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');
const { day, utcOf } = require('./lib/chain');
const calls = require('./lib/calls');

const LA_ZONE = 'America/Los_Angeles';

describe('the apheresis schedule', () => {
  let srv;
  let admin;
  let nurseLA;
  let nurseNY;
  let orderLA;
  let orderNY;
  let patientLA;

  const { post, get, ok, refused } = calls(() => srv);
  const D1 = day(1, LA_ZONE);
  const D2 = day(2, LA_ZONE);
  const D3 = day(3, LA_ZONE);
  const la = (date, hhmm) => utcOf(date, hhmm, LA_ZONE);
  /* The same instant written with a -05:00 offset. */
  const minusFive = (utc) => `${new Date(Date.parse(utc) - 5 * 3600e3).toISOString().slice(0, 19)}-05:00`;

  const ORDER = {
    physician: 'Dr. Ana Ruiz', procedure_type: 'plasma_exchange', indication: 'myasthenia gravis',
    asfa_category: 'I', asfa_grade: '1B', procedures: 3, frequency: 'every 2 days', hct: '0.40', volumes: '1',
  };

  async function patient(session, hospital, mrn) {
    return ok(post(session, '/api/v1/patients', {
      hospital, mrn, family_name: `Fam${mrn}`, given_name: 'Pat', birth_date: '1970-03-04', sex: 'female', height_m: '1.60', weight_kg: 60,
    }), 201);
  }

  const book = (session, order, nurse, device, start, end) =>
    post(session, '/api/v1/apheresis-bookings', { order, nurse, device, start, end });

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    for (const [code, name, zone] of [['LA', 'Los Angeles', LA_ZONE], ['NY', 'New York', 'America/New_York']])
      await ok(post(admin, '/api/v1/markets', { code, name, time_zone: zone }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'LA' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'BELLE', name: 'Bellevue', market: 'NY' }), 201);
    for (const [username, role, markets] of [['nla', 'apheresis_nurse', 'LA'], ['nla2', 'apheresis_nurse', 'LA'],
      ['nny', 'apheresis_nurse', 'NY'], ['labby', 'lab', null]]) {
      await srv.addUser(admin, username, role);
      if (markets) await ok(srv.api('PUT', `/api/v1/users/${username}/scope`, { token: admin.token, body: { markets } }));
    }
    nurseLA = await srv.login('nla', 'nla-password-1');
    nurseNY = await srv.login('nny', 'nny-password-1');
    patientLA = await patient(nurseLA, 'CEDARS', 'LA-1');
    orderLA = await ok(post(nurseLA, '/api/v1/apheresis-orders', { ...ORDER, patient: patientLA.id }), 201);
    const ny = await patient(nurseNY, 'BELLE', 'NY-1');
    orderNY = await ok(post(nurseNY, '/api/v1/apheresis-orders', { ...ORDER, patient: ny.id }), 201);
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('devices: registered by serial number in a market, one serial once, a nurse only in their markets', async () => {
    const d = await ok(post(nurseLA, '/api/v1/apheresis-devices', { serial: 'SPECTRA-001', model: 'Spectra Optia', market: 'la' }), 201);
    assert.deepEqual([d.serial, d.model, d.market, d.active, d.created_by], ['SPECTRA-001', 'Spectra Optia', 'LA', true, 'nla']);
    await ok(post(nurseLA, '/api/v1/apheresis-devices', { serial: 'SPECTRA-002', model: 'Spectra Optia', market: 'LA' }), 201);
    await ok(post(nurseNY, '/api/v1/apheresis-devices', { serial: 'NY-001', model: 'Amicus', market: 'NY' }), 201);
    await refused(() => post(nurseLA, '/api/v1/apheresis-devices', { serial: 'SPECTRA-001', model: 'Other', market: 'LA' }), 'serial', /registered already/);
    await refused(() => post(nurseLA, '/api/v1/apheresis-devices', { serial: ' ', model: 'Other', market: 'LA' }), 'serial');
    await refused(() => post(nurseLA, '/api/v1/apheresis-devices', { serial: 'X-1', model: 'Other', market: 'MARS' }), 'market', /no market/);
    const before = srv.fingerprint();
    const r = await post(nurseLA, '/api/v1/apheresis-devices', { serial: 'X-2', model: 'Other', market: 'NY' });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.field, 'market');
    assert.equal(srv.fingerprint(), before);

    const mine = await ok(get(nurseLA, '/api/v1/apheresis-devices?sort=serial&offset=0'));
    assert.deepEqual(mine.items.map((x) => x.serial), ['SPECTRA-001', 'SPECTRA-002'], 'a nurse sees their markets\u2019 devices');
    assert.equal(mine.total, 2);
    const all = await ok(get(admin, '/api/v1/apheresis-devices?market=NY'));
    assert.deepEqual(all.items.map((x) => x.serial), ['NY-001']);
  });

  let first;

  test('a booking: the order\'s hospital, the nurse and the device, its times in the market\'s zone', async () => {
    first = await ok(book(nurseLA, orderLA.id, 'nla', 'SPECTRA-001', la(D1, '08:00'), minusFive(la(D1, '10:00'))), 201);
    assert.equal(first.starts_at, la(D1, '08:00'));
    assert.equal(first.ends_at, la(D1, '10:00'), 'an offset is read as the instant it names');
    assert.match(first.start_local, new RegExp(`^${D1} 08:00 P[SD]T$`));
    assert.match(first.end_local, new RegExp(`^${D1} 10:00 P[SD]T$`));
    assert.deepEqual([first.order, first.patient, first.patient_name, first.hospital, first.market, first.nurse, first.device, first.status],
      [orderLA.id, patientLA.id, 'FamLA-1, Pat', 'CEDARS', 'LA', 'nla', 'SPECTRA-001', 'booked']);
    assert.equal(first.procedure_label, 'therapeutic plasma exchange');
    assert.deepEqual(await ok(get(nurseLA, `/api/v1/apheresis-bookings/${first.id}`)), first);
    const trail = await ok(get(admin, `/api/v1/audit?entity=apheresis_booking&entity_id=${first.id}`));
    assert.deepEqual(trail.items.map((a) => a.action), ['create']);
  });

  test('a nurse or a device booked twice at once is refused naming it and the booking in the way', async () => {
    const times = new RegExp(`booking ${first.id}, ${D1} 08:00 P[SD]T to ${D1} 10:00 P[SD]T \\(${la(D1, '08:00')} to ${la(D1, '10:00')}\\)`);
    await refused(() => book(nurseLA, orderLA.id, 'nla', 'SPECTRA-002', la(D1, '09:00'), la(D1, '11:00')), 'nurse', times);
    await refused(() => book(nurseLA, orderLA.id, 'nla2', 'SPECTRA-001', la(D1, '07:00'), la(D1, '08:30')), 'device', times);
    await refused(() => book(nurseLA, orderLA.id, 'nla', 'SPECTRA-002', la(D1, '07:00'), la(D1, '12:00')), 'nurse', times);
  });

  let adjacent;

  test('adjacent bookings (one ends when the next starts) are allowed', async () => {
    adjacent = await ok(book(nurseLA, orderLA.id, 'nla', 'SPECTRA-001', la(D1, '10:00'), la(D1, '12:00')), 201);
    await ok(book(nurseLA, orderLA.id, 'nla', 'SPECTRA-001', la(D1, '06:00'), la(D1, '08:00')), 201);
  });

  test('the course is booked up to its procedures; a cancelled booking gives one back', async () => {
    await refused(() => book(nurseLA, orderLA.id, 'nla2', 'SPECTRA-002', la(D2, '08:00'), la(D2, '10:00')), 'order', /3 procedures, all booked/);
    await refused(() => post(nurseLA, `/api/v1/apheresis-bookings/${adjacent.id}/cancel`, { reason: '' }), 'reason');
    const cancelled = await ok(post(nurseLA, `/api/v1/apheresis-bookings/${adjacent.id}/cancel`, { reason: 'patient unwell' }));
    assert.deepEqual([cancelled.status, cancelled.status_reason, cancelled.cancelled_by], ['cancelled', 'patient unwell', 'nla']);
    await refused(() => post(nurseLA, `/api/v1/apheresis-bookings/${adjacent.id}/cancel`, { reason: 'again' }), 'booking', /cancelled already/);
    // Its time is free again, and the course has the procedure back.
    const again = await ok(book(nurseLA, orderLA.id, 'nla2', 'SPECTRA-002', la(D1, '10:00'), la(D1, '12:00')), 201);
    assert.equal(again.nurse, 'nla2');
    const list = await ok(get(nurseLA, `/api/v1/apheresis-bookings?order=${orderLA.id}&status=booked&sort=starts_at&offset=0`));
    assert.equal(list.total, 3);
  });

  test('eight bookings of one nurse at the same time arriving at once: exactly one is kept', async () => {
    const orders = [];
    for (let i = 0; i < 8; i++) {
      await ok(post(admin, '/api/v1/apheresis-devices', { serial: `RACE-${i}`, model: 'Spectra Optia', market: 'LA' }), 201);
      orders.push(await ok(post(nurseLA, '/api/v1/apheresis-orders', { ...ORDER, patient: patientLA.id }), 201));
    }
    const answers = await Promise.all(orders.map((o, i) =>
      book(nurseLA, o.id, 'nla', `RACE-${i}`, la(D3, `${String(8 + (i % 2)).padStart(2, '0')}:00`), la(D3, '11:00'))));
    const kept = answers.filter((r) => r.status === 201);
    assert.equal(kept.length, 1, answers.map((r) => `${r.status} ${r.text}`).join('\n'));
    for (const r of answers.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 409, r.text);
      assert.equal(r.json.error.field, 'nurse');
      assert.match(r.json.error.message, new RegExp(`booking ${kept[0].json.id}`));
    }
    const board = await ok(get(admin, `/api/v1/apheresis-schedule?market=LA&day=${D3}&nurse=nla`));
    assert.equal(board.bookings.length, 1);
  });

  test('the board of a market\'s local day: each booking with its patient, and the free times of each nurse and device', async () => {
    // 22:00 to 23:30 in Los Angeles is the next UTC day: it is on the board of D2, not of D3.
    const lateOrder = await ok(post(nurseLA, '/api/v1/apheresis-orders', { ...ORDER, patient: patientLA.id }), 201);
    const late = await ok(book(admin, lateOrder.id, 'nla2', 'SPECTRA-002', la(D2, '22:00'), la(D2, '23:30')), 201);
    assert.ok(late.starts_at.slice(0, 10) > D2, 'the booking falls on the next UTC day');
    const d2 = await ok(get(nurseLA, `/api/v1/apheresis-schedule?market=LA&day=${D2}`));
    assert.deepEqual(d2.bookings.map((b) => b.id), [late.id]);
    const d3 = await ok(get(nurseLA, `/api/v1/apheresis-schedule?market=LA&day=${D3}`));
    assert.ok(!d3.bookings.some((b) => b.id === late.id));

    const board = await ok(get(nurseLA, `/api/v1/apheresis-schedule?market=la&day=${D1}`));
    assert.deepEqual([board.market, board.market_name, board.time_zone, board.day, board.previous_day, board.next_day],
      ['LA', 'Los Angeles', LA_ZONE, D1, day(0, LA_ZONE), D2]);
    assert.equal(board.starts_at, la(D1, '00:00'));
    assert.deepEqual(board.bookings.map((b) => [b.nurse, b.device, b.start_local.slice(11, 16), b.end_local.slice(11, 16)]),
      [['nla', 'SPECTRA-001', '06:00', '08:00'], ['nla', 'SPECTRA-001', '08:00', '10:00'], ['nla2', 'SPECTRA-002', '10:00', '12:00']]);
    assert.ok(board.bookings.every((b) => b.patient_name === 'FamLA-1, Pat'));
    const nla = board.nurses.find((l) => l.key === 'nla');
    assert.deepEqual(nla.slots.map((s) => `${s.kind} ${s.from}-${s.to}`),
      ['free 00:00-06:00', 'booking 06:00-08:00', 'booking 08:00-10:00', 'free 10:00-24:00']);
    assert.equal(nla.name, 'Test nla');
    const spectra2 = board.devices.find((l) => l.key === 'SPECTRA-002');
    assert.deepEqual(spectra2.slots.map((s) => `${s.kind} ${s.from}-${s.to}`), ['free 00:00-10:00', 'booking 10:00-12:00', 'free 12:00-24:00']);

    const onlyNla2 = await ok(get(nurseLA, `/api/v1/apheresis-schedule?market=LA&day=${D1}&nurse=nla2`));
    assert.deepEqual(onlyNla2.bookings.map((b) => b.nurse), ['nla2']);
    const onlyDevice = await ok(get(nurseLA, `/api/v1/apheresis-schedule?market=LA&day=${D1}&device=SPECTRA-001`));
    assert.equal(onlyDevice.bookings.length, 2);
    await refused(() => get(nurseLA, `/api/v1/apheresis-schedule?market=LA&day=${D1}&device=NOPE`), 'device');
    await refused(() => get(nurseLA, '/api/v1/apheresis-schedule?market=LA&day=tomorrow'), 'day');
    await refused(() => get(nurseLA, `/api/v1/apheresis-schedule?day=${D1}`), 'market');

    const cli = srv.cli('apheresis', 'schedule', '--market', 'LA', '--day', D1);
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /Nurse nla \(Test nla\): 00:00-06:00 free, 06:00-08:00 booking \d+, 08:00-10:00 booking \d+, 10:00-24:00 free/);
  });

  test('market scope: a New York nurse neither books nor sees a Los Angeles patient', async () => {
    await refused(() => book(nurseNY, orderLA.id, 'nny', 'NY-001', la(D2, '08:00'), la(D2, '09:00')), 'order');
    await refused(() => get(nurseNY, `/api/v1/apheresis-bookings/${first.id}`), 'booking');
    await refused(() => post(nurseNY, `/api/v1/apheresis-bookings/${first.id}/cancel`, { reason: 'not mine' }), 'booking');
    const list = await ok(get(nurseNY, '/api/v1/apheresis-bookings'));
    assert.deepEqual(list.items, []);
    const board = await ok(get(nurseNY, `/api/v1/apheresis-schedule?market=LA&day=${D1}`));
    assert.equal(board.bookings.length, 3, 'the times are on the board');
    assert.ok(board.bookings.every((b) => b.patient_name === null && b.patient === null), 'the patients are not');
    // A nurse of another market, or a device of another market, is not booked for an LA order.
    await refused(() => book(nurseLA, orderLA.id, 'nny', 'SPECTRA-002', la(D2, '08:00'), la(D2, '09:00')), 'nurse', /not a nurse of market LA/);
    await refused(() => book(admin, orderLA.id, 'nla', 'NY-001', la(D2, '08:00'), la(D2, '09:00')), 'device', /not one of market LA/);
  });

  test('bad input is refused naming the field, and nothing changes', async () => {
    const ord = (await ok(post(nurseLA, '/api/v1/apheresis-orders', { ...ORDER, patient: patientLA.id }), 201)).id;
    const s = la(D2, '13:00');
    await refused(() => book(nurseLA, ord, 'nla', 'SPECTRA-001', s, la(D2, '12:00')), 'end', /after the start/);
    await refused(() => book(nurseLA, ord, 'nla', 'SPECTRA-001', s, s), 'end', /after the start/);
    await refused(() => book(nurseLA, ord, 'nla', 'SPECTRA-001', s, la(D3, '02:00')), 'end', /at most 12 hours/);
    await refused(() => book(nurseLA, ord, 'nla', 'SPECTRA-001', la(day(-1, LA_ZONE), '13:00'), la(day(-1, LA_ZONE), '14:00')), 'start', /past/);
    await refused(() => book(nurseLA, ord, 'nla', 'SPECTRA-001', `${D2}T13:00:00`, la(D2, '14:00')), 'start', /offset/);
    await refused(() => book(nurseLA, ord, 'nla', 'SPECTRA-001', `${D2} 1pm`, la(D2, '14:00')), 'start');
    await refused(() => book(nurseLA, ord, 'nobody', 'SPECTRA-001', s, la(D2, '14:00')), 'nurse', /no user nobody/);
    await refused(() => book(nurseLA, ord, 'labby', 'SPECTRA-001', s, la(D2, '14:00')), 'nurse', /not an apheresis nurse/);
    await refused(() => book(nurseLA, ord, 'nla', 'NOPE-9', s, la(D2, '14:00')), 'device', /no apheresis device/);
    await refused(() => book(nurseLA, 999999, 'nla', 'SPECTRA-001', s, la(D2, '14:00')), 'order', /no apheresis order/);
    await ok(post(nurseLA, `/api/v1/apheresis-orders/${ord}/cancel`, { reason: 'stopped' }));
    await refused(() => book(nurseLA, ord, 'nla', 'SPECTRA-001', s, la(D2, '14:00')), 'order', /cancelled/);
    await ok(post(admin, '/api/v1/apheresis-devices/SPECTRA-002/deactivate', {}));
    await refused(() => book(nurseLA, orderLA.id, 'nla', 'SPECTRA-002', s, la(D2, '14:00')), 'device', /inactive/);
    await refused(() => post(admin, '/api/v1/apheresis-devices/SPECTRA-002/deactivate', {}), 'device', /inactive already/);
  });

  test('a procedure recorded under its booking marks the booking done; another order\'s booking is refused', async () => {
    const o = (await ok(post(nurseLA, '/api/v1/apheresis-orders', { ...ORDER, patient: patientLA.id }), 201)).id;
    await ok(post(nurseLA, '/api/v1/apheresis-devices', { serial: 'DONE-1', model: 'Spectra Optia', market: 'LA' }), 201);
    const minutesAgo = (m) => new Date(Date.now() - m * 60000).toISOString().replace(/\.\d+Z$/, 'Z');
    const booking = await ok(book(nurseLA, o, 'nla', 'DONE-1', minutesAgo(20), minutesAgo(2)), 201);
    const record = { started_at: minutesAgo(20), ended_at: minutesAgo(2), device_serial: 'DONE-1', kit_lot: 'KIT-1', outcome: 'completed' };
    await refused(() => post(nurseLA, '/api/v1/apheresis-procedures', { ...record, order: orderLA.id, booking: booking.id }), 'booking',
      new RegExp(`booking ${booking.id} is not a booked procedure of order ${orderLA.id}`));
    const done = await ok(post(nurseLA, '/api/v1/apheresis-procedures', { ...record, order: o, booking: booking.id }), 201);
    assert.equal(done.booking, booking.id);
    assert.equal((await ok(get(nurseLA, `/api/v1/apheresis-bookings/${booking.id}`))).status, 'done');
    await refused(() => post(nurseLA, '/api/v1/apheresis-procedures', { ...record, order: o, booking: booking.id }), 'booking', /not a booked procedure/);
  });

  test('the command line books, lists and cancels', async () => {
    const o = (await ok(post(nurseLA, '/api/v1/apheresis-orders', { ...ORDER, patient: patientLA.id }), 201)).id;
    const added = srv.cli('apheresis', 'device', 'add', '--serial', 'CLI-1', '--model', 'Com.Tec', '--market', 'LA');
    assert.equal(added.status, 0, added.stderr);
    const booked = srv.cli('apheresis', 'book', String(o), '--nurse', 'nla2', '--device', 'CLI-1', '--start', la(D2, '14:00'), '--end', la(D2, '15:00'));
    assert.equal(booked.status, 0, booked.stderr);
    const id = booked.stdout.trim();
    assert.match(id, /^\d+$/);
    const twice = srv.cli('apheresis', 'book', String(o), '--nurse', 'nla2', '--device', 'CLI-1', '--start', la(D2, '14:30'), '--end', la(D2, '15:30'));
    assert.notEqual(twice.status, 0);
    assert.match(twice.stderr, new RegExp(`nurse.*booking ${id}`));
    const cancelled = srv.cli('apheresis', 'booking', 'cancel', id, '--reason', 'moved', '--format', 'json');
    assert.equal(cancelled.status, 0, cancelled.stderr);
    assert.equal(JSON.parse(cancelled.stdout).status, 'cancelled');
    const devices = srv.cli('apheresis', 'device', 'list', '--market', 'LA', '--format', 'csv');
    assert.equal(devices.status, 0, devices.stderr);
    assert.match(devices.stdout, /CLI-1/);
  });
});
