'use strict';
/*
 * laboratory.test.js - corrections in the laboratory (docs/testing.md,
 * "Amending a result", "ABO/RhD discrepancies", "Uploading a results
 * file"), over the API and the command line, on either backend.
 *
 * A result is corrected only by an amendment: the reason and the signer's
 * password are required, the original is kept, the audit trail holds the
 * value before and after, and the donation is re-evaluated in the same
 * transaction (a positive screen holds and a negative one lifts the hold;
 * a reactive marker discards, defers and opens the lookback case, a
 * released unit included; amended back, a discarded unit stays discarded;
 * a retyping that disagrees with the donor opens a discrepancy). Refused
 * amendments (no reason, a wrong password, an unknown result, the value
 * it has) change nothing. An ABO/RhD discrepancy is listed until it is
 * resolved: the confirmatory typing signed (the only way the donor's group
 * changes), then the units released under a signature or discarded with
 * the reason; each step audited, refusals changing nothing. A results
 * file sent as the body is streamed and imported by the same service:
 * tens of megabytes checked line by line, a file past the JSON body limit
 * imported, a file past the upload limit refused with 413 naming it.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');
const chain = require('./lib/chain');

const { LAB_PASSWORD } = chain;

let srv;
let admin;
let lab;
let staff;

function api(method, url, session, body) {
  return srv.api(method, url, { token: session.token, body });
}

async function ok(method, url, body, status = 200, session = lab) {
  const r = await api(method, url, session, body);
  assert.equal(r.status, status, `${method} ${url}: ${r.text}`);
  return r.json;
}

function auditCount() {
  const r = srv.sql('SELECT COUNT(*) FROM audit_log');
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

/* The request changes nothing: the database's fingerprint is the same. */
async function unchanged(request) {
  const before = srv.fingerprint();
  const response = await request();
  assert.equal(srv.fingerprint(), before, `the database changed after: ${response.status} ${response.text}`);
  return response;
}

/* A refusal after a wrong password: nothing changes but the failed
 * signature recorded in the audit trail, as a failed login is. */
async function onlySignatureFailed(request, units) {
  const count = auditCount();
  const statuses = await unitStatuses(units);
  const response = await request();
  assertError(response, 401, 'unauthorized', { field: 'password' });
  assert.equal(auditCount(), count + 1, 'one audit record: the failed signature');
  const audit = await ok('GET', '/api/v1/audit?entity=signature&limit=500', undefined, 200, admin);
  assert.equal(audit.items.at(-1).action, 'signature_failed');
  assert.deepEqual(await unitStatuses(units), statuses, 'the units are as they were');
  return response;
}

async function unit(id) {
  return ok('GET', `/api/v1/units/${id}`, undefined, 200, admin);
}

async function unitStatuses(units) {
  const shown = [];
  for (const u of units) {
    const full = await unit(u.id);
    shown.push([full.status, full.hold]);
  }
  return shown;
}

async function results(din) {
  const list = await ok('GET', `/api/v1/test-results?din=${din}`);
  return Object.fromEntries(list.items.map((r) => [r.test, r]));
}

function amend(id, body, session = lab) {
  return api('POST', `/api/v1/test-results/${id}/amendments`, session, { username: 'lab1', password: LAB_PASSWORD, ...body });
}

async function queueItem(unitId) {
  const q = await ok('GET', '/api/v1/release-queue?limit=500');
  return q.items.find((i) => i.unit_id === unitId);
}

/* A donation tested negative and typed `abo` POS: its units are ready. */
async function testedDonation({ donor, abo = 'O', products = ['E0300', 'E0500'], daysAgo = 0 } = {}) {
  const d = await chain.donate(srv, admin, { donor, daysAgo, products });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(d.din, chain.day(-daysAgo), { abo })));
  return d;
}

before(async () => {
  ({ srv, admin, lab } = await chain.startWithLab());
  await srv.addUser(admin, 'staff1', 'center_staff', undefined, { centers: 'LA-01' });
  staff = await srv.login('staff1', 'staff1-password-1');
});

after(() => srv.stop());

