'use strict';
/*
 * calls.js - the calls a module's API test makes as one user or another,
 * and how it checks a refusal:
 *
 *   const calls = require('./lib/calls');
 *   const { post, get, ok, refused } = calls(() => srv);
 *   const order = await ok(post(dist, '/api/v1/orders', body), 201);
 *   await refused(() => post(dist, '/api/v1/orders', bad), 'needed_by', /past/);
 *
 * `refused` asserts the error envelope names the field (and matches the
 * message) and that the database's fingerprint did not change.
 */
const assert = require('node:assert/strict');
const { assertError } = require('./server');

module.exports = function calls(server) {
  const post = (session, route, body) => server().api('POST', route, { token: session.token, body });
  const get = (session, route) => server().api('GET', route, { token: session.token });
  async function ok(response, status = 200) {
    const r = await response;
    assert.equal(r.status, status, r.text);
    return r.json;
  }
  async function refused(request, field, message) {
    const srv = server();
    const before = srv.fingerprint();
    const r = await request();
    const codes = { 400: 'invalid_input', 404: 'not_found', 409: 'conflict' };
    assert.ok(r.status in codes, `refused: ${r.status} ${r.text}`);
    assertError(r, r.status, codes[r.status], { field, message });
    assert.equal(srv.fingerprint(), before, `the database changed after: ${r.status} ${r.text}`);
  }
  return { post, get, ok, refused };
};
