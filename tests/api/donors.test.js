'use strict';
/*
 * donors.test.js - donors, deferrals and eligibility (docs/donors.md), over
 * the API and the command line, on either backend.
 *
 * Registration allocates D0000001, D0000002... (30 at once get 30 distinct
 * consecutive numbers); the same person again (same name folded, accents
 * and case aside, and birth date; or the same identity document written
 * differently) is refused naming the field and the existing donor, with
 * nothing changed; every bad input is refused naming its field, nothing
 * changed. Search by number, name or birth date, paged. One donor with its
 * history; contact fields changed and audited before/after. Eligibility
 * reports every failed rule with its eligible_from and changes nothing; a
 * deferral makes the donor ineligible until it ends; a permanent deferral
 * made by a test is ended only by an administrator; a threshold changed by
 * an administrator takes effect at once. Roles: lab cannot register, the
 * auditor reads but writes nothing, finance sees no donors.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const chain = require('./lib/chain');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');

let srv;
let admin;
let staff;
let lab;
let auditor;
let finance;

/* Days from today as YYYY-MM-DD, or from the date of `base`: today is the
 * donors' (their home center's, or Los Angeles's, the default zone) and the
 * days of their donations are those of the center that collected them
 * (Los Angeles too, here). */
function day(offset = 0, base = null) {
  if (!base) return chain.day(offset);
  const d = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate() + offset));
  return d.toISOString().slice(0, 10);
}
const TODAY = day(0);

async function unchanged(request) {
  const before = srv.fingerprint();
  const response = await request();
  assert.equal(srv.fingerprint(), before, `the database changed after: ${response.status} ${response.text}`);
  return response;
}

function api(method, path, session, body) {
  return srv.api(method, path, { token: session.token, body });
}