test('a result is amended only with a reason and a signature; the original is kept; refusals change nothing', async () => {
  const d = await testedDonation();
  let shown = await results(d.din);
  assert.equal(Object.keys(shown).length, 12);
  const screen = shown.ABSCREEN;
  assert.deepEqual(
    [screen.result, screen.original_result, screen.amended, screen.amendments, screen.din, screen.eye_readable],
    ['negative', 'negative', false, [], d.din, chain.eyeReadable(srv, d.din)],
  );

  // Refusals, each naming its field, nothing changed.
  let r = await unchanged(() => api('POST', `/api/v1/test-results/${screen.id}/amendments`, lab, { result: 'positive', username: 'lab1', password: LAB_PASSWORD }));
  assertError(r, 400, 'invalid_input', { field: 'reason' });
  r = await unchanged(() => amend(screen.id, { result: 'positive', reason: '   ' }));
  assertError(r, 400, 'invalid_input', { field: 'reason' });
  r = await unchanged(() => amend(999999, { result: 'positive', reason: 'retested' }));
  assertError(r, 404, 'not_found', { field: 'id' });
  r = await unchanged(() => amend('abc', { result: 'positive', reason: 'retested' }));
  assertError(r, 404, 'not_found', { field: 'id' });
  r = await unchanged(() => amend(screen.id, { result: 'NEGATIVE', reason: 'retested' }));
  assertError(r, 400, 'invalid_input', { field: 'result', message: /is negative already/ });
  r = await unchanged(() => amend(screen.id, { result: 'reactive', reason: 'retested' }));
  assertError(r, 400, 'invalid_input', { field: 'result', message: /negative or positive/ });
  r = await unchanged(() => amend(screen.id, { result: 'positive', reason: 'retested' }, staff));
  assertError(r, 403, 'forbidden');
  r = await unchanged(() => amend(screen.id, { result: 'positive', reason: 'retested', username: 'admin', password: ADMIN_PASSWORD }));
  assertError(r, 403, 'forbidden', { field: 'username', message: /logged in as 'lab1'/ });
  await onlySignatureFailed(() => amend(screen.id, { result: 'positive', reason: 'retested', password: 'not-my-password' }), d.units);
  assert.equal((await results(d.din)).ABSCREEN.result, 'negative');

  // Amended to positive: the units are held in the same transaction.
  assert.equal((await queueItem(d.units[0].id)).state, 'ready');
  r = await amend(screen.id, { result: 'POSITIVE', reason: 'retested: the first reading was a transcription error' });
  assert.equal(r.status, 201, r.text);
  const first = r.json;
  assert.equal(first.amendment.previous_result, 'negative');
  assert.equal(first.amendment.result, 'positive');
  assert.equal(first.amendment.signed_by, 'lab1');
  assert.equal(first.amendment.reason, 'retested: the first reading was a transcription error');
  assert.deepEqual([first.result.result, first.result.original_result, first.result.amended], ['positive', 'negative', true]);
  assert.deepEqual(first.effects.held, [d.din]);
  assert.deepEqual(first.units.map((u) => [u.unit_id, u.status_before, u.status, u.state]), d.units.map((u) => [u.id, 'quarantined', 'quarantined', 'blocked']));
  assert.ok(first.units[0].problems.includes('held: antibody screen positive (ABSCREEN)'), JSON.stringify(first.units[0]));
  assert.equal((await queueItem(d.units[0].id)).state, 'blocked');
  // The signature is on record, the audit trail holds before and after.
  const signature = srv.sql(`SELECT u.username, s.entity FROM signatures s JOIN users u ON u.id = s.user_id WHERE s.id = ${first.amendment.signature_id}`);
  assert.equal(signature.stdout.trim(), 'lab1|test_result_amendment');
  const audit = await ok('GET', '/api/v1/audit?entity=test_result&limit=500', undefined, 200, admin);
  const record = audit.items.find((a) => a.entity_id === String(screen.id) && a.action === 'amend');
  assert.ok(record, JSON.stringify(audit.items));
  assert.equal(record.before.result, 'negative');
  assert.equal(record.after.result, 'positive');
  assert.equal(record.reason, 'retested: the first reading was a transcription error');

  // Amended back to negative: the hold it caused is lifted, and the units
  // are ready again by the normal rules.
  const second = await ok('POST', `/api/v1/test-results/${screen.id}/amendments`, { result: 'negative', reason: 'confirmed negative on a new sample', username: 'lab1', password: LAB_PASSWORD }, 201);
  assert.deepEqual(second.effects.unheld, [d.din]);
  assert.deepEqual(second.units.map((u) => [u.status, u.hold, u.state]), d.units.map(() => ['quarantined', null, 'ready']));
  shown = await results(d.din);
  assert.deepEqual(shown.ABSCREEN.amendments.map((a) => [a.previous_result, a.result]), [['negative', 'positive'], ['positive', 'negative']]);
  // The recorded result itself was never changed; the lookup shows it as it stands.
  assert.equal(srv.sql(`SELECT result FROM test_results WHERE id = ${screen.id}`).stdout.trim(), 'negative');
  const one = await ok('GET', `/api/v1/test-results/${screen.id}`);
  assert.equal(one.amendments.length, 2);
  assert.equal((await chain.donation(srv, admin, d.din)).tests.find((t) => t.test === 'ABSCREEN').result, 'negative');
  // Amending the same way again is refused, once more changing nothing.
  r = await unchanged(() => amend(screen.id, { result: 'negative', reason: 'again' }));
  assertError(r, 400, 'invalid_input', { field: 'result' });

  // The command line amends too, the password as release sign takes it.
  const hcv = shown.HCV.id;
  const cli = srv.cli('results', 'amend', String(hcv), '--result', 'R', '--reason', 'NAT confirmed', '--user', 'lab1', { env: { BLOODOPS_SIGNATURE_PASSWORD: LAB_PASSWORD } });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /amendment \d+: HCV of DIN .* nonreactive -> reactive, signed by lab1/);
  assert.match(cli.stdout, /discarded \(reactive\): /);
  const before = srv.fingerprint();
  const bad = srv.cli('results', 'amend', String(hcv), '--result', 'NR', '--user', 'lab1', { env: { BLOODOPS_SIGNATURE_PASSWORD: LAB_PASSWORD } });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^bloodops: --reason: /);
  assert.equal(srv.fingerprint(), before);
  assert.match(srv.cli('results', 'show', d.din).stdout, /amendments of result \d+ \(ABSCREEN\)/);
});

