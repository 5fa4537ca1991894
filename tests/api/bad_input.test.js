'use strict';
/*
 * bad_input.test.js - every rejected request answers with the right status
 * and error envelope, and changes nothing: the database fingerprint (a
 * digest of every row of every table) is the same before and after.
 *
 * The logins happen in before(), so that the fingerprint taken by each test
 * already includes the sessions; a refused request must not add a row.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, sleep, ADMIN_PASSWORD } = require('./lib/server');

const LIMIT = 1048576; // the default body limit, 1 MiB

let srv;
let admin; // bearer session
let adminCookie; // a second admin session, used through its cookie
let executive;
let auditor;

/* Run `request` and assert that the database did not change. */
async function unchanged(request) {
  const before = srv.fingerprint();
  const response = await request();
  assert.equal(srv.fingerprint(), before, `the database changed after: ${response.status} ${response.text}`);
  return response;
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  let r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'SOCAL', name: 'Southern California' } });
  assert.equal(r.status, 201, r.text);
  r = await srv.api('POST', '/api/v1/centers', {
    token: admin.token,
    body: { code: 'LA-01', name: 'Los Angeles', market: 'SOCAL', fin: 'W1234' },
  });
  assert.equal(r.status, 201, r.text);
  await srv.addUser(admin, 'exec', 'executive');
  await srv.addUser(admin, 'aud', 'auditor');
  executive = await srv.login('exec', 'exec-password-1');
  auditor = await srv.login('aud', 'aud-password-1');
  adminCookie = await srv.login('admin', ADMIN_PASSWORD);
});

after(async () => {
  if (srv) await srv.stop();
});

test('malformed JSON: 400, says where, changes nothing', async () => {
  const r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', {
      token: admin.token,
      headers: { 'Content-Type': 'application/json' },
      rawBody: '{"code": "NY", "name": ',
    }),
  );
  assertError(r, 400, 'invalid_input', { field: null, message: /malformed JSON.*line 1/ });

  const r2 = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', {
      token: admin.token,
      headers: { 'Content-Type': 'application/json' },
      rawBody: '{"code": "NY", "code": "LA", "name": "dup keys"}',
    }),
  );
  assertError(r2, 400, 'invalid_input', { message: 'malformed JSON' });

  const r3 = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', {
      token: admin.token,
      headers: { 'Content-Type': 'application/json' },
      rawBody: '["NY", "New York"]',
    }),
  );
  assertError(r3, 400, 'invalid_input', { message: 'JSON object' });
});

test('an empty body where one is required: 400', async () => {
  const r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', {
      token: admin.token,
      headers: { 'Content-Type': 'application/json' },
      rawBody: '',
    }),
  );
  assertError(r, 400, 'invalid_input', { message: 'body is required' });
});

test('wrong type: 400 naming the field', async () => {
  let r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'NY', name: 5 } }),
  );
  assertError(r, 400, 'invalid_input', { field: 'name', message: 'must be a string' });

  r = await unchanged(() =>
    srv.api('POST', '/api/v1/centers', {
      token: admin.token,
      body: { code: 'NY-01', name: 'New York', market: ['SOCAL'] },
    }),
  );
  assertError(r, 400, 'invalid_input', { field: 'market', message: 'must be a string' });

  r = await unchanged(() =>
    srv.api('POST', '/api/v1/hospitals', {
      token: admin.token,
      body: { code: 'H1', name: 'Hospital', billing_terms_days: '30' },
    }),
  );
  assertError(r, 400, 'invalid_input', { field: 'billing_terms_days', message: 'whole number' });
});

test('missing required field: 400 naming it', async () => {
  let r = await unchanged(() =>
    srv.api('POST', '/api/v1/centers', { token: admin.token, body: { code: 'NY-01', name: 'New York' } }),
  );
  assertError(r, 400, 'invalid_input', { field: 'market', message: 'required' });

  r = await unchanged(() =>
    srv.api('POST', '/api/v1/centers', { token: admin.token, body: { code: 'NY-01', name: null, market: 'SOCAL' } }),
  );
  assertError(r, 400, 'invalid_input', { field: 'name' });

  r = await unchanged(() =>
    srv.api('POST', '/api/v1/centers/LA-01/close', { token: admin.token, body: { close_date: '2004-03-31' } }),
  );
  assertError(r, 400, 'invalid_input', { field: 'reason', message: 'required' });
});

