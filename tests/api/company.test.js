'use strict';
/*
 * company.test.js - the company that runs the installation
 * (docs/registry.md, "The company"): anyone logged in reads its name, an
 * administrator sets it (API and command line), the change is audited, and
 * a refused name (missing, blank, surrounded by spaces, a control
 * character, over 120 characters) or a user who may not set it changes
 * nothing.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');

let srv;
let admin;
let lab;

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const password = await srv.addUser(admin, 'lena', 'lab');
  lab = await srv.login('lena', password);
});

after(() => srv.stop());

test('the name is empty until set; an administrator sets it and it is audited', async () => {
  let r = await srv.api('GET', '/api/v1/company', { token: lab.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, '');
  r = await srv.api('PUT', '/api/v1/company', { token: admin.token, body: { name: 'Pacific Blood Services' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Pacific Blood Services');
  r = await srv.api('GET', '/api/v1/company', { token: lab.token });
  assert.equal(r.json.name, 'Pacific Blood Services');
  const audit = await srv.api('GET', '/api/v1/audit?entity=company', { token: admin.token });
  assert.equal(audit.status, 200, audit.text);
  const record = audit.json.items.find((item) => item.action === 'update');
  assert.ok(record, audit.text);
  assert.equal(record.before.name, '');
  assert.equal(record.after.name, 'Pacific Blood Services');
  // The same name again writes nothing.
  const fingerprint = srv.fingerprint();
  r = await srv.api('PUT', '/api/v1/company', { token: admin.token, body: { name: 'Pacific Blood Services' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(srv.fingerprint(), fingerprint);
});

test('a refused name or a user who may not set it changes nothing', async () => {
  const fingerprint = srv.fingerprint();
  for (const body of [{}, { name: '' }, { name: ' Padded ' }, { name: 'Tab\there' }, { name: 'x'.repeat(121) }, { name: 7 }]) {
    const r = await srv.api('PUT', '/api/v1/company', { token: admin.token, body });
    assertError(r, 400, 'invalid_input', { field: 'name' });
  }
  assertError(await srv.api('PUT', '/api/v1/company', { token: lab.token, body: { name: 'Lab Inc' } }), 403, 'forbidden');
  assert.equal(srv.fingerprint(), fingerprint);
});

test('the command line shows and sets the name', () => {
  let r = srv.cli('company', 'set', '--name', 'Sierra Blood Services');
  assert.equal(r.status, 0, r.stderr);
  r = srv.cli('company', 'show', '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).name, 'Sierra Blood Services');
  r = srv.cli('company', 'set', '--name', '');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /name/);
});