async function register(body, session = staff) {
  const r = await api('POST', '/api/v1/donors', session, body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

function check(number, body, session = staff) {
  return api('POST', `/api/v1/donors/${number}/eligibility`, session, body);
}

/* Measurements of a healthy donor. */
const HEALTHY = {
  procedure: 'whole_blood',
  weight_lb: 160,
  hemoglobin: 13.8,
  temperature: 36.8,
  systolic: 120,
  diastolic: 78,
  pulse: 68,
};

function cliOk(...args) {
  const r = srv.cli(...args);
  assert.equal(r.status, 0, `bloodops ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/* A collection recorded `daysAgo` days ago (straight into the table: the
 * collections module records them in its own tests). */
async function collected(number, procedure, daysAgo) {
  const din = await api('POST', '/api/v1/dins', admin, { center: 'LA-01' });
  assert.equal(din.status, 201, din.text);
  const r = srv.sql(
    `INSERT INTO collections (din, donor_id, center, procedure, collected_at, volume_ml, staff, created_at) ` +
      `SELECT '${din.json.dins[0].din}', id, 'LA-01', '${procedure}', '${day(-daysAgo)}T09:00:00Z', 500, 'nurse', ` +
      `'${day(-daysAgo)}T09:30:00Z' FROM donors WHERE donor_number = '${number}'`,
  );
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  for (const [path, body] of [
    ['/api/v1/markets', { code: 'SOCAL', name: 'Southern California' }],
    ['/api/v1/centers', { code: 'LA-01', name: 'Westside', market: 'SOCAL', fin: 'W1234', open_date: '2001-03-15' }],
  ]) {
    const r = await api('POST', path, admin, body);
    assert.equal(r.status, 201, r.text);
  }
  await srv.addUser(admin, 'staff1', 'center_staff', undefined, { centers: 'LA-01' });
  await srv.addUser(admin, 'lab1', 'lab');
  await srv.addUser(admin, 'audit1', 'auditor');
  await srv.addUser(admin, 'fin1', 'finance');
  staff = await srv.login('staff1', 'staff1-password-1');
  lab = await srv.login('lab1', 'lab1-password-1');
  auditor = await srv.login('audit1', 'audit1-password-1');
  finance = await srv.login('fin1', 'fin1-password-1');
});

after(() => srv.stop());

/* --- registration ---------------------------------------------------------- */

test('registering allocates the next donor number and answers the donor', async () => {
  const maria = await register({
    family_name: 'García',
    given_name: 'María',
    birth_date: '1990-04-02',
    sex: 'F',
    phone: '+1 213 555 0100',
    email: 'maria@example.org',
    address: '1 Main St, Los Angeles',
    identity_document: 'passport:X1234567',
    home_center: 'la-01',
  });
  assert.equal(maria.donor_number, 'D0000001');
  assert.deepEqual(Object.keys(maria).sort(), [
    'abo', 'address', 'birth_date', 'created_at', 'donor_number', 'email', 'family_name', 'given_name',
    'home_center', 'identity_document', 'phone', 'rhd', 'sex', 'updated_at',
  ]);
  assert.equal(maria.home_center, 'LA-01');
  assert.equal(maria.abo, null);
  assert.match(maria.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const john = await register({ family_name: 'Smith', given_name: 'John', birth_date: '1985-01-01', sex: 'M' });
  assert.equal(john.donor_number, 'D0000002');
  assert.equal(john.identity_document, null);
  assert.equal(john.phone, '');
  // A number given (from an earlier system) is kept; allocation goes on after the highest.
  const given = await register({ family_name: 'Lee', given_name: 'Ann', birth_date: '1970-07-07', sex: 'F', donor_number: 'd0000100' });
  assert.equal(given.donor_number, 'D0000100');
  const next = await register({ family_name: 'Nguyen', given_name: 'Bao', birth_date: '1992-12-12', sex: 'M' });
  assert.equal(next.donor_number, 'D0000101');
  const audit = await api('GET', '/api/v1/audit?entity=donor', admin);
  const record = audit.json.items.find((i) => i.entity_id === 'D0000001');
  assert.equal(record.action, 'register');
  assert.equal(record.after.family_name, 'García');
});

test('the same person again is refused, naming the field and the donor already registered', async () => {
  await register({ family_name: 'Okafor', given_name: 'Chidi', birth_date: '1988-08-08', sex: 'M', identity_document: 'national_id:AB-123-456' });
  const again = [
    // Same name folded (case, accents, spaces) and birth date.
    [{ family_name: 'OKAFOR', given_name: ' chidi'.trim(), birth_date: '1988-08-08', sex: 'M' }, 'birth_date'],
    [{ family_name: 'Garcia', given_name: 'MARIA', birth_date: '1990-04-02', sex: 'F' }, 'birth_date'],
    // Same identity document, written differently, under another name.
    [{ family_name: 'Other', given_name: 'Name', birth_date: '1975-01-01', sex: 'M', identity_document: 'National_ID: ab 123456' }, 'identity_document'],
    [{ family_name: 'Other', given_name: 'Name', birth_date: '1975-01-01', sex: 'M', identity_document: 'passport:x-1234567' }, 'identity_document'],
    // A number already taken.
    [{ family_name: 'Other', given_name: 'Name', birth_date: '1975-01-01', sex: 'M', donor_number: 'D0000002' }, 'donor_number'],
  ];
  for (const [body, field] of again) {
    const r = await unchanged(() => api('POST', '/api/v1/donors', staff, body));
    assertError(r, 409, 'conflict', { field, message: /D\d{7}/ });
  }
  const maria = await unchanged(() => api('POST', '/api/v1/donors', staff, { family_name: 'Garcia', given_name: 'Maria', birth_date: '1990-04-02', sex: 'F' }));
  assert.match(maria.json.error.message, /D0000001/);
  // A different birth date is a different person.
  await register({ family_name: 'Okafor', given_name: 'Chidi', birth_date: '1988-08-09', sex: 'M' });
});

test('every bad registration input is refused naming its field, nothing changed', async () => {
  const good = { family_name: 'Valid', given_name: 'Person', birth_date: '1980-05-05', sex: 'F' };
  const cases = [
    [{ given_name: 'Person', birth_date: '1980-05-05', sex: 'F' }, 'family_name'],
    [{ ...good, given_name: '' }, 'given_name'],
    [{ ...good, family_name: ' Valid' }, 'family_name'],
    [{ ...good, family_name: 'x'.repeat(121) }, 'family_name'],
    [{ ...good, birth_date: day(1) }, 'birth_date'],
    [{ ...good, birth_date: '1980-02-30' }, 'birth_date'],
    [{ ...good, birth_date: '05/05/1980' }, 'birth_date'],
    [{ ...good, birth_date: '1880-01-01' }, 'birth_date'],
    [{ ...good, sex: 'X' }, 'sex'],
    [{ ...good, sex: 1 }, 'sex'],
    [{ ...good, phone: 'call me' }, 'phone'],
    [{ ...good, email: 'not-an-address' }, 'email'],
    [{ ...good, address: 'bad\u0001' }, 'address'],
    [{ ...good, identity_document: 'X1234567' }, 'identity_document'],
    [{ ...good, home_center: 'ZZ-99' }, 'home_center'],
    [{ ...good, home_center: 'bad code!' }, 'home_center'],
    [{ ...good, donor_number: 'X123' }, 'donor_number'],
    [{ ...good, donor_number: 'D0000000' }, 'donor_number'],
    [{ ...good, blood_type: 'O+' }, 'blood_type'],
  ];
  for (const [body, field] of cases) {
    const r = await unchanged(() => api('POST', '/api/v1/donors', staff, body));
    assertError(r, 400, 'invalid_input', { field });
  }
});

test('thirty registrations at once get thirty distinct consecutive numbers', async () => {
  const list = await api('GET', '/api/v1/donors?limit=500', admin);
  const highest = Math.max(...list.json.items.map((d) => Number(d.donor_number.slice(1))));
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      api('POST', '/api/v1/donors', i % 2 ? staff : admin, {
        family_name: `Parallel${i}`, given_name: 'Donor', birth_date: '1991-01-01', sex: i % 2 ? 'F' : 'M',
      }),
    ),
  );
  for (const r of answers) assert.equal(r.status, 201, r.text);
  const numbers = answers.map((r) => Number(r.json.donor_number.slice(1))).sort((a, b) => a - b);
  assert.deepEqual(numbers, Array.from({ length: 30 }, (_, i) => highest + 1 + i));
});

/* --- search, show, update ---------------------------------------------------- */

test('search by donor number, by name folded, or by birth date, paged', async () => {
  const q = async (text, extra = '') => (await api('GET', `/api/v1/donors?q=${encodeURIComponent(text)}${extra}`, auditor)).json;
  assert.deepEqual((await q('D0000001')).items.map((d) => d.donor_number), ['D0000001']);
  assert.deepEqual((await q('0000002')).items.map((d) => d.donor_number), ['D0000002']);
  assert.deepEqual((await q('garc')).items.map((d) => d.donor_number), ['D0000001']);
  assert.deepEqual((await q('GARCÍA')).items.map((d) => d.donor_number), ['D0000001']);
  assert.deepEqual((await q('1985-01-01')).items.map((d) => d.donor_number), ['D0000002']);
  assert.deepEqual((await q('nobody-like-this')).items, []);
  const first = await q('parallel', '&limit=10');
  assert.equal(first.items.length, 10);
  assert.ok(first.next_after);
  const rest = await q('parallel', `&limit=500&after=${first.next_after}`);
  assert.equal(rest.items.length, 20);
  assert.equal(rest.next_after, null);
  assert.ok(rest.items[0].donor_number > first.items[9].donor_number);
  assertError(await api('GET', `/api/v1/donors?q=${'x'.repeat(101)}`, auditor), 400, 'invalid_input', { field: 'q' });
  assertError(await api('GET', '/api/v1/donors?limit=0', auditor), 400, 'invalid_input', { field: 'limit' });
});

test('one donor shows its history; an unknown number is 404', async () => {
  const r = await api('GET', '/api/v1/donors/d0000001', lab);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.donor_number, 'D0000001');
  assert.deepEqual(r.json.blood_groups, []);
  assert.deepEqual(r.json.deferrals, []);
  assert.deepEqual(r.json.collections, []);
  assert.equal(r.json.deferred, false);
  assertError(await api('GET', '/api/v1/donors/D7777777', lab), 404, 'not_found', { field: 'donor_number' });
  assertError(await api('GET', '/api/v1/donors/nonsense', lab), 400, 'invalid_input', { field: 'donor_number' });
});

test('contact fields change, audited with before and after; bad changes refused, nothing changed', async () => {
  const r = await api('PATCH', '/api/v1/donors/D0000002', staff, { email: 'john@example.org', phone: '' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.email, 'john@example.org');
  assert.equal(r.json.family_name, 'Smith');
  const audit = await api('GET', '/api/v1/audit?entity=donor', admin);
  const record = audit.json.items.filter((i) => i.entity_id === 'D0000002' && i.action === 'update').pop();
  assert.equal(record.before.email, '');
  assert.equal(record.after.email, 'john@example.org');
  const cleared = await api('PATCH', '/api/v1/donors/D0000001', staff, { home_center: '' });
  assert.equal(cleared.json.home_center, null);
  for (const [body, field, status] of [
    [{ email: 'nope' }, 'email', 400],
    [{ phone: 'x' }, 'phone', 400],
    [{ home_center: 'ZZ-99' }, 'home_center', 400],
    [{ family_name: 'Changed' }, 'family_name', 400],
    [{}, 'body', 400],
  ]) {
    assertError(await unchanged(() => api('PATCH', '/api/v1/donors/D0000002', staff, body)), status, 'invalid_input', { field });
  }
  assertError(await unchanged(() => api('PATCH', '/api/v1/donors/D7777777', staff, { email: 'a@b.org' })), 404, 'not_found', { field: 'donor_number' });
});

/* --- eligibility --------------------------------------------------------------- */

test('a healthy donor is eligible; the check changes nothing', async () => {
  const r = await unchanged(() => check('D0000002', HEALTHY, auditor));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, {
    donor_number: 'D0000002', procedure: 'whole_blood', scope: 'full', on: TODAY, eligible: true, eligible_from: null, failures: [],
  });
  // Numbers may come as text too; hematocrit instead of hemoglobin.
  const text = await check('D0000002', { ...HEALTHY, hemoglobin: undefined, hematocrit: '41', weight_lb: '160', temperature: '36.8' });
  assert.equal(text.json.eligible, true, text.text);
});

test('every failed rule is reported with its reason, field and eligible_from', async () => {
  const ivan = await register({ family_name: 'Petrov', given_name: 'Ivan', birth_date: '1980-03-03', sex: 'M' });
  const number = ivan.donor_number;
  await collected(number, 'whole_blood', 20); // eligible again 56 days after
  const deferral = await api('POST', `/api/v1/donors/${number}/deferrals`, staff, {
    kind: 'temporary', reason_code: 'TRAVEL', reason: 'malaria area', until: day(60),
  });
  assert.equal(deferral.status, 201, deferral.text);
  const r = await unchanged(() => check(number, { ...HEALTHY, weight_lb: 105, hemoglobin: '12.6', pulse: 110 }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.eligible, false);
  assert.equal(r.json.eligible_from, null, 'weight, hemoglobin and pulse are not cured by waiting');
  const byRule = Object.fromEntries(r.json.failures.map((f) => [f.rule, f]));
  assert.deepEqual(Object.keys(byRule).sort(), ['deferral', 'interval_whole_blood', 'max_pulse', 'min_hemoglobin', 'min_weight']);
  assert.deepEqual(byRule.min_weight, { rule: 'min_weight', field: 'weight_lb', reason: 'weight 105 lb is under the minimum of 110 lb', eligible_from: null });
  assert.equal(byRule.min_hemoglobin.field, 'hemoglobin');
  assert.match(byRule.min_hemoglobin.reason, /12\.6 g\/dL is under the minimum of 13\.0 g\/dL/);
  assert.equal(byRule.interval_whole_blood.eligible_from, day(36));
  assert.match(byRule.interval_whole_blood.reason, new RegExp(day(-20)));
  assert.equal(byRule.deferral.eligible_from, day(60));
  assert.match(byRule.deferral.reason, /TRAVEL/);
  // Only what waiting cures: the day both are over.
  const waiting = await check(number, HEALTHY);
  assert.equal(waiting.json.eligible, false);
  assert.equal(waiting.json.eligible_from, day(60));
  assert.equal(waiting.json.failures.length, 2);
  // Checked for a day after both: eligible.
  const later = await check(number, { ...HEALTHY, on: day(60) });
  assert.equal(later.json.eligible, true, later.text);
  // Plateletpheresis after whole blood waits for the red cells too, and needs a platelet count.
  const platelets = await check(number, { ...HEALTHY, procedure: 'plateletpheresis', on: day(60) });
  assert.deepEqual(platelets.json.failures.map((f) => [f.rule, f.field]), [['platelet_min_count', 'platelet_count']]);
});

test('a 16-year-old needs parental consent; at 17 they need none', async () => {
  const today = new Date(`${day(0)}T00:00:00Z`);
  const born = day(30, new Date(Date.UTC(today.getUTCFullYear() - 17, today.getUTCMonth(), today.getUTCDate())));
  const young = await register({ family_name: 'Young', given_name: 'Sam', birth_date: born, sex: 'F' });
  const r = await check(young.donor_number, HEALTHY);
  assert.equal(r.json.failures.length, 1, r.text);
  assert.equal(r.json.failures[0].rule, 'min_age');
  assert.equal(r.json.failures[0].field, 'birth_date');
  const birthday = new Date(`${born}T00:00:00Z`);
  birthday.setUTCFullYear(birthday.getUTCFullYear() + 17);
  assert.equal(r.json.eligible_from, birthday.toISOString().slice(0, 10));
  const consent = await check(young.donor_number, { ...HEALTHY, parental_consent: true });
  assert.equal(consent.json.eligible, true, consent.text);
});

test('every bad eligibility input is refused naming its field', async () => {
  const cases = [
    [{ ...HEALTHY, procedure: undefined }, 'procedure'],
    [{ ...HEALTHY, procedure: 'bone_marrow' }, 'procedure'],
    [{ ...HEALTHY, weight_lb: 'heavy' }, 'weight_lb'],
    [{ ...HEALTHY, weight_lb: -5 }, 'weight_lb'],
    [{ ...HEALTHY, hemoglobin: '13.45' }, 'hemoglobin'],
    [{ ...HEALTHY, hemoglobin: true }, 'hemoglobin'],
    [{ ...HEALTHY, hematocrit: 150 }, 'hematocrit'],
    [{ ...HEALTHY, temperature: 'warm' }, 'temperature'],
    [{ ...HEALTHY, diastolic: undefined }, 'diastolic'],
    [{ ...HEALTHY, systolic: undefined }, 'systolic'],
    [{ ...HEALTHY, pulse: 1000 }, 'pulse'],
    [{ ...HEALTHY, platelet_count: 'lots' }, 'platelet_count'],
    [{ ...HEALTHY, parental_consent: 'yes' }, 'parental_consent'],
    [{ ...HEALTHY, on: 'tomorrow' }, 'on'],
    [{ ...HEALTHY, colour: 'red' }, 'colour'],
  ];
  for (const [body, field] of cases) {
    assertError(await unchanged(() => check('D0000002', body)), 400, 'invalid_input', { field });
  }
  assertError(await check('D7777777', HEALTHY), 404, 'not_found', { field: 'donor_number' });
});

/* --- deferrals ------------------------------------------------------------------ */

test('a deferral makes the donor ineligible; ending it restores eligibility', async () => {
  const reasons = await api('GET', '/api/v1/deferral-reasons', auditor);
  assert.ok(reasons.json.items.some((r) => r.code === 'LOW_HEMOGLOBIN' && r.description));
  const d = await api('POST', '/api/v1/donors/D0000002/deferrals', lab, { kind: 'indefinite', reason_code: 'MEDICATION', reason: 'isotretinoin' });
  assert.equal(d.status, 201, d.text);
  assert.equal(d.json.donor_number, 'D0000002');
  assert.equal(d.json.kind, 'indefinite');
  assert.equal(d.json.until, null);
  assert.equal(d.json.starts_on, TODAY);
  assert.equal(d.json.source, 'staff');
  assert.equal(d.json.in_force, true);
  const blocked = await check('D0000002', HEALTHY);
  assert.equal(blocked.json.eligible, false);
  assert.deepEqual(blocked.json.failures.map((f) => [f.rule, f.eligible_from]), [['deferral', null]]);
  const shown = await api('GET', '/api/v1/donors/D0000002', auditor);
  assert.equal(shown.json.deferred, true);
  assert.equal(shown.json.deferrals[0].id, d.json.id);

  assertError(await unchanged(() => api('POST', `/api/v1/deferrals/${d.json.id}/end`, staff, {})), 400, 'invalid_input', { field: 'reason' });
  assertError(await unchanged(() => api('POST', `/api/v1/deferrals/${d.json.id}/end`, staff, { reason: '' })), 400, 'invalid_input', { field: 'reason' });
  const ended = await api('POST', `/api/v1/deferrals/${d.json.id}/end`, staff, { reason: 'medication stopped a month ago' });
  assert.equal(ended.status, 200, ended.text);
  assert.equal(ended.json.in_force, false);
  assert.equal(ended.json.end_reason, 'medication stopped a month ago');
  assert.ok(ended.json.ended_at);
  assert.equal((await check('D0000002', HEALTHY)).json.eligible, true);
  assert.equal((await api('GET', '/api/v1/donors/D0000002', auditor)).json.deferred, false);
  assertError(await unchanged(() => api('POST', `/api/v1/deferrals/${d.json.id}/end`, staff, { reason: 'again' })), 409, 'conflict', { field: 'id' });
  assertError(await unchanged(() => api('POST', '/api/v1/deferrals/999999/end', staff, { reason: 'x' })), 404, 'not_found', { field: 'id' });
  assertError(await unchanged(() => api('POST', '/api/v1/deferrals/abc/end', staff, { reason: 'x' })), 400, 'invalid_input', { field: 'id' });
  const audit = await api('GET', '/api/v1/audit?entity=deferral', admin);
  const end = audit.json.items.find((i) => i.entity_id === String(d.json.id) && i.action === 'end');
  assert.equal(end.reason, 'medication stopped a month ago');
  assert.equal(end.before.ended_at, null);
});

test('every bad deferral is refused naming its field, nothing changed', async () => {
  const cases = [
    [{ reason_code: 'TRAVEL', until: day(10) }, 'kind'],
    [{ kind: 'forever', reason_code: 'TRAVEL' }, 'kind'],
    [{ kind: 'temporary', until: day(10) }, 'reason_code'],
    [{ kind: 'temporary', reason_code: 'HOLIDAY', until: day(10) }, 'reason_code'],
    [{ kind: 'temporary', reason_code: 'TRAVEL' }, 'until'],
    [{ kind: 'temporary', reason_code: 'TRAVEL', until: TODAY }, 'until'],
    [{ kind: 'temporary', reason_code: 'TRAVEL', until: day(-3) }, 'until'],
    [{ kind: 'temporary', reason_code: 'TRAVEL', until: '2030-02-30' }, 'until'],
    [{ kind: 'temporary', reason_code: 'TRAVEL', until: day(4000) }, 'until'],
    [{ kind: 'permanent', reason_code: 'TRAVEL', until: day(10) }, 'until'],
    [{ kind: 'indefinite', reason_code: 'OTHER' }, 'reason'],
    [{ kind: 'indefinite', reason_code: 'ILLNESS', reason: 'x'.repeat(501) }, 'reason'],
  ];
  for (const [body, field] of cases) {
    assertError(await unchanged(() => api('POST', '/api/v1/donors/D0000002/deferrals', staff, body)), 400, 'invalid_input', { field });
  }
  assertError(
    await unchanged(() => api('POST', '/api/v1/donors/D7777777/deferrals', staff, { kind: 'indefinite', reason_code: 'ILLNESS' })),
    404, 'not_found', { field: 'donor_number' },
  );
});

test('a permanent deferral made by a test is ended only by an administrator; staff cannot claim one', async () => {
  // Staff enter deferrals as staff: a body claiming a test or a donation is refused, nothing written.
  for (const field of ['source', 'din']) {
    assertError(await unchanged(() => api('POST', '/api/v1/donors/D0000101/deferrals', lab, {
      kind: 'permanent', reason_code: 'REACTIVE_TEST', [field]: field === 'source' ? 'test' : 'W123426000001',
    })), 400, 'invalid_input', { field });
  }
  // The real thing: a reactive anti-HCV result defers the donor permanently.
  chain.importDemoCatalog(srv);
  const d = await chain.donate(srv, admin, { products: ['E0300'] });
  const imported = await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(d.din, chain.day(0), { overrides: { HCV: 'R' } })));
  assert.deepEqual(imported.deferred, [d.donor]);
  const donor = await api('GET', `/api/v1/donors/${d.donor}`, admin);
  const deferral = donor.json.deferrals.find((x) => x.source === 'test');
  assert.equal(deferral.kind, 'permanent');
  assert.equal(deferral.din, d.din);
  assertError(await unchanged(() => api('POST', `/api/v1/deferrals/${deferral.id}/end`, staff, { reason: 'mistake' })), 403, 'forbidden', { field: 'id' });
  assertError(await unchanged(() => api('POST', `/api/v1/deferrals/${deferral.id}/end`, lab, { reason: 'mistake' })), 403, 'forbidden', { field: 'id' });
  const ended = await api('POST', `/api/v1/deferrals/${deferral.id}/end`, admin, { reason: 'result was entered for the wrong donor' });
  assert.equal(ended.status, 200, ended.text);
});

/* --- standing ------------------------------------------------------------------ */

test('the list reports each donor\'s standing: every kind of deferral, its end, the next day they may give', async () => {
  const donors = {};
  for (const [given, birth] of [['Eligible', '1980-01-01'], ['Temporary', '1981-02-02'], ['Indefinite', '1982-03-03'],
    ['Permanent', '1983-04-04'], ['Interval', '1984-05-05'], ['Ended', '1985-06-06']]) {
    donors[given] = (await register({ family_name: 'Standing', given_name: given, birth_date: birth, sex: 'F' })).donor_number;
  }
  const defer = async (who, body) => {
    const r = await api('POST', `/api/v1/donors/${donors[who]}/deferrals`, staff, body);
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  // Two temporary deferrals: the one that ends last is the one shown.
  await defer('Temporary', { kind: 'temporary', reason_code: 'ILLNESS', until: day(10) });
  await defer('Temporary', { kind: 'temporary', reason_code: 'TRAVEL', until: day(30) });
  await defer('Indefinite', { kind: 'indefinite', reason_code: 'MEDICATION' });
  // A permanent deferral outranks a temporary one made after it.
  await defer('Permanent', { kind: 'permanent', reason_code: 'BEHAVIOURAL_RISK' });
  await defer('Permanent', { kind: 'temporary', reason_code: 'TRAVEL', until: day(60) });
  const ended = await defer('Ended', { kind: 'indefinite', reason_code: 'ILLNESS' });
  const end = await api('POST', `/api/v1/deferrals/${ended.id}/end`, staff, { reason: 'recovered' });
  assert.equal(end.status, 200, end.text);
  await collected(donors.Interval, 'whole_blood', 20);

  const standings = async (query = '') => {
    const r = await api('GET', `/api/v1/donors?q=standing${query}`, auditor);
    assert.equal(r.status, 200, r.text);
    return Object.fromEntries(r.json.items.map((d) => [d.given_name, [d.status, d.status_reason_code, d.deferred_until, d.next_eligible_on, d.deferred]]));
  };
  assert.deepEqual(await standings(), {
    Eligible: ['eligible', null, null, TODAY, false],
    Temporary: ['deferred_temporary', 'TRAVEL', day(30), day(30), true],
    Indefinite: ['deferred_indefinite', 'MEDICATION', null, null, true],
    Permanent: ['deferred_permanent', 'BEHAVIOURAL_RISK', null, null, true],
    Interval: ['eligible', null, null, day(36), false], // 56 days after a whole blood donation
    Ended: ['eligible', null, null, TODAY, false],
  });
  const interval = (await api('GET', `/api/v1/donors?q=${donors.Interval}`, auditor)).json.items[0];
  assert.equal(interval.last_donation_on, day(-20));
  assert.equal(interval.last_donation_procedure, 'whole_blood');

  // Filtered by status.
  const names = async (status) => Object.keys(await standings(`&status=${status}`)).sort();
  assert.deepEqual(await names('deferred'), ['Indefinite', 'Permanent', 'Temporary']);
  assert.deepEqual(await names('eligible'), ['Eligible', 'Ended', 'Interval']);
  assert.deepEqual(await names('deferred_temporary'), ['Temporary']);
  assert.deepEqual(await names('deferred_indefinite'), ['Indefinite']);
  assert.deepEqual(await names('deferred_permanent'), ['Permanent']);
  for (const bad of ['active', 'DEFERRED', 'deferred_', 'x'.repeat(200)]) {
    assertError(await unchanged(() => api('GET', `/api/v1/donors?status=${encodeURIComponent(bad)}`, auditor)), 400, 'invalid_input', { field: 'status' });
  }

  // The donor's own record says the same.
  const shown = (await api('GET', `/api/v1/donors/${donors.Temporary}`, staff)).json;
  assert.deepEqual([shown.status, shown.status_reason_code, shown.deferred_until, shown.next_eligible_on], ['deferred_temporary', 'TRAVEL', day(30), day(30)]);

  // The donor step: only deferrals, age and intervals, no measurement asked for.
  const step = async (who, procedure = 'whole_blood') => {
    const r = await check(donors[who], { procedure, scope: 'donor' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.scope, 'donor');
    return r.json;
  };
  assert.equal((await step('Eligible')).eligible, true);
  assert.deepEqual((await step('Interval')).failures.map((f) => [f.rule, f.eligible_from]), [['interval_whole_blood', day(36)]]);
  const permanent = await step('Permanent', 'plasmapheresis');
  assert.equal(permanent.eligible_from, null);
  assert.deepEqual(permanent.failures.map((f) => f.reason), [
    'permanently deferred (BEHAVIOURAL_RISK)', `deferred (TRAVEL) until ${day(60)}`]);
  assert.equal((await check(donors.Eligible, { procedure: 'whole_blood' })).json.scope, 'full');
  assertError(await unchanged(() => check(donors.Eligible, { procedure: 'whole_blood', scope: 'donor', weight_lb: 150 })), 400, 'invalid_input', { field: 'weight_lb' });
  assertError(await unchanged(() => check(donors.Eligible, { procedure: 'whole_blood', scope: 'desk' })), 400, 'invalid_input', { field: 'scope' });
  assertError(await unchanged(() => check(donors.Eligible, { procedure: 'whole_blood', scope: 1 })), 400, 'invalid_input', { field: 'scope' });

  // The command line lists and filters the same way.
  const csv = cliOk('donor', 'list', '--search', 'standing', '--status', 'deferred', '--format', 'csv').trim().split('\n');
  assert.match(csv[0], /,status,status_reason_code,next_eligible_on,last_donation_on$/);
  assert.deepEqual(csv.slice(1).map((line) => line.split(',').slice(2, 3).concat(line.split(',').slice(8, 11))), [
    ['Temporary', 'deferred_temporary', 'TRAVEL', day(30)],
    ['Indefinite', 'deferred_indefinite', 'MEDICATION', ''],
    ['Permanent', 'deferred_permanent', 'BEHAVIOURAL_RISK', ''],
  ]);
  const badStatus = srv.cli('donor', 'list', '--status', 'active');
  assert.equal(badStatus.status, 1);
  assert.match(badStatus.stderr, /^bloodops: --status: must be eligible, deferred/);
  const shownCli = cliOk('donor', 'show', donors.Indefinite);
  assert.match(shownCli, /STATUS\s+deferred_indefinite/);
  assert.match(cliOk('donor', 'check', donors.Eligible, '--procedure', 'whole_blood', '--scope', 'donor'), /may give whole_blood on .* the measurements are still to be taken/);

  // Ending the deferral: eligible again, in the list too.
  const temporary = (await api('GET', `/api/v1/donors/${donors.Temporary}`, staff)).json.deferrals;
  for (const d of temporary) {
    const r = await api('POST', `/api/v1/deferrals/${d.id}/end`, staff, { reason: 'back early, cleared by the physician' });
    assert.equal(r.status, 200, r.text);
  }
  assert.deepEqual((await standings()).Temporary, ['eligible', null, null, TODAY, false]);
});

/* --- settings ----------------------------------------------------------------- */

test('a threshold changed by an administrator takes effect at once; bad changes are refused', async () => {
  const list = await api('GET', '/api/v1/eligibility/settings', auditor);
  assert.equal(list.status, 200, list.text);
  const weight = list.json.items.find((s) => s.name === 'min_weight_lb');
  assert.deepEqual(weight, { name: 'min_weight_lb', description: 'minimum weight (lb)', value: 110, default: 110, min: 80, max: 300 });
  assert.equal(list.json.items.length, 27);
  assert.equal((await check('D0000002', { ...HEALTHY, weight_lb: 115 })).json.eligible, true);

  const set = await api('PUT', '/api/v1/eligibility/settings/min_weight_lb', admin, { value: 120 });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.value, 120);
  assert.equal(set.json.default, 110);
  const r = await check('D0000002', { ...HEALTHY, weight_lb: 115 });
  assert.equal(r.json.failures[0].reason, 'weight 115 lb is under the minimum of 120 lb');
  const audit = await api('GET', '/api/v1/audit?entity=eligibility_setting', admin);
  assert.deepEqual([audit.json.items[0].before, audit.json.items[0].after], [{ value: 110 }, { value: 120 }]);

  for (const [name, body, status, code, field] of [
    ['min_weight_lb', { value: 5 }, 400, 'invalid_input', 'value'],
    ['min_weight_lb', { value: 'heavy' }, 400, 'invalid_input', 'value'],
    ['min_weight_lb', {}, 400, 'invalid_input', 'value'],
    ['min_systolic', { value: 190 }, 400, 'invalid_input', 'value'],
    ['max_sleep', { value: 8 }, 404, 'not_found', 'name'],
  ]) {
    assertError(await unchanged(() => api('PUT', `/api/v1/eligibility/settings/${name}`, admin, body)), status, code, { field });
  }
  assertError(await unchanged(() => api('PUT', '/api/v1/eligibility/settings/min_weight_lb', staff, { value: 100 })), 403, 'forbidden');
  const back = await api('PUT', '/api/v1/eligibility/settings/min_weight_lb', admin, { value: '110' });
  assert.equal(back.json.value, 110);
});

/* --- roles -------------------------------------------------------------------- */

test('roles: lab cannot register, the auditor writes nothing, finance sees no donors', async () => {
  const body = { family_name: 'Role', given_name: 'Test', birth_date: '1970-01-01', sex: 'M' };
  assertError(await unchanged(() => api('POST', '/api/v1/donors', lab, body)), 403, 'forbidden');
  assertError(await unchanged(() => api('POST', '/api/v1/donors', auditor, body)), 403, 'forbidden');
  assertError(await unchanged(() => api('PATCH', '/api/v1/donors/D0000002', auditor, { email: 'a@b.org' })), 403, 'forbidden');
  assertError(await unchanged(() => api('PATCH', '/api/v1/donors/D0000002', lab, { email: 'a@b.org' })), 403, 'forbidden');
  assertError(
    await unchanged(() => api('POST', '/api/v1/donors/D0000002/deferrals', auditor, { kind: 'indefinite', reason_code: 'ILLNESS' })),
    403, 'forbidden',
  );
  assertError(await unchanged(() => api('PUT', '/api/v1/eligibility/settings/min_weight_lb', auditor, { value: 100 })), 403, 'forbidden');
  for (const path of ['/api/v1/donors', '/api/v1/donors/D0000002', '/api/v1/deferral-reasons', '/api/v1/eligibility/settings']) {
    assert.equal((await api('GET', path, auditor)).status, 200, path);
    assertError(await api('GET', path, finance), 403, 'forbidden');
  }
  assertError(await check('D0000002', HEALTHY, finance), 403, 'forbidden');
});

/* --- the command line ----------------------------------------------------------- */

test('the command line registers, refuses a duplicate, checks, defers and sets thresholds', () => {
  const shown = cliOk('donor', 'register', '--family-name', 'Cli', '--given-name', 'Donor', '--birth-date', '1977-07-17', '--sex', 'M', '--format', 'json');
  const donor = JSON.parse(shown);
  assert.match(donor.donor_number, /^D\d{7}$/);
  const before = srv.fingerprint();
  const dup = srv.cli('donor', 'register', '--family-name', 'CLI', '--given-name', 'donor', '--birth-date', '1977-07-17', '--sex', 'M');
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, new RegExp(`^bloodops: --birth-date: donor ${donor.donor_number} has the same name`));
  assert.equal(dup.stderr.trim().split('\n').length, 1);
  const usage = srv.cli('donor', 'register', '--family-name', 'X', '--blood', 'O');
  assert.equal(usage.status, 2);
  assert.equal(srv.fingerprint(), before);

  const failing = cliOk('donor', 'check', donor.donor_number, '--procedure', 'whole_blood', '--weight-lb', '100', '--hemoglobin', '12.0',
    '--temperature', '36.6', '--systolic', '120', '--diastolic', '80', '--pulse', '70');
  assert.match(failing, /is not eligible for whole_blood/);
  assert.match(failing, /min_weight\s+weight_lb/);
  assert.match(failing, /min_hemoglobin/);
  const ok = cliOk('donor', 'check', donor.donor_number, '--procedure', 'whole_blood', '--weight-lb', '180', '--hemoglobin', '14.0',
    '--temperature', '36.6', '--systolic', '120', '--diastolic', '80', '--pulse', '70');
  assert.match(ok, /is eligible for whole_blood/);

  const deferral = JSON.parse(cliOk('donor', 'defer', donor.donor_number, '--kind', 'temporary', '--reason-code', 'TATTOO_PIERCING',
    '--until', day(90), '--format', 'json'));
  assert.equal(deferral.until, day(90));
  const csv = cliOk('donor', 'check', donor.donor_number, '--procedure', 'plasmapheresis', '--weight-lb', '180', '--hemoglobin', '14.0',
    '--temperature', '36.6', '--systolic', '120', '--diastolic', '80', '--pulse', '70', '--format', 'csv');
  assert.equal(csv.trim(), `rule,field,eligible_from,reason\ndeferral,deferral,${day(90)},deferred (TATTOO_PIERCING) until ${day(90)}`);
  const noReason = srv.cli('donor', 'undefer', String(deferral.id));
  assert.equal(noReason.status, 1);
  assert.match(noReason.stderr, /^bloodops: --reason: /);
  cliOk('donor', 'undefer', String(deferral.id), '--reason', 'entered by mistake');

  const list = cliOk('donor', 'list', '--search', 'cli', '--format', 'csv');
  assert.match(list, new RegExp(`^donor_number,.*\\n${donor.donor_number},Cli,Donor,1977-07-17,M,`));
  cliOk('eligibility', 'set', 'plasma_min_days_apart', '56');
  const settings = JSON.parse(cliOk('eligibility', 'settings', '--format', 'json'));
  assert.equal(settings.find((s) => s.name === 'plasma_min_days_apart').value, 56);
  const bad = srv.cli('eligibility', 'set', 'plasma_min_days_apart', '0');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^bloodops: value: /);
  const show = cliOk('donor', 'show', donor.donor_number);
  assert.match(show, /DEFERRALS/);
  assert.match(show, /TATTOO_PIERCING/);
});
