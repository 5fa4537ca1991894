'use strict';
/*
 * label.test.js - printable ISBT 128 unit labels (docs/isbt.md, "Labels";
 * issue 6): `bloodops label render` and GET /api/v1/labels/render. A label
 * rendered as PNG is read back with zbarimg (Debian's zbar-tools): its four
 * Code 128 bar codes must decode to exactly the ISBT 128 data structures
 * encoded. The SVG and PDF answers carry their content type, size and
 * signature; bad values are refused naming the option or parameter at fault.
 *
 * The label of a recorded unit (`bloodops label unit ID`, GET
 * /api/v1/units/{id}/label): a donation collected, processed and typed A
 * RhD negative through the API gives a label whose bar codes decode to its
 * DIN, 0600, its product code and the stored expiry, with the collection
 * facility and date printed; a facility name too long for the label is
 * shortened, not refused. Refused, nothing changed: an unknown unit (404
 * naming unit), one not typed yet (409 naming abo), one discarded, past its
 * expiry or expired (409 naming status), a bad format or dpi (400), finance
 * (403: it may not read units) and a caller without a session (401).
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');
const chain = require('./lib/chain');

let srv;
let admin;
let lab; // any role may render a label
let finance; // may render a label from values, may not read units
let typed; // a donation typed A RhD negative: {din, units}
let untyped; // a donation with no results yet

const UNIT = ['--din', 'W123426123456', '--group', '5100', '--product', 'E0791',
  '--donation-type', 'V', '--expires', '2026-12-01T23:59'];
const ENCODED = ['=W12342612345600', '=%5100', '=<E0791V00', '&>0263352359'];
const QUERY = 'din=W123426123456&group=5100&product=E0791&donation_type=V&expires=2026-12-01T23:59';

/* The data of every bar code zbarimg finds in an image, sorted. */
function decode(file) {
  const result = spawnSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' });
  assert.notEqual(result.error && result.error.code, 'ENOENT', 'zbarimg is missing: apt-get install zbar-tools');
  assert.equal(result.status, 0, `zbarimg ${file}: ${result.stderr}`);
  return result.stdout.split('\n').map((line) => line.replace(/\r$/, '')).filter(Boolean).sort();
}

function sorted(values) {
  return [...values].sort();
}

/* A request whose body stays bytes (srv.api decodes text). */
async function getBytes(requestPath, token) {
  const response = await fetch(srv.base + requestPath, {
    headers: { Authorization: `Bearer ${token}`, Connection: 'close' },
  });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const password = await srv.addUser(admin, 'labtech', 'lab');
  lab = await srv.login('labtech', password);
  finance = await srv.login('fin1', await srv.addUser(admin, 'fin1', 'finance'));

  // Recorded units: a center, the demo catalog, two donations processed
  // into red cells and plasma, the first typed A RhD negative.
  await chain.setupCenter(srv, admin, { name: 'Sherman Oaks Donor Center' });
  chain.importDemoCatalog(srv);
  typed = await chain.donate(srv, admin, { daysAgo: 1 });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(typed.din, chain.day(0), { abo: 'A', rhd: 'NEG' })));
  untyped = await chain.donate(srv, admin, { daysAgo: 1 });
});

after(() => srv && srv.stop());

test('a PNG label from the command line: its four bar codes decode to the encoded data', () => {
  const file = path.join(srv.dir, 'label.png');
  const r = srv.cli('label', 'render', ...UNIT, '--output', file);
  assert.equal(r.status, 0, r.stderr);
  // what was written, as "HEADER  value" lines
  const summary = Object.fromEntries(r.stdout.trimEnd().split('\n').map((line) => line.split(/ {2,}/)));
  assert.equal(summary.FORMAT, 'png');
  assert.equal(summary.DIN, 'W1234 26 123456 [7]');
  assert.deepEqual([summary['DIN DATA'], summary['GROUP DATA'], summary['PRODUCT DATA'], summary['EXPIRY DATA']], ENCODED);
  const bytes = fs.readFileSync(file);
  assert.equal(Number(summary.BYTES), bytes.length);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(bytes.readUInt32BE(16), 799); // 100 mm at 203 dpi
  assert.deepEqual(decode(file), sorted(ENCODED));
});

