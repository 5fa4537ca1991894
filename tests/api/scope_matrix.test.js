'use strict';
/*
 * scope_matrix.test.js - who may call what, generated from the API's own
 * description (GET /api/v1/openapi.json: every route with the capability it
 * needs) and run for every role, with records of two donor centers:
 * LA-01, where the member of center staff (carla) is assigned, and NY-01,
 * where she is not (docs/users.md, "Scope").
 *
 *   - every route x every role: a role whose capabilities do not allow the
 *     route is refused with 403, and nothing changes;
 *   - every route that names a donor, a collection, a unit or a deferral x
 *     carla: the NY-01 record is as if it were not there (404) and nothing
 *     changes; her reads of the LA-01 record answer;
 *   - her lists (donors, collections, inventory and its units, the release queue) hold
 *     LA-01's records only; a write naming NY-01 (a collection there, DINs
 *     of NY-01, a donor of NY-01) is refused naming the center;
 *   - the same requests from a member of the laboratory, who sees every
 *     center, answer.
 * A route this file cannot classify fails the test: a new route is added
 * to the matrix here.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const chain = require('./lib/chain');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');

const ROLES = ['admin', 'center_staff', 'lab', 'distribution', 'apheresis_nurse', 'contract_services',
  'finance', 'executive', 'auditor'];

let srv;
let admin;
const sessions = {}; // role -> session (center_staff: carla, of LA-01)
let matrix; // capability -> Set of roles
let operations; // [{method, path, capability}]
const records = { in: {}, out: {} }; // donor, din, unit, deferral of LA-01 / NY-01

/* A value for each path parameter, from the records of `side` (in or out
 * of carla's scope), or null when the route names no scoped record. */
function pathFor(path, side) {
  const r = records[side];
  const values = {
    '{donor_number}': r.donor,
    '{din}': r.din,
    '{code}': 'LA-01',
    '{username}': 'carla',
    '{name}': 'min_weight_lb',
    '{test}': 'HIV',
    '{line}': '1',
    '{family}': 'red_cells',
    '{abo}': 'A',
    '{serial}': 'NEVER-1',
  };
  let scoped = false;
  const filled = path.replace(/\{[a-z_]+\}/g, (param) => {
    if (param === '{id}') {
      scoped = true;
      if (path.startsWith('/api/v1/units/')) return String(r.unit);
      if (path.startsWith('/api/v1/deferrals/')) return String(r.deferral);
      scoped = false;
      return '1';
    }
    // A DIN's allocation (/api/v1/dins/{din}) is reference data: the DIN
    // itself names its facility. Its donation is the center's.
    if (param === '{donor_number}' || (param === '{din}' && !path.startsWith('/api/v1/dins/'))) scoped = true;
    assert.ok(param in values, `scope_matrix: no value for ${param} of ${path}: add it here`);
    return values[param];
  });
  return { path: filled, scoped };
}

/* A body of the right shape for each route that takes one (a refused
 * request must be refused for who asks, not for its shape). */
