'use strict';
/*
 * registry.test.js - the organization registry over HTTP (docs/registry.md):
 * markets, donor centers and hospitals; creation, reading, listing with
 * pages and filters, closing a center, and the validation of every field.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');

let srv;
let admin;

/* Every page of a list, following next_after; asserts the page sizes. */
async function allPages(path, limit) {
  const seen = [];
  let after = null;
  for (let pages = 0; pages < 100; pages++) {
    const query = `limit=${limit}` + (after === null ? '' : `&after=${encodeURIComponent(after)}`);
    const sep = path.includes('?') ? '&' : '?';
    const response = await srv.api('GET', `${path}${sep}${query}`, { token: admin.token });
    assert.equal(response.status, 200, response.text);
    const { items, next_after: next } = response.json;
    assert.ok(Array.isArray(items), response.text);
    assert.ok(items.length <= limit, `a page holds at most ${limit}: ${response.text}`);
    seen.push(...items);
    if (next === null) return seen;
    assert.equal(items.length, limit, 'only a full page has a next_after');
    assert.equal(next, items[items.length - 1].code, 'next_after is the key of the last item');
    after = next;
  }
  assert.fail('the pages never ended');
}

function codes(items) {
  return items.map((item) => item.code);
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
});

after(async () => {
  if (srv) await srv.stop();
});

