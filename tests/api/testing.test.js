'use strict';
/*
 * testing.test.js - laboratory results, release and lookback
 * (docs/testing.md), over the API and the command line, on either backend.
 *
 * The panel lists the tests; an administrator requires or waives one
 * (audited). The full chain: a donor registered, a collection processed,
 * the queue shows its units waiting, the results file imports, the donor's
 * group is established, the queue shows them ready, they are released
 * with an electronic signature (API and command line) and the signature
 * is recorded. A file with many problems lists every one by line and
 * field and changes nothing. Release refusals (wrong password, a waiting
 * unit naming "units", an unknown or repeated unit, a signer without the
 * role) change nothing. An ABO discrepancy holds the units, is reported
 * and blocks release; a positive antibody screen holds them; a reactive
 * syphilis result defers for 12 months. Results that come in before a
 * collection is processed discard (reactive) or hold (positive screen) its
 * units as they are made. The reactive path: an HIV
 * reactive donation is discarded, the donor deferred permanently, a
 * lookback case opened with its window and deadlines; the earlier
 * donation's released unit is held back in quarantine, one before the
 * window is untouched; steps, closing and the printed report. Roles.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');
const chain = require('./lib/chain');

const LAB_PASSWORD = 'lab1-password-1';

let srv;
let admin;
let lab;
let staff;
let auditor;

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

async function queue(session = lab, query = '') {
  const r = await api('GET', `/api/v1/release-queue${query}`, session);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

function queued(items, unitId) {
  const item = items.find((u) => u.unit_id === unitId);
  assert.ok(item, `unit ${unitId} in the queue: ${JSON.stringify(items)}`);
  return item;
}

async function unit(id) {
  const r = await api('GET', `/api/v1/units/${id}`, admin);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

function release(units, { session = lab, username = 'lab1', password = LAB_PASSWORD, meaning } = {}) {
  return api('POST', '/api/v1/releases', session, { units, username, password, ...(meaning ? { meaning } : {}) });
}

/* `months` calendar months before a YYYY-MM-DD day, clamped to the month's end. */
function monthsBefore(text, months) {
  const [y, m, d] = text.split('-').map(Number);
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/* A donation typed and tested negative, released: its units. */
async function releasedDonation(donor, daysAgo, products = ['E0500']) {
  const d = await chain.donate(srv, admin, { donor, daysAgo, products });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(d.din, chain.day(-daysAgo))));
  const r = await release(d.units.map((u) => u.id));
  assert.equal(r.status, 201, r.text);
  return d;
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  await chain.setupCenter(srv, admin);
  chain.importDemoCatalog(srv);
  await srv.addUser(admin, 'lab1', 'lab', LAB_PASSWORD);
  await srv.addUser(admin, 'staff1', 'center_staff', undefined, { centers: 'LA-01' });
  await srv.addUser(admin, 'aud', 'auditor');
  lab = await srv.login('lab1', LAB_PASSWORD);
  staff = await srv.login('staff1', 'staff1-password-1');
  auditor = await srv.login('aud', 'aud-password-1');
});

after(() => srv.stop());

test('the panel lists every test; an administrator waives or requires one, audited', async () => {
  let r = await api('GET', '/api/v1/test-panel', staff);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 12);
  const hiv = r.json.items.find((t) => t.test === 'HIV');
  assert.deepEqual(hiv, { test: 'HIV', kind: 'infectious', marker: 'HIV', description: 'Anti-HIV-1/2', required: true });
  assert.ok(r.json.items.every((t) => t.required === true));

  r = await api('PUT', '/api/v1/test-panel/syphilis', admin, { required: false });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.test, 'SYPHILIS');
  assert.equal(r.json.required, false);
  r = await api('GET', '/api/v1/audit?entity=test_panel', admin);
  assert.ok(r.json.items.some((a) => a.entity_id === 'SYPHILIS' && a.action === 'require'), r.text);
  assert.match(cliOk('results', 'panel'), /SYPHILIS\s+infectious\s+SYPHILIS\s+no/);
  assert.match(cliOk('results', 'require', 'SYPHILIS', 'yes'), /REQUIRED\s+yes/);

  r = await unchanged(() => api('PUT', '/api/v1/test-panel/HIV', lab, { required: false }));
  assertError(r, 403, 'forbidden');
  r = await unchanged(() => api('PUT', '/api/v1/test-panel/NOPE', admin, { required: false }));
  assertError(r, 404, 'not_found', { field: 'test' });
  r = await unchanged(() => api('PUT', '/api/v1/test-panel/HIV', admin, { required: 'maybe' }));
  assertError(r, 400, 'invalid_input', { field: 'required' });
  const before = srv.fingerprint();
  const bad = srv.cli('results', 'require', 'HIV', 'perhaps');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^bloodops: required: /);
  assert.equal(srv.fingerprint(), before);
});

