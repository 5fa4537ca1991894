'use strict';
/*
 * eye_readable.test.js - every answer that carries a DIN carries its
 * printed form too, so that no client computes a check character: each
 * object with a `din` has an `eye_readable` (null when the DIN is), a
 * `trigger_din` its `trigger_eye_readable`, a DIN allocation's `first_din`
 * and `last_din` their own, and a results import maps the DINs it lists
 * as held or discarded to theirs; each equal to what `bloodops isbt
 * check` prints. Walked through: DINs allocated, a collection recorded,
 * listed, shown and processed, the donation looked up, a unit shown, the
 * release queue and a release, a donor's page (blood groups, deferrals,
 * collections), a results import holding a donation and one discarding a
 * reactive one, and the lookback case it opens (list, case, traced units).
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const chain = require('./lib/chain');

const { LAB_PASSWORD } = chain;

let srv;
let admin;
let lab;

before(async () => {
  ({ srv, admin, lab } = await chain.startWithLab());
});

after(() => srv.stop());

async function get(url, session = admin) {
  const r = await srv.api('GET', url, { token: session.token });
  assert.equal(r.status, 200, `GET ${url}: ${r.text}`);
  return r.json;
}

/* The DIN members of an object and the member that must hold each one's
 * printed form. */
const PAIRS = [['din', 'eye_readable'], ['trigger_din', 'trigger_eye_readable'],
  ['first_din', 'first_eye_readable'], ['last_din', 'last_eye_readable']];

/* Walk an answer: every DIN member has its printed form beside it, as
 * `isbt check` prints it. Returns how many DINs were checked. */
function assertPrinted(answer, where) {
  let checked = 0;
  const walk = (value, path) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [dinKey, printedKey] of PAIRS) {
      if (!(dinKey in value)) continue;
      assert.ok(printedKey in value, `${where}: ${path} has ${dinKey} but no ${printedKey}: ${JSON.stringify(value)}`);
      const din = value[dinKey];
      if (din === null) {
        assert.equal(value[printedKey], null, `${where}: ${path}.${printedKey} without a DIN`);
      } else {
        assert.equal(value[printedKey], chain.eyeReadable(srv, din), `${where}: ${path}.${printedKey}`);
        checked += 1;
      }
    }
    for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
  };
  walk(answer, '');
  return checked;
}

test('DINs allocated carry their printed forms, the first and the last too', async () => {
  const r = await srv.api('POST', '/api/v1/dins', { token: admin.token, body: { center: 'LA-01', count: 3 } });
  assert.equal(r.status, 201, r.text);
  assert.equal(assertPrinted(r.json, 'POST /api/v1/dins'), 5);
  assert.equal(r.json.first_eye_readable, r.json.dins[0].eye_readable);
  assert.equal(r.json.last_eye_readable, r.json.dins[2].eye_readable);
  assert.equal(assertPrinted(await get(`/api/v1/dins/${r.json.dins[1].din}`), 'GET /api/v1/dins/{din}'), 1);
});

test('a collection, its processing, the donation, a unit, the queue and a release', async () => {
  const donor = (await chain.registerDonor(srv, admin)).donor_number;
  const collection = await chain.collect(srv, admin, { donor });
  assert.equal(assertPrinted(collection, 'POST /api/v1/collections'), 1);
  assert.match(collection.eye_readable, /^W1234 \d\d \d{6} \[[0-9A-Z*]\]$/);
  const list = await get('/api/v1/collections');
  assert.ok(assertPrinted(list, 'GET /api/v1/collections') >= 1);
  assert.equal(assertPrinted(await get(`/api/v1/collections/${collection.din}`), 'GET /api/v1/collections/{din}'), 1);

  const processed = await srv.api('POST', `/api/v1/collections/${collection.din}/process`, {
    token: admin.token, body: { components: [{ product: 'E0300' }, { product: 'E0500' }] },
  });
  assert.equal(processed.status, 201, processed.text);
  assert.equal(assertPrinted(processed.json, 'POST /api/v1/collections/{din}/process'), 1);
  assert.equal(processed.json.eye_readable, collection.eye_readable);

  const donation = await get(`/api/v1/donations/${collection.din}`);
  assert.equal(assertPrinted(donation, 'GET /api/v1/donations/{din}'), 1);
  const unitId = processed.json.units[0].id;
  assert.equal(assertPrinted(await get(`/api/v1/units/${unitId}`), 'GET /api/v1/units/{id}'), 1);

  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(collection.din, chain.day(0))));
  const queue = await get('/api/v1/release-queue', lab);
  assert.ok(assertPrinted(queue, 'GET /api/v1/release-queue') >= 2);
  const released = await srv.api('POST', '/api/v1/releases', {
    token: lab.token, body: { units: processed.json.units.map((u) => u.id), username: 'lab1', password: LAB_PASSWORD },
  });
  assert.equal(released.status, 201, released.text);
  assert.equal(assertPrinted(released.json, 'POST /api/v1/releases'), 2);
});