test('markets: create (code upper-cased), list', async () => {
  let r = await srv.api('POST', '/api/v1/markets', {
    token: admin.token,
    body: { code: 'socal', name: 'Southern California' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.code, 'SOCAL');
  assert.equal(r.json.name, 'Southern California');
  assert.match(r.json.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

  r = await srv.api('POST', '/api/v1/markets', {
    token: admin.token,
    body: { code: ' NorCal ', name: 'Northern California' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.code, 'NORCAL', 'surrounding spaces trimmed, upper-cased');

  r = await srv.api('GET', '/api/v1/markets', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(codes(r.json.items), ['NORCAL', 'SOCAL']);
  assert.equal(r.json.next_after, null);

  r = await srv.api('POST', '/api/v1/markets', {
    token: admin.token,
    body: { code: 'SoCal', name: 'Again' },
  });
  assertError(r, 409, 'conflict', { field: 'code', message: 'SOCAL' });
});

test('centers: create echoes every field, code and FIN normalised', async () => {
  const r = await srv.api('POST', '/api/v1/centers', {
    token: admin.token,
    body: {
      code: 'la-01',
      name: 'Los Angeles Westside',
      market: 'socal',
      fin: 'w1234',
      address: '1 Main St, Los Angeles',
      open_date: '2001-03-15',
    },
  });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  assert.equal(c.code, 'LA-01');
  assert.equal(c.name, 'Los Angeles Westside');
  assert.equal(c.market, 'SOCAL');
  assert.equal(c.fin, 'W1234');
  assert.equal(c.address, '1 Main St, Los Angeles');
  assert.equal(c.open_date, '2001-03-15');
  assert.equal(c.close_date, null);
  assert.equal(c.close_reason, null);
  assert.equal(c.status, 'open');
  assert.match(c.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

  // The rest of the data set for the list tests; no FIN, no open date.
  const more = [
    { code: 'LA-02', name: 'Los Angeles Downtown', market: 'SOCAL', open_date: '1999-06-01' },
    { code: 'LB', name: 'Long Beach Plaza', market: 'SOCAL', open_date: '2000-01-01' },
    { code: 'PAS', name: 'Pasadena', market: 'SOCAL', open_date: '2002-02-02' },
    { code: 'SF_01', name: 'San Francisco', market: 'NORCAL', open_date: '2001-01-01' },
    { code: 'OAK', name: 'East Bay', market: 'NORCAL' },
  ];
  for (const body of more) {
    const created = await srv.api('POST', '/api/v1/centers', { token: admin.token, body });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.fin, null);
  }
  const oak = await srv.api('GET', '/api/v1/centers/OAK', { token: admin.token });
  assert.match(oak.json.open_date, /^\d{4}-\d{2}-\d{2}$/, 'the open date defaults to a date (today)');
  assert.equal(oak.json.address, '');
});

test('centers: get one (any case), unknown is 404 naming the code', async () => {
  let r = await srv.api('GET', '/api/v1/centers/la-01', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.code, 'LA-01');
  assert.equal(r.json.fin, 'W1234');

  r = await srv.api('GET', '/api/v1/centers/NOPE-99', { token: admin.token });
  assertError(r, 404, 'not_found', { field: 'code', message: 'NOPE-99' });
});

test('centers: pages of 2 cover the whole list once, in code order', async () => {
  const items = await allPages('/api/v1/centers', 2);
  const all = codes(items);
  assert.deepEqual(all, ['LA-01', 'LA-02', 'LB', 'OAK', 'PAS', 'SF_01']);
  assert.equal(new Set(all).size, all.length, 'no duplicates');

  // limit=3 divides 6 exactly: the last full page still leads to an empty one.
  assert.deepEqual(codes(await allPages('/api/v1/centers', 3)), all);
  // A page larger than the list.
  const one = await srv.api('GET', '/api/v1/centers?limit=500', { token: admin.token });
  assert.deepEqual(codes(one.json.items), all);
  assert.equal(one.json.next_after, null);
});

test('centers: paging parameters are checked', async () => {
  for (const limit of ['0', '501', 'ten', '-1', '']) {
    const r = await srv.api('GET', `/api/v1/centers?limit=${limit}`, { token: admin.token });
    assertError(r, 400, 'invalid_input', { field: 'limit', message: '500' });
  }
});

test('centers: filter by market, by search text', async () => {
  let r = await srv.api('GET', '/api/v1/centers?market=norcal', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(codes(r.json.items), ['OAK', 'SF_01']);

  r = await srv.api('GET', '/api/v1/centers?market=NOWHERE', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items, []);

  // Case-insensitive substring of the code (LA-01, LA-02) or the name (Long Beach PLAza).
  r = await srv.api('GET', '/api/v1/centers?q=la', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(codes(r.json.items), ['LA-01', 'LA-02', 'LB']);

  r = await srv.api('GET', '/api/v1/centers?q=DOWNTOWN', { token: admin.token });
  assert.deepEqual(codes(r.json.items), ['LA-02']);

  // Filters combine, and combine with paging.
  r = await srv.api('GET', '/api/v1/centers?market=SOCAL&q=los&limit=1', { token: admin.token });
  assert.deepEqual(codes(r.json.items), ['LA-01']);
  assert.equal(r.json.next_after, 'LA-01');
  r = await srv.api('GET', '/api/v1/centers?market=SOCAL&q=los&limit=1&after=LA-01', {
    token: admin.token,
  });
  assert.deepEqual(codes(r.json.items), ['LA-02']);

  r = await srv.api('GET', '/api/v1/centers?status=shut', { token: admin.token });
  assertError(r, 400, 'invalid_input', { field: 'status', message: 'open or closed' });
});

test('centers: search text is a literal substring (% and _ are not wildcards)', async () => {
  // Only SF_01 holds an underscore; nothing holds a percent sign.
  let r = await srv.api('GET', '/api/v1/centers?q=_', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(codes(r.json.items), ['SF_01'], `q=_ : ${r.text}`);
  r = await srv.api('GET', `/api/v1/centers?q=${encodeURIComponent('%')}`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(codes(r.json.items), [], `q=% : ${r.text}`);
});

test('centers: close keeps the date and reason; status filter; twice is 409', async () => {
  let r = await srv.api('POST', '/api/v1/centers/pas/close', {
    token: admin.token,
    body: { close_date: '2004-03-31', reason: 'lease ended' },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.code, 'PAS');
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.close_date, '2004-03-31');
  assert.equal(r.json.close_reason, 'lease ended');

  r = await srv.api('GET', '/api/v1/centers/PAS', { token: admin.token });
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.close_reason, 'lease ended');
  assert.equal(r.json.open_date, '2002-02-02', 'the open date is unchanged');

  r = await srv.api('GET', '/api/v1/centers?status=closed', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(codes(r.json.items), ['PAS']);
  r = await srv.api('GET', '/api/v1/centers?status=open', { token: admin.token });
  assert.deepEqual(codes(r.json.items), ['LA-01', 'LA-02', 'LB', 'OAK', 'SF_01']);

  r = await srv.api('POST', '/api/v1/centers/PAS/close', {
    token: admin.token,
    body: { close_date: '2004-04-30', reason: 'again' },
  });
  assertError(r, 409, 'conflict', { message: 'already closed' });
  r = await srv.api('GET', '/api/v1/centers/PAS', { token: admin.token });
  assert.equal(r.json.close_date, '2004-03-31', 'the first closure stands');
  assert.equal(r.json.close_reason, 'lease ended');
});

test('centers: a planned closure (future date) leaves the center open until then', async () => {
  const r = await srv.api('POST', '/api/v1/centers/OAK/close', {
    token: admin.token,
    body: { close_date: '2999-12-31', reason: 'planned move' },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.close_date, '2999-12-31');
  assert.equal(r.json.status, 'open');
  const closed = await srv.api('GET', '/api/v1/centers?status=closed', { token: admin.token });
  assert.deepEqual(codes(closed.json.items), ['PAS']);
});

test('centers: closing is validated (date before opening, bad date, reason, unknown center)', async () => {
  let r = await srv.api('POST', '/api/v1/centers/LA-02/close', {
    token: admin.token,
    body: { close_date: '1999-05-31', reason: 'never mind' },
  });
  assertError(r, 400, 'invalid_input', { field: 'close_date', message: 'open date' });

  r = await srv.api('POST', '/api/v1/centers/LA-02/close', {
    token: admin.token,
    body: { close_date: '2004-02-30', reason: 'x' },
  });
  assertError(r, 400, 'invalid_input', { field: 'close_date', message: '2004-02-30' });

  r = await srv.api('POST', '/api/v1/centers/LA-02/close', {
    token: admin.token,
    body: { close_date: '2004-01-31', reason: '' },
  });
  assertError(r, 400, 'invalid_input', { field: 'reason' });

  r = await srv.api('POST', '/api/v1/centers/NOPE/close', {
    token: admin.token,
    body: { close_date: '2004-01-31', reason: 'x' },
  });
  assertError(r, 404, 'not_found', { field: 'code' });

  r = await srv.api('GET', '/api/v1/centers/LA-02', { token: admin.token });
  assert.equal(r.json.status, 'open');
  assert.equal(r.json.close_date, null, 'nothing was recorded');
});

test('centers: each invalid field is refused, naming the field', async () => {
  const good = { code: 'NEW-1', name: 'New Center', market: 'SOCAL', fin: 'W5555', open_date: '2003-01-01' };
  const cases = [
    [{ fin: '12345' }, 'fin', 'facility identification number'],
    [{ fin: 'W12345' }, 'fin', 'facility identification number'],
    [{ open_date: '2004-02-30' }, 'open_date', '2004-02-30'],
    [{ open_date: '03/01/2004' }, 'open_date', 'YYYY-MM-DD'],
    [{ market: 'MARS' }, 'market', 'MARS'],
    [{ name: '' }, 'name', 'empty'],
    [{ name: ' padded ' }, 'name', 'space'],
    [{ name: 'x'.repeat(121) }, 'name', '120'],
    [{ code: 'ABCDEFGHIJKLMNOPQ' }, 'code', '2 to 16'],
    [{ code: 'A' }, 'code', '2 to 16'],
    [{ code: 'LA 03' }, 'code', 'capital letters'],
    [{ address: 'x'.repeat(301) }, 'address', '300'],
  ];
  for (const [change, field, message] of cases) {
    const body = { ...good, ...change };
    const r = await srv.api('POST', '/api/v1/centers', { token: admin.token, body });
    assertError(r, 400, 'invalid_input', { field, message });
  }
  const r = await srv.api('GET', '/api/v1/centers/NEW-1', { token: admin.token });
  assert.equal(r.status, 404, 'none of them created the center');
  // The boundary: 16 characters is a valid code.
  const sixteen = await srv.api('POST', '/api/v1/centers', {
    token: admin.token,
    body: { code: 'ABCDEFGHIJKLMNOP', name: 'Sixteen', market: 'SOCAL' },
  });
  assert.equal(sixteen.status, 201, sixteen.text);
});

test('centers: duplicate code is 409 on code, duplicate FIN is 409 on fin', async () => {
  let r = await srv.api('POST', '/api/v1/centers', {
    token: admin.token,
    body: { code: 'la-01', name: 'Another', market: 'SOCAL' },
  });
  assertError(r, 409, 'conflict', { field: 'code', message: 'LA-01' });

  r = await srv.api('POST', '/api/v1/centers', {
    token: admin.token,
    body: { code: 'LA-09', name: 'Another', market: 'SOCAL', fin: 'w1234' },
  });
  assertError(r, 409, 'conflict', { field: 'fin', message: 'W1234' });

  r = await srv.api('GET', '/api/v1/centers/LA-09', { token: admin.token });
  assert.equal(r.status, 404);
  r = await srv.api('GET', '/api/v1/centers/LA-01', { token: admin.token });
  assert.equal(r.json.name, 'Los Angeles Westside', 'the first center is untouched');
});

test('hospitals: create, defaults, get, list with market filter and pages', async () => {
  let r = await srv.api('POST', '/api/v1/hospitals', {
    token: admin.token,
    body: { code: 'cedars', name: 'Cedars-Sinai', market: 'socal', address: '8700 Beverly Blvd', billing_terms_days: 45 },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.code, 'CEDARS');
  assert.equal(r.json.name, 'Cedars-Sinai');
  assert.equal(r.json.market, 'SOCAL');
  assert.equal(r.json.address, '8700 Beverly Blvd');
  assert.equal(r.json.billing_terms_days, 45);

  r = await srv.api('POST', '/api/v1/hospitals', {
    token: admin.token,
    body: { code: 'ucsf', name: 'UCSF Medical Center', market: 'NORCAL' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.billing_terms_days, 30, 'terms default to 30 days');

  r = await srv.api('POST', '/api/v1/hospitals', {
    token: admin.token,
    body: { code: 'ind', name: 'Independent Clinic' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.market, null, 'a hospital may have no market');

  r = await srv.api('GET', '/api/v1/hospitals/Cedars', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.billing_terms_days, 45);
  r = await srv.api('GET', '/api/v1/hospitals/NOPE', { token: admin.token });
  assertError(r, 404, 'not_found', { field: 'code' });

  const all = await allPages('/api/v1/hospitals', 2);
  assert.deepEqual(codes(all), ['CEDARS', 'IND', 'UCSF']);

  r = await srv.api('GET', '/api/v1/hospitals?market=SOCAL', { token: admin.token });
  assert.deepEqual(codes(r.json.items), ['CEDARS']);
  r = await srv.api('GET', '/api/v1/hospitals?q=medical', { token: admin.token });
  assert.deepEqual(codes(r.json.items), ['UCSF']);
});

test('hospitals: invalid fields are refused, naming the field', async () => {
  const good = { code: 'NEWH', name: 'New Hospital', market: 'SOCAL', billing_terms_days: 30 };
  const cases = [
    [{ billing_terms_days: '30' }, 'billing_terms_days', 'whole number'],
    [{ billing_terms_days: 30.5 }, 'billing_terms_days', 'whole number'],
    [{ billing_terms_days: -1 }, 'billing_terms_days', '365'],
    [{ billing_terms_days: 366 }, 'billing_terms_days', '365'],
    [{ market: 'MARS' }, 'market', 'MARS'],
    [{ name: '' }, 'name', 'empty'],
    [{ code: 'X' }, 'code', '2 to 16'],
  ];
  for (const [change, field, message] of cases) {
    const r = await srv.api('POST', '/api/v1/hospitals', { token: admin.token, body: { ...good, ...change } });
    assertError(r, 400, 'invalid_input', { field, message });
  }
  let r = await srv.api('GET', '/api/v1/hospitals/NEWH', { token: admin.token });
  assert.equal(r.status, 404, 'none of them created the hospital');

  r = await srv.api('POST', '/api/v1/hospitals', {
    token: admin.token,
    body: { code: 'cedars', name: 'Duplicate' },
  });
  assertError(r, 409, 'conflict', { field: 'code', message: 'CEDARS' });
});

test('registry writes follow the roles: distribution and finance add hospitals, not centers', async () => {
  await srv.addUser(admin, 'dist', 'distribution');
  await srv.addUser(admin, 'fin', 'finance');
  const dist = await srv.login('dist', 'dist-password-1');
  const fin = await srv.login('fin', 'fin-password-1');

  let r = await srv.api('POST', '/api/v1/hospitals', { token: dist.token, body: { code: 'H-DIST', name: 'By Distribution' } });
  assert.equal(r.status, 201, r.text);
  r = await srv.api('POST', '/api/v1/hospitals', { token: fin.token, body: { code: 'H-FIN', name: 'By Finance' } });
  assert.equal(r.status, 201, r.text);

  r = await srv.api('POST', '/api/v1/centers', { token: dist.token, body: { code: 'C-DIST', name: 'No', market: 'SOCAL' } });
  assertError(r, 403, 'forbidden');
  r = await srv.api('POST', '/api/v1/markets', { token: fin.token, body: { code: 'FINM', name: 'No' } });
  assertError(r, 403, 'forbidden');
  r = await srv.api('POST', '/api/v1/centers/LA-02/close', { token: fin.token, body: { close_date: '2004-01-31', reason: 'x' } });
  assertError(r, 403, 'forbidden');

  // Reading is open to every role.
  r = await srv.api('GET', '/api/v1/centers/LA-01', { token: fin.token });
  assert.equal(r.status, 200, r.text);
  r = await srv.api('GET', '/api/v1/markets', { token: dist.token });
  assert.equal(r.status, 200, r.text);
});

test('names are counted in characters, not bytes (non-ASCII names)', async () => {
  // "at most 120 characters": a name of 120 characters is allowed whatever
  // the alphabet; é takes two bytes in UTF-8.
  let r = await srv.api('POST', '/api/v1/hospitals', {
    token: admin.token,
    body: { code: 'NINOS', name: 'Hospital de Niños São José' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.name, 'Hospital de Niños São José', 'non-ASCII names round-trip');
  r = await srv.api('GET', '/api/v1/hospitals/NINOS', { token: admin.token });
  assert.equal(r.json.name, 'Hospital de Niños São José');

  const name120 = 'é'.repeat(120);
  r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'UTF-120', name: name120 } });
  assert.equal(r.status, 201, `a 120-character name: ${r.text}`);
  assert.equal(r.json.name, name120);
  r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'UTF-121', name: 'é'.repeat(121) } });
  assertError(r, 400, 'invalid_input', { field: 'name', message: '120' });
});

test('concurrent writes: all distinct creations succeed, the same code once', async () => {
  const distinct = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: `PAR-${i}`, name: `Parallel ${i}` } }),
    ),
  );
  assert.deepEqual(distinct.map((r) => r.status), Array(20).fill(201), distinct.map((r) => r.text).join('\n'));
  const same = await Promise.all(
    Array.from({ length: 8 }, () =>
      srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'SAME', name: 'Same' } }),
    ),
  );
  const statuses = same.map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409], same.map((r) => r.text).join('\n'));
  const verify = await srv.api('GET', '/api/v1/audit/verify', { token: admin.token });
  assert.equal(verify.json.intact, true, verify.text);
  const trail = await srv.api('GET', '/api/v1/audit?entity=market&limit=500', { token: admin.token });
  assert.equal(trail.json.items.filter((item) => item.entity_id === 'SAME').length, 1, 'one record for SAME');
});

test('a POST repeated with the same Idempotency-Key is done once and answered alike', async () => {
  const key = 'market-IDEM-attempt-1';
  const body = { code: 'IDEM', name: 'Idempotent' };
  const first = await srv.api('POST', '/api/v1/markets', { token: admin.token, body, headers: { 'Idempotency-Key': key } });
  assert.equal(first.status, 201, first.text);
  const fingerprint = srv.fingerprint();
  const retry = await srv.api('POST', '/api/v1/markets', { token: admin.token, body, headers: { 'Idempotency-Key': key } });
  assert.equal(retry.status, first.status, `the retry gets the first answer, not: ${retry.status} ${retry.text}`);
  assert.deepEqual(retry.json, first.json);
  assert.equal(srv.fingerprint(), fingerprint, 'the retry changed nothing');
});
