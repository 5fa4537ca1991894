'use strict';
/*
 * lists.test.js - the lists the web application shows as tables, sorted by
 * a column (`sort`, `-name` descending), paged by `offset` and counted
 * (`total`, every row the filters match): markets, donor centers,
 * hospitals, donors (with their home-center and ABO/RhD filters), lookback
 * cases (by the day opened) and the units on the shelves behind each count
 * of the inventory (GET /api/v1/units). A column that is not one of the
 * list's, an offset that is not a whole number, and `after` beside a sort
 * are refused naming the parameter. Run on both backends.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const chain = require('./lib/chain');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');

let srv;
let admin;
let lab;

async function list(path, session = admin) {
  const r = await srv.api('GET', path, { token: session.token });
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
}

/* The refusals every sorted list shares, each naming its parameter. */
async function assertRefusals(path, { column = 'nonsense' } = {}) {
  const sep = path.includes('?') ? '&' : '?';
  for (const [query, field, message] of [
    [`sort=${column}`, 'sort', /must be one of/],
    ['sort=-', 'sort', undefined],
    ['offset=-1', 'offset', undefined],
    ['offset=x', 'offset', undefined],
    ['offset=10000001', 'offset', undefined],
    // Digits only: no plus sign, no space before them.
    ['offset=%2B1', 'offset', undefined],
    ['offset=%201', 'offset', undefined],
    ['limit=%2B5', 'limit', undefined],
    ['sort=-' + column, 'sort', undefined],
  ]) {
    assertError(await srv.api('GET', `${path}${sep}${query}`, { token: admin.token }), 400, 'invalid_input', { field, message });
  }
}

const byKey = (key, desc = false) => (a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * (desc ? -1 : 1);

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  await chain.setupCenter(srv, admin, { market: 'WEST', center: 'LA-01', fin: 'W1234', name: 'Westside' });
  await chain.setupCenter(srv, admin, { market: 'EAST', center: 'NY-01', fin: 'W5678', name: 'Manhattan' });
  chain.importDemoCatalog(srv);
  const password = await srv.addUser(admin, 'lister', 'lab');
  lab = await srv.login('lister', password);
});

after(async () => {
  if (srv) await srv.stop();
});

test('markets sort by code, name and creation, page by offset, and count', async () => {
  for (const [code, name] of [['CENTRAL', 'Zephyr Valley'], ['SOUTH', 'Alder Coast'], ['NORTH', 'Mesa Ridge']]) {
    const r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code, name } });
    assert.equal(r.status, 201, r.text);
  }
  const byName = await list('/api/v1/markets?sort=name');
  assert.equal(byName.total, 5);
  assert.deepEqual(byName.items.map((m) => m.name), [...byName.items].sort(byKey('name')).map((m) => m.name));
  assert.equal(byName.items[0].code, 'SOUTH');
  assert.equal(byName.next_after, null, 'a sorted list pages by offset, not by key');
  const newest = await list('/api/v1/markets?sort=-created_at&limit=2');
  assert.equal(newest.total, 5);
  assert.equal(newest.items.length, 2);
  const second = await list('/api/v1/markets?sort=-name&limit=2&offset=2');
  assert.deepEqual(second.items.map((m) => m.code), byName.items.slice().reverse().slice(2, 4).map((m) => m.code));
  assert.equal(second.total, 5);
  // Past the end: nothing, counted as nothing.
  const past = await list('/api/v1/markets?sort=code&offset=50');
  assert.deepEqual(past.items, []);
  assert.equal(past.total, 0);
  // The search narrows what is counted.
  const searched = await list('/api/v1/markets?q=co&sort=code');
  assert.deepEqual(searched.items.map((m) => m.code), ['SOUTH']);
  assert.equal(searched.total, 1);
  // Unsorted, the list is as before: by code, with next_after and no total.
  const plain = await list('/api/v1/markets?limit=2');
  assert.deepEqual(plain.items.map((m) => m.code), ['CENTRAL', 'EAST']);
  assert.equal(plain.next_after, 'EAST');
  assert.equal(plain.total, undefined);
  // An offset alone (even 0) asks for the list's own order, counted.
  const counted = await list('/api/v1/markets?offset=0&limit=2');
  assert.deepEqual(counted.items.map((m) => m.code), ['CENTRAL', 'EAST']);
  assert.equal(counted.total, 5);
  assert.equal(counted.next_after, null);
  assertError(await srv.api('GET', '/api/v1/markets?offset=0&after=EAST', { token: admin.token }), 400, 'invalid_input', { field: 'after' });
  await assertRefusals('/api/v1/markets', { column: 'market' });
  assertError(await srv.api('GET', '/api/v1/markets?sort=name&after=EAST', { token: admin.token }), 400, 'invalid_input', { field: 'after' });
});

