'use strict';
/*
 * collections.test.js - collections, components, units, the DIN lookup,
 * inventory and the expiry sweep (docs/collections.md), over the API and the
 * command line, on either backend.
 *
 * A collection takes the center's next DIN, or a DIN scanned (or typed)
 * from a label pre-printed for that center; a DIN of another center, one
 * used already and one never allocated are refused naming "din". A donor
 * who is not eligible (low hemoglobin; too soon after a whole blood
 * donation) is refused naming the rule's field, with nothing written and
 * the DIN sequence unmoved; every bad input is refused naming its field,
 * nothing changed. Whole blood becomes red cells, plasma and platelets
 * with their expiries from the catalog (42 days -> day+42 at 23:59 on the
 * center's clock: the centers here keep the default zone, Los Angeles, and
 * the days of this file are its days),
 * apheresis platelets split in three (A0, B0, C0); a collection is
 * processed once, and bad component lists change nothing. The lookup
 * answers for every form of the DIN. Discard moves a unit through its
 * state machine and a second discard names the current status. Inventory
 * counts by center, family, group, status and band; the sweep expires an
 * outdated unit, which inventory then no longer counts. Roles: finance
 * reads nothing here, lab cannot record, only an administrator sweeps.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startServer, assertError, ADMIN_PASSWORD, REPO } = require('./lib/server');
const { eyeReadable, day, endOfDay, clockIn, ZONE } = require('./lib/chain');

const DEMO = path.join(REPO, 'data/catalog-demo.csv');
/* The DIN's nominal year: this year where the centers are. */
const YEAR = day(0).slice(2, 4);

let srv;
let admin;
let staff;
let lab;
let finance;