test('the full chain: collected, processed, tested, ready in the queue, released with a signature', async () => {
  const donor = await chain.registerDonor(srv, staff, { family_name: 'Chain' });
  const c = await chain.collect(srv, staff, { donor: donor.donor_number });
  const units = await chain.processDonation(srv, staff, c.din, ['E0300', 'E0500']);
  assert.equal(units.length, 2);

  let items = await queue(staff);
  let item = queued(items, units[0].id);
  assert.equal(item.state, 'waiting');
  assert.equal(item.din, c.din);
  assert.equal(item.center, 'LA-01');
  assert.equal(item.abo, null);
  assert.deepEqual(item.missing.slice().sort(), Object.keys(chain.PANEL).concat(['ABO', 'RHD']).sort());
  assert.deepEqual(item.problems, []);

  // The DIN as printed on the label, with its check character, is accepted.
  const printed = (await chain.donation(srv, admin, c.din)).eye_readable;
  const rows = chain.panelRows(c.din, chain.day(0), { abo: 'A', rhd: 'negative' });
  rows[0][0] = printed;
  const imported = await chain.importResults(srv, lab, chain.resultsCsv(rows), 'lab-2026.csv');
  assert.equal(imported.imported, 12);
  assert.equal(imported.donations, 1);
  assert.match(imported.file_sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(imported.discrepancies, []);
  assert.deepEqual(imported.discarded, []);
  assert.deepEqual(imported.deferred, []);
  assert.deepEqual(imported.lookback_cases, []);

  // The first typing establishes the donor's group; the units carry it.
  let r = await api('GET', `/api/v1/donors/${donor.donor_number}`, admin);
  assert.equal(r.json.abo, 'A');
  assert.equal(r.json.rhd, 'NEG');
  assert.deepEqual(r.json.blood_groups.map((g) => [g.din, g.abo, g.rhd]), [[c.din, 'A', 'NEG']]);
  const shown = await chain.donation(srv, admin, c.din);
  assert.ok(shown.units.every((u) => u.abo === 'A' && u.rhd === 'NEG'), JSON.stringify(shown.units));
  assert.equal(shown.tests.length, 12);

  items = await queue(lab, '?center=LA-01');
  item = queued(items, units[0].id);
  assert.equal(item.state, 'ready', JSON.stringify(item));
  assert.deepEqual(item.missing, []);
  assert.equal(queued(items, units[1].id).state, 'ready');
  assert.match(cliOk('release', 'queue', '--center', 'la-01'), new RegExp(`${units[0].id}\\s+${c.din}\\s+E0300.*ready`));

  // The API signs one unit ...
  r = await release([units[0].id], { meaning: 'released for distribution after review' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.signature.signed_by, 'lab1');
  assert.equal(r.json.signature.meaning, 'released for distribution after review');
  assert.match(r.json.signature.signed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(
    r.json.released.map((u) => [u.unit_id, u.din, u.product_code, u.status]),
    [[units[0].id, c.din, 'E0300', 'released']],
  );
  const signatureId = r.json.signature.id;
  const released = await unit(units[0].id);
  assert.equal(released.status, 'released');
  assert.equal(released.released_at, r.json.signature.signed_at);
  const sql = srv.sql(`SELECT s.id, u.username, s.meaning, s.entity FROM signatures s JOIN users u ON u.id = s.user_id WHERE s.id = ${signatureId}`);
  assert.equal(sql.stdout.trim(), `${signatureId}|lab1|released for distribution after review|unit_release`);
  assert.equal(srv.sql(`SELECT release_signature_id FROM units WHERE id = ${units[0].id}`).stdout.trim(), String(signatureId));
  r = await api('GET', '/api/v1/audit?entity=signature', admin);
  assert.ok(r.json.items.some((a) => a.action === 'sign' && a.entity_id === String(signatureId)), r.text);

  // ... the command line the other, the password from the environment.
  const signed = srv.cli('release', 'sign', '--unit', String(units[1].id), '--user', 'lab1', {
    env: { BLOODOPS_SIGNATURE_PASSWORD: LAB_PASSWORD },
  });
  assert.equal(signed.status, 0, signed.stderr);
  assert.match(signed.stdout, /signature \d+ by lab1 at .*: released for distribution/);
  assert.equal((await unit(units[1].id)).status, 'released');
  // Released units leave the queue.
  items = await queue();
  assert.ok(!items.some((u) => u.unit_id === units[0].id || u.unit_id === units[1].id));
});

test('a results file with problems lists every one by line and field and imports nothing', async () => {
  const d = await chain.donate(srv, admin, { daysAgo: 3, products: ['E0300'] });
  const typed = await chain.donate(srv, admin, { products: ['E0300'] });
  await chain.importResults(srv, lab, chain.resultsCsv([[typed.din, 'ABO', 'O', chain.day(0)]]));
  const wrongCheck = `${d.din}${(await chain.donation(srv, admin, d.din)).eye_readable.slice(-2, -1) === 'A' ? 'B' : 'A'}`;
  const content = chain.resultsCsv([
    [d.din, 'ABO', 'O', chain.day(0)], // 2: good
    [wrongCheck, 'RHD', 'POS', chain.day(0)], // 3: din check character
    ['W123499999999', 'HIV', 'NR', chain.day(0)], // 4: no such collection
    [d.din, 'MALARIA', 'nonreactive', chain.day(0)], // 5: not in the panel
    [d.din, 'RHD', 'maybe', chain.day(0)], // 6: result
    [d.din, 'HIV', 'negative', chain.day(0)], // 7: infectious result
    [d.din, 'HCV', 'R', chain.day(2)], // 8: future
    [d.din, 'HTLV', 'NR', chain.day(-10)], // 9: before the collection
    [d.din, 'HBSAG', 'NR', '2026-02-30'], // 10: not a date
    [d.din, 'ABO', 'A', chain.day(0)], // 11: twice in the file
    [typed.din, 'ABO', 'O', chain.day(0)], // 12: already recorded
    [d.din, 'NAT_HIV'], // 13: fields
  ]);
  const expected = [
    [3, 'din'], [4, 'din'], [5, 'test'], [6, 'result'], [7, 'result'], [8, 'date'],
    [9, 'date'], [10, 'date'], [11, 'test'], [12, 'test'], [13, 'line'],
  ];
  const r = await unchanged(() => api('POST', '/api/v1/test-results/import', lab, { file_name: 'bad.csv', content }));
  assertError(r, 400, 'invalid_input', { field: 'din', message: /^line 3: .*\(11 problems in all; nothing was imported\)/ });
  assert.equal(r.json.error.problem_count, 11);
  assert.deepEqual(
    r.json.error.problems.map((p) => [p.line, p.field]).sort((a, b) => a[0] - b[0]),
    expected,
  );
  const messages = Object.fromEntries(r.json.error.problems.map((p) => [p.line, p.message]));
  assert.match(messages[4], /no collection has DIN W123499999999/);
  assert.match(messages[5], /'MALARIA' is not a test of the panel/);
  assert.match(messages[7], /nonreactive or reactive/);
  assert.match(messages[8], /in the future/);
  assert.match(messages[9], /before the collection/);
  assert.match(messages[11], /already on line 2/);
  assert.match(messages[12], /already has a ABO result .*never overwritten/);

  const file = path.join(srv.dir, 'bad-results.csv');
  fs.writeFileSync(file, content);
  const before = srv.fingerprint();
  const cli = srv.cli('results', 'import', file);
  assert.equal(cli.status, 1, cli.stdout + cli.stderr);
  for (const [line, field] of expected)
    assert.ok(cli.stderr.includes(`${file}:${line}: ${field}: `), `${file}:${line}: ${field}: in\n${cli.stderr}`);
  assert.match(cli.stderr, /nothing was imported: 11 problems/);
  assert.equal(srv.fingerprint(), before);

  // A header that is not the one, no content, no body field, wrong roles.
  let bad = await unchanged(() => api('POST', '/api/v1/test-results/import', lab, { content: 'DIN;TEST\n' }));
  assertError(bad, 400, 'invalid_input', { field: 'header' });
  bad = await unchanged(() => api('POST', '/api/v1/test-results/import', lab, { content: 'din,test,result,date\n' }));
  assertError(bad, 400, 'invalid_input', { field: 'file' });
  bad = await unchanged(() => api('POST', '/api/v1/test-results/import', lab, { content: '' }));
  assertError(bad, 400, 'invalid_input', { field: 'content' });
  bad = await unchanged(() => api('POST', '/api/v1/test-results/import', lab, { file: 'x' }));
  assertError(bad, 400, 'invalid_input', { field: 'file' });
  bad = await unchanged(() => api('POST', '/api/v1/test-results/import', lab, { file_name: 'x'.repeat(201), content }));
  assertError(bad, 400, 'invalid_input', { field: 'file_name' });
  bad = await unchanged(() => api('POST', '/api/v1/test-results/import', staff, { content }));
  assertError(bad, 403, 'forbidden');
});

test('a results file imported twice is refused naming the earlier import; a NUL byte names its line and field', async () => {
  const d = await chain.donate(srv, admin, { products: ['E0300'] });
  const content = chain.resultsCsv([[d.din, 'ABO', 'B', chain.day(0)], [d.din, 'RHD', 'NEG', chain.day(0)]]);
  const first = await chain.importResults(srv, lab, content, 'typing.csv');
  assert.equal(first.imported, 2);
  let r = await unchanged(() => api('POST', '/api/v1/test-results/import', lab, { file_name: 'typing-again.csv', content }));
  assertError(r, 400, 'invalid_input', { field: 'file', message: /^line 1: this file was already imported by results import \d+ \(\d{4}-\d{2}-\d{2}, by lab1\)/ });
  assert.equal(r.json.error.problem_count, 1, 'one problem, not one per line');
  // A file whose row holds a NUL byte: that line and its field, nothing imported.
  const other = await chain.donate(srv, admin, { products: ['E0300'] });
  const file = path.join(srv.dir, 'flawed-results.csv');
  fs.writeFileSync(file, chain.resultsCsv([[other.din, 'ABO', 'A', chain.day(0)], [other.din, 'RHD', 'POS\u0000SEE', chain.day(0)]]));
  const before = srv.fingerprint();
  const cli = srv.cli('results', 'import', file);
  assert.equal(cli.status, 1, cli.stdout + cli.stderr);
  assert.ok(cli.stderr.includes(`${file}:3: result: holds a NUL byte (in field 3, result)`), cli.stderr);
  assert.equal(srv.fingerprint(), before);
});

test('release refusals change nothing: wrong password, waiting unit, unknown or repeated unit, signer without the role', async () => {
  const waiting = await chain.donate(srv, admin, { products: ['E0300'] });
  const ready = await chain.donate(srv, admin, { products: ['E0500'] });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(ready.din, chain.day(0))));
  const readyId = ready.units[0].id;
  const waitingId = waiting.units[0].id;

  let r = await release([readyId], { password: 'not-my-password' });
  assertError(r, 401, 'unauthorized', { field: 'password' });
  assert.equal((await unit(readyId)).status, 'quarantined');
  r = await api('GET', '/api/v1/audit?entity=signature', admin);
  assert.ok(r.json.items.some((a) => a.action === 'signature_failed' && a.entity_id === 'lab1'), r.text);

  r = await unchanged(() => release([readyId, waitingId]));
  assertError(r, 409, 'conflict', { field: 'units', message: new RegExp(`unit ${waitingId} \\(${waiting.din} E0300 00\\) is waiting: missing .*HIV`) });
  r = await unchanged(() => release([readyId, 999999]));
  assertError(r, 404, 'not_found', { field: 'units' });
  r = await unchanged(() => release([readyId, readyId]));
  assertError(r, 400, 'invalid_input', { field: 'units', message: /twice/ });
  r = await unchanged(() => release([]));
  assertError(r, 400, 'invalid_input', { field: 'units' });
  r = await unchanged(() => release([true]));
  assertError(r, 400, 'invalid_input', { field: 'units' });
  r = await unchanged(() => api('POST', '/api/v1/releases', lab, { units: [readyId], username: 'lab1' }));
  assertError(r, 400, 'invalid_input', { field: 'password' });
  // center staff may read the queue but not release, nor sign for a release.
  assert.ok((await queue(staff)).some((u) => u.unit_id === readyId));
  r = await unchanged(() => release([readyId], { session: staff }));
  assertError(r, 403, 'forbidden');
  // A signature is the signer's own: logged in as lab1, no one signs as the administrator,
  // even with the right password; and a signer must hold a role that releases.
  r = await unchanged(() => release([readyId], { username: 'admin', password: ADMIN_PASSWORD }));
  assertError(r, 403, 'forbidden', { field: 'username', message: /logged in as 'lab1'/ });
  const beforeSigner = srv.fingerprint();
  const signer = srv.cli('release', 'sign', '--unit', String(readyId), '--user', 'staff1', '--password-stdin', { input: 'staff1-password-1\n' });
  assert.equal(signer.status, 1, signer.stderr);
  assert.match(signer.stderr, /'staff1' does not hold a role that may sign this/);
  assert.equal(srv.fingerprint(), beforeSigner);
  r = await unchanged(() => api('GET', '/api/v1/release-queue', auditor));
  assertError(r, 403, 'forbidden');
  r = await unchanged(() => api('GET', '/api/v1/release-queue?center=NOWHERE', lab));
  assertError(r, 404, 'not_found', { field: 'center' });
  const before = srv.fingerprint();
  const cli = srv.cli('release', 'sign', '--unit', `${readyId},${waitingId}`, '--user', 'lab1', { input: `${LAB_PASSWORD}\n` });
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /^bloodops: --unit: unit \d+ .* is waiting/);
  assert.equal(srv.fingerprint(), before);

  r = await release([readyId]);
  assert.equal(r.status, 201, r.text);
  r = await unchanged(() => release([readyId]));
  assertError(r, 409, 'conflict', { field: 'units', message: /is blocked: unit is released/ });
});