test('unknown field: 400 naming it', async () => {
  const r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'NY', name: 'New York', colour: 'red' } }),
  );
  assertError(r, 400, 'invalid_input', { field: 'colour', message: 'unknown field' });
});

test('oversized body announced by Content-Length with Expect: 100-continue: 413, body never sent', async () => {
  const r = await unchanged(() =>
    srv.raw({
      method: 'POST',
      path: '/api/v1/markets',
      headers: {
        Authorization: `Bearer ${admin.token}`,
        'Content-Type': 'application/json',
        'Content-Length': LIMIT + 1,
        Expect: '100-continue',
      },
      // No body: a client that asked "may I continue?" waits for the answer.
    }),
  );
  assertError(r, 413, 'too_large', { message: 'limit' });
});

/* A client that sends its whole body at once (fetch, most libraries; no
 * Expect: 100-continue) must be able to read the 413. A server that answers
 * before reading the body and then closes the connection with the body
 * unread makes the kernel reset the connection, and the client then often
 * sees a broken pipe (EPIPE / ECONNRESET) instead of the answer (RFC 9112
 * 9.6: close in stages, keep reading). Whether one attempt loses the answer
 * depends on timing, so each of three sizes is tried ten times: every
 * attempt must get its 413. */
async function eagerOversizedPost(bytes) {
  const big = Buffer.alloc(bytes, 0x20);
  big.write('{"code":"BIG","name":"big"}');
  try {
    return await srv.raw({
      method: 'POST',
      path: '/api/v1/markets',
      headers: {
        Authorization: `Bearer ${admin.token}`,
        'Content-Type': 'application/json',
        'Content-Length': big.length,
      },
      body: big,
    });
  } catch (error) {
    return { status: 0, error: error.code || error.message, text: '', json: null };
  }
}

test('oversized body sent at once with Content-Length: the client always reads the 413', async () => {
  const outcomes = {};
  const before = srv.fingerprint();
  const sizes = [LIMIT + 1, 2 * LIMIT, 8 * LIMIT];
  for (const bytes of sizes) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const r = await eagerOversizedPost(bytes);
      const key = `${bytes} bytes: ${r.status ? `${r.status} ${r.json && r.json.error && r.json.error.code}` : r.error}`;
      outcomes[key] = (outcomes[key] || 0) + 1;
    }
  }
  assert.equal(srv.fingerprint(), before, 'the database changed');
  assert.deepEqual(
    outcomes,
    Object.fromEntries(sizes.map((bytes) => [`${bytes} bytes: 413 too_large`, 10])),
    'every attempt should read the 413 answer',
  );
});

test('oversized chunked body (no Content-Length): 413', async () => {
  // 17 chunks of 64 KiB: 1 MiB + 64 KiB, spaces (valid JSON padding).
  const chunks = [Buffer.from('{"code":"BIG","name":"big"}'), ...Array.from({ length: 17 }, () => Buffer.alloc(65536, 0x20))];
  const r = await unchanged(() =>
    srv.raw({
      method: 'POST',
      path: '/api/v1/markets',
      headers: {
        Authorization: `Bearer ${admin.token}`,
        'Content-Type': 'application/json',
        'Transfer-Encoding': 'chunked',
      },
      chunks,
    }),
  );
  assertError(r, 413, 'too_large', { message: 'limit' });
});

test('a body of exactly the limit is accepted (the limit is not off by one)', async () => {
  const json = '{"code":"EXACT","name":"Exactly one MiB"}';
  const body = json + ' '.repeat(LIMIT - Buffer.byteLength(json));
  assert.equal(Buffer.byteLength(body), LIMIT);
  const r = await srv.raw({
    method: 'POST',
    path: '/api/v1/markets',
    headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json', 'Content-Length': LIMIT },
    body,
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.code, 'EXACT');
});

test('wrong Content-Type: 400 naming Content-Type', async () => {
  let r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', {
      token: admin.token,
      headers: { 'Content-Type': 'text/plain' },
      rawBody: '{"code":"NY","name":"New York"}',
    }),
  );
  assertError(r, 400, 'invalid_input', { field: 'Content-Type', message: 'application/json' });

  r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', {
      token: admin.token,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      rawBody: 'code=NY&name=New+York',
    }),
  );
  assertError(r, 400, 'invalid_input', { field: 'Content-Type' });

  // application/json with a charset is fine.
  r = await srv.api('POST', '/api/v1/markets', {
    token: admin.token,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    rawBody: '{"code":"CHARSET","name":"With charset"}',
  });
  assert.equal(r.status, 201, r.text);
});