test('donor centers sort by market, dates and FIN, with the status filter counted', async () => {
  let r = await srv.api('POST', '/api/v1/centers', { token: admin.token, body: { code: 'SF-01', name: 'Bayside', market: 'WEST', open_date: '1990-06-01' } });
  assert.equal(r.status, 201, r.text);
  r = await srv.api('POST', '/api/v1/centers/SF-01/close', { token: admin.token, body: { close_date: chain.day(-1), reason: 'lists' } });
  assert.equal(r.status, 200, r.text);
  const byMarket = await list('/api/v1/centers?sort=market');
  assert.deepEqual(byMarket.items.map((c) => c.market), ['EAST', 'WEST', 'WEST']);
  assert.deepEqual(byMarket.items.map((c) => c.code), ['NY-01', 'LA-01', 'SF-01'], 'the code breaks the tie');
  assert.equal(byMarket.total, 3);
  const oldest = await list('/api/v1/centers?sort=open_date&limit=1');
  assert.deepEqual(oldest.items.map((c) => c.code), ['SF-01']);
  assert.equal(oldest.total, 3);
  // Centers without a close date come after those closed, and first descending.
  const closing = await list('/api/v1/centers?sort=close_date');
  assert.equal(closing.items[0].code, 'SF-01');
  assert.equal((await list('/api/v1/centers?sort=-close_date')).items[2].code, 'SF-01');
  const open = await list('/api/v1/centers?status=open&sort=-fin');
  assert.deepEqual(open.items.map((c) => c.code), ['NY-01', 'LA-01']);
  assert.equal(open.total, 2);
  await assertRefusals('/api/v1/centers', { column: 'status' });
});

test('hospitals sort by billing terms and market, page by offset, and count', async () => {
  for (const [code, market, terms] of [['H-ONE', 'WEST', 45], ['H-TWO', 'EAST', 15], ['H-THREE', null, 30], ['H-FOUR', 'WEST', 60]]) {
    const r = await srv.api('POST', '/api/v1/hospitals', {
      token: admin.token, body: { code, name: `Hospital ${code}`, billing_terms_days: terms, ...(market ? { market } : {}) },
    });
    assert.equal(r.status, 201, r.text);
  }
  const terms = await list('/api/v1/hospitals?sort=billing_terms_days');
  assert.deepEqual(terms.items.map((x) => x.billing_terms_days), [15, 30, 45, 60]);
  assert.equal(terms.total, 4);
  const longest = await list('/api/v1/hospitals?sort=-billing_terms_days&limit=1&offset=1');
  assert.deepEqual(longest.items.map((x) => x.code), ['H-ONE']);
  assert.equal(longest.total, 4);
  // No market sorts first.
  const market = await list('/api/v1/hospitals?sort=market');
  assert.deepEqual(market.items.map((x) => x.market), [null, 'EAST', 'WEST', 'WEST']);
  const west = await list('/api/v1/hospitals?market=WEST&sort=-code');
  assert.deepEqual(west.items.map((x) => x.code), ['H-ONE', 'H-FOUR']);
  assert.equal(west.total, 2);
  await assertRefusals('/api/v1/hospitals', { column: 'terms' });
});

