'use strict';
/*
 * trials.test.js - clinical-trial site services over HTTP and the command
 * line (docs/contract_services.md, "Clinical-trial site services"): a
 * sponsor's contract with its fees; sites whose tasks are signed off with
 * the signer's password re-entered (once per kind) and whose training log
 * makes them ready; the readiness board with what each site lacks,
 * filtered by country and status; billing to the cap: a contract filled
 * by many sites' tasks and investigational apheresis procedures bills
 * exactly its cap (the line reaching it billed up to it, with a note) and
 * refuses the next line naming the headroom; concurrent sign-offs near the
 * cap never pass it; the 4300 postings by market and the sponsor's invoice
 * lines equal the bills; nothing billed after the end date; bad input
 * refused naming the field with the database unchanged. Runs on SQLite and
 * PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

const API = '/api/v1/trial-contracts';
const SITES = '/api/v1/trial-sites';
const cents = (text) => Math.round(Number(text) * 100);

/* A recent weekday (Tuesday to Friday) at least `from` days ago, no fixed holiday. */
function pastWeekday(from = 2) {
  for (let offset = -from; offset > -30; offset--) {
    const d = chain.day(offset);
    const wd = new Date(`${d}T12:00:00Z`).getUTCDay();
    if ([2, 3, 4, 5].includes(wd) && !['01-01', '06-19', '07-04', '11-11', '12-25'].includes(d.slice(5))) return d;
  }
  throw new Error('no such day');
}

