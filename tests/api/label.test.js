'use strict';
/*
 * label.test.js - printable ISBT 128 unit labels (SPEC 3.3, issue 6):
 * `bloodops label render` and GET /api/v1/labels/render. A label rendered
 * as PNG is read back with zbarimg (Debian's zbar-tools): its four Code 128
 * bar codes must decode to exactly the ISBT 128 data structures encoded.
 * The SVG and PDF answers carry their content type, size and signature;
 * bad values are refused naming the option or parameter at fault.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');

let srv;
let admin;
let lab; // any role may render a label

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
    assert.match(r.stderr, new RegExp(`^bloodops: ${field}: `), `${change.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
  const missing = srv.cli('label', 'render', '--group', '5100');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^bloodops: din: is required/);
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