test('a result amended to reactive takes the reactive path, a released unit included; amended back, discarded units stay discarded', async () => {
  const d = await testedDonation({ products: ['E0300', 'E0500'] });
  const released = await ok('POST', '/api/v1/releases', { units: [d.units[0].id], username: 'lab1', password: LAB_PASSWORD }, 201);
  assert.equal(released.released[0].status, 'released');
  const hiv = (await results(d.din)).HIV;

  const r = await ok('POST', `/api/v1/test-results/${hiv.id}/amendments`, { result: 'reactive', reason: 'instrument re-read: reactive', username: 'lab1', password: LAB_PASSWORD }, 201);
  assert.deepEqual(r.effects.discarded, [d.din]);
  assert.deepEqual(r.effects.deferred, [d.donor]);
  assert.equal(r.effects.lookback_cases.length, 1);
  assert.deepEqual(r.units.map((u) => [u.status_before, u.status, u.state]), [['released', 'discarded', null], ['quarantined', 'discarded', null]]);
  assert.match((await unit(d.units[0].id)).events.at(-1).reason, /reactive HIV \(test HIV/);
  const donor = await ok('GET', `/api/v1/donors/${d.donor}`, undefined, 200, admin);
  const deferral = donor.deferrals.find((x) => x.source === 'test');
  assert.equal(deferral.kind, 'permanent');
  assert.equal(deferral.din, d.din);
  const lookback = await ok('GET', `/api/v1/lookback-cases/${r.effects.lookback_cases[0]}`);
  assert.equal(lookback.trigger_din, d.din);

  // Amended back to nonreactive: nothing returns to the shelves, and the answer says so.
  const back = await ok('POST', `/api/v1/test-results/${hiv.id}/amendments`, { result: 'NR', reason: 'confirmatory test negative', username: 'lab1', password: LAB_PASSWORD }, 201);
  assert.deepEqual(back.units.map((u) => u.status), ['discarded', 'discarded']);
  assert.ok(back.notes.some((n) => /was discarded and stays discarded/.test(n)), JSON.stringify(back.notes));
  assert.ok(back.notes.some((n) => /deferral of donor .* and the lookback case .* stay as they are/.test(n)), JSON.stringify(back.notes));
  assert.deepEqual(back.effects, { discrepancies: [], held: [], unheld: [], discarded: [], deferred: [], lookback_cases: [] });
});

test('an ABO/RhD discrepancy is an open item: confirmed with the donor group updated, then released under a signature', async () => {
  const first = await testedDonation({ abo: 'O', products: ['E0500'], daysAgo: 120 });
  const second = await chain.donate(srv, admin, { donor: first.donor, products: ['E0300', 'E0500'] });
  const imported = await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(second.din, chain.day(0), { abo: 'A' })));
  assert.equal(imported.discrepancies.length, 1);

  let list = await ok('GET', '/api/v1/typing-discrepancies');
  let item = list.items.find((x) => x.din === second.din);
  assert.ok(item, JSON.stringify(list));
  assert.deepEqual(
    [item.status, item.donor_number, item.donor_group, item.donation_group, item.confirmation, item.resolution, item.eye_readable],
    ['open', first.donor, 'O POS', 'A POS', null, null, chain.eyeReadable(srv, second.din)],
  );
  const id = item.id;
  // The laboratory's worklist lists it to resolve (docs/worklists.md).
  const worklistItems = async () => (await ok('GET', '/api/v1/worklist?limit=500')).sections.find((s) => s.name === 'abo_discrepancies').items;
  assert.deepEqual((await worklistItems()).find((x) => x.id === id),
    { id, din: second.din, eye_readable: item.eye_readable, donor_number: first.donor, donor_group: 'O POS', donation_group: 'A POS', status: 'open', opened_at: item.opened_at });
  // The command line's worklist shows it as a row of its section, not just counted.
  const cliWorklist = srv.cli('worklist', '--limit', '500');
  assert.equal(cliWorklist.status, 0, cliWorklist.stderr);
  const escaped = item.eye_readable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(cliWorklist.stdout, new RegExp(`\\n\\s*${id}\\s+${escaped}\\s+${first.donor}\\s+O POS\\s+A POS\\s+open`));
  // The release queue holds the units for the discrepancy, and links it.
  const queued = await queueItem(second.units[0].id);
  assert.equal(queued.state, 'blocked');
  assert.equal(queued.discrepancy_id, id);
  assert.ok(queued.problems.some((p) => p.startsWith('held: ABO/RhD discrepancy')), JSON.stringify(queued));

  // Refusals that change nothing.
  const url = `/api/v1/typing-discrepancies/${id}`;
  const confirm = (body, session = lab) => api('POST', `${url}/confirmation`, session, { abo: 'A', rhd: 'POS', username: 'lab1', password: LAB_PASSWORD, ...body });
  const release = (body = {}) => api('POST', `${url}/release`, lab, { username: 'lab1', password: LAB_PASSWORD, ...body });
  assertError(await unchanged(() => release()), 409, 'conflict', { field: 'status', message: /no confirmatory typing yet/ });
  assertError(await unchanged(() => confirm({ abo: 'Q' })), 400, 'invalid_input', { field: 'abo' });
  assertError(await unchanged(() => confirm({ rhd: 'maybe' })), 400, 'invalid_input', { field: 'rhd' });
  assertError(await unchanged(() => confirm({ abo: 'O', update_donor_group: true })), 400, 'invalid_input', { field: 'update_donor_group', message: /O POS already/ });
  assertError(await unchanged(() => confirm({}, staff)), 403, 'forbidden');
  assertError(await unchanged(() => api('POST', '/api/v1/typing-discrepancies/99999/confirmation', lab, { abo: 'A', rhd: 'POS', username: 'lab1', password: LAB_PASSWORD })), 404, 'not_found', { field: 'id' });
  assertError(await unchanged(() => api('POST', `${url}/discard`, lab, {})), 400, 'invalid_input', { field: 'reason' });
  await onlySignatureFailed(() => confirm({ password: 'wrong-password-1' }), second.units);

  // The confirmation says A POS and that the donor's group is wrong: it is set, audited.
  let shown = await ok('POST', `${url}/confirmation`, { abo: 'a', rhd: 'positive', update_donor_group: true, username: 'lab1', password: LAB_PASSWORD });
  assert.equal(shown.status, 'confirmed');
  assert.deepEqual([shown.confirmation.group, shown.confirmation.donor_updated, shown.confirmation.confirmed_by], ['A POS', true, 'lab1']);
  assert.equal(shown.donor_group_now, 'A POS');
  const donor = await ok('GET', `/api/v1/donors/${first.donor}`, undefined, 200, admin);
  assert.deepEqual([donor.abo, donor.rhd], ['A', 'POS']);
  const donorAudit = await ok('GET', '/api/v1/audit?entity=donor&limit=500', undefined, 200, admin);
  const groupChange = donorAudit.items.filter((a) => a.entity_id === first.donor && a.action === 'blood_group').at(-1);
  assert.deepEqual([groupChange.before.abo, groupChange.after.abo], ['O', 'A']);
  assert.match(groupChange.reason, new RegExp(`confirmatory typing A POS of DIN ${second.din}`));
  assertError(await unchanged(() => confirm({})), 409, 'conflict', { field: 'status', message: /confirmatory typing already/ });
  // Still held until released.
  assert.equal((await queueItem(second.units[0].id)).state, 'blocked');

  await onlySignatureFailed(() => release({ password: 'wrong-password-1' }), second.units);
  shown = await ok('POST', `${url}/release`, { username: 'lab1', password: LAB_PASSWORD });
  assert.equal(shown.status, 'released');
  assert.equal(shown.resolution.outcome, 'released');
  assert.ok(shown.resolution.signature_id > 0);
  assert.deepEqual(shown.units.map((u) => [u.status, u.hold]), [['released', null], ['released', null]]);
  assert.equal(srv.sql(`SELECT COUNT(*) FROM units WHERE din = '${second.din}' AND release_signature_id = ${shown.resolution.signature_id}`).stdout.trim(), '2');
  assertError(await unchanged(() => release()), 409, 'conflict', { field: 'status', message: /resolved already/ });

  // Each step audited; the list shows unresolved ones unless asked.
  const audit = await ok('GET', '/api/v1/audit?entity=typing_discrepancy&limit=500', undefined, 200, admin);
  assert.deepEqual(audit.items.filter((a) => a.entity_id === String(id)).map((a) => a.action), ['open', 'confirm', 'released']);
  list = await ok('GET', '/api/v1/typing-discrepancies');
  assert.ok(!list.items.some((x) => x.id === id));
  assert.ok(!(await worklistItems()).some((x) => x.id === id), 'resolved: off the worklist');
  list = await ok('GET', '/api/v1/typing-discrepancies?status=resolved');
  assert.ok(list.items.some((x) => x.id === id && x.status === 'released'));
  assertError(await api('GET', '/api/v1/typing-discrepancies?status=maybe', lab), 400, 'invalid_input', { field: 'status' });
  assert.match(srv.cli('discrepancy', 'list', '--status', 'all').stdout, new RegExp(`${id}\\s+${second.din}\\s+${first.donor}\\s+O POS\\s+A POS\\s+released`));
});