test('no Content-Type at all: 400 naming Content-Type (application/json is required)', async () => {
  const r = await unchanged(() =>
    srv.raw({
      method: 'POST',
      path: '/api/v1/markets',
      headers: { Authorization: `Bearer ${admin.token}` },
      body: '{"code":"NOCT","name":"No Content-Type"}',
    }),
  );
  assertError(r, 400, 'invalid_input', { field: 'Content-Type', message: 'application/json' });
});

test('unknown route: 404 with a session, 401 without (nothing revealed)', async () => {
  let r = await unchanged(() => srv.api('GET', '/api/v1/nothing-here', { token: admin.token }));
  assertError(r, 404, 'not_found', { message: '/api/v1/nothing-here' });

  r = await unchanged(() => srv.api('POST', '/api/v1/nothing-here', { token: admin.token, body: { a: 1 } }));
  assertError(r, 404, 'not_found');

  r = await unchanged(() => srv.api('GET', '/api/v1/nothing-here'));
  assertError(r, 401, 'unauthorized');

  // Outside /api/ a page path gets the web application's shell (whose
  // router says "not found"), and a file that does not exist is a 404.
  r = await unchanged(() => srv.api('GET', '/no-such-page'));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  r = await unchanged(() => srv.api('GET', '/no-such-file.txt'));
  assert.equal(r.status, 404);
});

test('wrong method: 405 with the Allow header', async () => {
  let r = await unchanged(() => srv.api('DELETE', '/api/v1/centers', { token: admin.token }));
  assertError(r, 405, 'method_not_allowed', { message: 'DELETE' });
  assert.equal(r.headers.get('allow'), 'GET, POST');

  r = await unchanged(() => srv.api('PUT', '/api/v1/centers/LA-01', { token: admin.token, body: { name: 'Renamed' } }));
  assertError(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'GET, PATCH');

  r = await unchanged(() => srv.api('GET', '/api/v1/centers/LA-01/close', { token: admin.token }));
  assertError(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'POST');

  // Without a session, an API path reveals nothing, not even its methods.
  r = await unchanged(() => srv.api('DELETE', '/api/v1/centers'));
  assertError(r, 401, 'unauthorized');
  assert.equal(r.headers.get('allow'), null);
});

test('no session: 401 on reads and writes; a made-up token is 401 too', async () => {
  let r = await unchanged(() => srv.api('POST', '/api/v1/markets', { body: { code: 'NY', name: 'New York' } }));
  assertError(r, 401, 'unauthorized', { message: 'log in' });

  r = await unchanged(() => srv.api('GET', '/api/v1/centers'));
  assertError(r, 401, 'unauthorized');

  r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', { token: 'f'.repeat(64), body: { code: 'NY', name: 'New York' } }),
  );
  assertError(r, 401, 'unauthorized');

  r = await unchanged(() => srv.api('GET', '/api/v1/me', { cookie: 'bloodops_session=forged' }));
  assertError(r, 401, 'unauthorized');
});

test('wrong role: 403 (executive adds a center, auditor adds a market)', async () => {
  let r = await unchanged(() =>
    srv.api('POST', '/api/v1/centers', {
      token: executive.token,
      body: { code: 'NY-01', name: 'New York', market: 'SOCAL' },
    }),
  );
  assertError(r, 403, 'forbidden', { message: 'role' });

  r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', { token: auditor.token, body: { code: 'NY', name: 'New York' } }),
  );
  assertError(r, 403, 'forbidden', { message: 'role' });

  r = await unchanged(() =>
    srv.api('POST', '/api/v1/centers/LA-01/close', {
      token: executive.token,
      body: { close_date: '2004-03-31', reason: 'not allowed' },
    }),
  );
  assertError(r, 403, 'forbidden');

  // The role check comes before the body is looked at.
  r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', {
      token: auditor.token,
      headers: { 'Content-Type': 'application/json' },
      rawBody: '{not json',
    }),
  );
  assertError(r, 403, 'forbidden');

  const center = await srv.api('GET', '/api/v1/centers/LA-01', { token: executive.token });
  assert.equal(center.json.close_date, null);
});

