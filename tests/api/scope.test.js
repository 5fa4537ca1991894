'use strict';
/*
 * scope.test.js - a user's scope (docs/users.md, "Scope"): an administrator
 * assigns a user the donor centers and markets they work in, through the
 * API and the command line; each list replaces the one before and is
 * audited; an unknown or repeated code is refused naming the field and
 * changes nothing; nobody but an administrator may assign.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');

let srv;
let admin;

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  for (const [code, name] of [['LA', 'Los Angeles'], ['NY', 'New York']])
    assert.equal((await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code, name } })).status, 201);
  for (const [code, market] of [['LA-01', 'LA'], ['OC-01', 'LA'], ['NY-01', 'NY']])
    assert.equal((await srv.api('POST', '/api/v1/centers', { token: admin.token, body: { code, name: `Center ${code}`, market } })).status, 201);
  await srv.addUser(admin, 'carla', 'center_staff');
  await srv.addUser(admin, 'nina', 'apheresis_nurse');
  await srv.addUser(admin, 'fred', 'finance');
});

after(async () => {
  if (srv) await srv.stop();
});

const scope = (who, username, body) => srv.api('PUT', `/api/v1/users/${username}/scope`, { token: who.token, body });

test('an administrator assigns centers and markets; each list replaces the one before, audited', async () => {
  let r = await scope(admin, 'carla', { centers: 'LA-01,OC-01' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.centers, r.json.markets], [['LA-01', 'OC-01'], []]);
  r = await scope(admin, 'carla', { centers: 'NY-01' });
  assert.deepEqual(r.json.centers, ['NY-01'], 'the new list replaces the old one');
  r = await scope(admin, 'nina', { markets: 'NY,LA' });
  assert.deepEqual(r.json.markets, ['LA', 'NY']);
  r = await scope(admin, 'nina', { markets: 'LA' });
  assert.deepEqual([r.json.centers, r.json.markets], [[], ['LA']], 'centers untouched when not given');
  r = await scope(admin, 'carla', { centers: ' la-01 , oc-01' });
  assert.deepEqual(r.json.centers, ['LA-01', 'OC-01'], 'codes read as typed elsewhere: trimmed, any case');
  r = await scope(admin, 'carla', { centers: '' });
  assert.deepEqual(r.json.centers, [], 'an empty list removes every center');
  r = await scope(admin, 'carla', { centers: 'LA-01' });

  const users = await srv.api('GET', '/api/v1/users', { token: admin.token });
  assert.deepEqual(users.json.items.find((u) => u.username === 'carla').centers, ['LA-01']);
  const trail = await srv.api('GET', '/api/v1/audit?entity=user', { token: admin.token });
  const last = trail.json.items.filter((record) => record.action === 'scope' && record.entity_id === 'carla')
    .sort((a, b) => b.seq - a.seq)[0];
  assert.deepEqual([last.before.centers, last.after.centers], [[], ['LA-01']]);

  const cli = srv.cli('user', 'scope', 'nina', '--markets', 'NY', '--format', 'json');
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).markets, ['NY']);
});

test('an unknown or repeated code is refused naming the field, and nothing changes', async () => {
  const before = srv.fingerprint();
  assertError(await scope(admin, 'carla', { centers: 'LA-01,XX-99' }), 400, 'invalid_input', { field: 'centers', message: /no donor center has the code 'XX-99'/ });
  assertError(await scope(admin, 'carla', { centers: 'LA-01,LA-01' }), 400, 'invalid_input', { field: 'centers', message: /given twice/ });
  assertError(await scope(admin, 'nina', { markets: 'ZZ' }), 400, 'invalid_input', { field: 'markets', message: /no market has the code 'ZZ'/ });
  assertError(await scope(admin, 'carla', { centers: 'LA-01,' }), 400, 'invalid_input', { field: 'centers' });
  assertError(await scope(admin, 'carla', { centers: 'LA-01,  ' }), 400, 'invalid_input', { field: 'centers' });
  assertError(await scope(admin, 'carla', {}), 400, 'invalid_input', { field: 'centers' });
  assertError(await scope(admin, 'carla', { centers: 7 }), 400, 'invalid_input', { field: 'centers' });
  assertError(await scope(admin, 'nobody', { centers: 'LA-01' }), 404, 'not_found', { field: 'username' });
  const cli = srv.cli('user', 'scope', 'carla', '--centers', 'XX-99');
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /centers: no donor center has the code 'XX-99'/);
  assert.equal(srv.fingerprint(), before, 'nothing changed');
});

test('only an administrator assigns', async () => {
  const password = `fred-password-1`;
  const fred = await srv.login('fred', password);
  const before = srv.fingerprint();
  assertError(await scope(fred, 'carla', { centers: 'NY-01' }), 403, 'forbidden');
  assert.equal(srv.fingerprint(), before, 'nothing changed');
});
