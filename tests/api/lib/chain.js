'use strict';
/*
 * chain.js - the blood-products chain set up through the API, for tests:
 * a market and a donor center, the demo catalog, donors, collections and
 * their processing into units, laboratory results files.
 *
 *   const chain = require('./lib/chain');
 *   await chain.setupCenter(srv, admin);                 // SOCAL, LA-01 (FIN W1234)
 *   chain.importDemoCatalog(srv);
 *   const donor = await chain.registerDonor(srv, admin, { family_name: 'Garcia' });
 *   const c = await chain.collect(srv, admin, { donor: donor.donor_number, daysAgo: 180 });
 *   const units = await chain.processDonation(srv, admin, c.din, ['E0300', 'E0500']);
 *   const csv = chain.resultsCsv(chain.panelRows(c.din, chain.day(0)));
 *   const r = await chain.importResults(srv, lab, csv);
 *   chain.eyeReadable(srv, c.din);                       // "W1234 26 000001 [N]", as `isbt check` prints it
 *
 * Every helper asserts its request succeeded, so a test reads as the steps
 * a user takes. Days are dates of America/Los_Angeles, the zone the tests'
 * centers take (a market's default), counted from today there
 * (chain.day(-180)): the days the server's rules count in. chain.endOfDay(D)
 * is the UTC time of 23:59 there on day D, when a unit expires.
 */
const assert = require('node:assert/strict');
const path = require('node:path');
const { REPO, startServer, ADMIN_PASSWORD } = require('./server');

const DEMO_CATALOG = path.join(REPO, 'data/catalog-demo.csv');

/* The tests of the default panel (schema/005_donors.sql) and their
 * negative result. */
const PANEL = {
  ABSCREEN: 'negative',
  HIV: 'nonreactive',
  HBSAG: 'nonreactive',
  ANTIHBC: 'nonreactive',
  HCV: 'nonreactive',
  HTLV: 'nonreactive',
  SYPHILIS: 'nonreactive',
  NAT_HIV: 'nonreactive',
  NAT_HCV: 'nonreactive',
  NAT_HBV: 'nonreactive',
};

/* Measurements of a healthy donor giving whole blood. */
const HEALTHY = {
  procedure: 'whole_blood',
  volume_ml: 500,
  weight_lb: 165,
  hemoglobin: '14.1',
  temperature: '36.7',
  systolic: 118,
  diastolic: 76,
  pulse: 66,
};

/* The zone of the tests' centers: the default of a market. */
const ZONE = 'America/Los_Angeles';

/* The clock of `zone` at `instant` (a Date): {year, month, day, hour,
 * minute, second} as numbers, from the browser-grade Intl data. */
function clockIn(zone, instant) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(instant);
  const value = (type) => Number(parts.find((p) => p.type === type).value);
  return { year: value('year'), month: value('month'), day: value('day'), hour: value('hour'), minute: value('minute'), second: value('second') };
}

/* UTC dates from today, YYYY-MM-DD. */
function utcDay(offset) {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset)).toISOString().slice(0, 10);
}

/* Yesterday (UTC) at 06:30 UTC: the evening before in Los Angeles (22:30
 * PST, 23:30 PDT), the small hours of that UTC day in New York: one
 * instant on a different day in UTC, Los Angeles and New York, whatever
 * the hour the tests run. */
const EVENING_BEFORE = `${utcDay(-1)}T06:30:00Z`;

/* The date the clocks of `zone` show at the UTC time `iso`, YYYY-MM-DD:
 * a collection's day at its center is localDate(c.collected_at, c.time_zone). */
