'use strict';
/*
 * auth.test.js - logging in and out, sessions (bearer and cookie), login
 * throttling, disabled users, password changes and user administration
 * (docs/users.md). Every response body seen here is kept and checked at the
 * end: no password hash, no password, ever.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');

let srv;
let admin;
const seen = []; // every response text, for the final check
const passwords = new Set([ADMIN_PASSWORD]);

async function api(method, path, options) {
  const response = await srv.api(method, path, options);
  seen.push(`${method} ${path} -> ${response.status} ${[...response.headers].join(' ')} ${response.text}`);
  return response;
}

async function login(username, password) {
  const session = await srv.login(username, password);
  seen.push(`login ${username}: ${session.setCookie} ${JSON.stringify(session.user)}`);
  return session;
}

async function addUser(username, roles, password = `${username}-password-1`) {
  passwords.add(password);
  const r = await api('POST', '/api/v1/users', {
    token: admin.token,
    body: { username, full_name: `Test ${username}`, roles, password },
  });
  assert.equal(r.status, 201, r.text);
  return password;
}

function loginAttempt(username, password) {
  return api('POST', '/api/v1/login', { body: { username, password } });
}

before(async () => {
  srv = await startServer();
  admin = await login('admin', ADMIN_PASSWORD);
});

after(async () => {
  if (srv) await srv.stop();
});

test('login answers a token and a CSRF token and sets an HttpOnly, SameSite=Strict cookie', async () => {
  const r = await loginAttempt('admin', ADMIN_PASSWORD);
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.token, /^[0-9a-f]{64}$/, '256-bit token');
  assert.match(r.json.csrf_token, /^[0-9a-f]{64}$/);
  assert.notEqual(r.json.token, r.json.csrf_token);
  assert.match(r.json.expires_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.ok(Date.parse(r.json.expires_at) > Date.now(), 'expires in the future');
  assert.equal(r.json.user.username, 'admin');
  assert.deepEqual(r.json.user.roles, ['admin']);

  const cookie = r.headers.get('set-cookie');
  assert.ok(cookie, 'a Set-Cookie header');
  const parts = cookie.split(';').map((p) => p.trim());
  assert.equal(parts[0], `bloodops_session=${r.json.token}`);
  assert.ok(parts.includes('HttpOnly'), `HttpOnly: ${cookie}`);
  assert.ok(parts.includes('SameSite=Strict'), `SameSite=Strict: ${cookie}`);
  assert.ok(parts.includes('Path=/'), `Path=/: ${cookie}`);

  // Two logins are two different sessions.
  assert.notEqual(r.json.token, admin.token);

  // The cookie alone is a session (for reading).
  const me = await api('GET', '/api/v1/me', { cookie: parts[0] });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.username, 'admin');
});

test('session tokens are stored hashed, never as given', () => {
  const result = srv.sql('SELECT token_hash FROM sessions');
  assert.equal(result.status, 0, result.stderr);
  const stored = result.stdout.trim().split('\n');
  assert.ok(stored.length >= 1);
  assert.ok(!stored.includes(admin.token), 'the token itself is not in the database');
});

test('wrong password and unknown user: the same 401 and message', async () => {
  await addUser('pat', 'finance');
  const wrong = await loginAttempt('pat', 'not-the-password');
  assertError(wrong, 401, 'unauthorized');
  const unknown = await loginAttempt('nobody-here', 'whatever-password');
  assertError(unknown, 401, 'unauthorized');
  assert.equal(wrong.json.error.message, unknown.json.error.message, 'no hint which one was wrong');
  assert.equal(wrong.headers.get('set-cookie'), null, 'no cookie on failure');
  assert.equal(wrong.json.token, undefined);

  let r = await loginAttempt('pat', '');
  assertError(r, 400, 'invalid_input', { field: 'password' });
  r = await api('POST', '/api/v1/login', { body: { username: 'pat' } });
  assertError(r, 400, 'invalid_input', { field: 'password' });
});

test('me: who I am, my roles, my CSRF token', async () => {
  await addUser('multi', 'finance,executive');
  const multi = await login('multi', 'multi-password-1');
  let r = await api('GET', '/api/v1/me', { token: multi.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.username, 'multi');
  assert.deepEqual([...r.json.roles].sort(), ['executive', 'finance']);
  assert.equal(r.json.csrf_token, multi.csrf_token);
  assert.match(r.json.expires_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

  r = await api('GET', '/api/v1/me', { cookie: multi.cookie });
  assert.equal(r.json.csrf_token, multi.csrf_token, 'the cookie session is the same session');

  r = await api('GET', '/api/v1/me');
  assertError(r, 401, 'unauthorized');
});

test('logout ends the session: the token and the cookie stop working', async () => {
  const session = await login('admin', ADMIN_PASSWORD);
  let r = await api('POST', '/api/v1/logout', { token: session.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.logged_out, true);
  const cleared = r.headers.get('set-cookie') || '';
  assert.match(cleared, /bloodops_session=;/, `the cookie is cleared: ${cleared}`);
  assert.match(cleared, /Max-Age=0/);

  r = await api('GET', '/api/v1/me', { token: session.token });
  assertError(r, 401, 'unauthorized');
  r = await api('GET', '/api/v1/me', { cookie: session.cookie });
  assertError(r, 401, 'unauthorized');

  // Another session of the same user is unaffected.
  r = await api('GET', '/api/v1/me', { token: admin.token });
  assert.equal(r.status, 200, r.text);
});

test('logout through the cookie needs the CSRF token', async () => {
  const session = await login('admin', ADMIN_PASSWORD);
  let r = await api('POST', '/api/v1/logout', { cookie: session.cookie });
  assertError(r, 403, 'forbidden', { field: 'X-CSRF-Token' });
  r = await api('GET', '/api/v1/me', { cookie: session.cookie });
  assert.equal(r.status, 200, 'still logged in after the refused logout');

  r = await api('POST', '/api/v1/logout', { cookie: session.cookie, csrf: session.csrf_token });
  assert.equal(r.status, 200, r.text);
  r = await api('GET', '/api/v1/me', { cookie: session.cookie });
  assertError(r, 401, 'unauthorized');
});

test('throttling: after 5 failures the name is locked (429), even with the right password', async () => {
  const password = await addUser('locky', 'finance');
  const ok = await login('locky', password); // works before
  for (let i = 1; i <= 5; i++) {
    const r = await loginAttempt('locky', `wrong-password-${i}`);
    assertError(r, 401, 'unauthorized');
  }
  let r = await loginAttempt('locky', password);
  assertError(r, 429, 'throttled', { message: 'try again' });
  assert.equal(r.json.token, undefined);
  r = await loginAttempt('locky', 'wrong-again-x');
  assertError(r, 429, 'throttled');

  // Only that name is locked.
  const other = await login('admin', ADMIN_PASSWORD);
  assert.match(other.token, /^[0-9a-f]{64}$/);
  // A session opened before the lock keeps working: the lock is on logging in.
  r = await api('GET', '/api/v1/me', { token: ok.token });
  assert.equal(r.status, 200, r.text);
});

test('throttling counts failures for names that do not exist as well', async () => {
  for (let i = 1; i <= 5; i++) assertError(await loginAttempt('ghost', `guess-number-${i}`), 401, 'unauthorized');
  assertError(await loginAttempt('ghost', 'guess-number-6'), 429, 'throttled');
});

test('a disabled user cannot log in, and their open session stops working', async () => {
  const password = await addUser('dana', 'finance');
  const dana = await login('dana', password);
  let r = await api('GET', '/api/v1/me', { token: dana.token });
  assert.equal(r.status, 200);

  r = await api('POST', '/api/v1/users/dana/disable', { token: admin.token, body: { reason: 'left the company' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.disabled, true);

  r = await api('GET', '/api/v1/me', { token: dana.token });
  assertError(r, 401, 'unauthorized');
  r = await api('POST', '/api/v1/hospitals', { token: dana.token, body: { code: 'H1', name: 'Hospital' } });
  assertError(r, 401, 'unauthorized');

  r = await loginAttempt('dana', password);
  assertError(r, 401, 'unauthorized');
  assert.equal(r.json.token, undefined);

  r = await api('GET', '/api/v1/users?limit=500', { token: admin.token });
  const listed = r.json.items.find((u) => u.username === 'dana');
  assert.equal(listed.disabled, true);

  r = await api('POST', '/api/v1/users/dana/disable', { token: admin.token, body: { reason: 'again' } });
  assertError(r, 409, 'conflict', { field: 'username' });
  r = await api('POST', '/api/v1/users/nobody/disable', { token: admin.token, body: { reason: 'x' } });
  assertError(r, 404, 'not_found', { field: 'username' });
  r = await api('POST', '/api/v1/users/pat/disable', { token: admin.token, body: { reason: '' } });
  assertError(r, 400, 'invalid_input', { field: 'reason' });
});

test('the last enabled administrator cannot be disabled, not even by themselves', async () => {
  // This server's only administrator is "admin": disabling it would leave
  // nobody able to administer users.
  const before = srv.fingerprint();
  let r = await api('POST', '/api/v1/users/admin/disable', { token: admin.token, body: { reason: 'leaving' } });
  assertError(r, 409, 'conflict', { field: 'username', message: 'last enabled administrator' });
  assert.equal(srv.fingerprint(), before, 'nothing changed');
  assert.equal((await api('GET', '/api/v1/me', { token: admin.token })).status, 200, 'the session still works');
  // Another administrator may be disabled while one remains; then "admin" is
  // the last again.
  await addUser('second-admin', 'admin');
  r = await api('POST', '/api/v1/users/second-admin/disable', { token: admin.token, body: { reason: 'test' } });
  assert.equal(r.status, 200, r.text);
  assertError(await api('POST', '/api/v1/users/admin/disable', { token: admin.token, body: { reason: 'leaving' } }),
    409, 'conflict', { field: 'username' });
});

test('a password changed by the admin ends the user\'s sessions; the new one works', async () => {
  const password = await addUser('chris', 'distribution');
  const first = await login('chris', password);
  const second = await login('chris', password);

  const newPassword = 'chris-new-password-2';
  passwords.add(newPassword);
  let r = await api('POST', '/api/v1/users/chris/password', { token: admin.token, body: { password: newPassword } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.password_changed, true);

  for (const session of [first, second]) {
    r = await api('GET', '/api/v1/me', { token: session.token });
    assertError(r, 401, 'unauthorized');
  }
  assertError(await loginAttempt('chris', password), 401, 'unauthorized');
  const fresh = await login('chris', newPassword);
  r = await api('GET', '/api/v1/me', { token: fresh.token });
  assert.equal(r.status, 200, r.text);

  r = await api('POST', '/api/v1/users/chris/password', { token: admin.token, body: { password: 'short' } });
  assertError(r, 400, 'invalid_input', { field: 'password', message: '10' });
  r = await api('GET', '/api/v1/me', { token: fresh.token });
  assert.equal(r.status, 200, 'a refused change ends nothing');

  r = await api('POST', '/api/v1/users/nobody/password', { token: admin.token, body: { password: 'long-enough-pw' } });
  assertError(r, 404, 'not_found', { field: 'username' });
});

test('user administration needs the admin role (403 for finance)', async () => {
  const fin = await login('pat', 'pat-password-1');
  let r = await api('GET', '/api/v1/users', { token: fin.token });
  assertError(r, 403, 'forbidden');
  r = await api('POST', '/api/v1/users', {
    token: fin.token,
    body: { username: 'sneaky', full_name: 'Sneaky', roles: 'admin', password: 'sneaky-password' },
  });
  assertError(r, 403, 'forbidden');
  r = await api('POST', '/api/v1/users/admin/password', { token: fin.token, body: { password: 'taken-over-now' } });
  assertError(r, 403, 'forbidden');
  r = await api('POST', '/api/v1/users/admin/disable', { token: fin.token, body: { reason: 'coup' } });
  assertError(r, 403, 'forbidden');

  r = await api('GET', '/api/v1/users', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  const names = r.json.items.map((u) => u.username);
  assert.ok(names.includes('admin') && names.includes('pat'));
  assert.ok(!names.includes('sneaky'));
  // admin still logs in with the old password
  await login('admin', ADMIN_PASSWORD);
});

test('users list pages', async () => {
  const all = [];
  let after = null;
  for (let i = 0; i < 50; i++) {
    const r = await api('GET', `/api/v1/users?limit=2${after ? `&after=${after}` : ''}`, { token: admin.token });
    assert.equal(r.status, 200, r.text);
    all.push(...r.json.items.map((u) => u.username));
    after = r.json.next_after;
    if (after === null) break;
  }
  assert.deepEqual(all, [...all].sort());
  assert.equal(new Set(all).size, all.length);
  for (const name of ['admin', 'pat', 'multi', 'locky', 'dana', 'chris']) assert.ok(all.includes(name), name);
});

test('user creation is validated, naming the field', async () => {
  const good = { username: 'newbie', full_name: 'New Person', roles: 'lab', password: 'newbie-password' };
  const cases = [
    [{ password: 'short' }, 400, 'invalid_input', 'password', '10'],
    [{ password: 'x'.repeat(129) }, 400, 'invalid_input', 'password', '128'],
    [{ roles: 'wizard' }, 400, 'invalid_input', 'roles', 'wizard'],
    [{ roles: 'lab,wizard' }, 400, 'invalid_input', 'roles', 'wizard'],
    [{ roles: '' }, 400, 'invalid_input', 'roles', undefined],
    [{ roles: 'lab,lab' }, 400, 'invalid_input', 'roles', 'twice'],
    [{ username: 'New Bie' }, 400, 'invalid_input', 'username', undefined],
    [{ username: 'x' }, 400, 'invalid_input', 'username', undefined],
    [{ full_name: '' }, 400, 'invalid_input', 'full_name', undefined],
    [{ username: 'pat' }, 409, 'conflict', 'username', 'pat'],
  ];
  for (const [change, status, code, field, message] of cases) {
    const r = await api('POST', '/api/v1/users', { token: admin.token, body: { ...good, ...change } });
    assertError(r, status, code, { field, message });
  }
  let r = await api('POST', '/api/v1/users', { token: admin.token, body: { username: 'nopw', full_name: 'No Password', roles: 'lab' } });
  assertError(r, 400, 'invalid_input', { field: 'password' });

  r = await api('GET', '/api/v1/users?limit=500', { token: admin.token });
  const names = r.json.items.map((u) => u.username);
  assert.ok(!names.includes('newbie') && !names.includes('nopw'), 'none of them was created');
  assertError(await loginAttempt('newbie', 'newbie-password'), 401, 'unauthorized');

  // The good one, for contrast.
  r = await api('POST', '/api/v1/users', { token: admin.token, body: good });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.username, 'newbie');
  assert.deepEqual(r.json.roles, ['lab']);
  assert.equal(r.json.disabled, false);
  passwords.add(good.password);
});

test('no response ever holds a password hash or a password', async () => {
  // Also look where hashes would most likely leak: the user list and the audit trail.
  await api('GET', '/api/v1/users?limit=500', { token: admin.token });
  await api('GET', '/api/v1/audit?entity=user&limit=500', { token: admin.token });
  await api('GET', '/api/v1/audit?limit=500', { token: admin.token });
  assert.ok(seen.length > 50, `responses were collected (${seen.length})`);
  for (const text of seen) {
    assert.ok(!/\$argon2/i.test(text), `an argon2 hash in: ${text.slice(0, 300)}`);
    assert.ok(!/password_hash/i.test(text), `password_hash in: ${text.slice(0, 300)}`);
    for (const password of passwords) assert.ok(!text.includes(password), `a password in: ${text.slice(0, 300)}`);
  }
  const log = srv.cli('audit', 'log', '--format', 'json');
  assert.equal(log.status, 0, log.stderr);
  assert.ok(!/\$argon2/.test(log.stdout), 'no hash in the audit trail');
  const users = srv.cli('user', 'list', '--format', 'json');
  assert.equal(users.status, 0, users.stderr);
  assert.ok(!/\$argon2/.test(users.stdout), 'no hash in bloodops user list');
});