test('donors sort by name, birth date, group, standing and last donation; filter by home center and group, counted', async () => {
  const made = [];
  for (const [family, birth, center] of [['Quinn', '1971-03-04', 'LA-01'], ['Abara', '1990-12-01', 'NY-01'],
    ['Moreau', '1985-07-19', 'LA-01'], ['Lindqvist', '1966-01-30', null]]) {
    made.push(await chain.registerDonor(srv, admin, { family_name: family, given_name: 'Sam', birth_date: birth, ...(center ? { home_center: center } : {}) }));
  }
  const [quinn, abara, moreau, lindqvist] = made.map((d) => d.donor_number);
  // Typed by their first results: Quinn O NEG, Abara AB POS, Moreau O NEG.
  for (const [donor, abo, rhd, daysAgo] of [[quinn, 'O', 'NEG', 30], [abara, 'AB', 'POS', 10], [moreau, 'O', 'NEG', 60]]) {
    const c = await chain.collect(srv, admin, { donor, daysAgo, center: 'LA-01' });
    await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(c.din, chain.day(-daysAgo + 1), { abo, rhd })), `${donor}.csv`);
  }
  // Lindqvist is deferred.
  const deferred = await srv.api('POST', `/api/v1/donors/${lindqvist}/deferrals`,
    { token: admin.token, body: { kind: 'temporary', reason_code: 'TRAVEL', until: chain.day(20) } });
  assert.equal(deferred.status, 201, deferred.text);

  const byName = await list('/api/v1/donors?sort=name');
  assert.deepEqual(byName.items.map((d) => d.family_name), ['Abara', 'Lindqvist', 'Moreau', 'Quinn']);
  assert.equal(byName.total, 4);
  const youngest = await list('/api/v1/donors?sort=-birth_date&limit=2');
  assert.deepEqual(youngest.items.map((d) => d.donor_number), [abara, moreau]);
  assert.equal(youngest.total, 4);
  const page2 = await list('/api/v1/donors?sort=-birth_date&limit=2&offset=2');
  assert.deepEqual(page2.items.map((d) => d.donor_number), [quinn, lindqvist]);
  // The group: untyped first, in the order of its text; the donor number breaks ties.
  const group = await list('/api/v1/donors?sort=group');
  assert.deepEqual(group.items.map((d) => d.donor_number), [abara, quinn, moreau, lindqvist].sort((a, b) => {
    const text = (n) => ({ [abara]: 'AB POS', [quinn]: 'O NEG', [moreau]: 'O NEG', [lindqvist]: 'untyped' })[n];
    return text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : a < b ? -1 : 1;
  }));
  // Eligible first, the deferred after.
  const standing = await list('/api/v1/donors?sort=-status');
  assert.equal(standing.items[0].donor_number, lindqvist);
  assert.equal(standing.items[0].status, 'deferred_temporary');
  // The most recent donation first; never given last.
  const recent = await list('/api/v1/donors?sort=-last_donation_on');
  assert.deepEqual(recent.items.map((d) => d.donor_number), [abara, quinn, moreau, lindqvist]);
  // Filters: home center, group (any spelling), both, with the search.
  const la = await list('/api/v1/donors?home_center=la-01&sort=name');
  assert.deepEqual(la.items.map((d) => d.donor_number), [moreau, quinn]);
  assert.equal(la.total, 2);
  for (const spelling of ['O NEG', 'o neg', 'O-']) {
    const oneg = await list(`/api/v1/donors?group=${encodeURIComponent(spelling)}&sort=donor_number`);
    assert.deepEqual(oneg.items.map((d) => d.donor_number), [quinn, moreau].sort(), spelling);
    assert.equal(oneg.total, 2);
  }
  const untyped = await list('/api/v1/donors?group=untyped');
  assert.deepEqual(untyped.items.map((d) => d.donor_number), [lindqvist]);
  const both = await list('/api/v1/donors?group=O%20NEG&home_center=NY-01&sort=name');
  assert.deepEqual(both.items, []);
  assert.equal(both.total, 0);
  const search = await list('/api/v1/donors?q=moreau&group=O%20NEG&sort=name');
  assert.deepEqual(search.items.map((d) => d.donor_number), [moreau]);
  const deferredOnly = await list('/api/v1/donors?status=deferred&sort=name');
  assert.deepEqual(deferredOnly.items.map((d) => d.donor_number), [lindqvist]);
  assert.equal(deferredOnly.total, 1);
  assertError(await srv.api('GET', '/api/v1/donors?group=C%20POS', { token: admin.token }), 400, 'invalid_input', { field: 'group' });
  assertError(await srv.api('GET', '/api/v1/donors?home_center=%3F%3F', { token: admin.token }), 400, 'invalid_input', { field: 'home_center' });
  await assertRefusals('/api/v1/donors', { column: 'next_eligible_on' });
  assertError(await srv.api('GET', `/api/v1/donors?sort=name&after=${quinn}`, { token: admin.token }), 400, 'invalid_input', { field: 'after' });
});