function bodyFor(method, path) {
  const bodies = {
    'POST /api/v1/logout': {},
    'POST /api/v1/users': { username: 'never', full_name: 'Never Made', roles: 'lab', password: 'never-password-1' },
    'POST /api/v1/users/{username}/password': { password: 'another-password-1' },
    'POST /api/v1/users/{username}/disable': { reason: 'matrix' },
    'PUT /api/v1/users/{username}/scope': { centers: 'NY-01' },
    'PUT /api/v1/company': { name: 'Matrix Blood Services' },
    'PUT /api/v1/users/{username}/roles': { roles: 'lab' },
    'POST /api/v1/users/{username}/enable': { reason: 'matrix' },
    'POST /api/v1/markets': { code: 'ZZ', name: 'Nowhere' },
    'PATCH /api/v1/markets/{code}': { name: 'Renamed' },
    'POST /api/v1/centers': { code: 'ZZ-01', name: 'Nowhere', market: 'LA' },
    'PATCH /api/v1/centers/{code}': { name: 'Renamed' },
    'POST /api/v1/centers/{code}/close': { close_date: chain.day(0), reason: 'matrix' },
    'POST /api/v1/hospitals': { code: 'ZZH', name: 'Nowhere Hospital', market: 'LA' },
    'PATCH /api/v1/hospitals/{code}': { name: 'Renamed' },
    'POST /api/v1/accounts': { code: '9999', name: 'Matrix', type: 'expense' },
    'POST /api/v1/journal': { date: chain.day(0), description: 'matrix', lines: [{ account: '1000', amount: '1.00' }, { account: '4000', amount: '-1.00' }] },
    'POST /api/v1/journal/{id}/reverse': { reason: 'matrix' },
    'POST /api/v1/periods/close': { period: '1999-01', password: 'wrong-password-1' },
    'POST /api/v1/shares': { period: '1999Q1', basic: 1, diluted: 1 },
    'POST /api/v1/donors': { family_name: 'Matrix', given_name: 'Never', birth_date: '1980-01-01', sex: 'F', home_center: 'NY-01' },
    'PATCH /api/v1/donors/{donor_number}': { phone: '555-0100' },
    'POST /api/v1/donors/{donor_number}/eligibility': { procedure: 'whole_blood' },
    'POST /api/v1/donors/{donor_number}/deferrals': { kind: 'temporary', reason_code: 'TRAVEL', until: chain.day(30) },
    'POST /api/v1/deferrals/{id}/end': { reason: 'matrix' },
    'PUT /api/v1/eligibility/settings/{name}': { value: 110 },
    'POST /api/v1/dins': { center: 'NY-01' },
    'POST /api/v1/collections': { ...chain.HEALTHY, donor: 'D0000001', center: 'NY-01' },
    'POST /api/v1/collections/{din}/process': { components: [{ product: 'E0300' }] },
    'POST /api/v1/units/{id}/discard': { reason: 'matrix' },
    'POST /api/v1/units/expiry-sweep': {},
    'POST /api/v1/test-results/import': { file_name: 'matrix.csv', content: 'din,test,result,date\n' },
    'PUT /api/v1/test-panel/{test}': { required: 'yes' },
    'POST /api/v1/releases': { units: [1], username: 'nobody', password: 'wrong-password-1' },
    'POST /api/v1/lookback-cases/{id}/steps': { step: 'notify_hospitals', done_on: chain.day(0) },
    'POST /api/v1/lookback-cases/{id}/close': { reason: 'matrix' },
    'POST /api/v1/test-results/upload': { content: 'din,test,result,date\n' },
    'POST /api/v1/test-results/{id}/amendments': { result: 'reactive', reason: 'matrix', username: 'nobody', password: 'wrong-password-1' },
    'POST /api/v1/typing-discrepancies/{id}/confirmation': { abo: 'A', rhd: 'POS', username: 'nobody', password: 'wrong-password-1' },
    'POST /api/v1/typing-discrepancies/{id}/release': { username: 'nobody', password: 'wrong-password-1' },
    'POST /api/v1/typing-discrepancies/{id}/discard': { reason: 'matrix' },
    'POST /api/v1/customers': { code: 'MATRIX', name: 'Matrix Devices' },
    'PATCH /api/v1/customers/{code}': { name: 'Renamed' },
    'POST /api/v1/invoices': { customer: 'NOBODY', date: chain.day(0) },
    'POST /api/v1/invoices/{id}/lines': { description: 'matrix', quantity: '1', price: '1.00', account: '4000' },
    'POST /api/v1/invoices/{id}/lines/{line}/remove': {},
    'POST /api/v1/invoices/{id}/issue': {},
    'PATCH /api/v1/invoices/{id}': { terms: 10 },
    'POST /api/v1/invoices/{id}/delete': {},
    'POST /api/v1/credits': { customer: 'NOBODY', date: chain.day(0), amount: '1.00', reason: 'matrix', account: '4000' },
    'POST /api/v1/payments': { customer: 'NOBODY', date: chain.day(0), amount: '1.00', reference: 'matrix' },
    'POST /api/v1/payments/{id}/apply': { date: chain.day(0), applications: [{ invoice: '1', amount: '1.00' }] },
    'POST /api/v1/applications/{id}/undo': { date: chain.day(0), reason: 'matrix' },
    'POST /api/v1/receivables/rates': { current: '101' },
    'POST /api/v1/receivables/allowance': { date: '1999-01-31', reason: 'matrix' },
    'POST /api/v1/invoices/{id}/write-off': { date: chain.day(0), reason: 'matrix' },
    'POST /api/v1/invoices/{id}/recover': { date: chain.day(0), amount: '1.00', reference: 'matrix' },
    'POST /api/v1/contracts': { hospital: 'NOWHERE', from: chain.day(0) },
    'POST /api/v1/contracts/{id}/prices': { family: 'red_cells', price: '1.00' },
    'POST /api/v1/contracts/{id}/surcharges': { kind: 'washed', price: '1.00' },
    'POST /api/v1/contracts/{id}/renewals': { from: chain.day(0) },
    'POST /api/v1/orders': { hospital: 'NOWHERE', priority: 'stat', needed_by: '2999-01-01T00:00Z' },
    'POST /api/v1/orders/{id}/lines': { family: 'red_cells', group: 'O POS', quantity: 1 },
    'POST /api/v1/orders/{id}/allocate': {},
    'POST /api/v1/orders/{id}/unallocate': {},
    'POST /api/v1/orders/{id}/cancel': { reason: 'matrix' },
    'POST /api/v1/standing-orders': { hospital: 'NOWHERE', priority: 'stat', days: 'mon', time: '07:00', from: chain.day(0) },
    'POST /api/v1/standing-orders/{id}/lines': { family: 'red_cells', group: 'O POS', quantity: 1 },
    'POST /api/v1/standing-orders/{id}/lines/{line}/remove': {},
    'POST /api/v1/standing-orders/{id}/stop': {},
    'POST /api/v1/standing-orders/run': { through: '2026-13-01' },
    'PUT /api/v1/substitutions/{family}/{abo}': { donors: 'Q' },
    'POST /api/v1/shipments': { order: 999999, scans: [{ din: 'W123426000001' }], temperature: '4', shipper: 'matrix' },
    'POST /api/v1/returns': { din: 'W1234', date: chain.day(0), temperature: '4', seal: 'intact', minutes_out: 0 },
    'PUT /api/v1/return-limits/{family}': { min_temperature: '1', max_temperature: '0' },
    'POST /api/v1/patients': { hospital: 'NOWHERE', mrn: 'M-1', family_name: 'Never', given_name: 'Made', birth_date: '1970-01-01', sex: 'female', height_m: '1.6', weight_kg: '60' },
    'PATCH /api/v1/patients/{id}': { height_m: '3' },
    'POST /api/v1/apheresis-orders': { patient: 999999, physician: 'Dr. Never', procedure_type: 'plasma_exchange', indication: 'none', asfa_category: 'I', asfa_grade: '1A', procedures: 1, frequency: 'daily', hct: '0.4', volumes: '1' },
    'POST /api/v1/apheresis-orders/{id}/cancel': { reason: 'matrix' },
    'POST /api/v1/apheresis-devices': { serial: 'MATRIX-1', model: 'Never', market: 'NOWHERE' },
    'POST /api/v1/apheresis-devices/{serial}/deactivate': {},
    'POST /api/v1/apheresis-bookings': { order: 999999, nurse: 'never', device: 'NEVER', start: '2026-13-01T00:00:00Z', end: '2026-13-01T01:00:00Z' },
    'POST /api/v1/apheresis-bookings/{id}/cancel': { reason: 'matrix' },
    'POST /api/v1/apheresis-procedures': { order: 999999, started_at: '2000-01-01T10:00:00Z', ended_at: '2000-01-01T11:00:00Z', device_serial: 'X', kit_lot: 'L', outcome: 'completed' },
    'PATCH /api/v1/apheresis-procedures/{id}': { kit_lot: 'L2' },
    'POST /api/v1/apheresis-procedures/{id}/sign': { password: 'wrong-password-1' },
    'POST /api/v1/apheresis-contracts': { hospital: 'NOWHERE', effective_from: chain.day(0), abort_percent: 50 },
    'PUT /api/v1/apheresis-contracts/{id}/prices': { procedure_type: 'plasma_exchange', price: '1.00' },
    'PUT /api/v1/apheresis-contracts/{id}/surcharges': { kind: 'weekend', amount: '1.00' },
    'PUT /api/v1/apheresis-costs': { item: 'nothing', amount: '1.00' },
    'POST /api/v1/management-contracts': { customer: 'NOBODY', kind: 'blood-center', market: 'LA', start: chain.day(0), monthly_fee: '1.00' },
    'POST /api/v1/management-contracts/{id}/terminate': { date: chain.day(0), reason: 'matrix' },
    'POST /api/v1/management-contracts/{id}/volumes': { period: '2004-13', units: 1 },
    'POST /api/v1/management-accruals': { period: '2004-13' },
    'POST /api/v1/trial-contracts': { sponsor: 'NOBODY', device: 'X', start: chain.day(0), end: chain.day(1), cap: '1.00' },
    'POST /api/v1/trial-contracts/{id}/fees': { kind: 'setup', price: '1.00' },
    'POST /api/v1/trial-contracts/{id}/sites': { name: 'X', country: 'US', city: 'Y', investigator: 'Z' },
    'POST /api/v1/trial-sites/{id}/tasks': { kind: 'setup', date: chain.day(0), password: 'wrong-password-1' },
    'POST /api/v1/trial-sites/{id}/training': { person: 'X', role: 'nurse', date: chain.day(0), trainer: 'Y' },
    'POST /api/v1/trial-sites/{id}/procedures': { procedure: 999999 },
    'PUT /api/v1/credit-line': { lender: 'Matrix Bank', limit: '1.00', from: chain.day(0), to: chain.day(1) },
    'POST /api/v1/credit-line/extend': { to: chain.day(2), agreed: chain.day(0) },
    'POST /api/v1/covenants': { kind: 'min_quick_ratio', threshold: '1.00', from: chain.day(0) },
    'POST /api/v1/covenants/{id}/end': { to: chain.day(1) },
  };
  if (method === 'GET') return undefined;
  const key = `${method} ${path}`;
  assert.ok(key in bodies, `scope_matrix: no body for ${key}: add one here`);
  return bodies[key];
}

