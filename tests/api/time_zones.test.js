'use strict';
/*
 * time_zones.test.js - the day boundaries of the rules are the center's
 * (docs/DESIGN.md, "Time"): times are stored in UTC and a collection's day,
 * its units' expiry (23:59 on the center's clock), the 56-day interval, the
 * day and the range of days a collection list filters on, a reactive result's deferral and
 * lookback days are those of the center's time zone; the answers carry the
 * zone, and the command line shows local times with the zone named.
 *
 * The collections here are made late in the evening in Los Angeles, which
 * is already the next day in UTC (06:30 UTC is 22:30 PST or 23:30 PDT the
 * evening before), and at the same instant in New York, where it is the
 * small hours of the UTC day: every assertion about a day would fail with
 * UTC's calendar, whatever the hour the tests run.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const chain = require('./lib/chain');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');

const LA = 'America/Los_Angeles';
const NY = 'America/New_York';

let srv;
let admin;
let lab;


function plus(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const { localDate, utcDay } = chain;

async function api(method, url, session, body, status) {
  const r = await srv.api(method, url, { token: session.token, body });
  if (status) assert.equal(r.status, status, `${method} ${url}: ${r.text}`);
  return r;
}

/* The evening before in Los Angeles, the small hours of that UTC day in
 * New York. */
const AT = chain.EVENING_BEFORE;
const LA_DAY = localDate(AT, LA);
const NY_DAY = localDate(AT, NY);

async function collect(center, donor) {
  return (await api('POST', '/api/v1/collections', admin, { donor, center, collected_at: AT, ...chain.HEALTHY }, 201)).json;
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  await api('POST', '/api/v1/markets', admin, { code: 'WEST', name: 'West' }, 201);
  await api('POST', '/api/v1/markets', admin, { code: 'EAST', name: 'East', time_zone: NY }, 201);
  await api('POST', '/api/v1/centers', admin, { code: 'LA-01', name: 'Los Angeles', market: 'WEST', fin: 'W1234', open_date: '2001-03-15' }, 201);
  await api('POST', '/api/v1/centers', admin, { code: 'NY-01', name: 'New York', market: 'EAST', fin: 'W2345', open_date: '2001-03-15' }, 201);
  chain.importDemoCatalog(srv);
  await srv.addUser(admin, 'lab1', 'lab');
  lab = await srv.login('lab1', 'lab1-password-1');
});

after(async () => {
  if (srv) await srv.stop();
});

test('the instants chosen fall on different days in UTC, Los Angeles and New York', () => {
  assert.equal(LA_DAY, utcDay(-2), 'the evening before in Los Angeles');
  assert.equal(NY_DAY, utcDay(-1), 'the small hours in New York');
});

test('a collection belongs to its day at the center: the day filter, the answer\'s zone, the command line', async () => {
  const la = await collect('LA-01', (await chain.registerDonor(srv, admin)).donor_number);
  const ny = await collect('NY-01', (await chain.registerDonor(srv, admin)).donor_number);
  assert.equal(la.collected_at, AT, 'stored and answered in UTC');
  assert.equal(la.time_zone, LA);
  assert.equal(ny.time_zone, NY);
  const onDay = async (center, day) =>
    (await api('GET', `/api/v1/collections?center=${center}&on=${day}`, lab, undefined, 200)).json.items.map((c) => c.din);
  assert.deepEqual(await onDay('LA-01', LA_DAY), [la.din], 'Los Angeles: the evening before');
  assert.deepEqual(await onDay('LA-01', utcDay(-1)), [], 'not on the UTC day');
  assert.deepEqual(await onDay('NY-01', NY_DAY), [ny.din]);
  assert.deepEqual(await onDay('NY-01', utcDay(-2)), []);
  const shown = (await api('GET', `/api/v1/collections/${la.din}`, lab, undefined, 200)).json;
  assert.equal(shown.time_zone, LA);

  // The command line's table shows the local time with the zone named;
  // JSON keeps UTC.
  const table = srv.cli('collection', 'show', la.din);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`COLLECTED\\s+${LA_DAY} (22:30 PST|23:30 PDT)`), table.stdout);
  const nyTable = srv.cli('collection', 'list', '--center', 'NY-01');
  assert.match(nyTable.stdout, new RegExp(`${NY_DAY} (01:30 EST|02:30 EDT)`), nyTable.stdout);
  assert.equal(JSON.parse(srv.cli('collection', 'show', la.din, '--format', 'json').stdout).collected_at, AT);
});

test('a collection list\'s range of days is each center\'s', async () => {
  const la = await collect('LA-01', (await chain.registerDonor(srv, admin)).donor_number);
  const ny = await collect('NY-01', (await chain.registerDonor(srv, admin)).donor_number);
  const inRange = async (center, from, to) =>
    (await api('GET', `/api/v1/collections?center=${center}&from=${from}&to=${to}&limit=500`, lab, undefined, 200)).json.items.map((c) => c.din);
  assert.ok((await inRange('LA-01', LA_DAY, LA_DAY)).includes(la.din), 'Los Angeles: the evening before');
  assert.ok(!(await inRange('LA-01', utcDay(-1), utcDay(0))).includes(la.din), 'not from the UTC day on');
  assert.ok((await inRange('NY-01', NY_DAY, NY_DAY)).includes(ny.din));
  assert.ok(!(await inRange('NY-01', utcDay(-3), utcDay(-2))).includes(ny.din), 'not up to the day before in New York');
});

