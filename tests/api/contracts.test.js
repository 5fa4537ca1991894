'use strict';
/*
 * contracts.test.js - hospitals' supply contracts over HTTP and the
 * command line (docs/distribution.md): a version with prices per product
 * and per family, surcharges and a return policy; its renewal with every
 * price raised half up to the cent; the version in force on a day pricing
 * a unit (the product's price before its family's, the surcharges its
 * attributes and delivery call for); no version in force refused naming
 * the date; every bad input refused naming the field with the database
 * unchanged; who may read and write. Runs on SQLite and PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

describe('contracts: versions, prices, surcharges, renewal, the version in force', () => {
  let srv;
  let admin;
  let dist;
  let finance;
  let auditor;
  let staff;

  const { post, get, ok, refused } = calls(() => srv);

  let first;
  let renewed;

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    await ok(post(admin, '/api/v1/markets', { code: 'LA', name: 'Los Angeles' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'LA' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'MERCY', name: 'Mercy Hospital', market: 'LA' }), 201);
    chain.importDemoCatalog(srv);
    await srv.addUser(admin, 'dist', 'distribution');
    await srv.addUser(admin, 'fin', 'finance');
    await srv.addUser(admin, 'aud', 'auditor');
    await srv.addUser(admin, 'staff', 'center_staff');
    dist = await srv.login('dist', 'dist-password-1');
    finance = await srv.login('fin', 'fin-password-1');
    auditor = await srv.login('aud', 'aud-password-1');
    staff = await srv.login('staff', 'staff-password-1');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('a version with family and product prices, surcharges and a return policy', async () => {
    first = await ok(post(dist, '/api/v1/contracts', {
      hospital: 'CEDARS', from: '2003-01-01', return_days: 3, return_credit: '80',
    }), 201);
    assert.equal(first.version, 1);
    assert.equal(first.effective_to, null);
    assert.equal(first.return_days, 3);
    assert.equal(first.return_credit, '80.00');
    await ok(post(dist, `/api/v1/contracts/${first.id}/prices`, { family: 'red_cells', price: '200.00' }));
    await ok(post(dist, `/api/v1/contracts/${first.id}/prices`, { product: 'E0301', price: '230.05' }));
    await ok(post(dist, `/api/v1/contracts/${first.id}/surcharges`, { kind: 'irradiated', price: '40.00' }));
    const shown = await ok(post(dist, `/api/v1/contracts/${first.id}/surcharges`, { kind: 'stat_delivery', price: '75.50' }));
    assert.deepEqual(shown.prices, [
      { target: 'product', code: 'E0301', price: '230.05' },
      { target: 'family', code: 'red_cells', price: '200.00' },
    ]);
    assert.deepEqual(shown.surcharges.map((s) => [s.kind, s.price]),
      [['irradiated', '40.00'], ['stat_delivery', '75.50']]);
    /* setting a price again replaces it */
    const again = await ok(post(dist, `/api/v1/contracts/${first.id}/prices`, { family: 'red_cells', price: '201.00' }));
    assert.equal(again.prices.find((p) => p.code === 'red_cells').price, '201.00');
    const trail = await ok(get(auditor, `/api/v1/audit?entity=contract&entity_id=${first.id}`));
    assert.ok(trail.items.length >= 5, JSON.stringify(trail));
    for (const bad of ['abc', '2x', '-1'])
      await refused(() => get(dist, `/api/v1/contracts?after=${bad}`), 'after');
  });

  test('renewal: a new version with every price raised half up, the old one ending the day before', async () => {
    renewed = await ok(post(dist, `/api/v1/contracts/${first.id}/renewals`, { from: '2004-01-01', increase: '3.5' }), 201);
    assert.equal(renewed.version, 2);
    assert.equal(renewed.renewed_from, first.id);
    assert.equal(renewed.increase, '3.50');
    assert.equal(renewed.return_credit, '80.00');
    /* 230.05 x 1.035 = 238.10175 -> 238.10; 201.00 -> 208.035 -> 208.04 (half up) */
    assert.deepEqual(renewed.prices, [
      { target: 'product', code: 'E0301', price: '238.10' },
      { target: 'family', code: 'red_cells', price: '208.04' },
    ]);
    assert.deepEqual(renewed.surcharges.map((s) => [s.kind, s.price]),
      [['irradiated', '41.40'], ['stat_delivery', '78.14']]);
    const old = await ok(get(finance, `/api/v1/contracts/${first.id}`));
    assert.equal(old.effective_to, '2003-12-31');
    const list = await ok(get(finance, '/api/v1/contracts?hospital=CEDARS&sort=-version&offset=0'));
    assert.equal(list.total, 2);
    assert.deepEqual(list.items.map((c) => c.version), [2, 1]);
  });

  test('the version in force on a day prices a unit: product before family, surcharges', async () => {
    const q2003 = await ok(get(finance, '/api/v1/contracts/in-force?hospital=CEDARS&date=2003-12-31&product=E0301&stat=true'));
    assert.equal(q2003.contract.version, 1);
    /* E0301 is irradiated and leukoreduced; no leukoreduced surcharge is set */
    assert.equal(q2003.price.priced_by, 'product');
    assert.equal(q2003.price.base, '230.05');
    assert.deepEqual(q2003.price.surcharges.map((s) => [s.kind, s.price]),
      [['irradiated', '40.00'], ['stat_delivery', '75.50']]);
    assert.equal(q2003.price.total, '345.55');
    const q2004 = await ok(get(finance, '/api/v1/contracts/in-force?hospital=CEDARS&date=2004-02-01&product=E0300'));
    assert.equal(q2004.contract.version, 2);
    assert.equal(q2004.price.priced_by, 'family');
    assert.equal(q2004.price.total, '208.04');
    await refused(() => get(finance, '/api/v1/contracts/in-force?hospital=CEDARS&date=2002-06-30'),
      'date', /CEDARS.*2002-06-30/);
    await refused(() => get(finance, '/api/v1/contracts/in-force?hospital=MERCY&date=2004-02-01'),
      'date', /MERCY.*2004-02-01/);
    /* a product neither priced nor of a priced family */
    await refused(() => get(finance, '/api/v1/contracts/in-force?hospital=CEDARS&date=2004-02-01&product=E0500'),
      'product', /E0500/);
  });

  test('bad input is refused naming the field, nothing changed', async () => {
    const id = renewed.id;
    await refused(() => post(dist, `/api/v1/contracts/${id}/prices`, { family: 'red_cells', price: '1.005' }), 'price', /two decimals/);
    await refused(() => post(dist, `/api/v1/contracts/${id}/prices`, { family: 'blood', price: '1.00' }), 'family', /not a family/);
    await refused(() => post(dist, `/api/v1/contracts/${id}/prices`, { product: 'E9999', price: '1.00' }), 'product', /E9999/);
    await refused(() => post(dist, `/api/v1/contracts/${id}/prices`, { price: '1.00' }), 'product', /required/);
    await refused(() => post(dist, `/api/v1/contracts/${id}/prices`, { product: 'E0300', family: 'plasma', price: '1.00' }), 'family', /not both/);
    await refused(() => post(dist, `/api/v1/contracts/${id}/surcharges`, { kind: 'gold_plated', price: '1.00' }), 'kind', /not a surcharge kind/);
    await refused(() => post(dist, `/api/v1/contracts/${id}/surcharges`, { kind: 'washed', price: '-1.00' }), 'price', /negative/);
    await refused(() => post(dist, '/api/v1/contracts', { hospital: 'CEDARS', from: '2003-06-01' }), 'from', /overlaps version 1/);
    await refused(() => post(dist, '/api/v1/contracts', { hospital: 'NOWHERE', from: '2003-06-01' }), 'hospital', /NOWHERE/);
    await refused(() => post(dist, '/api/v1/contracts', { hospital: 'MERCY', from: '2004-06-01', to: '2004-05-31' }), 'to', /before/);
    await refused(() => post(dist, '/api/v1/contracts', { hospital: 'MERCY', from: '2004-06-01', return_days: 3 }), 'return_credit', /required/);
    await refused(() => post(dist, '/api/v1/contracts', { hospital: 'MERCY', from: '2004-06-01', return_days: 3, return_credit: '101' }), 'return_credit', /100/);
    await refused(() => post(dist, `/api/v1/contracts/${first.id}/renewals`, { from: '2005-01-01' }), 'contract', /not the latest/);
    await refused(() => post(dist, `/api/v1/contracts/${id}/renewals`, { from: '2003-06-01' }), 'from', /after 2004-01-01/);
    await refused(() => post(dist, `/api/v1/contracts/${id}/renewals`, { from: '2005-01-01', increase: 'ten' }), 'increase', /percentage/);
    await refused(() => get(dist, '/api/v1/contracts/999'), 'contract', /999/);
  });

  test('an Idempotency-Key replays a renewal instead of making a second version', async () => {
    const headers = { 'Idempotency-Key': 'contracts-renewal-1' };
    const body = { hospital: 'MERCY', from: '2002-01-01', to: '2002-12-31' };
    const once = await srv.api('POST', '/api/v1/contracts', { token: dist.token, body, headers });
    assert.equal(once.status, 201, once.text);
    const twice = await srv.api('POST', '/api/v1/contracts', { token: dist.token, body, headers });
    assert.equal(twice.status, 201, twice.text);
    assert.deepEqual(twice.json, once.json);
    const list = await ok(get(dist, '/api/v1/contracts?hospital=MERCY&offset=0'));
    assert.equal(list.total, 1);
  });

  test('who may: distribution writes, finance, executive and auditor read, others neither', async () => {
    const r = await post(finance, '/api/v1/contracts', { hospital: 'MERCY', from: '2004-01-01' });
    assert.equal(r.status, 403, r.text);
    assert.equal((await get(staff, '/api/v1/contracts')).status, 403);
    assert.equal((await get(auditor, `/api/v1/contracts/${renewed.id}`)).status, 200);
  });

  test('the command line: add, price, surcharge, renew, list, show, quote', () => {
    const run = (...args) => {
      const r = srv.cli(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const added = JSON.parse(run('contract', 'add', '--hospital', 'MERCY', '--from', '2004-01-01',
      '--return-days', '2', '--return-credit', '50', '--format', 'json'));
    run('contract', 'price', String(added.id), '--family', 'plasma', '--price', '55.00');
    run('contract', 'surcharge', String(added.id), '--kind', 'after-hours-delivery', '--price', '20');
    const next = JSON.parse(run('contract', 'renew', String(added.id), '--from', '2005-01-01', '--increase', '10', '--format', 'json'));
    assert.equal(next.prices[0].price, '60.50');
    assert.equal(next.surcharges[0].kind, 'after_hours_delivery');
    assert.equal(next.surcharges[0].price, '22.00');
    assert.match(run('contract', 'list', '--hospital', 'MERCY'), /MERCY\s+3\s+2005-01-01/);
    assert.match(run('contract', 'show', String(next.id)), /plasma\s+60\.50/);
    assert.match(run('contract', 'quote', '--hospital', 'MERCY', '--date', '2005-02-01', '--product', 'E0500', '--after-hours'),
      /TOTAL\s+82\.50/);
    const bad = srv.cli('contract', 'surcharge', String(next.id), '--kind', 'gold', '--price', '1');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^bloodops: --kind: 'gold' is not a surcharge kind/);
    const none = srv.cli('contract', 'quote', '--hospital', 'MERCY', '--date', '2003-01-01');
    assert.equal(none.status, 1);
    assert.match(none.stderr, /--date: no contract of hospital MERCY is in force on 2003-01-01/);
  });

  test('a contract holds at most 200 prices (its terms are read that far): the 201st is refused, resetting one is not', async () => {
    const codes = Array.from({ length: 201 }, (_, i) => `E${String(7000 + i)}`);
    const csv = require('node:path').join(srv.dir, 'many-products.csv');
    require('node:fs').writeFileSync(csv, 'code,description,family,storage_min_c,storage_max_c,shelf_life_value,'
      + 'shelf_life_unit,nominal_volume_ml,irradiated,leukoreduced,cmv_negative,pathogen_reduced,demo\n'
      + codes.map((c) => `${c},RED BLOOD CELLS ${c} (demo),red_cells,1,6,42,days,300,no,yes,no,no,yes\n`).join(''));
    const imported = srv.cli('catalog', 'import', csv);
    assert.equal(imported.status, 0, imported.stderr);
    await ok(post(admin, '/api/v1/hospitals', { code: 'BIG', name: 'Big Hospital', market: 'LA' }), 201);
    const big = await ok(post(dist, '/api/v1/contracts', { hospital: 'BIG', from: '2003-01-01' }), 201);
    for (const code of codes.slice(0, 200))
      await ok(post(dist, `/api/v1/contracts/${big.id}/prices`, { product: code, price: '100.00' }));
    await refused(() => post(dist, `/api/v1/contracts/${big.id}/prices`, { product: codes[200], price: '100.00' }),
      'product', /at most 200 prices/);
    const reset = await ok(post(dist, `/api/v1/contracts/${big.id}/prices`, { product: codes[0], price: '101.00' }));
    assert.equal(reset.prices.length, 200);
    assert.equal(reset.prices.find((p) => p.code === codes[0]).price, '101.00');
  });
});