test('other labels decode too: flags, RhD negative, a DIN typed with its check character, 300 dpi', () => {
  const file = path.join(srv.dir, 'negative.png');
  const r = srv.cli('label', 'render', '--din', 'W1234 26 123456 7', '--flags', '02', '--group', '9500',
    '--product', 'E0791V00', '--expires', '2027-02-28', '--description', 'Red Blood Cells, Leukocytes Reduced',
    '--facility-name', 'Sherman Oaks Donor Center', '--output', file, '--dpi', '300');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.readFileSync(file).readUInt32BE(16), 1181);
  assert.deepEqual(decode(file), sorted(['=W12342612345602', '=%9500', '=<E0791V00', '&>0270592359']));
});

test('the command line writes SVG to standard output, PDF to a pipe, and chooses by --format or extension', () => {
  const svg = srv.cli('label', 'render', ...UNIT);
  assert.equal(svg.status, 0, svg.stderr);
  assert.match(svg.stdout, /^<svg [^>]*width="100mm" height="100mm"/);
  assert.ok(svg.stdout.includes('>W1234 26 123456<'));
  assert.ok(svg.stdout.includes('>RhD POSITIVE</text>'));
  assert.ok(svg.stdout.trimEnd().endsWith('</svg>'));

  const pdf = srv.cli('label', 'render', ...UNIT, '--format', 'pdf');
  assert.equal(pdf.status, 0, pdf.stderr);
  assert.ok(pdf.stdout.startsWith('%PDF-'));

  const file = path.join(srv.dir, 'label.pdf');
  const written = srv.cli('label', 'render', ...UNIT, '--output', file);
  assert.equal(written.status, 0, written.stderr);
  assert.equal(fs.readFileSync(file).subarray(0, 5).toString('latin1'), '%PDF-');

  // --format wins over the extension
  const named = path.join(srv.dir, 'label-really-svg.pdf');
  const chosen = srv.cli('label', 'render', ...UNIT, '--output', named, '--format', 'svg');
  assert.equal(chosen.status, 0, chosen.stderr);
  assert.match(fs.readFileSync(named, 'latin1'), /^<svg /);

  // like a report's, the command's formats are its own: a usage error otherwise
  for (const format of ['gif', 'json', 'table']) {
    const r = srv.cli('label', 'render', ...UNIT, '--format', format);
    assert.equal(r.status, 2, `${format}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^bloodops: --format must be svg, pdf or png, not '${format}'`));
    assert.equal(r.stdout, '');
  }
  const help = srv.cli('label', 'render', '--help');
  assert.match(help.stdout, /--format svg\|pdf\|png/);
});

test('the command line prints the collection date when given', () => {
  const svg = srv.cli('label', 'render', ...UNIT, '--collected', '2026-10-20T10:15');
  assert.equal(svg.status, 0, svg.stderr);
  assert.ok(svg.stdout.includes('>COLLECTED 20 OCT 2026</text>'));
  assert.ok(!srv.cli('label', 'render', ...UNIT).stdout.includes('COLLECTED'));
});