async function call(role, method, path, body) {
  return srv.api(method, path, { token: sessions[role].token, body });
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  await chain.setupCenter(srv, admin, { market: 'LA', center: 'LA-01', fin: 'W1234' });
  await chain.setupCenter(srv, admin, { market: 'NY', center: 'NY-01', fin: 'W5678', name: 'Manhattan' });
  chain.importDemoCatalog(srv);
  for (const [side, center] of [['in', 'LA-01'], ['out', 'NY-01']]) {
    const donor = await chain.registerDonor(srv, admin, { home_center: center });
    const collection = await chain.collect(srv, admin, { donor: donor.donor_number, center });
    const units = await chain.processDonation(srv, admin, collection.din);
    const other = await chain.registerDonor(srv, admin, { home_center: center });
    const deferred = await srv.api('POST', `/api/v1/donors/${other.donor_number}/deferrals`,
      { token: admin.token, body: { kind: 'temporary', reason_code: 'TRAVEL', until: chain.day(20) } });
    assert.equal(deferred.status, 201, deferred.text);
    const deferral = deferred.json;
    records[side] = { donor: donor.donor_number, din: collection.din, unit: units[0].id, deferral: deferral.id };
  }
  for (const role of ROLES) {
    const username = role === 'center_staff' ? 'carla' : `m_${role}`.slice(0, 30);
    const password = await srv.addUser(admin, username, role, undefined, role === 'center_staff' ? { centers: 'LA-01' } : {});
    sessions[role] = await srv.login(username, password);
  }
  const list = srv.cli('capability', 'list', '--format', 'json');
  matrix = new Map(JSON.parse(list.stdout).map((row) => [row.capability, new Set(row.roles.split(','))]));
  const document = await srv.api('GET', '/api/v1/openapi.json', { token: admin.token });
  operations = [];
  for (const [path, methods] of Object.entries(document.json.paths))
    for (const [method, operation] of Object.entries(methods))
      operations.push({ method: method.toUpperCase(), path, capability: operation['x-capability'] || null });
});