describe('clinical-trial site services: sites, sign-offs, readiness and billing to the cap', () => {
  let srv;
  let admin;
  let cs; // contract services
  let finance;
  let auditor;
  let nurse; // apheresis nurse of LA
  let order;
  let contract;
  const sites = {};
  const procedures = [];

  const { post, get, ok, refused } = calls(() => srv);
  const sign = (site, kind, date = chain.day(-10), password = 'cara-password-1') =>
    post(cs, `${SITES}/${site}/tasks`, { kind, date, password });
  const train = (site, person, role) =>
    ok(post(cs, `${SITES}/${site}/training`, { person, role, date: chain.day(-9), trainer: 'Dr. Trainer', topic: 'device handling' }));

  /* The 4300 postings of source trials by market, from the journal. */
  async function revenueByMarket() {
    const entries = await ok(get(finance, '/api/v1/journal?account=4300&source=trials&limit=500'));
    const byMarket = {};
    for (const item of entries.items) {
      const entry = await ok(get(finance, `/api/v1/journal/${item.id}`));
      for (const l of entry.lines)
        if (l.account === '4300') byMarket[l.center] = (byMarket[l.center] || 0) - cents(l.amount);
    }
    return byMarket;
  }

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    for (const [code, name, zone] of [['LA', 'Los Angeles', 'America/Los_Angeles'], ['NY', 'New York', 'America/New_York']])
      await ok(post(admin, '/api/v1/markets', { code, name, time_zone: zone }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'LA' }), 201);
    for (const [username, role] of [['cara', 'contract_services'], ['fin', 'finance'], ['aud', 'auditor'], ['nla', 'apheresis_nurse']])
      await srv.addUser(admin, username, role);
    await ok(srv.api('PUT', '/api/v1/users/nla/scope', { token: admin.token, body: { markets: 'LA' } }));
    cs = await srv.login('cara', 'cara-password-1');
    finance = await srv.login('fin', 'fin-password-1');
    auditor = await srv.login('aud', 'aud-password-1');
    nurse = await srv.login('nla', 'nla-password-1');
    await ok(post(finance, '/api/v1/customers', { code: 'ACME-DEV', name: 'Acme Devices', market: 'LA' }), 201);
    // Signed apheresis procedures, for the investigational ones.
    const jane = await ok(post(nurse, '/api/v1/patients', {
      hospital: 'CEDARS', mrn: 'MRN-3001', family_name: 'Doe', given_name: 'Jane',
      birth_date: '1970-03-04', sex: 'female', height_m: '1.60', weight_kg: 60,
    }), 201);
    order = await ok(post(nurse, '/api/v1/apheresis-orders', {
      patient: jane.id, physician: 'Dr. Ana Ruiz', procedure_type: 'plasma_exchange', indication: 'Trial protocol AX-1',
      asfa_category: 'I', asfa_grade: '1A', procedures: 5, frequency: 'every 2 days',
      hct: '0.40', volumes: '1.5', albumin_fraction: '0.5', anticoagulant: 'acd_a', ratio: '1:12', inlet_ml_min: 60,
    }), 201);
    const apheresisContract = await ok(post(admin, '/api/v1/apheresis-contracts', { hospital: 'CEDARS', effective_from: chain.day(-400), abort_percent: 50 }), 201);
    await ok(srv.api('PUT', `/api/v1/apheresis-contracts/${apheresisContract.id}/prices`, { token: admin.token, body: { procedure_type: 'plasma_exchange', price: '1200.00' } }));
    for (const [item, amount] of [['nurse_hour:la', '60.00'], ['kit:plasma_exchange', '300.00'], ['albumin_vial', '40.00'], ['plasma_unit', '50.00']])
      await ok(srv.api('PUT', '/api/v1/apheresis-costs', { token: admin.token, body: { item, amount } }));
    const day = pastWeekday();
    for (let i = 0; i < 3; i++) {
      const p = await ok(post(nurse, '/api/v1/apheresis-procedures', {
        order: order.id, started_at: chain.utcOf(day, `1${i}:00`), ended_at: chain.utcOf(day, `1${i}:50`),
        device_serial: 'TRIAL-DEV-1', kit_lot: 'KIT-1', blood_processed_ml: 5000, plasma_removed_ml: 3000, albumin_vials: 6,
        plasma_units: 0, saline_ml: 500, anticoagulant_ml: 400, ratio: '1:12', calcium_mg: 0, adverse_events: [], outcome: 'completed',
      }), 201);
      procedures.push(p.id);
    }
    // The first two signed; the third stays a draft.
    for (const id of procedures.slice(0, 2))
      await ok(post(nurse, `/api/v1/apheresis-procedures/${id}/sign`, { password: 'nla-password-1' }));
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('a contract with its fees; bad contracts and fees refused naming the field', async () => {
    await refused(() => post(cs, API, { sponsor: 'ACME-DEV', device: 'Column X', start: chain.day(-300), end: chain.day(-301), cap: '10000.00' }), 'end', /before the start/);
    await refused(() => post(cs, API, { sponsor: 'NOBODY', device: 'Column X', start: chain.day(-300), end: chain.day(60), cap: '10000.00' }), 'sponsor', /no billing customer/);
    await refused(() => post(cs, API, { sponsor: 'ACME-DEV', device: 'Column X', start: chain.day(-300), end: chain.day(60), cap: '0' }), 'cap');
    contract = await ok(post(cs, API, {
      sponsor: 'acme-dev', device: 'Column X', protocols: 'AX-1, AX-2', start: chain.day(-300), end: chain.day(60), cap: '10000.00',
    }), 201);
    assert.deepEqual([contract.sponsor, contract.sponsor_name, contract.market, contract.protocols, contract.cap, contract.billed, contract.headroom],
      ['ACME-DEV', 'Acme Devices', 'LA', ['AX-1', 'AX-2'], '10000.00', '0.00', '10000.00']);
    await refused(() => post(cs, `${API}/${contract.id}/fees`, { kind: 'setup', price: '-5.00' }), 'price', /negative/);
    await refused(() => post(cs, `${API}/${contract.id}/fees`, { kind: 'monitoring', price: '5.00' }), 'kind', /setup, verification, training or procedure/);
    for (const [kind, price] of [['setup', '3000.00'], ['verification', '2000.00'], ['training', '1500.00'], ['procedure', '2500.00']])
      contract = await ok(post(cs, `${API}/${contract.id}/fees`, { kind, price }));
    assert.deepEqual(contract.fees.map((f) => [f.kind, f.price]),
      [['setup', '3000.00'], ['verification', '2000.00'], ['training', '1500.00'], ['procedure', '2500.00']]);
    // Finance and the auditor read; they do not write.
    assert.equal((await ok(get(auditor, `${API}/${contract.id}`))).id, contract.id);
    assert.equal((await post(finance, `${API}/${contract.id}/fees`, { kind: 'setup', price: '1.00' })).status, 403);
    assert.equal((await get(nurse, API)).status, 403);
  });

  test('sites: US and CA only; the CA site is served by the contract\'s market', async () => {
    await refused(() => post(cs, `${API}/${contract.id}/sites`, { name: 'Mexico City General', country: 'MX', city: 'Mexico City', investigator: 'Dr. Paz' }), 'country', /US or CA/);
    sites.boston = await ok(post(cs, `${API}/${contract.id}/sites`, { name: 'Boston Research', country: 'US', city: 'Boston', investigator: 'Dr. Lee', market: 'NY' }), 201);
    sites.toronto = await ok(post(cs, `${API}/${contract.id}/sites`, { name: 'Toronto General', country: 'CA', city: 'Toronto', investigator: 'Dr. Roy' }), 201);
    sites.la = await ok(post(cs, `${API}/${contract.id}/sites`, { name: 'LA Clinical', country: 'US', city: 'Los Angeles', investigator: 'Dr. Kim' }), 201);
    assert.deepEqual([sites.boston.market, sites.toronto.market, sites.la.market], ['NY', 'LA', 'LA']);
    assert.deepEqual([sites.boston.status, sites.boston.ready, sites.boston.lacks],
      ['planned', false, ['setup', 'verification', 'trained_investigator', 'trained_nurse']]);
  });

  test('sign-offs and training move a site to ready on the board; a task signed twice and an unknown site refused', async () => {
    const b = sites.boston.id;
    await refused(() => sign(b, 'verification'), 'kind', /setup before its verification/);
    const wrong = await sign(b, 'setup', chain.day(-10), 'not-the-password');
    assert.equal(wrong.status, 401, wrong.text);
    assert.equal(wrong.json.error.field, 'password');
    let site = await ok(sign(b, 'setup'));
    assert.deepEqual([site.status, site.lacks], ['setting_up', ['verification', 'trained_investigator', 'trained_nurse']]);
    assert.equal(site.tasks[0].signed_by, 'cara');
    assert.equal(site.tasks[0].billed, '3000.00');
    await refused(() => sign(b, 'setup'), 'kind', /signed off already/);
    await refused(() => sign(b, 'inspection'), 'kind', /setup, verification or training/);
    await refused(() => post(cs, `${SITES}/99999/training`, { person: 'X', role: 'nurse', date: chain.day(-1), trainer: 'Y' }), 'site', /no trial site/);
    await refused(() => post(cs, `${SITES}/${b}/training`, { person: 'X', role: 'janitor', date: chain.day(-1), trainer: 'Y' }), 'role');
    site = await ok(sign(b, 'verification'));
    site = await ok(sign(b, 'training'));
    assert.equal(site.status, 'verified');
    await train(b, 'Dr. Lee', 'investigator');
    let board = await ok(get(cs, `${API}/${contract.id}/board`));
    assert.deepEqual(board.sites.find((s) => s.id === b).lacks, ['trained_nurse']);
    site = await train(b, 'Nurse Ortiz', 'nurse');
    assert.deepEqual([site.status, site.ready, site.lacks, site.training.length], ['ready', true, [], 2]);
    board = await ok(get(finance, `${API}/${contract.id}/board?status=ready`));
    assert.deepEqual(board.sites.map((s) => s.name), ['Boston Research']);
    board = await ok(get(cs, `${API}/${contract.id}/board?country=CA`));
    assert.deepEqual(board.sites.map((s) => [s.name, s.status]), [['Toronto General', 'planned']]);
    assert.equal(board.headroom, '3500.00');
    await refused(() => get(cs, `${API}/${contract.id}/board?country=FR`), 'country');
  });

  test('investigational procedures and tasks fill the contract to its cap exactly; the next line is refused naming the headroom', async () => {
    // A site that is not ready takes no procedure; a draft procedure is refused.
    await refused(() => post(cs, `${SITES}/${sites.la.id}/procedures`, { procedure: procedures[0] }), 'site', /not ready/);
    await refused(() => post(cs, `${SITES}/${sites.boston.id}/procedures`, { procedure: procedures[2] }), 'procedure', /not signed/);
    let site = await ok(post(cs, `${SITES}/${sites.boston.id}/procedures`, { procedure: procedures[0] }));
    assert.deepEqual([site.status, site.procedures, site.billed], ['active', 1, '9000.00']);
    await refused(() => post(cs, `${SITES}/${sites.boston.id}/procedures`, { procedure: procedures[0] }), 'procedure', /already/);
    // 9000.00 billed of 10000.00: the Toronto set-up (3000.00) is billed up to the cap.
    site = await ok(sign(sites.toronto.id, 'setup'));
    assert.equal(site.bills[0].amount, '1000.00');
    assert.equal(site.bills[0].price, '3000.00');
    assert.match(site.bills[0].note, /up to the contract's cap of \$10000\.00/);
    await refused(() => sign(sites.la.id, 'setup'), 'headroom', /headroom is \$0\.00/);
    await refused(() => sign(sites.toronto.id, 'verification'), 'headroom', /headroom is \$0\.00/);
    const shown = await ok(get(cs, `${API}/${contract.id}`));
    assert.deepEqual([shown.billed, shown.cap, shown.headroom], ['10000.00', '10000.00', '0.00']);
    assert.equal(shown.bills.reduce((sum, b) => sum + cents(b.amount), 0), 1000000);
    // The postings by market and the sponsor's invoice lines equal the bills.
    const byMarket = {};
    for (const b of shown.bills) {
      const s = shown.sites.find((x) => x.id === b.site);
      byMarket[s.market] = (byMarket[s.market] || 0) + cents(b.amount);
    }
    assert.deepEqual(byMarket, { NY: 900000, LA: 100000 });
    assert.deepEqual(await revenueByMarket(), byMarket);
    const invoices = await ok(get(finance, '/api/v1/invoices?customer=ACME-DEV&status=draft&limit=100'));
    assert.equal(invoices.items.length, 1);
    assert.equal(invoices.items[0].total, '10000.00');
    const invoice = await ok(get(finance, `/api/v1/invoices/${invoices.items[0].id}`));
    assert.deepEqual(invoice.lines.map((l) => l.account), ['4300', '4300', '4300', '4300', '4300']);
    assert.ok(invoice.lines.some((l) => /up to the contract's cap/.test(l.description)));
  });

  test('concurrent sign-offs near the cap never pass it', async () => {
    const c = await ok(post(cs, API, { sponsor: 'ACME-DEV', device: 'Pump Y', start: chain.day(-100), end: chain.day(100), cap: '4500.00' }), 201);
    await ok(post(cs, `${API}/${c.id}/fees`, { kind: 'setup', price: '1000.00' }));
    const ids = [];
    for (let i = 0; i < 8; i++)
      ids.push((await ok(post(cs, `${API}/${c.id}/sites`, { name: `Site ${i}`, country: i % 2 ? 'CA' : 'US', city: 'Town', investigator: 'Dr. X' }), 201)).id);
    const answers = await Promise.all(ids.map((id) => sign(id, 'setup')));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 409, 409, 409], answers.map((r) => r.text).join('\n'));
    for (const r of answers.filter((x) => x.status === 409)) assert.equal(r.json.error.field, 'headroom');
    const shown = await ok(get(cs, `${API}/${c.id}`));
    assert.deepEqual([shown.billed, shown.headroom], ['4500.00', '0.00']);
    assert.deepEqual(shown.bills.map((b) => b.amount).sort(), ['1000.00', '1000.00', '1000.00', '1000.00', '500.00'].sort());
  });

  test('nothing billed after the end date; the command line', async () => {
    const c = await ok(post(cs, API, { sponsor: 'ACME-DEV', device: 'Filter Z', start: chain.day(-100), end: chain.day(-20), cap: '900.00' }), 201);
    await ok(post(cs, `${API}/${c.id}/fees`, { kind: 'setup', price: '100.00' }));
    const s = await ok(post(cs, `${API}/${c.id}/sites`, { name: 'Late Site', country: 'US', city: 'Reno', investigator: 'Dr. Late' }), 201);
    await refused(() => sign(s.id, 'setup', chain.day(-5)), 'date', /after the contract's end/);
    await ok(sign(s.id, 'setup', chain.day(-25)));

    const add = srv.cli('trial', 'contract', 'add', '--sponsor', 'ACME-DEV', '--device', 'CLI device', '--start', chain.day(-10), '--end', chain.day(10), '--cap', '500');
    assert.equal(add.status, 0, add.stderr);
    const id = add.stdout.trim();
    assert.match(id, /^\d+$/);
    let r = srv.cli('trial', 'fee', id, '--kind', 'verification', '--price', '50');
    assert.equal(r.status, 0, r.stderr);
    r = srv.cli('trial', 'fee', id, '--kind', 'setup', '--price', '-1');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /price/);
    r = srv.cli('trial', 'site', 'add', id, '--name', 'CLI Site', '--country', 'CA', '--city', 'Ottawa', '--investigator', 'Dr. C');
    assert.equal(r.status, 0, r.stderr);
    const site = r.stdout.trim();
    r = srv.cli('trial', 'site', 'add', id, '--name', 'Bad', '--country', 'UK', '--city', 'London', '--investigator', 'Dr. U');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /country/);
    r = srv.cli('trial', 'train', site, '--person', 'Nurse N', '--role', 'nurse', '--date', chain.day(-1), '--trainer', 'T');
    assert.equal(r.status, 0, r.stderr);
    r = srv.cli('trial', 'board', id, '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const board = JSON.parse(r.stdout);
    assert.deepEqual(board.sites.map((x) => [x.name, x.lacks]), [['CLI Site', ['setup', 'verification', 'trained_investigator']]]);
    r = srv.cli('trial', 'contract', 'show', id);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /HEADROOM/);
    assert.match(r.stdout, /500\.00/);
  });
});
