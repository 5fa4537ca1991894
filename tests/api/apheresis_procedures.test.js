'use strict';
/*
 * apheresis_procedures.test.js - apheresis procedure records over HTTP and
 * the command line (docs/apheresis.md, "Procedures"): a nurse records a
 * procedure under a physician's order and signs it with her password;
 * signing bills the hospital at its apheresis contract's price with the
 * weekend surcharge and posts 1150/4100 for the price and 5100/2100 for the
 * cost (nurse hours at the market's rate, the kit, the fluids) on the
 * hospital's market, in one transaction; an aborted procedure is billed per
 * the contract's abort rule; a signed record is changed only by an
 * amendment with its reason, the record before kept; the quarter's volumes
 * and the quarterly report; market scope; bad input refused naming the
 * field with the database unchanged. Runs on SQLite and PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

const cents = (text) => Math.round(Number(text) * 100);

/* The most recent day at least `from` days ago whose weekday (0 Sunday)
 * is in `weekdays` and that is no fixed-date holiday (the Monday and
 * Thursday holidays are kept out by the weekdays asked for). */
function pastDay(weekdays, from = 2) {
  for (let offset = -from; offset > -30; offset--) {
    const d = chain.day(offset);
    const wd = new Date(`${d}T12:00:00Z`).getUTCDay();
    if (weekdays.includes(wd) && !['01-01', '06-19', '07-04', '11-11', '12-25'].includes(d.slice(5))) return d;
  }
  throw new Error('no such day');
}
const quarterOf = (d) => `${d.slice(0, 4)}Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;

describe('apheresis procedures', () => {
  let srv;
  let admin;
  let nurseLA;
  let nurseLA2;
  let nurseNY;
  let finance;
  let auditor;
  let order;
  let contract;

  const { post, get, ok, refused } = calls(() => srv);
  const patch = (session, route, body) => srv.api('PATCH', route, { token: session.token, body });
  const put = (session, route, body) => srv.api('PUT', route, { token: session.token, body });
  /* 403 naming the field, the database unchanged. */
  async function forbidden(request, field, message) {
    const before = srv.fingerprint();
    const r = await request();
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.field, field);
    assert.match(r.json.error.message, message);
    assert.equal(srv.fingerprint(), before);
  }

  const saturday = pastDay([6]);
  const weekday = pastDay([2, 3, 5]);
  const RECORD = {
    started_at: chain.utcOf(saturday, '10:00'), ended_at: chain.utcOf(saturday, '12:30'),
    device_serial: 'SPECTRA-0042', kit_lot: 'KIT-7781',
    before_systolic: 122, before_diastolic: 78, before_pulse: 72, before_temperature: '36.8', before_spo2: 98,
    after_systolic: 110, after_diastolic: 70, after_pulse: 80, after_temperature: '36.9', after_spo2: 97,
    blood_processed_ml: 5200, plasma_removed_ml: 3100, albumin_vials: 6, plasma_units: 2, saline_ml: 500,
    anticoagulant_ml: 410, ratio: '1:12', calcium_mg: 2000,
    adverse_events: [{ what: 'perioral tingling', severity: 'mild', action: 'calcium gluconate given, inlet slowed' }],
    outcome: 'completed',
  };

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    for (const [code, name, zone] of [['LA', 'Los Angeles', 'America/Los_Angeles'], ['NY', 'New York', 'America/New_York']])
      await ok(post(admin, '/api/v1/markets', { code, name, time_zone: zone }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'LA' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'BELLE', name: 'Bellevue', market: 'NY' }), 201);
    for (const [username, role] of [['nla', 'apheresis_nurse'], ['nlb', 'apheresis_nurse'], ['nny', 'apheresis_nurse'],
      ['fin', 'finance'], ['aud', 'auditor']])
      await srv.addUser(admin, username, role);
    for (const [u, m] of [['nla', 'LA'], ['nlb', 'LA'], ['nny', 'NY']])
      await ok(put(admin, `/api/v1/users/${u}/scope`, { markets: m }));
    nurseLA = await srv.login('nla', 'nla-password-1');
    nurseLA2 = await srv.login('nlb', 'nlb-password-1');
    nurseNY = await srv.login('nny', 'nny-password-1');
    finance = await srv.login('fin', 'fin-password-1');
    auditor = await srv.login('aud', 'aud-password-1');
    const jane = await ok(post(nurseLA, '/api/v1/patients', {
      hospital: 'CEDARS', mrn: 'MRN-2001', family_name: 'Doe', given_name: 'Jane',
      birth_date: '1970-03-04', sex: 'female', height_m: '1.60', weight_kg: 60,
    }), 201);
    order = await ok(post(nurseLA, '/api/v1/apheresis-orders', {
      patient: jane.id, physician: 'Dr. Ana Ruiz', procedure_type: 'plasma_exchange', indication: 'Guillain-Barré syndrome',
      asfa_category: 'I', asfa_grade: '1A', procedures: 5, frequency: 'every 2 days',
      hct: '0.40', volumes: '1.5', albumin_fraction: '0.5', anticoagulant: 'acd_a', ratio: '1:12', inlet_ml_min: 60,
    }), 201);
    for (const [item, amount] of [['nurse_hour:la', '60.00'], ['kit:plasma_exchange', '300.00'], ['albumin_vial', '40.00'], ['plasma_unit', '50.00']])
      await ok(put(admin, '/api/v1/apheresis-costs', { item, amount }));
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('contracts: a price and surcharges per hospital; a price with 3 decimals and a bad abort rule are refused', async () => {
    await refused(() => post(admin, '/api/v1/apheresis-contracts', { hospital: 'CEDARS', effective_from: chain.day(-400), abort_percent: 101 }),
      'abort_percent', /0 to 100/);
    contract = await ok(post(admin, '/api/v1/apheresis-contracts', { hospital: 'cedars', effective_from: chain.day(-400), abort_percent: 50 }), 201);
    await refused(() => put(admin, `/api/v1/apheresis-contracts/${contract.id}/prices`, { procedure_type: 'plasma_exchange', price: '1200.005' }),
      'price');
    await refused(() => put(admin, `/api/v1/apheresis-contracts/${contract.id}/surcharges`, { kind: 'full_moon', amount: '1.00' }),
      'kind', /after_hours, weekend, holiday or stat/);
    await ok(put(admin, `/api/v1/apheresis-contracts/${contract.id}/prices`, { procedure_type: 'plasma_exchange', price: '1200.00' }));
    await ok(put(admin, `/api/v1/apheresis-contracts/${contract.id}/surcharges`, { kind: 'weekend', amount: '150.00' }));
    contract = await ok(put(admin, `/api/v1/apheresis-contracts/${contract.id}/surcharges`, { kind: 'after_hours', amount: '100.00' }));
    assert.deepEqual(contract.prices, [{ key: 'plasma_exchange', amount: '1200.00' }]);
    assert.deepEqual(contract.surcharges.map((s) => [s.key, s.amount]), [['after_hours', '100.00'], ['weekend', '150.00']]);
    /* finance reads prices; a nurse does not */
    const listed = await ok(get(finance, '/api/v1/apheresis-contracts?hospital=CEDARS'));
    assert.equal(listed.items.length, 1);
    assert.deepEqual(listed.items[0], contract, 'the list shows each contract with its prices and surcharges');
    assert.equal((await get(nurseLA, '/api/v1/apheresis-contracts')).status, 403);
    /* finance reads no patient data */
    assert.equal((await get(finance, '/api/v1/apheresis-procedures')).status, 403);
  });

  let done;

  test('a nurse records a procedure, shown beside the prescription', async () => {
    done = await ok(post(nurseLA, '/api/v1/apheresis-procedures', { ...RECORD, order: order.id }), 201);
    assert.equal(done.status, 'draft');
    assert.equal(done.nurse, 'nla');
    assert.equal(done.performed_on, saturday);
    assert.deepEqual(done.vitals_before, { diastolic: 78, pulse: 72, spo2: 98, systolic: 122, temperature: 36.8 });
    assert.equal(done.adverse_events[0].severity, 'mild');
    const shown = await ok(get(nurseLA, `/api/v1/apheresis-procedures/${done.id}`));
    const byWhat = Object.fromEntries(shown.prescribed_vs_delivered.map((r) => [r.what, r]));
    const calc = order.calculations.plasma_exchange;
    assert.equal(byWhat['exchange volume / plasma removed'].delivered, 3100);
    assert.equal(byWhat['exchange volume / plasma removed'].prescribed, Math.round(calc.exchange_volume.value * 1000));
    assert.equal(byWhat['5% albumin vials'].prescribed, calc.albumin_vials.value);
    assert.equal(byWhat['5% albumin vials'].delivered, 6);
    assert.equal(byWhat['anticoagulant ratio 1:N'].prescribed, 12);
  });

  test('bad records are refused naming the field, nothing changed', async () => {
    const base = { ...RECORD, order: order.id };
    await refused(() => post(nurseLA, '/api/v1/apheresis-procedures', { ...base, plasma_removed_ml: -5 }), 'plasma_removed_ml', /negative/);
    await refused(() => post(nurseLA, '/api/v1/apheresis-procedures', { ...base, adverse_events: [{ what: 'x', severity: 'awful', action: 'y' }] }),
      'adverse_events[0].severity', /mild, moderate or severe/);
    await refused(() => post(nurseLA, '/api/v1/apheresis-procedures', { ...base, outcome: 'aborted' }), 'abort_reason', /required/);
    await refused(() => post(nurseLA, '/api/v1/apheresis-procedures', { ...base, before_spo2: 120 }), 'before_spo2');
    await refused(() => post(nurseLA, '/api/v1/apheresis-procedures', { ...base, ended_at: base.started_at }), 'ended_at', /after/);
    /* another market's nurse: the order is not there */
    await refused(() => post(nurseNY, '/api/v1/apheresis-procedures', base), 'order', /no apheresis order/);
    assert.equal((await get(nurseNY, `/api/v1/apheresis-procedures/${done.id}`)).status, 404);
    assert.equal((await ok(get(nurseNY, '/api/v1/apheresis-procedures'))).items.length, 0);
  });

  test('signing: only its nurse, with her password; billed at the contract price with the weekend surcharge and posted by market', async () => {
    await forbidden(() => post(nurseLA2, `/api/v1/apheresis-procedures/${done.id}/sign`, { password: 'nlb-password-1' }), 'signer', /only the procedure's nurse/);
    const wrong = await post(nurseLA, `/api/v1/apheresis-procedures/${done.id}/sign`, { password: 'not-her-password' });
    assert.equal(wrong.status, 401, wrong.text);
    const signed = await ok(post(nurseLA, `/api/v1/apheresis-procedures/${done.id}/sign`, { password: 'nla-password-1' }));
    assert.equal(signed.status, 'signed');
    assert.equal(signed.signed_by, 'nla');
    assert.equal(signed.contract, contract.id);
    assert.equal(signed.price, '1350.00'); /* 1200.00 + weekend 150.00 (10:00 is not after hours) */
    assert.deepEqual(signed.surcharges, [{ kind: 'weekend', amount: '150.00' }]);
    /* 2.5 h x 60.00 + kit 300.00 + 6 vials x 40.00 + 2 units x 50.00 */
    assert.equal(signed.cost, '790.00');
    const invoice = await ok(get(admin, `/api/v1/invoices/${signed.invoice}`));
    assert.equal(invoice.status, 'draft');
    assert.equal(invoice.customer, 'CEDARS');
    assert.equal(invoice.date, saturday);
    assert.equal(invoice.lines.length, 1);
    assert.equal(invoice.lines[0].amount, '1350.00');
    assert.equal(invoice.lines[0].account, '4100');
    assert.equal(invoice.lines[0].source, 'procedure');
    const entry = await ok(get(admin, `/api/v1/journal/${signed.journal_entry}`));
    const byAccount = {};
    for (const l of entry.lines) byAccount[l.account] = (byAccount[l.account] || 0) + cents(l.amount);
    assert.deepEqual(byAccount, { 1150: 135000, 4100: -135000, 5100: 79000, 2100: -79000 });
    assert.ok(entry.lines.every((l) => l.center === 'LA'), JSON.stringify(entry.lines));
    /* signing twice */
    await refused(() => post(nurseLA, `/api/v1/apheresis-procedures/${done.id}/sign`, { password: 'nla-password-1' }), 'procedure', /signed already/);
    /* the audit trail holds the signature */
    const audit = await ok(get(admin, `/api/v1/audit?entity=apheresis_procedure&entity_id=${done.id}&limit=100`));
    assert.ok(audit.items.some((i) => i.action === 'sign' && i.actor === 'nla'), JSON.stringify(audit.items.map((i) => i.action)));
  });

  test('a signed record changes only by an amendment with a reason; the original is kept', async () => {
    await refused(() => patch(nurseLA, `/api/v1/apheresis-procedures/${done.id}`, { kit_lot: 'KIT-7782' }), 'reason', /required/);
    await refused(() => patch(nurseLA, `/api/v1/apheresis-procedures/${done.id}`, { outcome: 'aborted', abort_reason: 'x', reason: 'typo' }),
      'outcome', /billed/);
    const amended = await ok(patch(nurseLA, `/api/v1/apheresis-procedures/${done.id}`, { kit_lot: 'KIT-7782', reason: 'lot misread from the label' }));
    assert.equal(amended.kit_lot, 'KIT-7782');
    assert.equal(amended.status, 'signed');
    assert.equal(amended.price, '1350.00');
    assert.equal(amended.amendment_count, 1);
    const shown = await ok(get(admin, `/api/v1/apheresis-procedures/${done.id}`));
    assert.equal((await get(auditor, `/api/v1/apheresis-procedures/${done.id}`)).status, 403, 'a procedure record is patient data');
    assert.equal(shown.amendments.length, 1);
    assert.equal(shown.amendments[0].reason, 'lot misread from the label');
    assert.deepEqual(shown.amendments[0].changed, ['kit_lot']);
    assert.equal(shown.amendments[0].before.kit_lot, 'KIT-7781');
    assert.equal(shown.amendments[0].amended_by, 'nla');
  });

  let aborted;

  test('an aborted procedure is billed per the abort rule', async () => {
    const draft = await ok(post(nurseLA, '/api/v1/apheresis-procedures', {
      order: order.id, started_at: chain.utcOf(weekday, '09:00'), ended_at: chain.utcOf(weekday, '10:00'),
      device_serial: 'SPECTRA-0042', kit_lot: 'KIT-7790', albumin_vials: 2, blood_processed_ml: 900,
      outcome: 'aborted', abort_reason: 'vascular access lost',
    }), 201);
    aborted = await ok(post(nurseLA, `/api/v1/apheresis-procedures/${draft.id}/sign`, { password: 'nla-password-1' }));
    assert.equal(aborted.price, '600.00'); /* 50% of 1200.00 */
    assert.equal(aborted.cost, '440.00'); /* 1 h x 60.00 + 300.00 + 2 x 40.00 */
    const invoice = await ok(get(admin, `/api/v1/invoices/${aborted.invoice}`));
    assert.equal(invoice.lines[0].amount, '600.00');
    assert.match(invoice.lines[0].description, /aborted/);
  });

  test('no contract in force: refused naming the hospital and the day', async () => {
    const early = chain.day(-420);
    const draft = await ok(post(nurseLA, '/api/v1/apheresis-procedures', {
      order: order.id, started_at: chain.utcOf(early, '09:00'), ended_at: chain.utcOf(early, '10:00'),
      device_serial: 'S', kit_lot: 'L', outcome: 'completed',
    }), 201);
    await refused(() => post(nurseLA, `/api/v1/apheresis-procedures/${draft.id}/sign`, { password: 'nla-password-1' }),
      'contract', new RegExp(`CEDARS has no apheresis contract in force on ${early}`));
  });

  test('the volumes of the quarter, over HTTP and the command line, and in the quarterly report', async () => {
    const quarters = new Set([quarterOf(saturday), quarterOf(weekday)]);
    let procedures = 0;
    let revenue = 0;
    for (const q of quarters) {
      const v = await ok(get(finance, `/api/v1/apheresis-volumes?period=${q}`));
      procedures += v.total.procedures;
      revenue += cents(v.total.revenue);
      const r = srv.cli('apheresis', 'volumes', '--period', q, '--format', 'json');
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), v);
      const report = await ok(get(admin, `/api/v1/reports/quarterly?period=${q}`));
      assert.equal(report.current.apheresis_procedures, v.total.procedures);
      assert.equal(report.current.apheresis_average_price, v.total.average_price);
    }
    assert.equal(procedures, 2);
    assert.equal(revenue, 135000 + 60000);
    if (quarters.size === 1) {
      const v = await ok(get(auditor, `/api/v1/apheresis-volumes?period=${quarterOf(saturday)}`));
      assert.deepEqual(v.items, [{ market: 'LA', procedure_type: 'plasma_exchange', procedures: 2, aborted: 1, revenue: '1950.00', average_price: '975.00' }]);
      const text = await srv.api('GET', `/api/v1/reports/quarterly?period=${quarterOf(saturday)}&format=text`, { token: admin.token });
      assert.equal(text.status, 200);
      assert.match(text.text, /Apheresis procedures/);
    }
    await refused(() => get(finance, '/api/v1/apheresis-volumes?period=2026Q5'), 'period');
    assert.equal((await get(nurseLA, `/api/v1/apheresis-volumes?period=${quarterOf(saturday)}`)).status, 403);
  });

  test('surcharges: a stat call-out after hours, and a federal holiday', async () => {
    await ok(put(admin, `/api/v1/apheresis-contracts/${contract.id}/surcharges`, { kind: 'stat', amount: '200.00' }));
    await ok(put(admin, `/api/v1/apheresis-contracts/${contract.id}/surcharges`, { kind: 'holiday', amount: '250.00' }));
    const night = pastDay([2, 3, 5], 3);
    const stat = await ok(post(nurseLA, '/api/v1/apheresis-procedures', {
      order: order.id, started_at: chain.utcOf(night, '20:00'), ended_at: chain.utcOf(night, '21:00'),
      device_serial: 'S', kit_lot: 'L', outcome: 'completed', stat: true,
    }), 201);
    const signed = await ok(post(nurseLA, `/api/v1/apheresis-procedures/${stat.id}/sign`, { password: 'nla-password-1' }));
    assert.deepEqual(signed.surcharges.map((x) => x.kind), ['after_hours', 'stat']);
    assert.equal(signed.price, '1500.00'); /* 1200.00 + 100.00 + 200.00 */
    /* the latest Fourth of July at least two days ago */
    const today = chain.day(0);
    let year = Number(today.slice(0, 4));
    if (`${year}-07-04` > chain.day(-2)) year -= 1;
    const july4 = `${year}-07-04`;
    const weekend = [0, 6].includes(new Date(`${july4}T12:00:00Z`).getUTCDay());
    const holiday = await ok(post(nurseLA, '/api/v1/apheresis-procedures', {
      order: order.id, started_at: chain.utcOf(july4, '10:00'), ended_at: chain.utcOf(july4, '11:00'),
      device_serial: 'S', kit_lot: 'L', outcome: 'completed',
    }), 201);
    const billed = await ok(post(nurseLA, `/api/v1/apheresis-procedures/${holiday.id}/sign`, { password: 'nla-password-1' }));
    assert.deepEqual(billed.surcharges.map((x) => x.kind), weekend ? ['weekend', 'holiday'] : ['holiday']);
    assert.equal(billed.price, weekend ? '1600.00' : '1450.00');
    /* a holiday on the n-th weekday of its month: the latest Thanksgiving
     * (fourth Thursday of November) at least two days ago */
    const thanksgivingOf = (y) => {
      const first = new Date(Date.UTC(y, 10, 1)).getUTCDay();
      return `${y}-11-${String(1 + ((4 - first + 7) % 7) + 21).padStart(2, '0')}`;
    };
    let thanksgiving = thanksgivingOf(Number(today.slice(0, 4)));
    if (thanksgiving > chain.day(-2)) thanksgiving = thanksgivingOf(Number(today.slice(0, 4)) - 1);
    const feast = await ok(post(nurseLA, '/api/v1/apheresis-procedures', {
      order: order.id, started_at: chain.utcOf(thanksgiving, '10:00'), ended_at: chain.utcOf(thanksgiving, '11:00'),
      device_serial: 'S', kit_lot: 'L', outcome: 'completed',
    }), 201);
    const feastBilled = await ok(post(nurseLA, `/api/v1/apheresis-procedures/${feast.id}/sign`, { password: 'nla-password-1' }));
    assert.deepEqual(feastBilled.surcharges.map((x) => x.kind), ['holiday']);
    assert.equal(feastBilled.price, '1450.00');
  });

  test('a new contract ends the open one the day before, with an audit record of that change', async () => {
    const first = await ok(post(admin, '/api/v1/apheresis-contracts', { hospital: 'BELLE', effective_from: chain.day(-100), abort_percent: 50 }), 201);
    await ok(post(admin, '/api/v1/apheresis-contracts', { hospital: 'BELLE', effective_from: chain.day(-10), abort_percent: 60 }), 201);
    const ended = await ok(get(admin, `/api/v1/apheresis-contracts/${first.id}`));
    assert.equal(ended.effective_to, chain.day(-11));
    const audit = await ok(get(admin, `/api/v1/audit?entity=apheresis_contract&entity_id=${first.id}&limit=100`));
    assert.deepEqual(audit.items.map((i) => i.action).sort(), ['create', 'end']);
  });

  test('the command line records, signs and amends', () => {
    const day = chain.day(-3);
    const rec = srv.cli('apheresis', 'record', String(order.id), '--started-at', chain.utcOf(day, '08:00'),
      '--ended-at', chain.utcOf(day, '09:00'), '--device-serial', 'D-1', '--kit-lot', 'K-1', '--outcome', 'completed',
      '--nurse', 'nla', '--adverse-events', 'hypotension|moderate|saline bolus');
    assert.equal(rec.status, 0, rec.stderr);
    const id = rec.stdout.trim();
    const bad = srv.cli('apheresis', 'amend', id, '--kit-lot', 'K-2');
    assert.notEqual(bad.status, 0);
    const sign = srv.cli('apheresis', 'sign', id, '--signer', 'nla', '--password-stdin', '--format', 'json', { input: 'nla-password-1\n' });
    assert.equal(sign.status, 0, sign.stderr);
    assert.equal(JSON.parse(sign.stdout).status, 'signed');
    const amend = srv.cli('apheresis', 'amend', id, '--kit-lot', 'K-2', '--reason', 'relabelled', '--format', 'json');
    assert.equal(amend.status, 0, amend.stderr);
    assert.equal(JSON.parse(amend.stdout).amendment_count, 1);
  });
  test("the command line signs a nurse's day of records at once: one password, all of them or none", async () => {
    const day = chain.day(-4);
    const record = (nurse, hour) => {
      const r = srv.cli('apheresis', 'record', String(order.id), '--started-at', chain.utcOf(day, `${hour}:00`),
        '--ended-at', chain.utcOf(day, `${hour}:50`), '--device-serial', 'D-1', '--kit-lot', 'K-9', '--outcome', 'completed',
        '--nurse', nurse);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    const [first, second, hers] = [record('nla', '08'), record('nla', '10'), record('nlb', '12')];
    const sign = (list, password = 'nla-password-1') =>
      srv.cli('apheresis', 'sign', list, '--signer', 'nla', '--password-stdin', '--format', 'json', { input: `${password}\n` });
    /* another nurse's record in the list: none is signed */
    let before = srv.fingerprint();
    let r = sign(`${first},${second},${hers}`);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /only the procedure's nurse, nlb/);
    r = sign(`${first},${first}`);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /listed twice/);
    assert.equal(srv.fingerprint(), before, 'nothing signed');
    /* a wrong password (the attempt is recorded): none signed */
    r = sign(`${first},${second}`, 'not-her-password');
    assert.notEqual(r.status, 0);
    for (const id of [first, second])
      assert.equal((await ok(get(nurseLA, `/api/v1/apheresis-procedures/${id}`))).status, 'draft');
    /* the path of the API names one record */
    before = srv.fingerprint();
    await refused(() => post(nurseLA, `/api/v1/apheresis-procedures/${first},${second}/sign`, { password: 'nla-password-1' }),
      'procedure', /one procedure/);
    /* her two records at once */
    r = sign(`${first},${second}`);
    assert.equal(r.status, 0, r.stderr);
    const signed = JSON.parse(r.stdout).items;
    assert.deepEqual(signed.map((p) => [String(p.id), p.status, p.signed_by]), [[first, 'signed', 'nla'], [second, 'signed', 'nla']]);
    for (const p of signed) {
      const invoice = await ok(get(admin, `/api/v1/invoices/${p.invoice}`));
      assert.ok(invoice.lines.some((l) => l.source_ref === `apheresis_procedure:${p.id}` && l.amount === p.price), JSON.stringify(invoice.lines));
    }
    const shown = await ok(get(nurseLA2, `/api/v1/apheresis-procedures/${hers}`));
    assert.equal(shown.status, 'draft', "the other nurse's record is still hers to sign");
  });
});