after(async () => {
  if (srv) await srv.stop();
});

test('every route x every role: a role without the capability is refused with 403, and nothing changes', async () => {
  const before = srv.fingerprint();
  let refused = 0;
  for (const op of operations) {
    if (!op.capability) continue; // public: /health, /api/v1/login
    assert.ok(matrix.has(op.capability), `${op.method} ${op.path} needs an unknown capability ${op.capability}`);
    for (const role of ROLES) {
      if (matrix.get(op.capability).has(role)) continue;
      const { path } = pathFor(op.path, 'in');
      const r = await call(role, op.method, path, bodyFor(op.method, op.path));
      assert.equal(r.status, 403, `${role}: ${op.method} ${path}: ${r.text}`);
      assert.equal(r.json.error.code, 'forbidden');
      refused += 1;
    }
  }
  assert.ok(refused > 200, `refusals tried: ${refused}`);
  assert.equal(srv.fingerprint(), before, 'nothing changed');
});

test('every route naming a scoped record x the center staff: another center\'s record is not there, and nothing changes', async () => {
  const before = srv.fingerprint();
  let tried = 0;
  for (const op of operations) {
    if (!op.capability || !matrix.get(op.capability).has('center_staff')) continue;
    const { path, scoped } = pathFor(op.path, 'out');
    if (!scoped) continue;
    const r = await call('center_staff', op.method, path, bodyFor(op.method, op.path));
    assert.equal(r.status, 404, `carla: ${op.method} ${path} (NY-01): ${r.text}`);
    tried += 1;
  }
  assert.ok(tried >= 10, `scoped routes tried: ${tried}`);
  assert.equal(srv.fingerprint(), before, 'nothing changed');
});