test('an ABO discrepancy holds the units, is reported and blocks release; a positive antibody screen holds too', async () => {
  const first = await chain.donate(srv, admin, { daysAgo: 120, products: ['E0500'] });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(first.din, chain.day(-119), { abo: 'O', rhd: 'POS' })));
  const second = await chain.donate(srv, admin, { donor: first.donor, products: ['E0300', 'E0500'] });
  const r = await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(second.din, chain.day(0), { abo: 'A', rhd: 'POS' })));
  const why = 'ABO/RhD discrepancy: donor history O POS, donation A POS';
  assert.deepEqual(r.discrepancies, [
    { din: second.din, eye_readable: chain.eyeReadable(srv, second.din), donor_number: first.donor, donor_group: 'O POS', donation_group: 'A POS', hold: why },
  ]);
  const shown = await chain.donation(srv, admin, second.din);
  assert.ok(shown.units.every((u) => u.hold === why && u.abo === 'A'), JSON.stringify(shown.units));
  const donor = (await api('GET', `/api/v1/donors/${first.donor}`, admin)).json;
  assert.equal(donor.abo, 'O', 'the donor keeps the established group');
  assert.equal(donor.blood_groups.length, 2);
  const item = queued(await queue(), second.units[0].id);
  assert.equal(item.state, 'blocked');
  assert.deepEqual(item.problems, [`held: ${why}`]);
  const refused = await unchanged(() => release([second.units[0].id]));
  assertError(refused, 409, 'conflict', { field: 'units', message: 'ABO/RhD discrepancy' });

  const positive = await chain.donate(srv, admin, { products: ['E0300'] });
  const screened = await chain.importResults(
    srv, lab, chain.resultsCsv(chain.panelRows(positive.din, chain.day(0), { overrides: { ABSCREEN: 'POSITIVE' } })),
  );
  assert.deepEqual(screened.held, [positive.din]);
  const blocked = queued(await queue(), positive.units[0].id);
  assert.equal(blocked.state, 'blocked');
  assert.ok(blocked.problems.includes('antibody screen positive (ABSCREEN)'), JSON.stringify(blocked));
});