test('units expire at 23:59 on the center\'s clock, counted from the collection\'s day there', async () => {
  for (const [center, zone, day] of [
    ['LA-01', LA, LA_DAY],
    ['NY-01', NY, NY_DAY],
  ]) {
    const c = await collect(center, (await chain.registerDonor(srv, admin)).donor_number);
    const made = (await api('POST', `/api/v1/collections/${c.din}/process`, lab, { components: [{ product: 'E0300' }, { product: 'E0400' }] }, 201)).json;
    assert.equal(made.time_zone, zone);
    const [red, platelets] = made.units;
    assert.equal(red.expires_at, chain.endOfDay(plus(day, 42), zone), `${center}: red cells, day + 42 at 23:59 there`);
    assert.equal(platelets.expires_at, chain.endOfDay(plus(day, 5), zone), `${center}: platelets, day + 5`);
    assert.notEqual(red.expires_at, `${plus(day, 42)}T23:59:00Z`, 'not 23:59 UTC');
    assert.equal(localDate(red.expires_at, zone), plus(day, 42));
    const clock = chain.clockIn(zone, new Date(red.expires_at));
    assert.deepEqual([clock.hour, clock.minute], [23, 59]);
    // The unit and the DIN lookup carry the zone to show those times in.
    assert.equal((await api('GET', `/api/v1/units/${red.id}`, lab, undefined, 200)).json.time_zone, zone);
    assert.equal((await api('GET', `/api/v1/donations/${c.din}`, lab, undefined, 200)).json.time_zone, zone);
  }
});

test('the 56-day interval counts from the donation\'s day at the center', async () => {
  const donor = (await chain.registerDonor(srv, admin)).donor_number;
  await collect('LA-01', donor);
  const shown = (await api('GET', `/api/v1/donors/${donor}`, lab, undefined, 200)).json;
  assert.equal(shown.last_donation_on, LA_DAY);
  assert.equal(shown.next_eligible_on, plus(LA_DAY, 56), 'from the Los Angeles day, not the UTC one');
  assert.equal(shown.time_zone, LA, 'a donor of no center: the default zone');
  assert.equal(shown.collections[0].time_zone, LA);
  const check = async (on) =>
    (await api('POST', `/api/v1/donors/${donor}/eligibility`, lab, { ...chain.HEALTHY, volume_ml: undefined, on }, 200)).json;
  const early = await check(plus(LA_DAY, 55));
  assert.equal(early.eligible, false);
  assert.deepEqual(early.failures.map((f) => [f.rule, f.eligible_from]), [['interval_whole_blood', plus(LA_DAY, 56)]]);
  assert.equal((await check(plus(LA_DAY, 56))).eligible, true, 'eligible on the 56th day');

  // The same instant in New York is the next day there: 56 days from it.
  const eastern = (await chain.registerDonor(srv, admin, { home_center: 'NY-01' })).donor_number;
  await collect('NY-01', eastern);
  const east = (await api('GET', `/api/v1/donors/${eastern}`, lab, undefined, 200)).json;
  assert.equal(east.next_eligible_on, plus(NY_DAY, 56));
  assert.equal(east.time_zone, NY, 'their home center\'s zone');
  const listed = (await api('GET', `/api/v1/donors?q=${eastern}`, lab, undefined, 200)).json.items[0];
  assert.equal(listed.next_eligible_on, plus(NY_DAY, 56));
  assert.equal(listed.time_zone, NY);
});

test('a reactive result defers from today at the donation\'s center; the lookback case counts its days there', async () => {
  const donor = (await chain.registerDonor(srv, admin, { home_center: 'NY-01' })).donor_number;
  const c = await collect('LA-01', donor);
  await chain.processDonation(srv, lab, c.din, ['E0300']);
  const r = await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(c.din, chain.day(0), { overrides: { HCV: 'R' } })));
  assert.equal(r.lookback_cases.length, 1);
  const kase = (await api('GET', `/api/v1/lookback-cases/${r.lookback_cases[0]}`, lab, undefined, 200)).json;
  assert.equal(kase.time_zone, LA);
  assert.equal(kase.window_end, LA_DAY, 'the trigger donation\'s day at its center');
  const today = chain.day(0, LA);
  assert.equal(kase.opened_on, today);
  assert.deepEqual(kase.deadlines.map((d) => [d.step, d.due]), [
    ['quarantine', plus(today, 3)],
    ['notice', plus(today, 3)],
    ['followup', plus(today, 45)],
  ]);
  const deferral = (await api('GET', `/api/v1/donors/${donor}`, lab, undefined, 200)).json.deferrals[0];
  assert.equal(deferral.source, 'test');
  assert.equal(deferral.starts_on, today, 'today at the center of the donation');

  // A deferral staff record starts today where the donor belongs.
  const staffDeferral = (await api('POST', `/api/v1/donors/${donor}/deferrals`, admin, { kind: 'indefinite', reason_code: 'MEDICATION' }, 201)).json;
  assert.equal(staffDeferral.starts_on, chain.day(0, NY));
});