test('a confirmation that does not allow release: refused naming the field, then the units discarded with the reason', async () => {
  const first = await testedDonation({ abo: 'B', products: ['E0500'], daysAgo: 100 });
  const second = await chain.donate(srv, admin, { donor: first.donor, products: ['E0300'] });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(second.din, chain.day(0), { abo: 'AB' })));
  const id = (await ok('GET', '/api/v1/typing-discrepancies')).items.find((x) => x.din === second.din).id;
  const url = `/api/v1/typing-discrepancies/${id}`;
  // The confirmation agrees with the donation, but does not say the donor's group is wrong.
  await ok('POST', `${url}/confirmation`, { abo: 'AB', rhd: 'POS', username: 'lab1', password: LAB_PASSWORD });
  let r = await unchanged(() => api('POST', `${url}/release`, lab, { username: 'lab1', password: LAB_PASSWORD }));
  assertError(r, 409, 'conflict', { field: 'donor_group', message: /on record as B POS/ });
  r = await unchanged(() => api('POST', `${url}/discard`, lab, { reason: ' ' }));
  assertError(r, 400, 'invalid_input', { field: 'reason' });
  const shown = await ok('POST', `${url}/discard`, { reason: 'sample identity could not be established' });
  assert.deepEqual([shown.status, shown.resolution.outcome, shown.resolution.reason], ['discarded', 'discarded', 'sample identity could not be established']);
  assert.equal((await unit(second.units[0].id)).status, 'discarded');
  assert.match((await unit(second.units[0].id)).events.at(-1).reason, new RegExp(`ABO/RhD discrepancy ${id}: sample identity`));
  assertError(await unchanged(() => api('POST', `${url}/discard`, lab, { reason: 'again' })), 409, 'conflict', { field: 'status' });

  // A confirmation that agrees with the donor, not with the donation:
  // the typing is corrected by an amendment, after which the units go.
  const earlier = await testedDonation({ abo: 'B', products: ['E0500'], daysAgo: 100 });
  const third = await chain.donate(srv, admin, { donor: earlier.donor, products: ['E0300'] });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(third.din, chain.day(0), { abo: 'O' })));
  const other = (await ok('GET', '/api/v1/typing-discrepancies')).items.find((x) => x.din === third.din).id;
  const cli = srv.cli('discrepancy', 'confirm', String(other), '--abo', 'B', '--rhd', 'POS', '--user', 'lab1', { env: { BLOODOPS_SIGNATURE_PASSWORD: LAB_PASSWORD } });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /confirmation: B POS by lab1/);
  r = await unchanged(() => api('POST', `/api/v1/typing-discrepancies/${other}/release`, lab, { username: 'lab1', password: LAB_PASSWORD }));
  assertError(r, 409, 'conflict', { field: 'confirmation', message: /\(B POS\) is not the donation's typing \(O POS\)/ });
  const abo = (await results(third.din)).ABO;
  const amended = await ok('POST', `/api/v1/test-results/${abo.id}/amendments`, { result: 'B', reason: 'typing repeated on the segment: B', username: 'lab1', password: LAB_PASSWORD }, 201);
  assert.ok(amended.notes.some((n) => n.includes(`ABO/RhD discrepancy ${other} of this donation is unresolved`)), JSON.stringify(amended.notes));
  assert.deepEqual(amended.units.map((u) => [u.abo, u.state]), [['B', 'blocked']]);
  const done = await ok('POST', `/api/v1/typing-discrepancies/${other}/release`, { username: 'lab1', password: LAB_PASSWORD });
  assert.deepEqual(done.units.map((u) => u.status), ['released']);
});