test('a reactive syphilis result discards the donation and defers the donor for 12 months', async () => {
  const d = await chain.donate(srv, admin, { products: ['E0300'] });
  const r = await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(d.din, chain.day(0), { overrides: { SYPHILIS: 'R' } })));
  assert.deepEqual(r.discarded, [d.din]);
  assert.deepEqual(r.deferred, [d.donor]);
  assert.equal(r.lookback_cases.length, 1);
  assert.equal((await unit(d.units[0].id)).status, 'discarded');
  const donor = (await api('GET', `/api/v1/donors/${d.donor}`, admin)).json;
  const deferral = donor.deferrals.find((x) => x.source === 'test');
  assert.equal(deferral.kind, 'temporary');
  assert.equal(deferral.until, monthsBefore(chain.day(0), -12));
  assert.equal(deferral.reason_code, 'REACTIVE_TEST');
  assert.equal(deferral.din, d.din);
});

test('results that come in before processing hold or discard the units when they are made', async () => {
  // A reactive HCV result on a collection not yet processed: its units are discarded as they are made.
  const donorA = (await chain.registerDonor(srv, admin)).donor_number;
  const reactive = await chain.collect(srv, admin, { donor: donorA });
  const r = await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(reactive.din, chain.day(0), { overrides: { HCV: 'R' } })));
  assert.deepEqual(r.deferred, [donorA]);
  assert.equal(r.lookback_cases.length, 1);
  const made = await chain.processDonation(srv, admin, reactive.din, ['E0300', 'E0500']);
  assert.deepEqual(made.map((u) => u.status), ['discarded', 'discarded']);
  assert.match((await unit(made[0].id)).events.at(-1).reason, /reactive HCV \(test HCV/);
  // A positive antibody screen: the units are made held in quarantine, and the queue says why.
  const donorB = (await chain.registerDonor(srv, admin)).donor_number;
  const screened = await chain.collect(srv, admin, { donor: donorB });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(screened.din, chain.day(0), { overrides: { ABSCREEN: 'positive' } })));
  const held = await chain.processDonation(srv, admin, screened.din, ['E0300']);
  assert.equal(held[0].status, 'quarantined');
  assert.match(held[0].hold, /antibody screen positive/);
  const queue = await api('GET', '/api/v1/release-queue?limit=500', lab);
  assert.equal(queued(queue.json.items, held[0].id).state, 'blocked');
});