/* A date plus days, as YYYY-MM-DD. */
function plus(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function unchanged(request) {
  const before = srv.fingerprint();
  const response = await request();
  assert.equal(srv.fingerprint(), before, `the database changed after: ${response.status} ${response.text}`);
  return response;
}

function api(method, url, session, body) {
  return srv.api(method, url, { token: session.token, body });
}

function cliOk(...args) {
  const r = srv.cli(...args);
  assert.equal(r.status, 0, `bloodops ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/* A new donor (a different person each time): the donor number. */
let donors = 0;
async function donor(sex = 'M') {
  donors += 1;
  const letters = String.fromCharCode(65 + (donors % 26), 65 + Math.floor(donors / 26));
  const r = await api('POST', '/api/v1/donors', admin, {
    family_name: `Donor${letters}`,
    given_name: 'Test',
    birth_date: '1980-05-17',
    sex,
  });
  assert.equal(r.status, 201, r.text);
  return r.json.donor_number;
}

/* The measurements of a healthy male donor. */
const VITALS = { weight_lb: 170, height_in: 70, hemoglobin: 14.1, temperature: 36.8, systolic: 120, diastolic: 80, pulse: 70 };

function collectionBody(donorNumber, extra = {}) {
  return { donor: donorNumber, center: 'LA-01', procedure: 'whole_blood', volume_ml: 500, device: 'scale 7', ...VITALS, ...extra };
}

async function record(body, session = staff) {
  const r = await api('POST', '/api/v1/collections', session, body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function process(din, components, session = lab) {
  const r = await api('POST', `/api/v1/collections/${encodeURIComponent(din)}/process`, session, { components });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

/* JSON as audit records store it: compact, object keys in byte order. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function lastSequence(fin) {
  const r = srv.sql(`SELECT last_sequence FROM din_sequences WHERE fin = '${fin}'`);
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim() || 0);
}

/* Allocate one DIN for a center: {din, flags, check_character, eye_readable}. */
async function allocate(center) {
  const r = await api('POST', '/api/v1/dins', admin, { center });
  assert.equal(r.status, 201, r.text);
  return r.json.dins[0];
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const setup = [
    ['/api/v1/markets', { code: 'SOCAL', name: 'Southern California' }],
    ['/api/v1/centers', { code: 'LA-01', name: 'Westside', market: 'SOCAL', fin: 'W1234', open_date: '2001-03-15' }],
    ['/api/v1/centers', { code: 'LA-02', name: 'Downtown', market: 'SOCAL', fin: 'W5555', open_date: '2001-03-15' }],
    ['/api/v1/centers', { code: 'LA-03', name: 'Valley', market: 'SOCAL', fin: 'W6666', open_date: '2001-03-15' }],
    ['/api/v1/centers', { code: 'NEW', name: 'Brand New', market: 'SOCAL', fin: 'W7777', open_date: day(-3) }],
    ['/api/v1/centers', { code: 'NOFIN', name: 'No Facility Number', market: 'SOCAL', open_date: '2001-03-15' }],
    ['/api/v1/centers', { code: 'OLD', name: 'Old Town', market: 'SOCAL', fin: 'W3333', open_date: '1995-05-05' }],
  ];
  for (const [p, body] of setup) {
    const r = await api('POST', p, admin, body);
    assert.equal(r.status, 201, `${p}: ${r.text}`);
  }
  const closed = await api('POST', '/api/v1/centers/OLD/close', admin, { close_date: '2003-12-31', reason: 'restructuring plan' });
  assert.equal(closed.status, 200, closed.text);
  cliOk('catalog', 'import', DEMO);
  await srv.addUser(admin, 'staff1', 'center_staff', undefined, { centers: 'all' });
  await srv.addUser(admin, 'lab1', 'lab');
  await srv.addUser(admin, 'fin1', 'finance');
  staff = await srv.login('staff1', 'staff1-password-1');
  lab = await srv.login('lab1', 'lab1-password-1');
  finance = await srv.login('fin1', 'fin1-password-1');
});

after(() => srv.stop());

/* --- recording -------------------------------------------------------------- */

test('a collection takes the center\'s next DIN and is audited', async () => {
  const number = await donor();
  const before = lastSequence('W1234');
  const c = await record(collectionBody(number, { reaction: 'mild', reaction_note: 'felt faint, recovered' }));
  const sequence = String(before + 1).padStart(6, '0');
  assert.equal(c.din, `W1234${YEAR}${sequence}`);
  assert.match(c.eye_readable, new RegExp(`^W1234 ${YEAR} ${sequence} \\[[0-9A-Z*]\\]$`));
  assert.deepEqual(
    { ...c, eye_readable: undefined, collected_at: undefined },
    {
      din: c.din,
      eye_readable: undefined,
      donor_number: number,
      center: 'LA-01',
      procedure: 'whole_blood',
      collected_at: undefined,
      device: 'scale 7',
      volume_ml: 500,
      reaction: 'mild',
      staff: 'staff1',
      processed: false,
      parental_consent: false,
      time_zone: 'America/Los_Angeles',
      donor_group: 'untyped',
    },
  );
  assert.ok(Math.abs(Date.parse(c.collected_at) - Date.now()) < 60000, c.collected_at);
  assert.equal(lastSequence('W1234'), before + 1);
  // The DIN is the center's, and the collection is on record with its measurements.
  const din = await api('GET', `/api/v1/dins/${c.din}`, admin);
  assert.equal(din.json.center, 'LA-01');
  const shown = await api('GET', `/api/v1/collections/${c.din}`, lab);
  assert.equal(shown.status, 200, shown.text);
  assert.equal(shown.json.hemoglobin, '14.1');
  assert.equal(shown.json.temperature, '36.8');
  assert.equal(shown.json.weight_lb, 170);
  assert.equal(shown.json.systolic, 120);
  assert.equal(shown.json.platelet_count, null);
  assert.equal(shown.json.reaction_note, 'felt faint, recovered');
  assert.equal(shown.json.processed_at, null);
  const audit = await api('GET', '/api/v1/audit?entity=collection&limit=500', admin);
  const entry = audit.json.items.find((item) => item.entity_id === c.din);
  assert.ok(entry, `an audit record for ${c.din}`);
  assert.equal(entry.action, 'record');
  assert.equal(entry.actor, 'staff1');
  assert.equal(entry.after.din_allocated, true);
  assert.equal(entry.after.parental_consent, false);
  assert.equal(entry.after.hemoglobin, '14.1');
  // The record holds the collection as it is on file (written from the
  // values recorded, not read back: they must not drift apart), stored as
  // canonical JSON: compact, keys in order.
  assert.deepEqual(entry.after, { ...shown.json, din_allocated: true });
  const stored = srv.sql(`SELECT after_json FROM audit_log WHERE entity = 'collection' AND entity_id = '${c.din}'`);
  assert.equal(stored.status, 0, stored.stderr);
  assert.equal(stored.stdout.trim(), canonical(entry.after));
});

test('a DIN scanned or typed from a label pre-printed for the center is used as it is', async () => {
  const label = await allocate('LA-01');
  const sequence = lastSequence('W1234');
  const scanned = await record(collectionBody(await donor(), { din: `=${label.din}${label.flags}` }));
  assert.equal(scanned.din, label.din);
  assert.equal(scanned.eye_readable, label.eye_readable);
  const typed = await allocate('LA-01');
  const byHand = await record(collectionBody(await donor(), { din: `${typed.din}${typed.check_character}`.toLowerCase() }));
  assert.equal(byHand.din, typed.din);
  assert.equal(lastSequence('W1234'), sequence + 1, 'only the second label moved the sequence');
});

test('a DIN of another center, a used DIN and one never allocated are refused, nothing changed', async () => {
  const other = await allocate('LA-02');
  const number = await donor();
  assertError(
    await unchanged(() => api('POST', '/api/v1/collections', staff, collectionBody(number, { din: other.din }))),
    400,
    'invalid_input',
    { field: 'din', message: 'allocated to donor center LA-02, not LA-01' },
  );
  const used = await record(collectionBody(await donor()));
  assertError(
    await unchanged(() => api('POST', '/api/v1/collections', staff, collectionBody(number, { din: used.din }))),
    409,
    'conflict',
    { field: 'din', message: 'already used' },
  );
  assertError(
    await unchanged(() => api('POST', '/api/v1/collections', staff, collectionBody(number, { din: `W1234${YEAR}999999` }))),
    400,
    'invalid_input',
    { field: 'din', message: 'not allocated' },
  );
  const label = await allocate('LA-01');
  const wrong = label.check_character === 'A' ? 'B' : 'A';
  assertError(
    await unchanged(() => api('POST', '/api/v1/collections', staff, collectionBody(number, { din: `${label.din}${wrong}` }))),
    400,
    'invalid_input',
    { field: 'din' },
  );
});

test('an ineligible donor is refused naming the rule, nothing written, the DIN sequence unmoved', async () => {
  const low = await donor();
  const before = lastSequence('W1234');
  const r = await unchanged(() => api('POST', '/api/v1/collections', staff, collectionBody(low, { hemoglobin: 11.9 })));
  assertError(r, 409, 'conflict', { field: 'hemoglobin', message: /not eligible for whole_blood/ });
  assert.match(r.json.error.message, /hemoglobin 11\.9/);
  assert.equal(lastSequence('W1234'), before);

  // Too soon after a whole blood donation ten days ago.
  const regular = await donor();
  await record(collectionBody(regular, { collected_at: `${day(-10)}T09:30:00Z` }));
  const sequence = lastSequence('W1234');
  const soon = await unchanged(() => api('POST', '/api/v1/collections', staff, collectionBody(regular)));
  assertError(soon, 409, 'conflict', { field: 'procedure', message: /not eligible/ });
  assert.equal(lastSequence('W1234'), sequence);
  // Several failures: every reason is listed, the first one's field named.
  const several = await unchanged(() =>
    api('POST', '/api/v1/collections', staff, collectionBody(low, { weight_lb: 100, pulse: 130 })),
  );
  assertError(several, 409, 'conflict', { field: 'weight_lb' });
  assert.match(several.json.error.message, /weight 100 lb.*; .*pulse 130/);
});

test('bad collection input is refused naming the field, nothing changed', async () => {
  const number = await donor();
  const cases = [
    [{ donor: undefined }, 400, 'donor'],
    [{ donor: 'D9999999' }, 404, 'donor'],
    [{ center: 'NOPE' }, 400, 'center'],
    [{ center: 'OLD' }, 409, 'center'],
    [{ center: 'NOFIN' }, 409, 'center'],
    [{ procedure: 'platelets' }, 400, 'procedure'],
    [{ volume_ml: undefined }, 400, 'volume_ml'],
    [{ volume_ml: 0 }, 400, 'volume_ml'],
    [{ volume_ml: 1001 }, 400, 'volume_ml'],
    [{ volume_ml: 'much' }, 400, 'volume_ml'],
    [{ reaction: 'awful' }, 400, 'reaction'],
    [{ collected_at: `${day(1)}T09:30:00Z` }, 400, 'collected_at'],
    [{ collected_at: '2026-02-30T09:30:00Z' }, 400, 'collected_at'],
    [{ collected_at: 'yesterday' }, 400, 'collected_at'],
    [{ center: 'NEW', collected_at: `${day(-4)}T09:30:00Z` }, 400, 'collected_at'],
    [{ hemoglobin: 'high' }, 400, 'hemoglobin'],
    [{ temperature: true }, 400, 'temperature'],
    [{ systolic: undefined }, 400, 'systolic'],
    [{ device: 'a\nb' }, 400, 'device'],
    [{ reaction_note: 'x'.repeat(501) }, 400, 'reaction_note'],
    [{ din: 'W1234' }, 400, 'din'],
    [{ color: 'red' }, 400, 'color'],
    [{ parental_consent: 'yes' }, 400, 'parental_consent'],
  ];
  for (const [change, status, field] of cases) {
    const body = collectionBody(number, change);
    for (const key of Object.keys(change)) if (change[key] === undefined) delete body[key];
    const r = await unchanged(() => api('POST', '/api/v1/collections', staff, body));
    assert.equal(r.status, status, `${JSON.stringify(change)}: ${r.text}`);
    assert.equal(r.json.error.field, field, `${JSON.stringify(change)}: ${r.text}`);
  }
  // Lab and finance may not record; finance reads nothing here.
  assertError(await unchanged(() => api('POST', '/api/v1/collections', lab, collectionBody(number))), 403, 'forbidden');
  assertError(await api('GET', '/api/v1/collections', finance), 403, 'forbidden');
  assertError(await api('GET', '/api/v1/inventory', finance), 403, 'forbidden');
  // A center that opened three days ago takes collections from then on.
  const opened = await record(collectionBody(number, { center: 'NEW', collected_at: `${day(-2)}T09:30:00Z` }));
  assert.match(opened.din, /^W7777/);
});

/* --- processing --------------------------------------------------------------- */

test('whole blood is processed into red cells, plasma and platelets with the catalog\'s expiries', async () => {
  const collectedOn = day(-1);
  const c = await record(collectionBody(await donor(), { collected_at: `${collectedOn}T16:45:00Z` }));
  // The laboratory has typed the donation already: the units carry its group.
  for (const [test, result] of [['ABO', 'O'], ['RHD', 'POS']]) {
    const r = srv.sql(`INSERT INTO test_results (din, test, result, tested_on) VALUES ('${c.din}', '${test}', '${result}', '${day(0)}')`);
    assert.equal(r.status, 0, r.stderr);
  }
  const made = await process(c.din, [{ product: 'E0300', volume_ml: 280 }, { product: 'e0500' }, { product: 'E0400' }]);
  assert.equal(made.din, c.din);
  const shape = made.units.map((u) => [u.product_code, u.division, u.family, u.status, u.volume_ml, u.expires_at, u.abo, u.rhd, u.hold]);
  assert.deepEqual(shape, [
    ['E0300', '00', 'red_cells', 'quarantined', 280, endOfDay(plus(collectedOn, 42)), 'O', 'POS', null],
    ['E0500', '00', 'plasma', 'quarantined', 250, endOfDay(plus(collectedOn, 365)), 'O', 'POS', null],
    ['E0400', '00', 'platelets', 'quarantined', 250, endOfDay(plus(collectedOn, 5)), 'O', 'POS', null],
  ]);
  assert.match(made.units[0].description, /^RED BLOOD CELLS/);

  // Each unit's creation is its first event, and audited.
  const unit = await api('GET', `/api/v1/units/${made.units[0].id}`, staff);
  assert.equal(unit.status, 200, unit.text);
  assert.equal(unit.json.din, c.din);
  assert.equal(unit.json.center, 'LA-01');
  assert.equal(unit.json.eye_readable, c.eye_readable);
  assert.equal(unit.json.events.length, 1);
  assert.equal(unit.json.events[0].from_status, null);
  assert.equal(unit.json.events[0].to_status, 'quarantined');
  assert.equal(unit.json.events[0].actor, 'lab1');
  const audit = await api('GET', '/api/v1/audit?entity=unit&limit=500', admin);
  assert.ok(audit.json.items.some((item) => item.entity_id === `${c.din} E0300 00` && item.action === 'create'));

  const shown = await api('GET', `/api/v1/collections/${c.din}`, staff);
  assert.equal(shown.json.processed, true);
  assert.ok(shown.json.processed_at);
  // Processed once only.
  assertError(
    await unchanged(() => api('POST', `/api/v1/collections/${c.din}/process`, lab, { components: [{ product: 'E0600' }] })),
    409,
    'conflict',
    { field: 'din', message: 'processed once' },
  );
});

test('apheresis platelets split in three take divisions A0, B0, C0; double red cells A0, B0', async () => {
  const platelets = await record(
    collectionBody(await donor(), { procedure: 'plateletpheresis', platelet_count: 250, volume_ml: 300, device: 'Trima' }),
  );
  const split = await process(platelets.din, [{ product: 'E0400' }, { product: 'E0400' }, { product: 'E0401' }, { product: 'E0503' }]);
  assert.deepEqual(
    split.units.map((u) => `${u.product_code} ${u.division} ${u.family}`),
    ['E0400 A0 platelets', 'E0400 B0 platelets', 'E0401 C0 platelets', 'E0503 00 plasma'],
  );
  const double = await record(collectionBody(await donor(), { procedure: 'double_red_cells', volume_ml: 400 }));
  const reds = await process(double.din, [{ product: 'E0300' }, { product: 'E0300' }], staff);
  assert.deepEqual(reds.units.map((u) => u.division), ['A0', 'B0']);
});

test('bad component lists are refused naming the component, nothing changed', async () => {
  const c = await record(collectionBody(await donor()));
  const url = `/api/v1/collections/${c.din}/process`;
  const cases = [
    [{ components: [] }, 400, 'components'],
    [{ components: [{ product: 'E9999' }] }, 400, 'components[0].product'],
    [{ components: [{ product: 'X1' }] }, 400, 'components[0].product'],
    [{ components: [{ product: 'E0300          X' }] }, 400, 'components[0].product'],
    [{ components: [{ product: 'E0300' }, { product: 'E0700' }] }, 400, 'components[1].product'],
    [{ components: [{ product: 'E0300' }, { product: 'E0301' }] }, 400, 'components[1].product'],
    [{ components: [{ product: 'E0300', volume_ml: 0 }] }, 400, 'components[0].volume_ml'],
    [{ components: [{ product: 'E0300', volume_ml: 'lots' }] }, 400, 'components[0].volume_ml'],
    [{ components: [{ volume_ml: 200 }] }, 400, 'components[0].product'],
    [{ components: [{ product: 'E0300', colour: 'red' }] }, 400, 'components[0].colour'],
    [{ components: Array(5).fill({ product: 'E0300' }) }, 400, 'components'],
    [{}, 400, 'components'],
  ];
  for (const [body, status, field] of cases) {
    const r = await unchanged(() => api('POST', url, lab, body));
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.field, field, `${JSON.stringify(body)}: ${r.text}`);
  }
  assertError(
    await unchanged(() => api('POST', `/api/v1/collections/W1234${YEAR}999998/process`, lab, { components: [{ product: 'E0300' }] })),
    404,
    'not_found',
    { field: 'din' },
  );
  assertError(await unchanged(() => api('POST', url, finance, { components: [{ product: 'E0300' }] })), 403, 'forbidden');
  // Double red cells make exactly two red cell units.
  const double = await record(collectionBody(await donor(), { procedure: 'double_red_cells', volume_ml: 400 }));
  assertError(
    await unchanged(() => api('POST', `/api/v1/collections/${double.din}/process`, lab, { components: [{ product: 'E0300' }] })),
    400,
    'invalid_input',
    { field: 'components', message: '1 red_cells unit given' },
  );
});

test('at the same time, a label is used once and a collection processed once', async () => {
  const label = await allocate('LA-01');
  const numbers = [];
  for (let i = 0; i < 5; i++) numbers.push(await donor());
  const records = await Promise.all(
    numbers.map((number) => api('POST', '/api/v1/collections', staff, collectionBody(number, { din: label.din }))),
  );
  assert.deepEqual(records.map((r) => r.status).sort(), [201, 409, 409, 409, 409], records.map((r) => r.text).join('\n'));
  for (const r of records.filter((x) => x.status === 409)) assert.equal(r.json.error.field, 'din', r.text);
  const processes = await Promise.all(
    [1, 2, 3, 4, 5].map(() => api('POST', `/api/v1/collections/${label.din}/process`, lab, { components: [{ product: 'E0300' }] })),
  );
  assert.deepEqual(processes.map((r) => r.status).sort(), [201, 409, 409, 409, 409], processes.map((r) => r.text).join('\n'));
  const found = await api('GET', `/api/v1/donations/${label.din}`, lab);
  assert.equal(found.json.units.length, 1);
  // A unit changes status once, however many ask at once.
  const discards = await Promise.all(
    [1, 2, 3, 4].map((n) => api('POST', `/api/v1/units/${found.json.units[0].id}/discard`, staff, { reason: `seen broken ${n}` })),
  );
  assert.deepEqual(discards.map((r) => r.status).sort(), [200, 409, 409, 409], discards.map((r) => r.text).join('\n'));
  const unit = await api('GET', `/api/v1/units/${found.json.units[0].id}`, lab);
  assert.equal(unit.json.events.length, 2);
});

/* --- lookup, units, discard --------------------------------------------------- */

test('the DIN lookup answers for every form of the DIN', async () => {
  const label = await allocate('LA-01');
  const c = await record(collectionBody(await donor(), { din: label.din }));
  await process(c.din, [{ product: 'E0300' }, { product: 'E0500' }]);
  const r = srv.sql(`INSERT INTO test_results (din, test, result, tested_on) VALUES ('${c.din}', 'HIV', 'nonreactive', '${day(0)}')`);
  assert.equal(r.status, 0, r.stderr);
  const forms = [
    c.din,
    c.din.toLowerCase(),
    `${c.din}${label.check_character}`,
    label.eye_readable,
    `=${c.din}${label.flags}`,
    `=${c.din}00`,
    `${c.din.slice(0, 5)} ${c.din.slice(5, 7)} ${c.din.slice(7)}`,
  ];
  for (const form of forms) {
    const found = await api('GET', `/api/v1/donations/${encodeURIComponent(form)}`, lab);
    assert.equal(found.status, 200, `${form}: ${found.text}`);
    assert.equal(found.json.din, c.din, form);
  }
  const found = await api('GET', `/api/v1/donations/${c.din}`, admin);
  assert.deepEqual(Object.keys(found.json).sort(), [
    'center', 'collected_at', 'din', 'donor_number', 'eye_readable', 'procedure', 'processed', 'tests', 'time_zone', 'units',
  ]);
  assert.equal(found.json.time_zone, 'America/Los_Angeles');
  assert.equal(found.json.processed, true);
  assert.equal(found.json.donor_number, c.donor_number);
  assert.deepEqual(found.json.tests, [{ test: 'HIV', result: 'nonreactive', tested_on: day(0) }]);
  assert.deepEqual(Object.keys(found.json.units[0]).sort(), [
    'abo', 'days_to_expiry', 'description', 'division', 'expires_at', 'expiry_band', 'family', 'hold', 'id', 'product_code',
    'rhd', 'status', 'volume_ml',
  ]);
  // How near each unit is to its expiry: the days to its expiry date, both
  // days of the center (the expiry is 23:59 there, the next day in UTC).
  for (const unit of found.json.units) {
    const on = clockIn(ZONE, new Date(unit.expires_at));
    const days = Math.round((Date.UTC(on.year, on.month - 1, on.day) - Date.parse(day(0))) / 86400000);
    assert.equal(unit.days_to_expiry, days, unit.product_code);
    assert.equal(unit.expiry_band, '15+', unit.product_code);
  }
  assert.deepEqual(found.json.units.map((u) => u.product_code), ['E0300', 'E0500']);
  assertError(await api('GET', `/api/v1/donations/W1234${YEAR}999997`, lab), 404, 'not_found', { field: 'din' });
  const wrong = label.check_character === 'A' ? 'B' : 'A';
  assertError(await api('GET', `/api/v1/donations/${c.din}${wrong}`, lab), 400, 'invalid_input', { field: 'din' });
  assertError(await api('GET', '/api/v1/donations/nonsense', lab), 400, 'invalid_input', { field: 'din' });
  assertError(await api('GET', `/api/v1/donations/${c.din}`, finance), 403, 'forbidden');
});

test('discarding a unit records why; an illegal move names the current status', async () => {
  const c = await record(collectionBody(await donor()));
  const made = await process(c.din, [{ product: 'E0300' }]);
  const id = made.units[0].id;
  assertError(await unchanged(() => api('POST', `/api/v1/units/${id}/discard`, staff, {})), 400, 'invalid_input', { field: 'reason' });
  assertError(await unchanged(() => api('POST', `/api/v1/units/${id}/discard`, staff, { reason: '  ' })), 400, 'invalid_input', {
    field: 'reason',
  });
  assertError(await unchanged(() => api('POST', `/api/v1/units/${id}/discard`, finance, { reason: 'x' })), 403, 'forbidden');
  assertError(await unchanged(() => api('POST', '/api/v1/units/999999/discard', staff, { reason: 'x' })), 404, 'not_found', {
    field: 'unit',
  });
  assertError(await api('GET', '/api/v1/units/abc', staff), 404, 'not_found', { field: 'unit' });

  const discarded = await api('POST', `/api/v1/units/${id}/discard`, staff, { reason: 'bag leaking at the port' });
  assert.equal(discarded.status, 200, discarded.text);
  assert.equal(discarded.json.status, 'discarded');
  assert.deepEqual(
    discarded.json.events.map((ev) => [ev.from_status, ev.to_status, ev.reason, ev.actor]),
    [
      [null, 'quarantined', 'made in quarantine from its collection', 'lab1'],
      ['quarantined', 'discarded', 'bag leaking at the port', 'staff1'],
    ],
  );
  const again = await unchanged(() => api('POST', `/api/v1/units/${id}/discard`, staff, { reason: 'twice' }));
  assertError(again, 409, 'conflict', { field: 'status', message: 'unit is discarded: it cannot become discarded' });
  const lookup = await api('GET', `/api/v1/donations/${c.din}`, staff);
  assert.equal(lookup.json.units[0].status, 'discarded');
});

/* --- inventory and the sweep ---------------------------------------------------- */

test('inventory counts units by center, family, group, status and days to expiry; the sweep expires the outdated', async () => {
  // LA-03 only: platelets (5 days) collected 4 and 2 days ago and twice
  // today (one of those past its expiry, not swept yet), red cells (42
  // days) 30 days ago, typed O POS; one unit discarded.
  const at = (daysAgo) => (daysAgo ? `${day(-daysAgo)}T08:00:00Z` : undefined);
  const platelets = async (daysAgo) => {
    const c = await record(
      collectionBody(await donor(), { center: 'LA-03', procedure: 'plateletpheresis', platelet_count: 240, volume_ml: 250, collected_at: at(daysAgo) }),
    );
    return (await process(c.din, [{ product: 'E0400' }])).units[0];
  };
  // Platelets collected six days ago are past their shelf life: not made.
  const late = await record(
    collectionBody(await donor(), { center: 'LA-03', procedure: 'plateletpheresis', platelet_count: 240, volume_ml: 250, collected_at: at(6) }),
  );
  assertError(
    await unchanged(() => api('POST', `/api/v1/collections/${late.din}/process`, lab, { components: [{ product: 'E0400' }] })),
    400,
    'invalid_input',
    { field: 'components[0].product', message: new RegExp(`would have expired at ${day(-1)} 23:59 P[SD]T`) },
  );
  // One made in time stays on the shelf past its expiry until the sweep.
  const outdated = await platelets(0);
  srv.sql(`UPDATE units SET expires_at = '${endOfDay(day(-1))}' WHERE id = ${outdated.id}`);
  await platelets(4);
  await platelets(2);
  await platelets(0);
  const reds = await record(collectionBody(await donor(), { center: 'LA-03', collected_at: at(30) }));
  srv.sql(`INSERT INTO test_results (din, test, result, tested_on) VALUES ('${reds.din}', 'ABO', 'O', '${day(-29)}')`);
  srv.sql(`INSERT INTO test_results (din, test, result, tested_on) VALUES ('${reds.din}', 'RHD', 'POS', '${day(-29)}')`);
  const redUnits = (await process(reds.din, [{ product: 'E0300' }, { product: 'E0500' }])).units;
  await api('POST', `/api/v1/units/${redUnits[1].id}/discard`, staff, { reason: 'broken in the freezer' });

  const inventory = await api('GET', '/api/v1/inventory?center=la-03', lab);
  assert.equal(inventory.status, 200, inventory.text);
  assert.ok(Math.abs(Date.parse(inventory.json.as_of) - Date.now()) < 60000);
  assert.deepEqual(inventory.json.rows, [
    { center: 'LA-03', family: 'platelets', group: 'untyped', band: 'expired', status: 'quarantined', count: 1 },
    { center: 'LA-03', family: 'platelets', group: 'untyped', band: '0-1', status: 'quarantined', count: 1 },
    { center: 'LA-03', family: 'platelets', group: 'untyped', band: '2-3', status: 'quarantined', count: 1 },
    { center: 'LA-03', family: 'platelets', group: 'untyped', band: '4-7', status: 'quarantined', count: 1 },
    { center: 'LA-03', family: 'red_cells', group: 'O POS', band: '8-14', status: 'quarantined', count: 1 },
  ]);
  assert.deepEqual(inventory.json.totals, {
    count: 5,
    by_band: { expired: 1, '0-1': 1, '2-3': 1, '4-7': 1, '8-14': 1, '15+': 0 },
    by_family: { platelets: 4, red_cells: 1 },
    by_group: { untyped: 4, 'O POS': 1 },
    // Quarantined units are neither available nor allocated.
    available: 0,
    allocated: 0,
  });
  // One line per center, family and group, its statuses added up.
  assert.deepEqual(inventory.json.lines.map((l) => [l.family, l.group, l.count, l.available, l.allocated, l.warnings.length]),
    [['platelets', 'untyped', 4, 0, 0, 0], ['red_cells', 'O POS', 1, 0, 0, 0]]);
  assert.deepEqual(inventory.json.demand, []);
  const reds3 = await api('GET', '/api/v1/inventory?center=LA-03&family=red_cells&status=quarantined', staff);
  assert.equal(reds3.json.totals.count, 1);
  const released = await api('GET', '/api/v1/inventory?center=LA-03&status=released', staff);
  assert.deepEqual(released.json.rows, []);
  for (const [query, field] of [['status=shipped', 'status'], ['status=lost', 'status'], ['family=blood', 'family'], ['center=no%20such', 'center']])
    assertError(await api('GET', `/api/v1/inventory?${query}`, staff), 400, 'invalid_input', { field });

  // Only an administrator sweeps, never into the future.
  assertError(await unchanged(() => api('POST', '/api/v1/units/expiry-sweep', staff, {})), 403, 'forbidden');
  assertError(await unchanged(() => api('POST', '/api/v1/units/expiry-sweep', admin, { as_of: `${day(2)}T00:00:00Z` })), 400, 'invalid_input', {
    field: 'as_of',
  });
  // As of two days ago nothing at LA-03 had expired yet.
  const early = await api('POST', '/api/v1/units/expiry-sweep', admin, { as_of: `${day(-2)}T00:00:00Z` });
  assert.equal(early.status, 200, early.text);
  assert.ok(!early.json.units.some((u) => u.id === outdated.id));
  const sweep = await api('POST', '/api/v1/units/expiry-sweep', admin, {});
  assert.equal(sweep.status, 200, sweep.text);
  const swept = sweep.json.units.find((u) => u.id === outdated.id);
  assert.deepEqual(swept, {
    id: outdated.id,
    din: swept.din,
    product_code: 'E0400',
    division: '00',
    from_status: 'quarantined',
    expires_at: endOfDay(day(-1)),
    eye_readable: eyeReadable(srv, swept.din),
  });
  assert.equal(sweep.json.expired, sweep.json.units.length);
  const unit = await api('GET', `/api/v1/units/${outdated.id}`, staff);
  assert.equal(unit.json.status, 'expired');
  assert.equal(unit.json.events[1].reason, `expired at ${endOfDay(day(-1))}`);
  const after = await api('GET', '/api/v1/inventory?center=LA-03', staff);
  assert.equal(after.json.totals.count, 4);
  assert.equal(after.json.totals.by_band.expired, 0);
  const none = await api('POST', '/api/v1/units/expiry-sweep', admin, {});
  assert.equal(none.json.expired, 0);
  assert.deepEqual(none.json.units, []);
});

/* --- lists and the command line --------------------------------------------------- */

test('collections list by center, day, range of days, the donor\'s group and processing, page by page', async () => {
  const a = await record(collectionBody(await donor(), { center: 'LA-02', collected_at: `${day(-3)}T10:00:00Z` }));
  const b = await record(collectionBody(await donor(), { center: 'LA-02', collected_at: `${day(-3)}T11:00:00Z` }));
  const c = await record(collectionBody(await donor(), { center: 'LA-02' }));
  await process(b.din, [{ product: 'E0300' }]);
  const all = await api('GET', '/api/v1/collections?center=LA-02', lab);
  assert.deepEqual(all.json.items.map((i) => i.din), [a.din, b.din, c.din]);
  assert.deepEqual(all.json.items[0], a);
  const thatDay = await api('GET', `/api/v1/collections?center=la-02&on=${day(-3)}`, lab);
  assert.deepEqual(thatDay.json.items.map((i) => i.din), [a.din, b.din]);
  const waiting = await api('GET', `/api/v1/collections?center=LA-02&processed=no`, lab);
  assert.deepEqual(waiting.json.items.map((i) => i.din), [a.din, c.din]);
  const done = await api('GET', `/api/v1/collections?center=LA-02&processed=yes`, lab);
  assert.deepEqual(done.json.items.map((i) => i.din), [b.din]);
  const first = await api('GET', '/api/v1/collections?center=LA-02&limit=2', lab);
  assert.equal(first.json.next_after, b.din);
  const second = await api('GET', `/api/v1/collections?center=LA-02&limit=2&after=${first.json.next_after}`, lab);
  assert.deepEqual(second.json.items.map((i) => i.din), [c.din]);
  assert.equal(second.json.next_after, null);
  // Sorted by a column, a page at an offset, with the count of every match.
  const newest = await api('GET', '/api/v1/collections?center=LA-02&sort=-collected_at&limit=2', lab);
  assert.deepEqual(newest.json.items.map((i) => i.din), [c.din, b.din]);
  assert.equal(newest.json.total, 3);
  const oldest = await api('GET', '/api/v1/collections?center=LA-02&sort=collected_at&limit=2&offset=2', lab);
  assert.deepEqual(oldest.json.items.map((i) => i.din), [c.din]);
  assert.equal(oldest.json.total, 3);
  const byDonor = await api('GET', '/api/v1/collections?center=LA-02&processed=no&sort=donor_number', lab);
  assert.equal(byDonor.json.total, 2);
  assert.deepEqual(byDonor.json.items.map((i) => i.donor_number), [a.donor_number, c.donor_number].sort());
  // A range of days (at each center), and the donor's group on record,
  // set by the laboratory's first typing of a donation.
  const dins = async (query) => (await api('GET', `/api/v1/collections?center=LA-02&${query}`, lab)).json.items.map((i) => i.din);
  assert.deepEqual(await dins(`from=${day(-3)}&to=${day(-3)}`), [a.din, b.din]);
  assert.deepEqual(await dins(`from=${day(-2)}`), [c.din]);
  assert.deepEqual(await dins(`to=${day(-4)}`), []);
  assert.deepEqual(await dins(`from=${day(-3)}&on=${day(0)}`), [c.din], 'a day and a range: both hold');
  const typed = await api('POST', '/api/v1/test-results/import', lab, { file_name: 'typing.csv',
    content: `din,test,result,date\n${a.din},ABO,O,${day(-3)}\n${a.din},RHD,NEG,${day(-3)}\n` });
  assert.equal(typed.status, 201, typed.text);
  assert.deepEqual(await dins('group=o%20neg'), [a.din]);
  assert.deepEqual(await dins('group=O-'), [a.din], 'O- is O NEG');
  assert.deepEqual(await dins('group=untyped'), [b.din, c.din]);
  const byGroup = await api('GET', '/api/v1/collections?center=LA-02&sort=-group&offset=0', lab);
  assert.deepEqual(byGroup.json.items.map((i) => [i.din, i.donor_group]), [[b.din, 'untyped'], [c.din, 'untyped'], [a.din, 'O NEG']]);
  assert.equal(byGroup.json.total, 3);
  const cli = srv.cli('collection', 'list', '--center', 'LA-02', '--group', 'O NEG', '--from', day(-3), '--format', 'json');
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).map((i) => i.din), [a.din]);
  for (const [query, field] of [['processed=maybe', 'processed'], ['on=2026-13-01', 'on'], ['limit=0', 'limit'], ['center=%3F%3F', 'center'],
    ['sort=volume', 'sort'], ['sort=-', 'sort'], ['offset=-1', 'offset'], ['offset=x', 'offset'], [`sort=din&after=${a.din}`, 'after'],
    ['from=2026-13-01', 'from'], ['to=soon', 'to'], [`from=${day(-1)}&to=${day(-3)}`, 'to'], ['group=Q%20POS', 'group'], ['group=O%20maybe', 'group']])
    assertError(await unchanged(() => api('GET', `/api/v1/collections?${query}`, lab)), 400, 'invalid_input', { field });
  assertError(await api('GET', `/api/v1/collections/W5555${YEAR}999999`, lab), 404, 'not_found', { field: 'din' });
});

test('the command line records, processes, looks up, discards, counts and sweeps', async () => {
  const number = await donor();
  const out = cliOk('collection', 'record', '--donor', number, '--center', 'LA-01', '--procedure', 'whole_blood', '--volume-ml', '480',
    '--weight-lb', '165', '--hemoglobin', '13.9', '--temperature', '36.6', '--systolic', '118', '--diastolic', '76', '--pulse', '64', '--format', 'json');
  const c = JSON.parse(out);
  assert.equal(c.volume_ml, 480);
  assert.match(c.staff, /^cli:/);
  const shown = JSON.parse(cliOk('collection', 'show', c.din, '--format', 'json'));
  assert.equal(shown.hemoglobin, '13.9');
  assert.match(cliOk('collection', 'process', c.din, 'E0300:290', 'E0500'), /E0300\s+00\s+red_cells\s+quarantined\s+290/);
  const lookup = cliOk('unit', 'lookup', c.eye_readable);
  assert.match(lookup, /PROCESSED\s+yes/);
  assert.match(lookup, /E0500\s+00\s+plasma/);
  const found = JSON.parse(cliOk('unit', 'lookup', c.din, '--format', 'json'));
  const id = String(found.units[0].id);
  assert.match(cliOk('unit', 'show', id), /STATUS\s+quarantined/);
  assert.match(cliOk('unit', 'discard', id, '--reason', 'clotted'), /STATUS\s+discarded/);
  const again = srv.cli('unit', 'discard', id, '--reason', 'twice');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^bloodops: status: unit is discarded/);
  assert.match(cliOk('collection', 'list', '--center', 'LA-01', '--format', 'csv'), new RegExp(`^${c.din},${number},LA-01,`, 'm'));
  const inventory = JSON.parse(cliOk('inventory', '--center', 'LA-01', '--family', 'plasma', '--format', 'json'));
  assert.ok(inventory.totals.count >= 1);
  assert.match(cliOk('inventory', '--center', 'LA-01'), /units in inventory as of/);
  assert.match(cliOk('unit', 'expire'), /^0 units expired as of /);
  // Usage: an unknown measurement, a missing argument.
  const bad = srv.cli('collection', 'record', '--donor', number, '--center', 'LA-01', '--procedure', 'whole_blood', '--volume-ml', '480', '--weight', '165');
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /unknown option '--weight'/);
  const twice = srv.cli('collection', 'record', '--donor', number, '--donor', number, '--center', 'LA-01');
  assert.equal(twice.status, 2, twice.stderr);
  assert.match(twice.stderr, /option '--donor' is given twice/);
  assert.equal(srv.cli('collection', 'process', c.din).status, 2);
  const refused = srv.cli('collection', 'record', '--donor', number, '--center', 'LA-01', '--procedure', 'whole_blood');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^bloodops: --volume-ml: is required/);
});