test('a result retyped to disagree opens a discrepancy; units made later are held by it', async () => {
  const first = await testedDonation({ abo: 'A', products: ['E0500'], daysAgo: 200 });
  const second = await testedDonation({ donor: first.donor, abo: 'A', products: ['E0500'], daysAgo: 100 });
  const abo = (await results(second.din)).ABO;
  const r = await ok('POST', `/api/v1/test-results/${abo.id}/amendments`, { result: 'O', reason: 'bench retyping', username: 'lab1', password: LAB_PASSWORD }, 201);
  assert.deepEqual(r.effects.discrepancies.map((x) => [x.din, x.donor_group, x.donation_group]), [[second.din, 'A POS', 'O POS']]);
  assert.deepEqual(r.units.map((u) => [u.abo, u.state]), [['O', 'blocked']]);
  assert.ok((await ok('GET', '/api/v1/typing-discrepancies')).items.some((x) => x.din === second.din));

  // Typed before processing: the discrepancy is opened at the import, the units held as they are made.
  const collected = await chain.collect(srv, admin, { donor: first.donor });
  const imported = await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(collected.din, chain.day(0), { abo: 'B' })));
  assert.equal(imported.discrepancies.length, 1);
  const made = await chain.processDonation(srv, admin, collected.din, ['E0300']);
  assert.match(made[0].hold, /^ABO\/RhD discrepancy: donor history A POS, donation B POS/);
  const item = (await ok('GET', '/api/v1/typing-discrepancies')).items.find((x) => x.din === collected.din);
  const detail = await ok('GET', `/api/v1/typing-discrepancies/${item.id}`);
  assert.deepEqual(detail.units.map((u) => [u.unit_id, u.state]), [[made[0].id, 'blocked']]);
  assert.equal(detail.donation_group_now, 'B POS');
});

/* --- the lists, and the clocks their times are shown on -------------------------- */

const LA = 'America/Los_Angeles';
const NY = 'America/New_York';

/* The evening before in Los Angeles (LA_DAY), the small hours of that
 * UTC day in New York (NY_DAY). */
const AT = chain.EVENING_BEFORE;
const LA_DAY = chain.localDate(AT, LA);
const NY_DAY = chain.localDate(AT, NY);

let newYork = null;
/* A donor center in New York (NY-02), made once. */
async function newYorkCenter() {
  if (!newYork)
    newYork = await ok('POST', '/api/v1/centers', { code: 'NY-02', name: 'Manhattan', market: 'SOCAL', fin: 'W2346', open_date: '2001-03-15', time_zone: NY }, 201, admin);
  return newYork;
}

/* A donation at `center` tested negative and typed `abo` `rhd`, tested on
 * its day there: its units (none when `products` is empty) are ready.
 * {din, donor, units}. */
async function testedAt(center, { donor, abo = 'O', rhd = 'POS', daysAgo = 0, products = ['E0300'] } = {}) {
  const number = donor || (await chain.registerDonor(srv, admin)).donor_number;
  const c = await chain.collect(srv, admin, { donor: number, center, daysAgo });
  const units = products.length ? await chain.processDonation(srv, admin, c.din, products) : [];
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(c.din, chain.localDate(c.collected_at, c.time_zone), { abo, rhd })));
  return { din: c.din, donor: number, units };
}

/* A discrepancy at `center`: a donor typed O there, then a donation typed
 * A. {id, din, donor, units}. */