test('a results import, the donor\'s page and the lookback case of a reactive donation', async () => {
  const donor = (await chain.registerDonor(srv, admin, { family_name: 'Printed' })).donor_number;
  const deferred = await srv.api('POST', `/api/v1/donors/${donor}/deferrals`, {
    token: admin.token, body: { kind: 'temporary', reason_code: 'TRAVEL', until: chain.day(3) },
  });
  assert.equal(deferred.status, 201, deferred.text);
  assert.ok('eye_readable' in deferred.json && deferred.json.eye_readable === null, 'a staff deferral has no DIN');
  const ended = await srv.api('POST', `/api/v1/deferrals/${deferred.json.id}/end`, {
    token: admin.token, body: { reason: 'entered by mistake' },
  });
  assert.equal(ended.status, 200, ended.text);

  // Earlier: released (it will be traced); then a positive antibody screen
  // (held); then the reactive trigger.
  const earlier = await chain.donate(srv, admin, { donor, daysAgo: 100, products: ['E0500'] });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(earlier.din, chain.day(-100))));
  const release = await srv.api('POST', '/api/v1/releases', {
    token: lab.token, body: { units: earlier.units.map((u) => u.id), username: 'lab1', password: LAB_PASSWORD },
  });
  assert.equal(release.status, 201, release.text);
  const screened = await chain.donate(srv, admin, { products: ['E0300'] });
  const held = await chain.importResults(srv, lab,
    chain.resultsCsv(chain.panelRows(screened.din, chain.day(0), { overrides: { ABSCREEN: 'POSITIVE' } })));
  assert.deepEqual(held.held, [screened.din]);
  assert.deepEqual(held.eye_readable, { [screened.din]: chain.eyeReadable(srv, screened.din) });

  const trigger = await chain.donate(srv, admin, { donor, daysAgo: 0, products: ['E0300'] });
  const reactive = await chain.importResults(srv, lab,
    chain.resultsCsv(chain.panelRows(trigger.din, chain.day(0), { overrides: { HIV: 'reactive' } })));
  assert.deepEqual(reactive.discarded, [trigger.din]);
  assert.deepEqual(reactive.eye_readable, { [trigger.din]: chain.eyeReadable(srv, trigger.din) });
  assert.equal(reactive.lookback_cases.length, 1);

  const shown = await get(`/api/v1/donors/${donor}`);
  assert.equal(assertPrinted(shown.blood_groups, 'donor blood_groups'), 2);
  assert.equal(assertPrinted(shown.collections, 'donor collections'), 2);
  assert.equal(assertPrinted(shown.deferrals, 'donor deferrals'), 1, 'the deferral made by the test');
  assert.equal(shown.deferrals.find((d) => d.source === 'test').eye_readable, chain.eyeReadable(srv, trigger.din));

  const cases = await get('/api/v1/lookback-cases', lab);
  assert.ok(assertPrinted(cases, 'GET /api/v1/lookback-cases') >= 1);
  const c = await get(`/api/v1/lookback-cases/${reactive.lookback_cases[0]}`, lab);
  assert.equal(c.trigger_eye_readable, chain.eyeReadable(srv, trigger.din));
  assert.equal(c.units.length, 1);
  assert.equal(c.units[0].eye_readable, chain.eyeReadable(srv, earlier.din));
  assert.equal(assertPrinted(c, 'GET /api/v1/lookback-cases/{id}'), 2);
});
