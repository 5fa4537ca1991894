'use strict';
/*
 * json_input.test.js - what a JSON body's texts may hold (issue 17, part 6):
 * a required text needs a visible character, bidirectional control
 * characters are refused in every text (passwords aside), and bytes that
 * are not UTF-8 or a NUL inside a string are refused naming the field
 * rather than as bare "malformed JSON". Each refusal is 400 invalid_input
 * naming the field, and changes nothing: the database fingerprint is the
 * same before and after.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');

let srv;
let admin;

/* Run `request` and assert that the database did not change. */
async function unchanged(request) {
  const before = srv.fingerprint();
  const response = await request();
  assert.equal(srv.fingerprint(), before, `the database changed after: ${response.status} ${response.text}`);
  return response;
}

/* POST (or PATCH) a body given as JSON text or raw bytes, as admin. */
function send(path, raw, method = 'POST') {
  return srv.api(method, path, {
    token: admin.token,
    headers: { 'Content-Type': 'application/json' },
    rawBody: raw,
  });
}

async function refused(path, raw, field, message, method = 'POST') {
  const r = await unchanged(() => send(path, raw, method));
  assertError(r, 400, 'invalid_input', { field, message });
  return r;
}

const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];

function hex(codePoint) {
  return codePoint.codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'SOCAL', name: 'Southern California' } });
  assert.equal(r.status, 201, r.text);
});

after(async () => {
  if (srv) await srv.stop();
});

test('a required text of spaces only is refused as required, naming the field', async () => {
  await refused('/api/v1/markets', JSON.stringify({ code: 'NY', name: '   ' }), 'name', 'is required');
  await refused('/api/v1/markets', JSON.stringify({ code: 'NY', name: ' \t\n ' }), 'name', 'is required');
  await refused('/api/v1/markets', JSON.stringify({ code: '  ', name: 'New York' }), 'code', 'is required');
  // Spaces of other widths and invisible characters say nothing either.
  await refused('/api/v1/markets', JSON.stringify({ code: 'NY', name: '\u00A0\u3000\u200B\uFEFF' }), 'name', 'is required');
  await refused(
    '/api/v1/centers',
    JSON.stringify({ code: 'LA-01', name: '  ', market: 'SOCAL' }),
    'name',
    'is required',
  );
  await refused(
    '/api/v1/donors',
    JSON.stringify({ family_name: ' ', given_name: 'Maria', birth_date: '1984-02-11', sex: 'F' }),
    'family_name',
    'is required',
  );
  await refused(
    '/api/v1/users',
    JSON.stringify({ username: 'jdoe', full_name: '\t', roles: 'finance', password: 'a long password 1' }),
    'full_name',
    'is required',
  );
  // A journal entry's description (the finding), and inside an array.
  await refused(
    '/api/v1/journal',
    JSON.stringify({
      date: '2004-01-15',
      description: '    ',
      lines: [
        { account: '1000', amount: '1.00' },
        { account: '4000', amount: '-1.00' },
      ],
    }),
    'description',
    'is required',
  );
  // A text with something visible in it is fine.
  const r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'NY', name: 'New York' } });
  assert.equal(r.status, 201, r.text);
});