function localDate(iso, zone = ZONE) {
  const c = clockIn(zone, new Date(iso));
  return `${c.year}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
}

/* Days from today in `zone` (default: the tests' centers') as YYYY-MM-DD. */
function day(offset = 0, zone = ZONE) {
  const today = clockIn(zone, new Date());
  return new Date(Date.UTC(today.year, today.month - 1, today.day + offset)).toISOString().slice(0, 10);
}

/* The UTC time ("YYYY-MM-DDTHH:MM:SSZ") at which the clocks of `zone` show
 * `date` at hh:mm: the wall time read as UTC, moved back by the zone's
 * offset there (asked twice, in case the first guess fell across a change
 * of the clocks). */
function utcOf(date, hhmm, zone = ZONE) {
  const wall = Date.parse(`${date}T${hhmm}:00Z`);
  let instant = wall;
  for (let i = 0; i < 2; i++) {
    const c = clockIn(zone, new Date(instant));
    const shown = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
    instant = wall - (shown - instant);
  }
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/* When a unit with a shelf life in days expires on day `date`: 23:59 there. */
function endOfDay(date, zone = ZONE) {
  return utcOf(date, '23:59', zone);
}

/* A timestamp `offset` days from now at 09:30 UTC, which is early on that
 * day in Los Angeles (0: a second ago). */
function at(offset = 0) {
  if (offset === 0) return new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  return `${day(offset)}T09:30:00Z`;
}

async function ok(srv, session, method, url, body, status = 201) {
  const r = await srv.api(method, url, { token: session.token, body });
  assert.equal(r.status, status, `${method} ${url}: ${r.text}`);
  return r.json;
}

/* A market and an open donor center with a FIN. */
async function setupCenter(srv, admin, { market = 'SOCAL', center = 'LA-01', fin = 'W1234', name = 'Westside' } = {}) {
  const markets = await srv.api('GET', `/api/v1/markets/${market}`, { token: admin.token });
  if (markets.status === 404)
    await ok(srv, admin, 'POST', '/api/v1/markets', { code: market, name: `Market ${market}` });
  return ok(srv, admin, 'POST', '/api/v1/centers', { code: center, name, market, fin, open_date: '2001-03-15' });
}

/* The demo catalog, from the command line (the catalog imports there). */
function importDemoCatalog(srv) {
  const r = srv.cli('catalog', 'import', DEMO_CATALOG);
  assert.equal(r.status, 0, `catalog import: ${r.stderr}`);
}

let donorCount = 0;

/* A donor: {donor_number, ...}. Names default to distinct ones. */
function registerDonor(srv, session, fields = {}) {
  donorCount += 1;
  return ok(srv, session, 'POST', '/api/v1/donors', {
    family_name: `Donor${donorCount}`,
    given_name: 'Test',
    birth_date: '1980-05-17',
    sex: 'M',
    ...fields,
  });
}

/* A healthy whole-blood collection at LA-01 `daysAgo` days ago (0: just
 * now): {din, ...}. Any field of POST /api/v1/collections may be given. */
function collect(srv, session, { donor, center = 'LA-01', daysAgo = 0, ...fields }) {
  return ok(srv, session, 'POST', '/api/v1/collections', {
    ...HEALTHY,
    donor,
    center,
    collected_at: at(-daysAgo),
    ...fields,
  });
}

/* Process a collection into units of these products: the units [{id, ...}]. */
async function processDonation(srv, session, din, products = ['E0300', 'E0500']) {
  const r = await ok(srv, session, 'POST', `/api/v1/collections/${din}/process`, {
    components: products.map((product) => ({ product })),
  });
  return r.units;
}

/* The donation as GET /api/v1/donations/{din} shows it. */
function donation(srv, session, din) {
  return ok(srv, session, 'GET', `/api/v1/donations/${din}`, undefined, 200);
}

/* A whole donor journey: register, collect `daysAgo`, process. */
async function donate(srv, session, { donor, daysAgo = 0, products } = {}) {
  const number = donor || (await registerDonor(srv, session)).donor_number;
  const collection = await collect(srv, session, { donor: number, daysAgo });
  const units = await processDonation(srv, session, collection.din, products);
  return { donor: number, din: collection.din, units };
}

/* Result rows [din, test, result, date] for the whole panel: ABO and RhD
 * as given, everything else negative, with `overrides` {TEST: result}. */
function panelRows(din, date, { abo = 'O', rhd = 'POS', overrides = {} } = {}) {
  const results = { ABO: abo, RHD: rhd, ...PANEL, ...overrides };
  return Object.entries(results).map(([test, result]) => [din, test, result, date]);
}

/* The text of a results file. */
function resultsCsv(rows, header = 'din,test,result,date') {
  return [header, ...rows.map((row) => row.join(',')), ''].join('\n');
}

/* The printed form of a DIN as `bloodops isbt check` gives it (what every
 * answer's `eye_readable` must equal); remembered per DIN. */
const printed = new Map();
function eyeReadable(srv, din) {
  if (!printed.has(din)) {
    const r = srv.cli('isbt', 'check', din, '--format', 'json');
    assert.equal(r.status, 0, `isbt check ${din}: ${r.stderr}`);
    printed.set(din, JSON.parse(r.stdout).eye_readable);
  }
  return printed.get(din);
}

/* Import a results file through the API: the answer (asserts 201). */
function importResults(srv, session, content, fileName = 'results.csv') {
  return ok(srv, session, 'POST', '/api/v1/test-results/import', { file_name: fileName, content });
}

/* A unit of `product` collected `daysAgo` days ago, its whole panel
 * negative and typed `abo` `rhd`, released by `lab` signing as `username`
 * with `password`: the unit as processing answered it with its `din` and
 * `donor`. */
async function releasedUnit(srv, admin, lab, { username, password, abo = 'O', rhd = 'POS', product = 'E0300', daysAgo = 1 }) {
  const d = await donate(srv, admin, { daysAgo, products: [product] });
  await importResults(srv, lab, resultsCsv(panelRows(d.din, day(-daysAgo), { abo, rhd })));
  await ok(srv, lab, 'POST', '/api/v1/releases', { units: d.units.map((u) => u.id), username, password });
  return { ...d.units[0], din: d.din, donor: d.donor };
}

/* The password of the lab user startWithLab makes, 'lab1' (a release's
 * signature takes it again). */
const LAB_PASSWORD = 'lab1-password-1';

/* A server ready for the chain: the administrator logged in, LA-01 set
 * up, the demo catalog imported, and the lab user 'lab1' logged in:
 * {srv, admin, lab}. */
async function startWithLab() {
  const srv = await startServer();
  const admin = await srv.login('admin', ADMIN_PASSWORD);
  await setupCenter(srv, admin);
  importDemoCatalog(srv);
  await srv.addUser(admin, 'lab1', 'lab', LAB_PASSWORD);
  const lab = await srv.login('lab1', LAB_PASSWORD);
  return { srv, admin, lab };
}

/* A time `hours` from now as the API takes an order's needed_by (UTC). */
function fromNow(hours) {
  return `${new Date(Date.now() + hours * 3600e3).toISOString().slice(0, 19)}Z`;
}

module.exports = {
  DEMO_CATALOG,
  HEALTHY,
  LAB_PASSWORD,
  PANEL,
  at,
  collect,
  day,
  ZONE,
  clockIn,
  localDate,
  utcDay,
  EVENING_BEFORE,
  utcOf,
  endOfDay,
  donate,
  donation,
  eyeReadable,
  fromNow,
  importDemoCatalog,
  importResults,
  panelRows,
  processDonation,
  registerDonor,
  releasedUnit,
  resultsCsv,
  setupCenter,
  startWithLab,
};