async function discrepancyAt(center) {
  const first = await testedAt(center, { daysAgo: 120, products: [] });
  const second = await testedAt(center, { donor: first.donor, abo: 'A' });
  const item = (await ok('GET', `/api/v1/typing-discrepancies?center=${center}&limit=500`)).items.find((x) => x.din === second.din);
  assert.ok(item, `a discrepancy at ${center}`);
  return { id: item.id, ...second };
}

test('the discrepancies list filters by center and the days opened there, sorts and counts; each answer carries the center\'s zone', async () => {
  await newYorkCenter();
  const ny = await discrepancyAt('NY-02');
  const la = await discrepancyAt('LA-01');
  // Both opened at the same instant, a different day at each center (set
  // in the database: the days of the list are the question here).
  const moved = srv.sql(`UPDATE typing_discrepancies SET opened_at = '${AT}' WHERE id IN (${ny.id}, ${la.id})`);
  assert.equal(moved.status, 0, moved.stderr);

  const ids = async (query) => (await ok('GET', `/api/v1/typing-discrepancies?status=all&limit=500&${query}`)).items.map((x) => x.id);
  assert.deepEqual(await ids('center=ny-02'), [ny.id]);
  assert.deepEqual(await ids(`center=NY-02&from=${NY_DAY}&to=${NY_DAY}`), [ny.id], 'the small hours in New York');
  assert.deepEqual(await ids(`center=NY-02&to=${LA_DAY}`), [], 'not the UTC day before');
  assert.deepEqual(await ids(`center=LA-01&from=${LA_DAY}&to=${LA_DAY}`), [la.id], 'the evening before in Los Angeles');
  assert.ok(!(await ids(`center=LA-01&from=${NY_DAY}`)).includes(la.id), 'not the UTC day');

  // Each answer names the donation's center and its zone.
  const [item] = (await ok('GET', '/api/v1/typing-discrepancies?center=NY-02')).items;
  assert.deepEqual([item.center, item.time_zone, item.opened_at], ['NY-02', NY, AT]);
  const detail = await ok('GET', `/api/v1/typing-discrepancies/${ny.id}`);
  assert.deepEqual([detail.center, detail.time_zone], ['NY-02', NY]);
  const discarded = await ok('POST', `/api/v1/typing-discrepancies/${la.id}/discard`, { reason: 'sample mislabelled' });
  assert.deepEqual([discarded.center, discarded.time_zone, discarded.status], ['LA-01', LA, 'discarded']);

  // Sorted by a column, a page at an offset, with the count of every match.
  const all = await ok('GET', '/api/v1/typing-discrepancies?status=all&limit=500');
  const oldest = await ok('GET', '/api/v1/typing-discrepancies?status=all&sort=opened_at&limit=2&offset=0');
  assert.deepEqual(oldest.items.map((x) => x.id), [ny.id, la.id]);
  assert.equal(oldest.total, all.items.length);
  const byCenter = await ok('GET', '/api/v1/typing-discrepancies?status=all&sort=-center&limit=1&offset=0');
  assert.deepEqual([byCenter.items[0].center, byCenter.total], ['NY-02', all.items.length]);
  const unresolved = await ok('GET', '/api/v1/typing-discrepancies?center=LA-01&sort=-id&offset=0');
  assert.ok(!unresolved.items.some((x) => x.id === la.id), 'resolved: not among the unresolved');
  assert.equal(unresolved.total, unresolved.items.length);

  // Refusals name the filter and change nothing.
  for (const [query, field] of [['from=2026-13-01', 'from'], ['to=yesterday', 'to'], [`from=${NY_DAY}&to=${LA_DAY}`, 'to'],
    ['center=%3F%3F', 'center'], ['sort=hold', 'sort'], [`sort=id&after=${ny.id}`, 'after'], ['offset=-1', 'offset'], ['status=maybe', 'status']])
    assertError(await unchanged(() => api('GET', `/api/v1/typing-discrepancies?${query}`, lab)), 400, 'invalid_input', { field });

  // The command line filters alike and shows the time on the center's clock.
  const table = srv.cli('discrepancy', 'list', '--center', 'NY-02', '--from', NY_DAY);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`${ny.id}\\s+${ny.din}.*${NY_DAY} (01:30 EST|02:30 EDT)`), table.stdout);
  const refused = srv.cli('discrepancy', 'list', '--to', 'yesterday');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^bloodops: --to: /);

  // An amendment is on the clock of the donation's center too.
  const screen = (await results(ny.din)).ABSCREEN;
  const amended = await ok('POST', `/api/v1/test-results/${screen.id}/amendments`, { result: 'positive', reason: 're-read: positive', username: 'lab1', password: LAB_PASSWORD }, 201);
  assert.equal(amended.amendment.time_zone, NY);
  assert.deepEqual((await results(ny.din)).ABSCREEN.amendments.map((a) => a.time_zone), [NY]);
  assert.deepEqual((await ok('GET', `/api/v1/test-results/${screen.id}`)).amendments.map((a) => a.time_zone), [NY]);
});