test('lookback cases sort by their next deadline, marker and status, and filter by the day opened', async () => {
  const opened = [];
  for (const marker of ['HIV', 'HCV', 'HTLV']) {
    const donation = await chain.donate(srv, admin, { products: ['E0500'] });
    const r = await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(donation.din, chain.day(0), { overrides: { [marker]: 'reactive' } })), `${marker}.csv`);
    assert.equal(r.lookback_cases.length, 1, JSON.stringify(r));
    opened.push(r.lookback_cases[0]);
  }
  const [hiv, hcv, htlv] = opened;
  // HCV's first two steps are done: its next deadline is the follow-up's.
  for (const step of ['quarantine', 'notice']) {
    const r = await srv.api('POST', `/api/v1/lookback-cases/${hcv}/steps`, { token: lab.token, body: { step } });
    assert.equal(r.status, 200, r.text);
  }
  // HTLV is closed: it has no deadline left.
  for (const body of [{ step: 'quarantine' }, { step: 'notice' }, { step: 'followup', result: 'negative' }]) {
    const r = await srv.api('POST', `/api/v1/lookback-cases/${htlv}/steps`, { token: lab.token, body });
    assert.equal(r.status, 200, r.text);
  }
  let r = await srv.api('POST', `/api/v1/lookback-cases/${htlv}/close`, { token: lab.token, body: { reason: 'lists' } });
  assert.equal(r.status, 200, r.text);
  // The HIV case was opened ten days ago.
  const sql = srv.sql(`UPDATE lookback_cases SET opened_on = '${chain.day(-10)}' WHERE id = ${hiv}`);
  assert.equal(sql.status, 0, sql.stderr);

  const next = await list('/api/v1/lookback-cases?sort=next_due', lab);
  assert.deepEqual(next.items.map((c) => c.id), [hiv, hcv, htlv], 'the nearest deadline first, closed last');
  assert.equal(next.items[1].next_due, chain.day(45));
  assert.equal(next.total, 3);
  assert.deepEqual((await list('/api/v1/lookback-cases?sort=-next_due', lab)).items.map((c) => c.id), [htlv, hcv, hiv]);
  assert.deepEqual((await list('/api/v1/lookback-cases?sort=marker', lab)).items.map((c) => c.marker), ['HCV', 'HIV', 'HTLV']);
  const openFirst = await list('/api/v1/lookback-cases?sort=-status&limit=1&offset=2', lab);
  assert.deepEqual(openFirst.items.map((c) => c.id), [htlv]);
  assert.equal(openFirst.total, 3);
  const newest = await list('/api/v1/lookback-cases?status=open&sort=-opened_on', lab);
  assert.deepEqual(newest.items.map((c) => c.id), [hcv, hiv]);
  assert.equal(newest.total, 2);
  // The days opened: from and to, each included.
  const recent = await list(`/api/v1/lookback-cases?from=${chain.day(-3)}&sort=id`, lab);
  assert.deepEqual(recent.items.map((c) => c.id), [hcv, htlv]);
  assert.equal(recent.total, 2);
  const old = await list(`/api/v1/lookback-cases?to=${chain.day(-10)}`, lab);
  assert.deepEqual(old.items.map((c) => c.id), [hiv]);
  const day = await list(`/api/v1/lookback-cases?from=${chain.day(0)}&to=${chain.day(0)}&status=closed&sort=id`, lab);
  assert.deepEqual(day.items.map((c) => c.id), [htlv]);
  assert.equal(day.total, 1);
  assertError(await srv.api('GET', '/api/v1/lookback-cases?from=2026-02-30', { token: lab.token }), 400, 'invalid_input', { field: 'from' });
  assertError(await srv.api('GET', '/api/v1/lookback-cases?to=yesterday', { token: lab.token }), 400, 'invalid_input', { field: 'to' });
  assertError(await srv.api('GET', `/api/v1/lookback-cases?from=${chain.day(0)}&to=${chain.day(-1)}`, { token: lab.token }), 400, 'invalid_input', { field: 'to' });
  await assertRefusals('/api/v1/lookback-cases', { column: 'overdue' });
});

