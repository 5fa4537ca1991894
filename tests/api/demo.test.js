'use strict';
/*
 * demo.test.js - the demo company's blood-products chain
 * (tools/load-demo-chain.sh, loaded by `make run`), on either backend.
 *
 * After tools/load-demo.sh: eleven donors; most units released under the
 * demo lab user's signature; one donation untested (its units waiting in
 * the release queue); one donation whose ABO typing disagrees with the
 * donor's history (its units blocked by the discrepancy); a repeat donor's
 * reactive HCV result: today's donation discarded, the donor deferred
 * permanently, a lookback case open whose trace held the earlier
 * donation's released unit; the inventory counts what is on the shelves;
 * the audit trail is intact.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { startServer, ADMIN_PASSWORD, BINARY, REPO } = require('./lib/server');

let srv;
let admin;

async function get(url) {
  const r = await srv.api('GET', url, { token: admin.token });
  assert.equal(r.status, 200, `${url}: ${r.text}`);
  return r.json;
}

before(async () => {
  srv = await startServer();
  const load = spawnSync(path.join(REPO, 'tools', 'load-demo.sh'), [srv.db, BINARY], { cwd: REPO, encoding: 'utf8' });
  assert.equal(load.status, 0, `tools/load-demo.sh: ${load.stderr}`);
  admin = await srv.login('admin', ADMIN_PASSWORD);
});

after(() => srv.stop());

test('the demo chain: donors, released units, a queue waiting and blocked, a lookback case', async () => {
  const donors = await get('/api/v1/donors?limit=100');
  assert.equal(donors.items.length, 11);

  const queue = (await get('/api/v1/release-queue?limit=500')).items;
  const states = (state) => queue.filter((u) => u.state === state);
  assert.equal(states('ready').length, 0, 'every unit that was ready was released');
  assert.equal(states('waiting').length, 3, 'the untested donation');
  const blocked = states('blocked');
  assert.equal(blocked.filter((u) => u.problems.some((p) => /ABO\/RhD discrepancy: donor history O POS, donation A POS/.test(p))).length, 3);
  assert.equal(blocked.filter((u) => u.problems.some((p) => /lookback case/.test(p))).length, 1);

  const cases = (await get('/api/v1/lookback-cases?status=open')).items;
  assert.equal(cases.length, 1);
  const lookback = await get(`/api/v1/lookback-cases/${cases[0].id}`);
  assert.equal(lookback.marker, 'HCV');
  assert.deepEqual(lookback.units.map((u) => [u.status_at_trace, u.action]), [['released', 'quarantined']]);
  const trigger = await get(`/api/v1/donations/${lookback.trigger_din}`);
  assert.deepEqual(trigger.units.map((u) => u.status), ['discarded', 'discarded']);
  const donor = await get(`/api/v1/donors/${lookback.donor_number}`);
  assert.equal(donor.deferred, true);
  assert.ok(donor.deferrals.some((d) => d.kind === 'permanent' && d.source === 'test'));

  const inventory = await get('/api/v1/inventory');
  const released = inventory.rows.filter((r) => r.status === 'released').reduce((sum, r) => sum + r.count, 0);
  assert.ok(released >= 20, `released units on the shelves: ${released}`);
  const verify = await get('/api/v1/audit/verify');
  assert.equal(verify.intact, true);
});