test('a release names each unit\'s zone and signs on the units\' clock; the queue filters by ABO/RhD', async () => {
  await newYorkCenter();
  const ny = await testedAt('NY-02');
  const la = await testedAt('LA-01');
  const release = (units) => ok('POST', '/api/v1/releases', { units, username: 'lab1', password: LAB_PASSWORD }, 201);
  const alone = await release([ny.units[0].id]);
  assert.equal(alone.signature.time_zone, NY, 'the units\' center');
  assert.deepEqual(alone.released.map((u) => u.time_zone), [NY]);

  // The queue by ABO/RhD: B NEG units only, untyped ones only.
  const bneg = await testedAt('NY-02', { abo: 'B', rhd: 'NEG' });
  const untyped = await chain.donate(srv, admin, { products: ['E0300'] });
  const queue = async (group) => (await ok('GET', `/api/v1/release-queue?limit=500&group=${encodeURIComponent(group)}`)).items;
  assert.deepEqual((await queue('b neg')).map((i) => i.unit_id), [bneg.units[0].id]);
  const none = await queue('untyped');
  assert.ok(none.some((i) => i.unit_id === untyped.units[0].id) && none.every((i) => i.abo === null && i.rhd === null), JSON.stringify(none));
  assert.ok((await queue('O POS')).every((i) => i.abo === 'O' && i.rhd === 'POS'));
  assert.ok((await queue('O+')).some((i) => i.unit_id === la.units[0].id), 'O+ is O POS');
  assertError(await unchanged(() => api('GET', '/api/v1/release-queue?group=Q%20POS', lab)), 400, 'invalid_input', { field: 'group' });
  const cli = srv.cli('release', 'queue', '--group', 'B NEG', '--format', 'json');
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).map((i) => i.unit_id), [bneg.units[0].id]);

  // Units of centers in two zones: the signature on the company's default clock, each unit on its own.
  const both = await release([la.units[0].id, bneg.units[0].id]);
  assert.equal(both.signature.time_zone, LA);
  assert.deepEqual(both.released.map((u) => [u.unit_id, u.time_zone]), [[la.units[0].id, LA], [bneg.units[0].id, NY]]);
});

/* --- uploads -------------------------------------------------------------------- */

function upload(content, { fileName = 'lab.csv', session = lab, type = 'text/csv' } = {}) {
  return srv.api('POST', `/api/v1/test-results/upload?file_name=${encodeURIComponent(fileName)}`, {
    token: session.token,
    headers: type ? { 'Content-Type': type } : {},
    rawBody: content,
  });
}

/* `count` collections of one donor made straight in the database (the
 * import needs their DINs to exist; making thousands through the API would
 * only slow the test), DINs W1234 26 5NNNNN: their DINs. */
function collectionsInBulk(donorId, count, first) {
  const day = chain.day(-1);
  const r = srv.sql(`
    WITH RECURSIVE n(i) AS (SELECT ${first} UNION ALL SELECT i + 1 FROM n WHERE i < ${first + count - 1})
    INSERT INTO dins (din, fin, year, sequence, center, allocated_at, allocated_by)
    SELECT 'W123426' || (500000 + i), 'W1234', 26, 500000 + i, 'LA-01', '${day}T08:00:00Z', 'test' FROM n;
    WITH RECURSIVE n(i) AS (SELECT ${first} UNION ALL SELECT i + 1 FROM n WHERE i < ${first + count - 1})
    INSERT INTO collections (din, donor_id, center, procedure, collected_at, volume_ml, staff, created_at)
    SELECT 'W123426' || (500000 + i), ${donorId}, 'LA-01', 'whole_blood', '${day}T09:00:00Z', 500, 'test', '${day}T09:00:00Z' FROM n;`);
  assert.equal(r.status, 0, r.stderr);
  return Array.from({ length: count }, (_, k) => `W123426${500000 + first + k}`);
}

test('a results file sent as the body is streamed and imported by the same service, past the JSON body limit', async () => {
  // A small file: the same summary as the JSON import.
  const d = await chain.donate(srv, admin, { products: ['E0300'] });
  let r = await upload(chain.resultsCsv(chain.panelRows(d.din, chain.day(0))), { fileName: 'small.csv' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.file, r.json.imported, r.json.donations], ['small.csv', 12, 1]);
  assert.equal((await queueItem(d.units[0].id)).state, 'ready');

  // A file over the 1 MiB JSON body limit: thousands of donations.
  const donor = await chain.registerDonor(srv, admin);
  const donorId = srv.sql(`SELECT id FROM donors WHERE donor_number = '${donor.donor_number}'`).stdout.trim();
  const dins = collectionsInBulk(donorId, 2200, 1);
  const rows = dins.flatMap((din) => chain.panelRows(din, chain.day(0)));
  const big = chain.resultsCsv(rows);
  assert.ok(big.length > 1024 * 1024, `${big.length} bytes`);
  r = await api('POST', '/api/v1/test-results/import', lab, { file_name: 'big.csv', content: big });
  assertError(r, 413, 'too_large');
  r = await upload(big, { fileName: 'big.csv' });
  assert.equal(r.status, 201, r.text.slice(0, 500));
  assert.deepEqual([r.json.imported, r.json.donations, r.json.discrepancies.length], [rows.length, 2200, 0]);
  assert.equal(srv.sql(`SELECT COUNT(*) FROM test_results WHERE din LIKE 'W1234265%'`).stdout.trim(), String(rows.length));
  // The same file again: refused naming the import before, as the JSON import refuses it.
  r = await unchanged(() => upload(big, { fileName: 'big-again.csv' }));
  assertError(r, 400, 'invalid_input', { field: 'file', message: /already imported by results import/ });
});

