'use strict';
/*
 * registry_edit.test.js - correcting the organization registry
 * (docs/registry.md, "Editing"): reading one market, searching markets, and
 * editing markets, donor centers and hospitals over the API (PATCH) and the
 * command line (`edit`). Each edit shows in the answer, in a later read and
 * in the audit trail (the before and after values of what changed); each
 * refused edit names the field at fault and leaves the database exactly as it
 * was (fingerprint).
 *
 * The logins happen in before(), so that the fingerprints taken by the
 * tests already include the sessions.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD, CLI_ACTOR } = require('./lib/server');

let srv;
let admin; // bearer session
let adminCookie; // a second admin session, used through its cookie
let dist; // distribution: may edit hospitals only
let fin; // finance: may edit hospitals only
let exec; // executive: reads only

/* Run `request` and assert that the database did not change. */
async function unchanged(request) {
  const before = srv.fingerprint();
  const response = await request();
  assert.equal(srv.fingerprint(), before, `the database changed after: ${response.status} ${response.text}`);
  return response;
}

async function get(path) {
  const r = await srv.api('GET', path, { token: admin.token });
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
}

async function patch(path, body, session = admin) {
  return srv.api('PATCH', path, { token: session.token, body });
}

/* The audit records of one entity, oldest first. */
async function trail(entity, entityId) {
  const r = await srv.api('GET', `/api/v1/audit?entity=${entity}&limit=500`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((item) => item.entity_id === entityId);
}

function cliOk(...args) {
  const r = srv.cli(...args);
  assert.equal(r.status, 0, `bloodops ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function codes(items) {
  return items.map((item) => item.code);
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const setup = [
    ['/api/v1/markets', { code: 'SOCAL', name: 'Southern California' }],
    ['/api/v1/markets', { code: 'NORCAL', name: 'Northern California' }],
    ['/api/v1/markets', { code: 'NY_METRO', name: 'New York Metro' }],
    ['/api/v1/markets', { code: 'SW', name: 'Southwest 100% Region' }],
    ['/api/v1/centers', { code: 'LA-01', name: 'Westside', market: 'SOCAL', fin: 'W1234', address: '1 Main St', open_date: '2001-03-15' }],
    ['/api/v1/centers', { code: 'LA-02', name: 'Downtown', market: 'SOCAL', fin: 'W2222', open_date: '1999-06-01' }],
    ['/api/v1/centers', { code: 'SF-01', name: 'San Francisco', market: 'NORCAL', open_date: '2000-01-01' }],
    ['/api/v1/centers', { code: 'OLD', name: 'Old Town', market: 'SOCAL', fin: 'W3333', open_date: '1995-05-05' }],
    ['/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars-Sinai', market: 'SOCAL', address: '8700 Beverly Blvd', billing_terms_days: 30 }],
    ['/api/v1/hospitals', { code: 'UCSF', name: 'UCSF Medical Center', market: 'NORCAL', billing_terms_days: 45 }],
  ];
  for (const [path, body] of setup) {
    const r = await srv.api('POST', path, { token: admin.token, body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
  }
  const closed = await srv.api('POST', '/api/v1/centers/OLD/close', {
    token: admin.token,
    body: { close_date: '2003-12-31', reason: 'restructuring plan' },
  });
  assert.equal(closed.status, 200, closed.text);
  await srv.addUser(admin, 'dist', 'distribution');
  await srv.addUser(admin, 'fin', 'finance');
  await srv.addUser(admin, 'exec', 'executive');
  dist = await srv.login('dist', 'dist-password-1');
  fin = await srv.login('fin', 'fin-password-1');
  exec = await srv.login('exec', 'exec-password-1');
  adminCookie = await srv.login('admin', ADMIN_PASSWORD);
});

after(async () => {
  if (srv) await srv.stop();
});

test('markets: read one (any case); an unknown code is 404 naming the code', async () => {
  const r = await srv.api('GET', '/api/v1/markets/socal', { token: exec.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.code, 'SOCAL');
  assert.equal(r.json.name, 'Southern California');
  assert.match(r.json.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

  const missing = await srv.api('GET', '/api/v1/markets/MARS', { token: admin.token });
  assertError(missing, 404, 'not_found', { field: 'code', message: 'MARS' });
});

test('markets: search by a case-insensitive, literal piece of the code or the name', async () => {
  let r = await srv.api('GET', '/api/v1/markets?q=cal', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(codes(r.json.items), ['NORCAL', 'SOCAL']);

  // The name matches too: "New York Metro".
  r = await srv.api('GET', '/api/v1/markets?q=YORK', { token: admin.token });
  assert.deepEqual(codes(r.json.items), ['NY_METRO']);

  // '_' and '%' are plain characters, not wildcards.
  r = await srv.api('GET', '/api/v1/markets?q=_', { token: admin.token });
  assert.deepEqual(codes(r.json.items), ['NY_METRO']);
  r = await srv.api('GET', `/api/v1/markets?q=${encodeURIComponent('%')}`, { token: admin.token });
  assert.deepEqual(codes(r.json.items), ['SW']);

  r = await srv.api('GET', '/api/v1/markets?q=nowhere', { token: admin.token });
  assert.deepEqual(r.json.items, []);

  // Search combines with pages.
  r = await srv.api('GET', '/api/v1/markets?q=cal&limit=1', { token: admin.token });
  assert.deepEqual(codes(r.json.items), ['NORCAL']);
  assert.equal(r.json.next_after, 'NORCAL');
  r = await srv.api('GET', '/api/v1/markets?q=cal&limit=1&after=NORCAL', { token: admin.token });
  assert.deepEqual(codes(r.json.items), ['SOCAL']);

  r = await srv.api('GET', `/api/v1/markets?q=${'x'.repeat(101)}`, { token: admin.token });
  assertError(r, 400, 'invalid_input', { field: 'q', message: '100' });

  // The command line: `market list --search`.
  const listed = JSON.parse(cliOk('market', 'list', '--search', 'cal', '--format', 'json'));
  assert.deepEqual(codes(listed), ['NORCAL', 'SOCAL']);
});

test('markets: rename over the API; the audit record holds the old and new name', async () => {
  const r = await patch('/api/v1/markets/ny_metro', { name: 'Greater New York' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.code, 'NY_METRO');
  assert.equal(r.json.name, 'Greater New York');
  assert.equal((await get('/api/v1/markets/NY_METRO')).name, 'Greater New York');

  const records = await trail('market', 'NY_METRO');
  const last = records[records.length - 1];
  assert.equal(last.action, 'update');
  assert.equal(last.actor, 'admin');
  assert.deepEqual(last.before, { name: 'New York Metro' });
  assert.deepEqual(last.after, { name: 'Greater New York' });

  // The code is the key: it is not a field of the edit.
  const renamed = await unchanged(() => patch('/api/v1/markets/NY_METRO', { code: 'NYC', name: 'x y' }));
  assertError(renamed, 400, 'invalid_input', { field: 'code', message: 'unknown field' });
  const noName = await unchanged(() => patch('/api/v1/markets/NY_METRO', {}));
  assertError(noName, 400, 'invalid_input', { field: 'name' });
  const empty = await unchanged(() => patch('/api/v1/markets/NY_METRO', { name: '' }));
  assertError(empty, 400, 'invalid_input', { field: 'name', message: 'empty' });
  const wrongType = await unchanged(() => patch('/api/v1/markets/NY_METRO', { name: 42 }));
  assertError(wrongType, 400, 'invalid_input', { field: 'name', message: 'string' });
  assert.equal((await get('/api/v1/markets/NY_METRO')).name, 'Greater New York');
});

test('markets: rename on the command line, recorded as the local operator', async () => {
  const out = JSON.parse(cliOk('market', 'edit', 'sw', '--name', 'Desert Southwest', '--format', 'json'));
  assert.equal(out.code, 'SW');
  assert.equal(out.name, 'Desert Southwest');
  assert.equal((await get('/api/v1/markets/SW')).name, 'Desert Southwest', 'the server sees the new name');
  const records = await trail('market', 'SW');
  const last = records[records.length - 1];
  assert.equal(last.action, 'update');
  assert.equal(last.actor, CLI_ACTOR);
  assert.deepEqual(last.before, { name: 'Southwest 100% Region' });
  assert.deepEqual(last.after, { name: 'Desert Southwest' });

  const before = srv.fingerprint();
  const missing = srv.cli('market', 'edit', 'MARS', '--name', 'Red Planet');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^bloodops: code: .*MARS/);
  assert.equal(srv.fingerprint(), before, 'a refused edit changes nothing');
});

test('centers: edit every field over the API; the answer, a later read and the trail agree', async () => {
  const r = await patch('/api/v1/centers/la-01', {
    name: 'Westside Donor Center',
    market: 'norcal',
    fin: 'w9999',
    address: '2 Ocean Ave',
    open_date: '2001-03-01',
  });
  assert.equal(r.status, 200, r.text);
  const c = r.json;
  assert.equal(c.code, 'LA-01');
  assert.equal(c.name, 'Westside Donor Center');
  assert.equal(c.market, 'NORCAL', 'the market code is upper-cased');
  assert.equal(c.fin, 'W9999', 'the FIN is upper-cased');
  assert.equal(c.address, '2 Ocean Ave');
  assert.equal(c.open_date, '2001-03-01');
  assert.equal(c.status, 'open');
  assert.deepEqual(await get('/api/v1/centers/LA-01'), c);

  // The old facility number is free again; the center shows in its new market.
  const norcal = await get('/api/v1/centers?market=NORCAL');
  assert.deepEqual(codes(norcal.items), ['LA-01', 'SF-01']);

  const records = await trail('center', 'LA-01');
  const last = records[records.length - 1];
  assert.equal(last.action, 'update');
  assert.equal(last.actor, 'admin');
  assert.deepEqual(last.before, { name: 'Westside', market: 'SOCAL', fin: 'W1234', address: '1 Main St', open_date: '2001-03-15' });
  assert.deepEqual(last.after, { name: 'Westside Donor Center', market: 'NORCAL', fin: 'W9999', address: '2 Ocean Ave', open_date: '2001-03-01' });
});

test('centers: fields not sent are left as they are; "" clears the FIN and the address', async () => {
  let r = await patch('/api/v1/centers/LA-01', { name: 'Westside' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Westside');
  assert.equal(r.json.fin, 'W9999', 'the FIN is kept');
  assert.equal(r.json.address, '2 Ocean Ave', 'the address is kept');
  assert.equal(r.json.market, 'NORCAL');
  let last = (await trail('center', 'LA-01')).pop();
  assert.deepEqual(last.before, { name: 'Westside Donor Center' }, 'only what changed is recorded');
  assert.deepEqual(last.after, { name: 'Westside' });

  // null means "not given", like an absent field.
  r = await patch('/api/v1/centers/LA-01', { fin: '', address: '', name: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.fin, null, 'the FIN is cleared');
  assert.equal(r.json.address, '');
  assert.equal(r.json.name, 'Westside');
  last = (await trail('center', 'LA-01')).pop();
  assert.deepEqual(last.before, { fin: 'W9999', address: '2 Ocean Ave' });
  assert.deepEqual(last.after, { fin: null, address: '' });

  // The cleared number can be given to another center.
  r = await patch('/api/v1/centers/SF-01', { fin: 'W9999' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.fin, 'W9999');
});

test('centers: an edit that changes nothing answers the center and writes nothing', async () => {
  const current = await get('/api/v1/centers/LA-02');
  const records = (await trail('center', 'LA-02')).length;
  const r = await unchanged(() => patch('/api/v1/centers/LA-02', { name: current.name, fin: 'w2222', market: 'SOCAL' }));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, current);
  assert.equal((await trail('center', 'LA-02')).length, records, 'no audit record for a non-change');
});

test('centers: a closed center can be corrected; its closure is kept', async () => {
  const r = await patch('/api/v1/centers/OLD', { name: 'Old Town Plaza', open_date: '1995-06-01' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Old Town Plaza');
  assert.equal(r.json.open_date, '1995-06-01');
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.close_date, '2003-12-31');
  assert.equal(r.json.close_reason, 'restructuring plan');
  const last = (await trail('center', 'OLD')).pop();
  assert.equal(last.action, 'update');
  assert.deepEqual(last.before, { name: 'Old Town', open_date: '1995-05-05' });
  assert.deepEqual(last.after, { name: 'Old Town Plaza', open_date: '1995-06-01' });

  // Opening on the day it closed is allowed; opening after it closed is not.
  const sameDay = await patch('/api/v1/centers/OLD', { open_date: '2003-12-31' });
  assert.equal(sameDay.status, 200, sameDay.text);
  const late = await unchanged(() => patch('/api/v1/centers/OLD', { open_date: '2004-01-01' }));
  assertError(late, 400, 'invalid_input', { field: 'open_date', message: '2003-12-31' });
  assert.equal((await get('/api/v1/centers/OLD')).open_date, '2003-12-31');
});

test('centers: each invalid edit names its field and changes nothing', async () => {
  const cases = [
    [{ fin: '12345' }, 400, 'invalid_input', 'fin', 'facility identification number'],
    [{ fin: 'W12345' }, 400, 'invalid_input', 'fin', 'facility identification number'],
    [{ fin: 'w2222' }, 409, 'conflict', 'fin', 'LA-02'], // LA-02's number
    [{ market: 'MARS' }, 400, 'invalid_input', 'market', 'MARS'],
    [{ market: '' }, 400, 'invalid_input', 'market', undefined],
    [{ open_date: '2004-02-30' }, 400, 'invalid_input', 'open_date', '2004-02-30'],
    [{ open_date: '03/01/2004' }, 400, 'invalid_input', 'open_date', 'YYYY-MM-DD'],
    [{ open_date: '' }, 400, 'invalid_input', 'open_date', undefined],
    [{ name: '' }, 400, 'invalid_input', 'name', 'empty'],
    [{ name: ' padded ' }, 400, 'invalid_input', 'name', 'space'],
    [{ address: 'x'.repeat(301) }, 400, 'invalid_input', 'address', '300'],
    [{ close_date: '2004-01-01' }, 400, 'invalid_input', 'close_date', 'unknown field'],
    [{ code: 'SF-02' }, 400, 'invalid_input', 'code', 'unknown field'],
    [{ fin: 1234 }, 400, 'invalid_input', 'fin', 'string'],
    [{ open_date: 20010301 }, 400, 'invalid_input', 'open_date', 'string'],
    // A valid change beside an invalid one is not made either.
    [{ name: 'Renamed', fin: 'bad' }, 400, 'invalid_input', 'fin', undefined],
    [{ name: 'Renamed', market: 'MARS' }, 400, 'invalid_input', 'market', undefined],
  ];
  const original = await get('/api/v1/centers/SF-01');
  for (const [body, status, code, field, message] of cases) {
    const r = await unchanged(() => patch('/api/v1/centers/SF-01', body));
    assertError(r, status, code, { field, message });
  }
  assert.deepEqual(await get('/api/v1/centers/SF-01'), original, 'the center is as it was');

  const notJson = await unchanged(() =>
    srv.api('PATCH', '/api/v1/centers/SF-01', { token: admin.token, headers: { 'Content-Type': 'application/json' }, rawBody: '[1]' }),
  );
  assertError(notJson, 400, 'invalid_input', { message: 'JSON object' });
});

test('edits of unknown codes are 404 naming the code and change nothing', async () => {
  const cases = [
    ['/api/v1/markets/MARS', { name: 'Mars' }],
    ['/api/v1/centers/NOPE-1', { name: 'Nope' }],
    ['/api/v1/hospitals/NOPE', { name: 'Nope' }],
  ];
  for (const [path, body] of cases) {
    const r = await unchanged(() => patch(path, body));
    assertError(r, 404, 'not_found', { field: 'code' });
  }
  const badCode = await unchanged(() => patch('/api/v1/centers/a', { name: 'x y' }));
  assertError(badCode, 400, 'invalid_input', { field: 'code' });
});

test('centers: edit on the command line; refusals name the field and change nothing', async () => {
  const out = JSON.parse(
    cliOk('center', 'edit', 'la-02', '--name', 'Downtown LA', '--address', '5 Spring St', '--opened', '1999-05-01', '--format', 'json'),
  );
  assert.equal(out.name, 'Downtown LA');
  assert.equal(out.address, '5 Spring St');
  assert.equal(out.open_date, '1999-05-01');
  assert.equal(out.fin, 'W2222', 'the FIN is kept');
  assert.deepEqual(await get('/api/v1/centers/LA-02'), out, 'the API shows the same center');
  const last = (await trail('center', 'LA-02')).pop();
  assert.equal(last.actor, CLI_ACTOR);
  assert.deepEqual(last.before, { name: 'Downtown', address: '', open_date: '1999-06-01' });
  assert.deepEqual(last.after, { name: 'Downtown LA', address: '5 Spring St', open_date: '1999-05-01' });

  const cases = [
    [['--fin', '123'], '--fin'],
    [['--fin', 'W9999'], '--fin'], // SF-01's number
    [['--market', 'MARS'], '--market'],
    [['--opened', '1999-13-01'], '--opened'], // the service's open_date
  ];
  for (const [options, field] of cases) {
    const before = srv.fingerprint();
    const r = srv.cli('center', 'edit', 'LA-02', '--name', 'Should Not Stick', ...options);
    assert.equal(r.status, 1, `${options.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^bloodops: ${field}: `), r.stderr);
    assert.equal(srv.fingerprint(), before, `${options.join(' ')} changed the database`);
  }
  assert.equal((await get('/api/v1/centers/LA-02')).name, 'Downtown LA');

  // The FIN cleared from the command line with an empty value.
  const cleared = JSON.parse(cliOk('center', 'edit', 'LA-02', '--fin', '', '--format', 'json'));
  assert.equal(cleared.fin, null);
});

test('hospitals: edit over the API; "" leaves it without a market', async () => {
  let r = await patch('/api/v1/hospitals/cedars', { name: 'Cedars-Sinai Medical Center', billing_terms_days: 60, address: '8700 Beverly Blvd, Los Angeles' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.code, 'CEDARS');
  assert.equal(r.json.name, 'Cedars-Sinai Medical Center');
  assert.equal(r.json.billing_terms_days, 60);
  assert.equal(r.json.market, 'SOCAL', 'the market is kept');
  assert.deepEqual(await get('/api/v1/hospitals/CEDARS'), r.json);
  let last = (await trail('hospital', 'CEDARS')).pop();
  assert.equal(last.action, 'update');
  assert.deepEqual(last.before, { name: 'Cedars-Sinai', billing_terms_days: 30, address: '8700 Beverly Blvd' });
  assert.deepEqual(last.after, { name: 'Cedars-Sinai Medical Center', billing_terms_days: 60, address: '8700 Beverly Blvd, Los Angeles' });

  r = await patch('/api/v1/hospitals/CEDARS', { market: '' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.market, null);
  assert.deepEqual((await get('/api/v1/hospitals?market=SOCAL')).items, [], 'no longer in SOCAL');
  last = (await trail('hospital', 'CEDARS')).pop();
  assert.deepEqual(last.before, { market: 'SOCAL' });
  assert.deepEqual(last.after, { market: null });

  r = await patch('/api/v1/hospitals/CEDARS', { market: 'socal', billing_terms_days: 0 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.market, 'SOCAL');
  assert.equal(r.json.billing_terms_days, 0, 'cash terms (0 days) are allowed');
});

test('hospitals: each invalid edit names its field and changes nothing', async () => {
  const cases = [
    [{ billing_terms_days: '30' }, 'billing_terms_days', 'whole number'],
    [{ billing_terms_days: 30.5 }, 'billing_terms_days', 'whole number'],
    [{ billing_terms_days: -1 }, 'billing_terms_days', '365'],
    [{ billing_terms_days: 366 }, 'billing_terms_days', '365'],
    [{ market: 'MARS' }, 'market', 'MARS'],
    [{ name: '' }, 'name', 'empty'],
    [{ name: 'Fine', fin: 'W1111' }, 'fin', 'unknown field'],
    [{ name: 'Fine', market: 'MARS' }, 'market', 'MARS'],
  ];
  const original = await get('/api/v1/hospitals/UCSF');
  for (const [body, field, message] of cases) {
    const r = await unchanged(() => patch('/api/v1/hospitals/UCSF', body));
    assertError(r, 400, 'invalid_input', { field, message });
  }
  assert.deepEqual(await get('/api/v1/hospitals/UCSF'), original);
});

test('hospitals: edit on the command line', async () => {
  const out = JSON.parse(cliOk('hospital', 'edit', 'ucsf', '--terms', '15', '--market', '', '--format', 'json'));
  assert.equal(out.billing_terms_days, 15);
  assert.equal(out.market, null);
  assert.equal(out.name, 'UCSF Medical Center', 'the name is kept');
  assert.deepEqual(await get('/api/v1/hospitals/UCSF'), out);
  const last = (await trail('hospital', 'UCSF')).pop();
  assert.equal(last.actor, CLI_ACTOR);
  assert.deepEqual(last.before, { billing_terms_days: 45, market: 'NORCAL' });
  assert.deepEqual(last.after, { billing_terms_days: 15, market: null });

  const before = srv.fingerprint();
  const r = srv.cli('hospital', 'edit', 'UCSF', '--terms', 'thirty');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^bloodops: --terms: /);
  assert.equal(srv.fingerprint(), before);
});

test('roles: distribution and finance edit hospitals only; executives edit nothing', async () => {
  let r = await patch('/api/v1/hospitals/UCSF', { name: 'UCSF Health' }, dist);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'UCSF Health');
  assert.equal((await trail('hospital', 'UCSF')).pop().actor, 'dist');
  r = await patch('/api/v1/hospitals/UCSF', { billing_terms_days: 20 }, fin);
  assert.equal(r.status, 200, r.text);

  const refused = [
    [dist, '/api/v1/centers/LA-02', { name: 'By Distribution' }],
    [fin, '/api/v1/centers/LA-02', { name: 'By Finance' }],
    [fin, '/api/v1/markets/SOCAL', { name: 'By Finance' }],
    [dist, '/api/v1/markets/SOCAL', { name: 'By Distribution' }],
    [exec, '/api/v1/hospitals/UCSF', { name: 'By Executive' }],
    [exec, '/api/v1/centers/LA-02', { name: 'By Executive' }],
  ];
  for (const [session, path, body] of refused) {
    const response = await unchanged(() => patch(path, body, session));
    assertError(response, 403, 'forbidden');
  }
  assert.equal((await get('/api/v1/centers/LA-02')).name, 'Downtown LA');
  assert.equal((await get('/api/v1/markets/SOCAL')).name, 'Southern California');
  assert.equal((await get('/api/v1/hospitals/UCSF')).name, 'UCSF Health');
});

test('a browser session (cookie) must send its CSRF token to edit', async () => {
  for (const path of ['/api/v1/markets/SOCAL', '/api/v1/centers/LA-02', '/api/v1/hospitals/UCSF']) {
    let r = await unchanged(() => srv.api('PATCH', path, { cookie: adminCookie.cookie, body: { name: 'Forged Name' } }));
    assertError(r, 403, 'forbidden', { field: 'X-CSRF-Token' });
    r = await unchanged(() => srv.api('PATCH', path, { cookie: adminCookie.cookie, csrf: 'f'.repeat(64), body: { name: 'Forged Name' } }));
    assertError(r, 403, 'forbidden', { field: 'X-CSRF-Token' });
  }
  assert.equal((await get('/api/v1/markets/SOCAL')).name, 'Southern California');

  const r = await srv.api('PATCH', '/api/v1/markets/SOCAL', {
    cookie: adminCookie.cookie,
    csrf: adminCookie.csrf_token,
    body: { name: 'SoCal' },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'SoCal');
});

test('the audit trail is intact after all the edits', async () => {
  const r = await srv.api('GET', '/api/v1/audit/verify', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.intact, true, r.text);
  const cli = srv.cli('audit', 'verify');
  assert.equal(cli.status, 0, cli.stdout + cli.stderr);
});