test('the reactive path: discard, permanent deferral, lookback case holding the earlier units', async () => {
  const donor = (await chain.registerDonor(srv, admin, { family_name: 'Lookback', sex: 'F' })).donor_number;
  // Long ago, before the window: tested, never released, left alone.
  const old = await chain.donate(srv, admin, { donor, daysAgo: 800, products: ['E0303'] });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(old.din, chain.day(-800))));
  // Within the window: plasma released, red cells (expired, still quarantined).
  const earlier = await releasedDonation(donor, 200, ['E0500']);
  const extra = await chain.donate(srv, admin, { donor, daysAgo: 100, products: ['E0303'] });
  // The trigger.
  const trigger = await chain.donate(srv, admin, { donor, products: ['E0300', 'E0500'] });
  const oldBefore = await chain.donation(srv, admin, old.din);

  const r = await chain.importResults(
    srv, lab, chain.resultsCsv(chain.panelRows(trigger.din, chain.day(0), { overrides: { HIV: 'reactive', NAT_HIV: 'R' } })),
  );
  assert.deepEqual(r.discarded, [trigger.din]);
  assert.deepEqual(r.deferred, [donor]);
  assert.equal(r.lookback_cases.length, 1, 'one case for the marker, though two of its tests are reactive');
  const caseId = r.lookback_cases[0];

  // The donation's units are discarded, the reason naming the test.
  for (const u of trigger.units) {
    const shown = await unit(u.id);
    assert.equal(shown.status, 'discarded');
    assert.match(shown.events[shown.events.length - 1].reason, /reactive HIV \(test (HIV|NAT_HIV)/);
  }
  const deferral = (await api('GET', `/api/v1/donors/${donor}`, admin)).json.deferrals.find((x) => x.source === 'test');
  assert.equal(deferral.kind, 'permanent');
  assert.equal(deferral.din, trigger.din);

  // The case: window from 12 months before the last nonreactive HIV result.
  let c = await api('GET', `/api/v1/lookback-cases/${caseId}`, lab);
  assert.equal(c.status, 200, c.text);
  c = c.json;
  assert.equal(c.status, 'open');
  assert.equal(c.donor_number, donor);
  assert.equal(c.marker, 'HIV');
  assert.equal(c.trigger_din, trigger.din);
  assert.equal(c.opened_on, chain.day(0));
  assert.equal(c.window_start, monthsBefore(chain.day(-200), 12));
  assert.equal(c.window_end, chain.day(0));
  assert.deepEqual(c.deadlines, [
    { step: 'quarantine', due: chain.day(3), done_on: null, overdue: false },
    { step: 'notice', due: chain.day(3), done_on: null, overdue: false },
    { step: 'followup', due: chain.day(45), done_on: null, overdue: false },
  ]);
  const hold = `lookback case ${caseId}`;
  assert.deepEqual(
    c.units.map((u) => [u.unit_id, u.status_at_trace, u.status, u.action, u.hospital]),
    [
      [earlier.units[0].id, 'released', 'quarantined', 'quarantined', null],
      [extra.units[0].id, 'quarantined', 'quarantined', 'quarantined', null],
    ],
  );
  assert.deepEqual(c.hospitals, []);
  assert.equal((await unit(earlier.units[0].id)).hold, hold);
  assert.equal((await unit(extra.units[0].id)).hold, hold);
  assert.deepEqual(await chain.donation(srv, admin, old.din), oldBefore, 'the donation before the window is untouched');
  assert.ok(queued(await queue(), earlier.units[0].id).problems.includes(`held: ${hold}`));

  // The list, the report, the command line.
  let list = await api('GET', '/api/v1/lookback-cases?status=open', auditor);
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.some((k) => k.id === caseId && k.next_due === chain.day(3) && k.overdue === false));
  const text = await api('GET', `/api/v1/lookback-cases/${caseId}/report`, lab);
  assert.equal(text.status, 200);
  assert.match(text.headers.get('content-type'), /^text\/plain/);
  assert.match(text.text, new RegExp(`LOOKBACK CASE ${caseId}`));
  // each unit by its DIN as printed on its label
  const printed = chain.eyeReadable(srv, earlier.din).replace(/[[\]]/g, '\\$&');
  assert.match(text.text, new RegExp(`${printed}\\s+E0500\\s+00\\s+released\\s+quarantined\\s+quarantined`));
  assert.match(text.text, /HOSPITALS TO NOTIFY: none/);
  const html = await api('GET', `/api/v1/lookback-cases/${caseId}/report?format=html`, lab);
  assert.match(html.headers.get('content-type'), /^text\/html/);
  assert.match(html.text, new RegExp(`<h1>Lookback case ${caseId}</h1>`));
  assertError(await api('GET', `/api/v1/lookback-cases/${caseId}/report?format=docx`, lab), 400, 'invalid_input', { field: 'format' });
  assert.match(cliOk('lookback', 'list', '--status', 'open'), new RegExp(`${caseId}\\s+open\\s+${donor}\\s+HIV`));
  assert.match(cliOk('lookback', 'show', String(caseId)), /quarantine\s+\S+\s+\S*\s*no/);
  assert.match(cliOk('lookback', 'report', String(caseId)), /DEADLINES/);

  // Steps and closing.
  const step = (body, session = lab) => api('POST', `/api/v1/lookback-cases/${caseId}/steps`, session, body);
  const close = (body) => api('POST', `/api/v1/lookback-cases/${caseId}/close`, lab, body);
  let s = await step({ step: 'quarantine' });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.deadlines[0].done_on, chain.day(0));
  assertError(await unchanged(() => close({ reason: 'too early' })), 409, 'conflict', { field: 'step', message: /notice/ });
  assertError(await unchanged(() => step({ step: 'quarantine' })), 409, 'conflict', { field: 'step' });
  assertError(await unchanged(() => step({ step: 'notice', done_on: chain.day(1) })), 400, 'invalid_input', { field: 'done_on' });
  assertError(await unchanged(() => step({ step: 'notice', done_on: chain.day(-1) })), 400, 'invalid_input', { field: 'done_on' });
  assertError(await unchanged(() => step({ step: 'followup' })), 400, 'invalid_input', { field: 'result' });
  assertError(await unchanged(() => step({ step: 'notice', result: 'x' })), 400, 'invalid_input', { field: 'result' });
  assertError(await unchanged(() => step({ step: 'recall' })), 400, 'invalid_input', { field: 'step' });
  assertError(await unchanged(() => step({ step: 'notice' }, staff)), 403, 'forbidden');
  assertError(await unchanged(() => api('POST', '/api/v1/lookback-cases/99999/steps', lab, { step: 'notice' })), 404, 'not_found', { field: 'id' });
  s = await step({ step: 'notice', done_on: chain.day(0) });
  assert.equal(s.status, 200, s.text);
  const cli = srv.cli('lookback', 'step', String(caseId), '--step', 'followup', '--result', 'donor confirmed positive; recipients notified');
  assert.equal(cli.status, 0, cli.stderr);
  assertError(await unchanged(() => close({})), 400, 'invalid_input', { field: 'reason' });
  const closed = await close({ reason: 'all consignees notified, follow-up recorded' });
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.json.status, 'closed');
  assert.equal(closed.json.close_reason, 'all consignees notified, follow-up recorded');
  assert.equal(closed.json.followup_result, 'donor confirmed positive; recipients notified');
  assertError(await unchanged(() => close({ reason: 'again' })), 409, 'conflict', { field: 'status' });
  assertError(await unchanged(() => step({ step: 'notice' })), 409, 'conflict', { field: 'status' });
  list = await api('GET', '/api/v1/lookback-cases?status=closed', lab);
  assert.ok(list.json.items.some((k) => k.id === caseId && k.next_due === null));
  assertError(await api('GET', '/api/v1/lookback-cases?status=maybe', lab), 400, 'invalid_input', { field: 'status' });
  assertError(await api('GET', '/api/v1/lookback-cases?after=x', lab), 400, 'invalid_input', { field: 'after' });
  assertError(await api('GET', '/api/v1/release-queue?after=99999999999999999999', lab), 400, 'invalid_input', { field: 'after' });
  const audit = await api('GET', '/api/v1/audit?entity=lookback_case', admin);
  assert.deepEqual(
    audit.json.items.filter((a) => a.entity_id === String(caseId)).map((a) => a.action),
    ['open', 'step', 'step', 'step', 'close'],
  );
});

test('roles: center staff import nothing and see no lookback cases; the auditor reads them', async () => {
  assertError(await unchanged(() => api('GET', '/api/v1/lookback-cases', staff)), 403, 'forbidden');
  assert.equal((await api('GET', '/api/v1/lookback-cases', auditor)).status, 200);
  assertError(await unchanged(() => api('POST', '/api/v1/lookback-cases/1/close', auditor, { reason: 'x' })), 403, 'forbidden');
  assertError(await unchanged(() => api('POST', '/api/v1/test-results/import', auditor, { content: 'x' })), 403, 'forbidden');
  assert.equal((await api('GET', '/api/v1/test-panel', auditor)).status, 200);
});