test('the units on the shelves: each inventory count lists its units, nearest expiry first, with the days to go', async () => {
  // Platelets keep 5 days: collected 5 days ago they expire tonight, 4 days
  // ago tomorrow night; red cells 42 days, plasma a year.
  const typed = async (daysAgo, products, center, abo, rhd) => {
    const d = await chain.donate(srv, admin, { daysAgo, products });
    if (center !== 'LA-01') srv.sql(`UPDATE units SET center = '${center}' WHERE din = '${d.din}'`);
    await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(d.din, chain.day(-daysAgo), { abo, rhd })), `${d.din}.csv`);
    return d;
  };
  const tonight = await typed(5, ['E0400'], 'LA-01', 'O', 'NEG');
  const tomorrow = await typed(4, ['E0400', 'E0300'], 'LA-01', 'O', 'NEG');
  const later = await typed(1, ['E0300', 'E0500'], 'NY-01', 'A', 'POS');
  const inventory = await list('/api/v1/inventory');

  // Every count of the inventory has as many units in the list, and they are its units.
  for (const row of inventory.rows) {
    const query = new URLSearchParams({ center: row.center, family: row.family, group: row.group, status: row.status, band: row.band, sort: 'expires_at' });
    const units = await list(`/api/v1/units?${query}`);
    assert.equal(units.total, row.count, `${query}`);
    assert.equal(units.items.length, row.count);
    for (const unit of units.items) {
      assert.equal(unit.center, row.center);
      assert.equal(unit.family, row.family);
      assert.equal(unit.status, row.status);
      assert.equal(unit.expiry_band, row.band);
      assert.equal(`${unit.abo} ${unit.rhd}`, row.group);
    }
  }
  const all = await list('/api/v1/units?sort=expires_at&limit=500');
  assert.equal(all.total, inventory.totals.count);
  // Nearest expiry first: tonight's platelets, then tomorrow's.
  assert.equal(all.items[0].din, tonight.din);
  assert.equal(all.items[0].days_to_expiry, 0);
  assert.equal(all.items[0].expiry_band, '0-1');
  assert.equal(all.items[1].din, tomorrow.din);
  assert.equal(all.items[1].product_code, 'E0400');
  assert.equal(all.items[1].days_to_expiry, 1);
  assert.equal(all.items[0].eye_readable, chain.eyeReadable(srv, tonight.din));
  const expiring = await list('/api/v1/units?band=0-1');
  assert.equal(expiring.items.length, 2);
  assert.equal(expiring.items.length, inventory.totals.by_band['0-1']);
  const last = await list('/api/v1/units?sort=-expires_at&limit=1');
  assert.equal(last.items[0].din, later.din);
  assert.equal(last.items[0].product_code, 'E0500');
  assert.equal(last.total, all.total);
  const second = await list('/api/v1/units?sort=expires_at&limit=1&offset=1');
  assert.deepEqual(second.items.map((u) => u.id), [all.items[1].id]);
  // By group, center and status: each filter narrows what is counted.
  const apos = await list('/api/v1/units?group=A%2B&sort=group');
  assert.equal(apos.total, 2);
  assert.ok(apos.items.every((u) => u.din === later.din));
  const ny = await list('/api/v1/units?center=ny-01&family=red_cells');
  assert.deepEqual(ny.items.map((u) => u.din), [later.din]);
  const byCenter = await list('/api/v1/units?sort=-center&limit=2');
  assert.ok(byCenter.items.every((u) => u.center === 'NY-01'));
  const released = await list('/api/v1/units?status=released&sort=din');
  assert.equal(released.total, inventory.rows.filter((row) => row.status === 'released').reduce((n, row) => n + row.count, 0));
  // A unit that leaves the shelf leaves the list.
  const gone = await srv.api('POST', `/api/v1/units/${tonight.units[0].id}/discard`, { token: admin.token, body: { reason: 'lists' } });
  assert.equal(gone.status, 200, gone.text);
  assert.equal((await list('/api/v1/units?band=0-1&sort=expires_at')).total, 1);
  for (const [query, field] of [['band=soon', 'band'], ['group=Z', 'group'], ['status=discarded', 'status'], ['family=blood', 'family'],
    ['center=%3F%3F', 'center'], ['after=x', 'after'], ['limit=0', 'limit'], [`sort=din&after=${all.items[0].id}`, 'after']]) {
    assertError(await srv.api('GET', `/api/v1/units?${query}`, { token: admin.token }), 400, 'invalid_input', { field });
  }
  await assertRefusals('/api/v1/units', { column: 'days_to_expiry' });
  // Finance holds no inventory.
  const financePassword = await srv.addUser(admin, 'counter', 'finance');
  const finance = await srv.login('counter', financePassword);
  assertError(await srv.api('GET', '/api/v1/units', { token: finance.token }), 403, 'forbidden');
});

test('the release queue\'s units carry their days to expiry', async () => {
  const donation = await chain.donate(srv, admin, { daysAgo: 4, products: ['E0400'] });
  const queue = await list('/api/v1/release-queue?limit=500', lab);
  const item = queue.items.find((i) => i.din === donation.din);
  assert.ok(item, JSON.stringify(queue.items));
  assert.equal(item.days_to_expiry, 1);
  assert.equal(item.expiry_band, '0-1');
});

test('a list paged by record id refuses a cursor that is not a whole number, naming after', async () => {
  for (const path of ['/api/v1/invoices', '/api/v1/audit', '/api/v1/orders', '/api/v1/lookback-cases', '/api/v1/release-queue']) {
    for (const after of ['abc', '12x', '%2B3', '-'])
      assertError(await srv.api('GET', `${path}?after=${after}`, { token: admin.token }), 400, 'invalid_input', { field: 'after' });
    const r = await srv.api('GET', `${path}?after=0`, { token: admin.token });
    assert.equal(r.status, 200, `${path}: ${r.text}`);
  }
});