test('the center staff read their own center\'s records; the lab reads both centers\'', async () => {
  for (const op of operations.filter((o) => o.method === 'GET' && o.capability)) {
    const inside = pathFor(op.path, 'in');
    if (!inside.scoped) continue;
    for (const [role, side] of [['center_staff', 'in'], ['lab', 'in'], ['lab', 'out']]) {
      if (!matrix.get(op.capability).has(role)) continue;
      const { path } = pathFor(op.path, side);
      const r = await call(role, 'GET', path);
      assert.ok(r.status === 200 || (r.status === 409 && path.endsWith('/label')), `${role}: GET ${path}: ${r.status} ${r.text}`);
    }
  }
});

test('the center staff\'s lists hold their center\'s records only', async () => {
  const donors = await call('center_staff', 'GET', '/api/v1/donors');
  assert.ok(donors.json.items.length >= 2);
  assert.ok(donors.json.items.every((d) => d.home_center === 'LA-01'), JSON.stringify(donors.json.items.map((d) => d.home_center)));
  const everyDonor = await call('lab', 'GET', '/api/v1/donors');
  assert.ok(everyDonor.json.items.some((d) => d.home_center === 'NY-01'));

  const collections = await call('center_staff', 'GET', '/api/v1/collections');
  assert.deepEqual(collections.json.items.map((c) => c.center), ['LA-01']);
  const inventory = await call('center_staff', 'GET', '/api/v1/inventory');
  assert.ok(inventory.json.rows.length > 0);
  assert.ok(inventory.json.rows.every((row) => row.center === 'LA-01'), JSON.stringify(inventory.json.rows));
  // The units behind the inventory's counts: hers, as many as it counts.
  const units = await call('center_staff', 'GET', '/api/v1/units?sort=expires_at&limit=500');
  assert.equal(units.json.total, inventory.json.totals.count);
  assert.ok(units.json.items.every((unit) => unit.center === 'LA-01'), JSON.stringify(units.json.items));
  const labUnits = await call('lab', 'GET', '/api/v1/units?limit=500');
  assert.ok(labUnits.json.items.some((unit) => unit.center === 'NY-01'));
  const queue = await call('center_staff', 'GET', '/api/v1/release-queue');
  assert.ok(queue.json.items.length > 0);
  assert.ok(queue.json.items.every((item) => item.center === 'LA-01'));
  const labQueue = await call('lab', 'GET', '/api/v1/release-queue');
  assert.ok(labQueue.json.items.some((item) => item.center === 'NY-01'));
  // Her worklist: today's collections of LA-01 only; the lab's has no center work.
  const worklist = await call('center_staff', 'GET', '/api/v1/worklist');
  const today = worklist.json.sections.find((s) => s.name === 'collections_today');
  assert.deepEqual([today.count, today.items.map((c) => c.din)], [1, [records.in.din]]);
  const labWorklist = await call('lab', 'GET', '/api/v1/worklist');
  assert.deepEqual(labWorklist.json.sections.map((s) => s.area), ['laboratory', 'laboratory', 'laboratory']);
});

test('a write naming another center is refused naming the field, and nothing changes; at her own center it is done', async () => {
  const before = srv.fingerprint();
  for (const [method, path, body, field] of [
    ['POST', '/api/v1/collections', { ...chain.HEALTHY, donor: records.in.donor, center: 'NY-01' }, 'center'],
    ['POST', '/api/v1/dins', { center: 'NY-01' }, 'center'],
    ['POST', '/api/v1/donors', { family_name: 'Elsewhere', given_name: 'Ana', birth_date: '1981-02-03', sex: 'F', home_center: 'NY-01' }, 'home_center'],
    ['PATCH', `/api/v1/donors/${records.in.donor}`, { home_center: 'NY-01' }, 'home_center'],
  ]) {
    const r = await call('center_staff', method, path, body);
    assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
    assert.equal(r.json.error.field, field);
    assert.match(r.json.error.message, /not assigned to the donor center NY-01/);
  }
  assert.equal(srv.fingerprint(), before, 'nothing changed');
  const cli = srv.cli('user', 'list', '--format', 'json');
  assert.equal(cli.status, 0, 'the command line acts as the local operator, whom no scope limits');

  const registered = await call('center_staff', 'POST', '/api/v1/donors', { family_name: 'Here', given_name: 'Ana', birth_date: '1981-02-03', sex: 'F' });
  assert.equal(registered.status, 201, registered.text);
  assert.equal(registered.json.home_center, 'LA-01', 'her only center, when none is given');
  const dins = await call('center_staff', 'POST', '/api/v1/dins', { center: 'LA-01' });
  assert.equal(dins.status, 201, dins.text);
});