test('bidirectional control characters are refused in every text, naming the field', async () => {
  for (const control of BIDI) {
    await refused(
      '/api/v1/markets',
      JSON.stringify({ code: 'EV', name: `Evil ${control}gnp.exe` }),
      'name',
      `U+${hex(control)}`,
    );
  }
  // Written as a \u escape, too.
  await refused('/api/v1/markets', '{"code": "EV", "name": "\\u202Eabc"}', 'name', 'bidirectional control');
  await refused('/api/v1/markets', JSON.stringify({ code: 'E\u202EV', name: 'Evil' }), 'code');
  await refused('/api/v1/markets/SOCAL', JSON.stringify({ name: 'Southern \u2067California' }), 'name', undefined, 'PATCH');
  await refused(
    '/api/v1/centers',
    JSON.stringify({ code: 'LA-02', name: 'Center', market: 'SOCAL', address: '1 Main St \u200F' }),
    'address',
  );
  await refused(
    '/api/v1/donors',
    JSON.stringify({ family_name: 'Garcia', given_name: 'Ma\u202Eria', birth_date: '1984-02-11', sex: 'F' }),
    'given_name',
  );
  await refused(
    '/api/v1/users',
    JSON.stringify({ username: 'ad\u202Dmin2', full_name: 'Someone', roles: 'finance', password: 'a long password 1' }),
    'username',
  );
  await refused(
    '/api/v1/journal',
    JSON.stringify({
      date: '2004-01-15',
      description: 'Insurance',
      lines: [
        { account: '1000', amount: '1.00', memo: 'fine' },
        { account: '4000', amount: '-1.00', memo: 'paid \u2066twice' },
      ],
    }),
    'lines[1].memo',
  );
  // Text in other scripts, accents and symbols stays welcome.
  const r = await srv.api('POST', '/api/v1/markets', {
    token: admin.token,
    body: { code: 'INTL', name: 'São Paulo – Zürich · 東京 · مرحبا · שלום · 🩸' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.name, 'São Paulo – Zürich · 東京 · مرحبا · שלום · 🩸');
  // A password is a secret nobody reads: any character is its own.
  const password = 'right\u202Eto\u2067left pass';
  const u = await srv.api('POST', '/api/v1/users', {
    token: admin.token,
    body: { username: 'rtl', full_name: 'Right To Left', roles: 'finance', password },
  });
  assert.equal(u.status, 201, u.text);
  await srv.login('rtl', password);
});

test('a NUL inside a string is refused naming the field, not as malformed JSON', async () => {
  // Escaped, as JSON allows it to be written.
  let r = await refused('/api/v1/markets', '{"code": "NY2", "name": "New\\u0000York"}', 'name', 'NUL');
  assert.doesNotMatch(r.json.error.message, /malformed/);
  await refused('/api/v1/markets', '{"code": "NY\\u00002", "name": "New York"}', 'code', 'NUL');
  // As a raw byte.
  await refused('/api/v1/markets', Buffer.from('{"code": "NY2", "name": "New\u0000York"}', 'utf8'), 'name', 'NUL');
  // Deeper down.
  await refused(
    '/api/v1/journal',
    '{"date": "2004-01-15", "description": "x", "lines": [{"account": "1000", "amount": "1.00"}, ' +
      '{"account": "4000", "amount": "-1.00", "memo": "a\\u0000b"}]}',
    'lines[1].memo',
    'NUL',
  );
  // In a field's name: no field to name, but the message says what.
  r = await refused('/api/v1/markets', '{"code": "NY2", "na\\u0000me": "New York"}', null, 'field name');
  // A body broken before the string still says where it is broken.
  await refused('/api/v1/markets', '{"code": "NY2" "name": "New\\u0000York"}', null, /malformed JSON at line 1/);
});

test('bytes that are not UTF-8 are refused naming the field', async () => {
  const body = (before, bad, after) => Buffer.concat([Buffer.from(before, 'utf8'), Buffer.from(bad), Buffer.from(after, 'utf8')]);
  const cases = [
    [0xff], // never in UTF-8
    [0xc3, 0x28], // a lead byte without its continuation
    [0xc0, 0xaf], // an overlong '/'
    [0xed, 0xa0, 0x80], // a UTF-16 surrogate written as UTF-8
    [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
    [0xe2, 0x82], // cut short at the end of the string
  ];
  for (const bad of cases) {
    const r = await refused('/api/v1/markets', body('{"code": "NY3", "name": "New ', bad, '"}'), 'name', 'not valid UTF-8');
    assert.doesNotMatch(r.json.error.message, /malformed/);
  }
  await refused(
    '/api/v1/donors',
    body('{"family_name": "Garc', [0xed, 0xa0, 0x80], 'a", "given_name": "Maria", "birth_date": "1984-02-11", "sex": "F"}'),
    'family_name',
    'not valid UTF-8',
  );
  await refused(
    '/api/v1/journal',
    body(
      '{"date": "2004-01-15", "description": "x", "lines": [{"account": "1000", "amount": "1.00"}, {"account": "4000", "amount": "-1.00", "memo": "',
      [0xfe],
      '"}]}',
    ),
    'lines[1].memo',
    'not valid UTF-8',
  );
  // Half of a surrogate pair written as a \u escape.
  await refused('/api/v1/markets', '{"code": "NY3", "name": "New \\uD800York"}', 'name', 'surrogate');
  // In a field's name.
  await refused('/api/v1/markets', body('{"code": "NY3", "na', [0xff], 'me": "New York"}'), null, 'field name');
  // Characters of four bytes are UTF-8 like any other.
  const ok = await send('/api/v1/markets', Buffer.from('{"code": "NY3", "name": "New York 🩸🩸"}', 'utf8'));
  assert.equal(ok.status, 201, ok.text);
});

test('a refusal that quotes what the client sent keeps its envelope when that is not UTF-8', async () => {
  // jansson shows the piece of the body where it stopped, cut at a byte
  // count: here inside a character.
  let r = await refused('/api/v1/markets', Buffer.from([0x22, 0x75, 0x5c, 0x75, 0xc6, 0x9a, 0xdd, 0x8c]), null, /malformed JSON/);
  // A long member name of two-byte characters, cut to fit the field.
  const key = 'é'.repeat(40);
  r = await refused('/api/v1/markets', JSON.stringify({ code: 'NY4', name: 'New York', [key]: 1 }), undefined, 'unknown field');
  assert.ok(key.startsWith(r.json.error.field) && r.json.error.field.length >= 28, r.json.error.field);
  // A path holding a byte that is not UTF-8 (%FF arrives unescaped).
  r = await unchanged(() => srv.api('POST', '/health%FF', { token: admin.token, body: {} }));
  assertError(r, 404, 'not_found', { message: 'no such endpoint: POST /health?' });
  r = await unchanged(() => srv.api('GET', '/api/v1/markets%FF', { token: admin.token }));
  assertError(r, 404, 'not_found', { message: /no such endpoint: GET \/api\/v1\/markets\?/ });
});
