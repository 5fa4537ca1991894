'use strict';
/*
 * reference.test.js - GET /api/v1/reference, the reference data the web
 * application loads once per session instead of keeping copies of the
 * rules: it needs a session (401 without) and any role may read it; what
 * each procedure can be made into (apheresis platelets 1 to 3 units, at
 * most one plasma; double red cells exactly 2; plasma 1 or 2), the product
 * families, the unit statuses that count in inventory, the donor
 * reactions; the measurements with their labels, units and ranges, and
 * those ranges are what the eligibility check accepts (the largest value
 * passes, one step more is refused naming the field), and what a
 * collection's processing allows.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');
const chain = require('./lib/chain');

let srv;
let admin;
let reference;

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const r = await srv.api('GET', '/api/v1/reference', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  reference = r.json;
});

after(async () => {
  if (srv) await srv.stop();
});

const procedure = (code) => reference.procedures.find((p) => p.code === code);
const measurement = (name) => reference.measurements.find((m) => m.name === name);

test('the reference data needs a session, and every role may read it', async () => {
  const r = await srv.api('GET', '/api/v1/reference');
  assertError(r, 401, 'unauthorized');
  await srv.addUser(admin, 'finance1', 'finance');
  const finance = await srv.login('finance1', 'finance1-password-1');
  const read = await srv.api('GET', '/api/v1/reference', { token: finance.token });
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.json, reference);
  assert.equal(read.headers.get('cache-control'), 'no-store');
});

test('each procedure with what its collection can be made into', () => {
  assert.deepEqual(reference.procedures.map((p) => [p.code, p.label]), [
    ['whole_blood', 'Whole blood'],
    ['double_red_cells', 'Double red cells (apheresis)'],
    ['plateletpheresis', 'Platelets by apheresis'],
    ['plasmapheresis', 'Plasma by apheresis'],
  ]);
  assert.deepEqual(procedure('plateletpheresis').yields, [
    { family: 'platelets', min: 1, max: 3 },
    { family: 'plasma', min: 0, max: 1 },
  ]);
  assert.deepEqual(procedure('double_red_cells').yields, [{ family: 'red_cells', min: 2, max: 2 }]);
  assert.deepEqual(procedure('plasmapheresis').yields, [{ family: 'plasma', min: 1, max: 2 }]);
  assert.deepEqual(procedure('whole_blood').yields.map((y) => [y.family, y.min, y.max]), [
    ['red_cells', 0, 1], ['platelets', 0, 1], ['plasma', 0, 1], ['cryoprecipitate', 0, 1],
  ]);
});

test('the product families, unit statuses and donor reactions', () => {
  assert.deepEqual(reference.families.map((f) => f.code),
    ['whole_blood', 'red_cells', 'platelets', 'plasma', 'cryoprecipitate', 'granulocytes']);
  assert.equal(reference.families.find((f) => f.code === 'red_cells').label, 'Red cells');
  assert.deepEqual(reference.unit_statuses.filter((s) => s.in_inventory).map((s) => s.code),
    ['quarantined', 'released', 'allocated', 'returned']);
  assert.deepEqual(reference.unit_statuses.filter((s) => s.final).map((s) => s.code),
    ['discarded', 'expired', 'transfused_reported']);
  assert.equal(reference.unit_statuses.find((s) => s.code === 'transfused_reported').label, 'Transfused (reported)');
  assert.deepEqual(reference.reactions, [
    { code: 'none', label: 'None' }, { code: 'mild', label: 'Mild' },
    { code: 'moderate', label: 'Moderate' }, { code: 'severe', label: 'Severe' },
  ]);
});

test('the measurements with their labels, units, kinds and ranges', () => {
  assert.deepEqual(reference.measurements.map((m) => m.name), ['weight_lb', 'height_in', 'hemoglobin', 'hematocrit',
    'temperature', 'systolic', 'diastolic', 'pulse', 'platelet_count', 'parental_consent']);
  const hemoglobin = measurement('hemoglobin');
  assert.deepEqual({ ...hemoglobin, help: undefined }, {
    name: 'hemoglobin', label: 'Hemoglobin', unit: 'g/dL', kind: 'tenths', min: 1, max: 30, decimals: 1, help: undefined,
  });
  assert.match(hemoglobin.help, /one decimal/);
  assert.deepEqual([measurement('temperature').unit, measurement('temperature').min, measurement('temperature').max], ['°C', 30, 45]);
  assert.deepEqual([measurement('weight_lb').label, measurement('weight_lb').unit, measurement('weight_lb').kind,
    measurement('weight_lb').min, measurement('weight_lb').max], ['Weight', 'lb', 'whole', 1, 1000]);
  assert.deepEqual([measurement('pulse').label, measurement('pulse').unit], ['Pulse', 'beats per minute']);
  assert.deepEqual({ ...measurement('parental_consent'), help: undefined }, {
    name: 'parental_consent', label: 'Parental consent', unit: '', kind: 'yes_no', min: null, max: null, decimals: 0, help: undefined,
  });
  for (const m of reference.measurements) {
    assert.ok(m.help.length > 5, `${m.name} has help`);
    if (m.kind !== 'yes_no') assert.ok(m.min < m.max, `${m.name} has a range`);
  }
});

test('the ranges are what the eligibility check accepts', async () => {
  await chain.setupCenter(srv, admin);
  const donor = await chain.registerDonor(srv, admin);
  const base = { procedure: 'whole_blood', weight_lb: 160, hemoglobin: '14.0', temperature: '36.8', systolic: 120, diastolic: 80, pulse: 70 };
  const url = `/api/v1/donors/${donor.donor_number}/eligibility`;
  for (const m of reference.measurements.filter((x) => x.kind !== 'yes_no')) {
    const step = m.decimals ? 0.1 : 1;
    const text = (value) => (m.decimals ? value.toFixed(m.decimals) : String(value));
    for (const value of [m.min, m.max]) {
      const r = await srv.api('POST', url, { token: admin.token, body: { ...base, [m.name]: text(value) } });
      assert.equal(r.status, 200, `${m.name} = ${text(value)}: ${r.text}`);
    }
    for (const value of [m.min - step, m.max + step]) {
      const r = await srv.api('POST', url, { token: admin.token, body: { ...base, [m.name]: text(value) } });
      assertError(r, 400, 'invalid_input', { field: m.name });
      assert.match(r.json.error.message, new RegExp(`from ${text(m.min).replace('.', '\\.')} to ${text(m.max).replace('.', '\\.')}$`));
    }
  }
});

test('what a procedure yields is what processing allows', async () => {
  chain.importDemoCatalog(srv);
  const donor = await chain.registerDonor(srv, admin);
  const collection = await chain.collect(srv, admin, {
    donor: donor.donor_number, procedure: 'plateletpheresis', platelet_count: 250, volume_ml: 300,
  });
  const platelets = procedure('plateletpheresis').yields.find((y) => y.family === 'platelets');
  const products = await srv.api('GET', '/api/v1/products?family=platelets', { token: admin.token });
  const product = products.json.items.find((p) => p.family === 'platelets').code;
  const over = await srv.api('POST', `/api/v1/collections/${collection.din}/process`, {
    token: admin.token, body: { components: Array(platelets.max + 1).fill({ product }) },
  });
  assertError(over, 400, 'invalid_input');
  const made = await srv.api('POST', `/api/v1/collections/${collection.din}/process`, {
    token: admin.token, body: { components: Array(platelets.max).fill({ product }) },
  });
  assert.equal(made.status, 201, made.text);
  assert.deepEqual(made.json.units.map((u) => u.division), ['A0', 'B0', 'C0']);
});