test('cookie session: CSRF token missing or wrong is 403; the right one works', async () => {
  const body = { code: 'CSRF', name: 'Made through the cookie' };
  let r = await unchanged(() => srv.api('POST', '/api/v1/markets', { cookie: adminCookie.cookie, body }));
  assertError(r, 403, 'forbidden', { field: 'X-CSRF-Token', message: 'CSRF' });

  r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', { cookie: adminCookie.cookie, csrf: '0'.repeat(64), body }),
  );
  assertError(r, 403, 'forbidden', { field: 'X-CSRF-Token' });

  // Another session's CSRF token is wrong for this session.
  r = await unchanged(() =>
    srv.api('POST', '/api/v1/markets', { cookie: adminCookie.cookie, csrf: admin.csrf_token, body }),
  );
  assertError(r, 403, 'forbidden', { field: 'X-CSRF-Token' });

  // GET needs no CSRF token.
  r = await srv.api('GET', '/api/v1/markets', { cookie: adminCookie.cookie });
  assert.equal(r.status, 200, r.text);

  const before = srv.fingerprint();
  r = await srv.api('POST', '/api/v1/markets', { cookie: adminCookie.cookie, csrf: adminCookie.csrf_token, body });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.code, 'CSRF');
  assert.notEqual(srv.fingerprint(), before, 'the accepted request did change the database');
});

test('duplicate center code: 409 naming code, changes nothing', async () => {
  const r = await unchanged(() =>
    srv.api('POST', '/api/v1/centers', {
      token: admin.token,
      body: { code: 'la-01', name: 'Second LA', market: 'SOCAL' },
    }),
  );
  assertError(r, 409, 'conflict', { field: 'code', message: 'LA-01' });
});

test('invalid values: 400 naming the field, changes nothing', async () => {
  const cases = [
    [{ fin: '12345' }, 'fin'],
    [{ open_date: '2004-02-30' }, 'open_date'],
    [{ market: 'MARS' }, 'market'],
    [{ name: '' }, 'name'],
    [{ code: 'WAY-TOO-LONG-CODE-1' }, 'code'],
  ];
  for (const [change, field] of cases) {
    const r = await unchanged(() =>
      srv.api('POST', '/api/v1/centers', {
        token: admin.token,
        body: { code: 'NY-01', name: 'New York', market: 'SOCAL', ...change },
      }),
    );
    assertError(r, 400, 'invalid_input', { field });
  }
});

test('expired session: 401 saying it expired (BLOODOPS_SESSION_SECONDS=2)', async (t) => {
  const short = await startServer({ env: { BLOODOPS_SESSION_SECONDS: '2' } });
  t.after(() => short.stop());
  const session = await short.login('admin', ADMIN_PASSWORD);
  let r = await short.api('GET', '/api/v1/me', { token: session.token });
  assert.equal(r.status, 200, 'the session works while it is fresh');
  assert.ok(
    /Max-Age=2(;|$)/.test(session.setCookie),
    `the cookie lives as long as the session: ${session.setCookie}`,
  );

  await sleep(3100);
  const before = short.fingerprint();
  r = await short.api('GET', '/api/v1/me', { token: session.token });
  assertError(r, 401, 'unauthorized', { message: 'expired' });
  r = await short.api('POST', '/api/v1/markets', {
    cookie: session.cookie,
    csrf: session.csrf_token,
    body: { code: 'LATE', name: 'Too late' },
  });
  assertError(r, 401, 'unauthorized', { message: 'expired' });
  assert.equal(short.fingerprint(), before, 'the database changed');

  // Logging in again gives a working session.
  const fresh = await short.login('admin', ADMIN_PASSWORD);
  r = await short.api('GET', '/api/v1/me', { token: fresh.token });
  assert.equal(r.status, 200, r.text);
});