test('the command line refuses bad values naming the option', () => {
  const cases = [
    [['--din', 'W1234 26 123456 8'], 'din'], // K is 7
    [['--group', 'ZZ00'], 'group'],
    [['--expires', '2026-02-30'], 'expires'],
    [['--product', 'E07'], 'product'],
    [['--flags', '6'], 'flags'],
    [['--dpi', '20'], 'dpi'],
    [['--collected', '2026-02-30'], 'collected'],
  ];
  for (const [change, field] of cases) {
    const args = [...UNIT];
    for (let i = 0; i < change.length; i += 2) {
      const at = args.indexOf(change[i]);
      if (at >= 0) args[at + 1] = change[i + 1];
      else args.push(change[i], change[i + 1]);
    }
    const r = srv.cli('label', 'render', ...args);
    assert.equal(r.status, 1, `${change.join(' ')}: ${r.stdout} ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^bloodops: --${field}: `), `${change.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
  const missing = srv.cli('label', 'render', '--group', '5100');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^bloodops: --din: is required/);
});

test('GET /api/v1/labels/render answers SVG by default, 100 mm square', async () => {
  const r = await srv.api('GET', `/api/v1/labels/render?${QUERY}&description=${encodeURIComponent('RBC <AS-1> & co')}`, { token: lab.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'image/svg+xml');
  assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
  assert.match(r.text, /^<svg [^>]*width="100mm" height="100mm" viewBox="0 0 100 100"/);
  assert.ok(r.text.includes('>W1234 26 123456<'));
  assert.ok(r.text.includes('>O</text>'));
  assert.ok(r.text.includes('RBC &lt;AS-1&gt; &amp; co'));
  assert.ok(!r.text.includes('<AS-1>'));
});

test('GET /api/v1/labels/render answers a PDF and a PNG as bytes, whole', async () => {
  const pdf = await getBytes(`/api/v1/labels/render?${QUERY}&format=pdf`, admin.token);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Number(pdf.headers.get('content-length')), pdf.body.length);
  assert.equal(pdf.body.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.body.subarray(-6).toString('latin1').includes('%%EOF'));

  const png = await getBytes(`/api/v1/labels/render?${QUERY}&format=png&dpi=300`, admin.token);
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const file = path.join(srv.dir, 'api.png');
  fs.writeFileSync(file, png.body);
  assert.deepEqual(decode(file), sorted(ENCODED));
});

test('GET /api/v1/labels/render refuses bad values naming the parameter, and needs a session', async () => {
  const base = new URLSearchParams(QUERY);
  const cases = [
    ['din', 'W1234261234568', 'din'],
    ['group', 'ZZ00', 'group'],
    ['expires', '2026-13-01', 'expires'],
    ['donation_type', 'Z', 'donation_type'],
    ['format', 'gif', 'format'],
    ['dpi', 'many', 'dpi'],
  ];
  for (const [name, value, field] of cases) {
    const params = new URLSearchParams(base);
    params.set(name, value);
    const r = await srv.api('GET', `/api/v1/labels/render?${params}`, { token: admin.token });
    assertError(r, 400, 'invalid_input', { field });
  }
  const params = new URLSearchParams(base);
  params.delete('expires');
  assertError(await srv.api('GET', `/api/v1/labels/render?${params}`, { token: admin.token }), 400,
    'invalid_input', { field: 'expires' });
  const anonymous = await srv.api('GET', `/api/v1/labels/render?${QUERY}`);
  assert.equal(anonymous.status, 401);
});

/* --- the label of a recorded unit ------------------------------------------- */

/* The ISBT 128 expiration date and time (&>cyyjjjhhmm) of a stored UTC
 * timestamp "YYYY-MM-DDTHH:MM:SSZ", as the clocks of the unit's center
 * (`zone`) show it: a label carries the facility's local time. */
function isbtExpiry(timestamp, zone) {
  const local = chain.clockIn(zone, new Date(timestamp));
  const dayOfYear = (Date.UTC(local.year, local.month - 1, local.day) - Date.UTC(local.year, 0, 1)) / 86400000 + 1;
  const two = (n) => String(n).padStart(2, '0');
  return `&>${String(local.year % 1000).padStart(3, '0')}${String(dayOfYear).padStart(3, '0')}${two(local.hour)}${two(local.minute)}`;
}

/* The four bar codes a unit's label must carry, from the unit as GET
 * /api/v1/units/{id} shows it. */
async function expectedBarcodes(id) {
  const r = await srv.api('GET', `/api/v1/units/${id}`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  const unit = r.json;
  return [`=${unit.din}00`, '=%0600', `=<${unit.product_code}V${unit.division}`, isbtExpiry(unit.expires_at, unit.time_zone)];
}

/* The request, and the database's fingerprint unchanged by it. */
async function unchanged(request) {
  const before = srv.fingerprint();
  const response = await request();
  assert.equal(srv.fingerprint(), before, `the database changed after: ${response.status} ${response.text}`);
  return response;
}

test('GET /api/v1/units/{id}/label: a typed unit\'s label, its bar codes decoded back to what is on record', async () => {
  const [red, plasma] = typed.units;
  const expected = await expectedBarcodes(red.id);
  assert.equal(expected[0], `=${typed.din}00`);
  // Red cells expire at 23:59 on the center's clock, which the label shows.
  assert.match(expected[3], /2359$/);

  // PNG, read by zbarimg; a read changes nothing
  const png = await unchanged(() => getBytes(`/api/v1/units/${red.id}/label?format=png`, lab.token).then((r) => ({ ...r, text: '' })));
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.equal(Number(png.headers.get('content-length')), png.body.length);
  assert.equal(png.body.readUInt32BE(16), 799); // 100 mm at 203 dpi
  const file = path.join(srv.dir, 'unit.png');
  fs.writeFileSync(file, png.body);
  assert.deepEqual(decode(file), sorted(expected));

  // at 300 dpi, the plasma unit of the same donation
  const plasmaPng = await getBytes(`/api/v1/units/${plasma.id}/label?format=png&dpi=300`, admin.token);
  assert.equal(plasmaPng.status, 200);
  assert.equal(plasmaPng.body.readUInt32BE(16), 1181);
  fs.writeFileSync(file, plasmaPng.body);
  assert.deepEqual(decode(file), sorted(await expectedBarcodes(plasma.id)));

  // SVG by default: the group, the product's description, the facility and
  // the collection date as recorded
  const svg = await srv.api('GET', `/api/v1/units/${red.id}/label`, { token: lab.token });
  assert.equal(svg.status, 200, svg.text);
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  assert.match(svg.headers.get('content-security-policy'), /default-src 'none'/);
  assert.match(svg.text, /^<svg [^>]*width="100mm" height="100mm"/);
  const recorded = (await srv.api('GET', `/api/v1/units/${red.id}`, { token: lab.token })).json;
  const eye = recorded.eye_readable;
  assert.equal(svg.headers.get('content-disposition'),
    `inline; filename="${recorded.din}-${red.product_code}-${recorded.division}.svg"`);
  assert.ok(svg.text.includes(`<title>ISBT 128 label ${eye}</title>`), eye);
  assert.ok(svg.text.includes('>A</text>'));
  assert.ok(svg.text.includes('>RhD NEGATIVE</text>'));
  assert.ok(svg.text.includes(`>${red.product_code}V00</text>`));
  assert.ok(svg.text.includes('RED BLOOD'), 'the description from the catalog');
  assert.ok(svg.text.includes('CPD&gt;AS-1') && !svg.text.includes('CPD>AS-1'), 'escaped');
  assert.ok(svg.text.includes('Sherman Oaks'));
  const collected = new Date(`${chain.day(-1)}T00:00:00Z`);
  const month = collected.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' }).toUpperCase();
  assert.ok(svg.text.includes(`>COLLECTED ${chain.day(-1).slice(8, 10)} ${month} ${chain.day(-1).slice(0, 4)}</text>`));

  const pdf = await getBytes(`/api/v1/units/${red.id}/label?format=pdf`, admin.token);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.match(pdf.headers.get('content-disposition'), /^inline; filename="W\d{4}\d{2}\d{6}-E\d{4}-00\.pdf"$/);
  assert.equal(pdf.body.subarray(0, 5).toString('latin1'), '%PDF-');
});

test('a facility name longer than the label prints is shortened, not refused', async () => {
  const name = 'Centre régional de transfusion sanguine de Saint-Étienne-du-Rouvray, site hospitalier';
  await chain.setupCenter(srv, admin, { center: 'LA-02', fin: 'W1235', name });
  const collection = await chain.collect(srv, admin, { donor: (await chain.registerDonor(srv, admin)).donor_number, center: 'LA-02', daysAgo: 1 });
  const [unit] = await chain.processDonation(srv, admin, collection.din, ['E0300']);
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(collection.din, chain.day(0))), 'la02.csv');
  const svg = await srv.api('GET', `/api/v1/units/${unit.id}/label`, { token: admin.token });
  assert.equal(svg.status, 200, svg.text);
  assert.ok(svg.text.includes('Centre régional'));
  assert.ok(svg.text.includes('\u2026'), 'an ellipsis where the name was cut');
  assert.ok(!svg.text.includes('site hospitalier'));
  assert.ok(svg.text.includes('>O</text>') && svg.text.includes('>RhD POSITIVE</text>'));
});

test('GET /api/v1/units/{id}/label refuses, changing nothing: unknown, untyped, discarded, outdated and expired units', async () => {
  const label = (id, session = admin, query = '') => unchanged(() => srv.api('GET', `/api/v1/units/${id}/label${query}`, { token: session.token }));

  for (const id of ['999999', 'abc', '0'])
    assertError(await label(id), 404, 'not_found', { field: 'unit' });

  const [untypedRed] = untyped.units;
  assertError(await label(untypedRed.id, lab), 409, 'conflict', {
    field: 'abo',
    message: `unit ${untypedRed.id} has no ABO/RhD typing yet: it cannot be labelled until tested`,
  });

  // discarded: the status is named
  const d = await chain.donate(srv, admin, { daysAgo: 1 });
  await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(d.din, chain.day(0))), 'discard.csv');
  const [red, plasma] = d.units;
  const discarded = await srv.api('POST', `/api/v1/units/${red.id}/discard`, { token: admin.token, body: { reason: 'bag leaking' } });
  assert.equal(discarded.status, 200, discarded.text);
  assertError(await label(red.id), 409, 'conflict', { field: 'status', message: `unit ${red.id} is discarded` });

  // past its expiry time before the sweep, then expired by it
  srv.sql(`UPDATE units SET expires_at = '${chain.day(-1)}T23:59:00Z' WHERE id = ${plasma.id}`);
  assertError(await label(plasma.id), 409, 'conflict', { field: 'status', message: `expired at ${chain.day(-1)}T23:59:00Z` });
  const sweep = await srv.api('POST', '/api/v1/units/expiry-sweep', { token: admin.token, body: {} });
  assert.equal(sweep.status, 200, sweep.text);
  assert.ok(sweep.json.units.some((u) => u.id === plasma.id), sweep.text);
  assertError(await label(plasma.id), 409, 'conflict', { field: 'status', message: `unit ${plasma.id} is expired` });

  // bad parameters name themselves
  const good = typed.units[0].id;
  assertError(await label(good, admin, '?format=gif'), 400, 'invalid_input', { field: 'format' });
  assertError(await label(good, admin, '?format=png&dpi=20'), 400, 'invalid_input', { field: 'dpi' });
});

test('GET /api/v1/units/{id}/label is for those who may read units', async () => {
  const id = typed.units[0].id;
  assertError(await unchanged(() => srv.api('GET', `/api/v1/units/${id}/label`, { token: finance.token })), 403, 'forbidden');
  // finance still renders a label from values
  assert.equal((await srv.api('GET', `/api/v1/labels/render?${QUERY}`, { token: finance.token })).status, 200);
  assert.equal((await srv.api('GET', `/api/v1/units/${id}/label`)).status, 401);
  const staffPassword = await srv.addUser(admin, 'staff1', 'center_staff', undefined, { centers: 'all' });
  const staff = await srv.login('staff1', staffPassword);
  assert.equal((await srv.api('GET', `/api/v1/units/${id}/label`, { token: staff.token })).status, 200);
});

test('bloodops label unit writes a unit\'s label and says what it wrote; refusals name the field', async () => {
  const [red] = typed.units;
  const expected = await expectedBarcodes(red.id);
  const file = path.join(srv.dir, 'unit-cli.png');
  const r = srv.cli('label', 'unit', String(red.id), '--output', file);
  assert.equal(r.status, 0, r.stderr);
  const summary = Object.fromEntries(r.stdout.trimEnd().split('\n').map((line) => line.split(/ {2,}/)));
  assert.equal(summary.FILE, file);
  assert.equal(summary.FORMAT, 'png');
  assert.equal(summary.UNIT, String(red.id));
  assert.equal(summary.DIN, typed.din);
  assert.equal(summary.STATUS, 'quarantined');
  assert.deepEqual([summary['DIN DATA'], summary['GROUP DATA'], summary['PRODUCT DATA'], summary['EXPIRY DATA']], expected);
  assert.equal(Number(summary.BYTES), fs.statSync(file).size);
  assert.deepEqual(decode(file), sorted(expected));

  const svg = srv.cli('label', 'unit', String(red.id));
  assert.equal(svg.status, 0, svg.stderr);
  assert.match(svg.stdout, /^<svg [^>]*width="100mm"/);
  assert.ok(svg.stdout.includes('>RhD NEGATIVE</text>'));

  // an option by its name, a field no option carries as it is
  const refusals = [
    [[String(untyped.units[0].id)], 'abo'],
    [['424242'], 'unit'],
    [[String(red.id), '--dpi', '20'], '--dpi'],
  ];
  for (const [args, field] of refusals) {
    const refused = srv.cli('label', 'unit', ...args);
    assert.equal(refused.status, 1, `${args.join(' ')}: ${refused.stderr}`);
    assert.match(refused.stderr, new RegExp(`^bloodops: ${field}: `));
    assert.equal(refused.stdout, '');
  }
  assert.equal(srv.cli('label', 'unit').status, 2);
  assert.match(srv.cli('label', 'unit', '--help').stdout, /--format svg\|pdf\|png/);
});
