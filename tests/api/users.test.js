'use strict';
/*
 * users.test.js - what the users page changes and shows (docs/users.md,
 * "Users" and "The users page"): a user's last successful login; a user's
 * roles replaced (applied at their next request, audited with before and
 * after, an unknown role refused naming `roles`, the last enabled
 * administrator keeping admin); a disabled user enabled again (their old
 * password works again, audited). Every refusal leaves the database as it
 * was. The same through `bloodops user roles` and `bloodops user enable`.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD, CLI_ACTOR } = require('./lib/server');

let srv;
let admin;

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
});

after(async () => {
  if (srv) await srv.stop();
});

async function user(username) {
  const r = await srv.api('GET', '/api/v1/users?limit=500', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.json.items.find((u) => u.username === username);
}

async function trail(username) {
  const r = await srv.api('GET', `/api/v1/audit?entity=user&entity_id=${username}&sort=-seq&limit=500`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

/* Assert that `request` is refused as told and changes nothing at all. */
async function refusedUnchanged(request, status, code, field) {
  const before = srv.fingerprint();
  assertError(await request(), status, code, { field });
  assert.equal(srv.fingerprint(), before, 'a refused change leaves the database as it was');
}

test('the last successful login is kept and shown; a failed one leaves it', async () => {
  const password = await srv.addUser(admin, 'lena', 'lab');
  assert.equal((await user('lena')).last_login_at, null, 'never logged in');
  const started = Date.now() - 2000;
  const session = await srv.login('lena', password);
  const first = (await user('lena')).last_login_at;
  assert.match(first, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.ok(Date.parse(first) >= started && Date.parse(first) <= Date.now() + 2000, `about now: ${first}`);
  assert.equal(session.user.last_login_at, first, 'the login answers it too');

  // the next second, so that a failed login writing its time would show
  await new Promise((resolve) => { setTimeout(resolve, 1100); });
  const failed = await srv.api('POST', '/api/v1/login', { body: { username: 'lena', password: 'not-her-password' } });
  assertError(failed, 401, 'unauthorized');
  assert.equal((await user('lena')).last_login_at, first, 'a failed login is not a login');

  const cli = srv.cli('user', 'list', '--format', 'json');
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).find((u) => u.username === 'lena').last_login_at, first);
});