test('a results file of tens of megabytes is checked to its last line, all or nothing', async () => {
  // 800,000 lines naming a DIN no collection has: every line a problem.
  const line = 'W123499999999,HIV,NR,' + chain.day(0) + '\n';
  const count = 800000;
  const content = 'din,test,result,date\n' + line.repeat(count);
  assert.ok(content.length > 20 * 1024 * 1024, `${content.length} bytes`);
  const r = await unchanged(() => upload(content, { fileName: 'huge.csv' }));
  assertError(r, 400, 'invalid_input', { field: 'din', message: /^line 2: no collection has DIN W123499999999/ });
  assert.equal(r.json.error.problem_count, count);
  assert.equal(r.json.error.problems.length, 1000);
  assert.equal(r.json.error.problems.at(-1).line, 1001);
});

test('uploads: the caller is checked before the body is stored; over the limit 413 naming it; not a CSV body refused', async () => {
  let r = await unchanged(() => srv.api('POST', '/api/v1/test-results/upload', { rawBody: 'din,test,result,date\n', headers: { 'Content-Type': 'text/csv' } }));
  assertError(r, 401, 'unauthorized');
  r = await unchanged(() => upload('din,test,result,date\n', { session: staff }));
  assertError(r, 403, 'forbidden');
  r = await unchanged(() => upload('{"content": "x"}', { type: 'application/json' }));
  assertError(r, 400, 'invalid_input', { field: 'Content-Type' });
  r = await unchanged(() => upload(''));
  assertError(r, 400, 'invalid_input', { field: 'file' });
  // Declared larger than 100 MiB: refused before a byte is read.
  r = await srv.raw({
    method: 'POST', path: '/api/v1/test-results/upload',
    headers: { Authorization: `Bearer ${lab.token}`, 'Content-Type': 'text/csv', 'Content-Length': String(200 * 1024 * 1024) },
    chunks: [],
  });
  assert.equal(r.status, 413, r.text);
  assert.equal(r.json.error.field, 'file');
  assert.match(r.json.error.message, /larger than the upload limit of 104857600 bytes \(100 MiB\)/);

  // A server with a small limit: a chunked body that grows past it is refused too.
  const small = await startServer({ env: { BLOODOPS_UPLOAD_LIMIT: '65536' } });
  try {
    const who = await small.login('admin', ADMIN_PASSWORD);
    const before = small.fingerprint();
    const chunk = `# ${'x'.repeat(1020)}\n`;
    r = await small.raw({
      method: 'POST', path: '/api/v1/test-results/upload',
      headers: { Authorization: `Bearer ${who.token}`, 'Content-Type': 'text/csv' },
      chunks: Array.from({ length: 100 }, () => chunk),
    });
    assert.equal(r.status, 413, r.text);
    assert.match(r.json.error.message, /upload limit of 65536 bytes/);
    assert.equal(small.fingerprint(), before);
  } finally {
    await small.stop();
  }
});

/* `head`, then `pieces` one every `everyMs` on a socket of its own; what
 * came back, whether the server closed it and after how long. */
function trickle(server, { head, pieces, everyMs, giveUpMs = 15000 }) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    let received = '';
    let started = 0;
    let timer = null;
    let giveUp = null;
    const finish = (closedByServer) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedByServer, ms: Date.now() - started, received });
    };
    socket.on('error', () => {});
    socket.on('data', (part) => { received += part.toString('utf8'); });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      started = Date.now();
      socket.write(head);
      let i = 0;
      timer = setInterval(() => {
        if (i < pieces.length && socket.writable) socket.write(pieces[i++]);
      }, everyMs);
      giveUp = setTimeout(() => finish(false), giveUpMs);
    });
  });
}

test('an upload has its own deadline: slower than a request may be, then cut with 408, nothing imported', async () => {
  const slow = await startServer({ env: { BLOODOPS_REQUEST_TIMEOUT: '1', BLOODOPS_UPLOAD_TIMEOUT: '3' } });
  try {
    const who = await slow.login('admin', ADMIN_PASSWORD);
    const before = slow.fingerprint();
    const content = 'din,test,result,date\nW123499999998,HIV,NR,' + chain.day(0) + '\n';
    const head = (length) =>
      'POST /api/v1/test-results/upload?file_name=slow.csv HTTP/1.1\r\nHost: bloodops\r\nConnection: close\r\n' +
      `Authorization: Bearer ${who.token}\r\nContent-Type: text/csv\r\nContent-Length: ${length}\r\n\r\n`;
    // Whole in about 2 s: past the request deadline, within the upload's. It
    // reaches the import, which refuses the DIN no collection has.
    const pieces = content.match(/[^]{1,12}/g);
    let r = await trickle(slow, { head: head(content.length), pieces, everyMs: 2000 / pieces.length });
    assert.match(r.received, /^HTTP\/1\.1 400 /, r.received);
    assert.match(r.received, /no collection has DIN W123499999998/);
    // Never whole: cut at the upload deadline with 408.
    r = await trickle(slow, { head: head(content.length + 1), pieces: [content], everyMs: 100 });
    assert.ok(r.closedByServer, `the connection was still open after ${r.ms} ms`);
    assert.ok(r.ms >= 2500 && r.ms < 6500, `cut after ${r.ms} ms, the upload deadline being 3 s`);
    assert.match(r.received, /^HTTP\/1\.1 408 /, r.received);
    assert.ok(await slow.waitForLog(/closed a connection from 127\.0\.0\.1: its upload did not arrive within 3 s/));
    assert.equal(slow.fingerprint(), before);
  } finally {
    await slow.stop();
  }
});