test('roles are replaced, apply at the next request, and are audited', async () => {
  const password = await srv.addUser(admin, 'fred', 'finance');
  const fred = await srv.login('fred', password);
  assert.equal((await srv.api('GET', '/api/v1/journal', { token: fred.token })).status, 200);

  let r = await srv.api('PUT', '/api/v1/users/fred/roles', { token: admin.token, body: { roles: 'lab,auditor' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.roles, ['auditor', 'lab']);
  assert.equal(r.json.username, 'fred');
  assert.deepEqual((await user('fred')).roles, ['auditor', 'lab']);

  // His open session holds the new roles at once.
  const me = await srv.api('GET', '/api/v1/me', { token: fred.token });
  assert.deepEqual([...me.json.roles].sort(), ['auditor', 'lab']);
  assert.ok(me.json.capabilities.includes('audit'));
  assertError(await srv.api('POST', '/api/v1/journal', { token: fred.token, body: {} }), 403, 'forbidden');

  const [record] = await trail('fred');
  assert.equal(record.action, 'roles');
  assert.equal(record.actor, 'admin');
  assert.deepEqual(record.before.roles, ['finance']);
  assert.deepEqual(record.after.roles, ['auditor', 'lab']);

  // The same roles again change nothing, and add no record.
  const count = (await trail('fred')).length;
  const unchanged = srv.fingerprint();
  r = await srv.api('PUT', '/api/v1/users/fred/roles', { token: admin.token, body: { roles: 'auditor,lab' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.roles, ['auditor', 'lab']);
  assert.equal(srv.fingerprint(), unchanged);
  assert.equal((await trail('fred')).length, count);
});

test('a roles edit is refused, naming the field, for what is not a role list or not a user', async () => {
  const put = (username, body) => () => srv.api('PUT', `/api/v1/users/${username}/roles`, { token: admin.token, body });
  await refusedUnchanged(put('fred', { roles: 'lab,wizard' }), 400, 'invalid_input', 'roles');
  await refusedUnchanged(put('fred', { roles: '' }), 400, 'invalid_input', 'roles');
  await refusedUnchanged(put('fred', { roles: 'lab,lab' }), 400, 'invalid_input', 'roles');
  await refusedUnchanged(put('fred', {}), 400, 'invalid_input', 'roles');
  await refusedUnchanged(put('fred', { roles: ['lab'] }), 400, 'invalid_input', 'roles');
  await refusedUnchanged(put('nobody', { roles: 'lab' }), 404, 'not_found', 'username');
  const auditor = await srv.login('fred', 'fred-password-1');
  await refusedUnchanged(() => srv.api('PUT', '/api/v1/users/fred/roles', { token: auditor.token, body: { roles: 'admin' } }),
    403, 'forbidden', undefined);
});

test('the last enabled administrator keeps the admin role', async () => {
  const put = (username, roles) => srv.api('PUT', `/api/v1/users/${username}/roles`, { token: admin.token, body: { roles } });
  await refusedUnchanged(() => put('admin', 'auditor'), 409, 'conflict', 'roles');
  // With a second administrator, one may give it up; then the other is the last.
  await srv.addUser(admin, 'ada', 'admin');
  let r = await put('admin', 'admin,auditor');
  assert.equal(r.status, 200, r.text);
  r = await put('ada', 'lab');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.roles, ['lab']);
  await refusedUnchanged(() => put('admin', 'auditor'), 409, 'conflict', 'roles');
  // A disabled administrator is not one who can administer: taking their
  // admin role is no loss.
  r = await put('ada', 'admin');
  assert.equal(r.status, 200, r.text);
  r = await srv.api('POST', '/api/v1/users/ada/disable', { token: admin.token, body: { reason: 'on leave' } });
  assert.equal(r.status, 200, r.text);
  r = await put('ada', 'lab');
  assert.equal(r.status, 200, r.text);
  await refusedUnchanged(() => put('admin', 'auditor'), 409, 'conflict', 'roles');
});

test('a disabled user is enabled again: their password works again; audited with the reason', async () => {
  const password = await srv.addUser(admin, 'dora', 'distribution');
  let r = await srv.api('POST', '/api/v1/users/dora/disable', { token: admin.token, body: { reason: 'on leave' } });
  assert.equal(r.status, 200, r.text);
  assertError(await srv.api('POST', '/api/v1/login', { body: { username: 'dora', password } }), 401, 'unauthorized');

  r = await srv.api('POST', '/api/v1/users/dora/enable', { token: admin.token, body: { reason: 'back from leave' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.disabled, false);
  assert.deepEqual(r.json.roles, ['distribution']);
  assert.equal((await user('dora')).disabled, false);
  const dora = await srv.login('dora', password);
  assert.equal((await srv.api('GET', '/api/v1/me', { token: dora.token })).status, 200);

  const [record] = await trail('dora');
  assert.equal(record.action, 'enable');
  assert.equal(record.actor, 'admin');
  assert.equal(record.reason, 'back from leave');
  assert.equal(record.before.disabled, true);
  assert.equal(record.after.disabled, false);

  // Without a reason too.
  r = await srv.api('POST', '/api/v1/users/dora/disable', { token: admin.token, body: { reason: 'again' } });
  assert.equal(r.status, 200, r.text);
  r = await srv.api('POST', '/api/v1/users/dora/enable', { token: admin.token, body: {} });
  assert.equal(r.status, 200, r.text);
  assert.equal((await trail('dora'))[0].reason, null);
});

test('enabling is refused for a user who is not disabled, or not there, and changes nothing', async () => {
  const post = (username, body = {}) => () => srv.api('POST', `/api/v1/users/${username}/enable`, { token: admin.token, body });
  await refusedUnchanged(post('dora'), 409, 'conflict', 'username');
  await refusedUnchanged(post('nobody'), 404, 'not_found', 'username');
  let r = await srv.api('POST', '/api/v1/users/dora/disable', { token: admin.token, body: { reason: 'third time' } });
  assert.equal(r.status, 200, r.text);
  await refusedUnchanged(post('dora', { reason: 'x'.repeat(1001) }), 400, 'invalid_input', 'reason');
  await refusedUnchanged(post('dora', { reason: 42 }), 400, 'invalid_input', 'reason');
  const lena = await srv.login('lena', 'lena-password-1');
  await refusedUnchanged(() => srv.api('POST', '/api/v1/users/dora/enable', { token: lena.token, body: {} }), 403, 'forbidden', undefined);
  r = await srv.api('POST', '/api/v1/users/dora/enable', { token: admin.token, body: {} });
  assert.equal(r.status, 200, r.text);
});

test('bloodops user roles and bloodops user enable do the same, as the local operator', async () => {
  await srv.addUser(admin, 'carl', 'center_staff');
  let cli = srv.cli('user', 'roles', 'carl', '--roles', 'center_staff,distribution', '--format', 'json');
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).roles, ['center_staff', 'distribution']);
  cli = srv.cli('user', 'roles', 'carl', '--roles', 'center_staff,wizard');
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /roles: unknown role 'wizard'/);
  cli = srv.cli('user', 'roles', 'admin', '--roles', 'lab');
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /last enabled administrator/);

  cli = srv.cli('user', 'disable', 'carl', '--reason', 'moved away');
  assert.equal(cli.status, 0, cli.stderr);
  cli = srv.cli('user', 'enable', 'carl', '--reason', 'came back');
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /DISABLED\s+no/);
  cli = srv.cli('user', 'enable', 'carl');
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /username: user 'carl' is not disabled/);

  const records = await trail('carl');
  assert.deepEqual(records.slice(0, 3).map((x) => [x.action, x.actor]),
    [['enable', CLI_ACTOR], ['disable', CLI_ACTOR], ['roles', CLI_ACTOR]]);
});
