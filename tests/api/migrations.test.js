'use strict';
/*
 * migrations.test.js - a migration that makes tables again (SQLite cannot
 * alter a constraint: schema/030_check_lists.sql creates the units and
 * collections tables anew, copies their rows, drops the old ones and
 * renames the new) run over a database in use: every unit, collection and
 * unit event kept with its keys, the indexes there, the constraints still
 * refusing what they refused, and the running server going on recording
 * collections and changing units' status. The migration is run again by
 * forgetting it was applied, as a database made before it meets it.
 * Runs on SQLite and PostgreSQL (where it has nothing to do).
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

const { LAB_PASSWORD } = chain;
const MIGRATION = '030_check_lists.sql';

describe('migrations: tables made again under a running server', () => {
  let srv;
  let admin;
  let lab;

  const { post, get, ok } = calls(() => srv);
  const sql = (query) => {
    const r = srv.sql(query);
    assert.equal(r.status, 0, `${query}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const counts = () => sql('SELECT (SELECT COUNT(*) FROM units) || \' \' || (SELECT COUNT(*) FROM collections) '
    + '|| \' \' || (SELECT COUNT(*) FROM unit_events) || \' \' || (SELECT COUNT(*) FROM allocations)');

  before(async () => {
    ({ srv, admin, lab } = await chain.startWithLab());
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test(`${MIGRATION} run again over units, collections and their events keeps them all`, async () => {
    const released = await chain.releasedUnit(srv, admin, lab, { username: 'lab1', password: LAB_PASSWORD });
    await chain.donate(srv, admin, { products: ['E0300', 'E0500'] });
    const before = counts();
    const unitBefore = await ok(get(admin, `/api/v1/units/${released.id}`));

    sql(`DELETE FROM schema_migrations WHERE name = '${MIGRATION}'`);
    const r = srv.cli('audit', 'verify'); // any command opens the database, and migrates it
    assert.equal(r.status, 0, r.stderr);
    assert.equal(sql(`SELECT COUNT(*) FROM schema_migrations WHERE name = '${MIGRATION}'`), '1');

    assert.equal(counts(), before);
    assert.deepEqual(await ok(get(admin, `/api/v1/units/${released.id}`)), unitBefore);
    if (srv.backend === 'sqlite') {
      assert.equal(sql('PRAGMA foreign_key_check'), '', 'no key broken');
      assert.equal(sql('PRAGMA integrity_check'), 'ok');
      const indexes = (table) => sql(`SELECT name FROM pragma_index_list('${table}') WHERE origin = 'c' ORDER BY name`);
      assert.equal(indexes('units'), 'units_allocatable\nunits_expiry\nunits_inventory');
      assert.equal(indexes('collections'), 'collections_center\ncollections_donor');
      // the tables that refer to units and collections refer to the new ones
      assert.equal(sql("SELECT \"table\" FROM pragma_foreign_key_list('unit_events')"), 'units');
      assert.match(sql("SELECT \"table\" FROM pragma_foreign_key_list('units')"), /collections/);
      // the constraints refuse what they refused
      for (const bad of [
        `UPDATE units SET status = 'lost' WHERE id = ${released.id}`,
        `UPDATE collections SET reaction = 'fatal' WHERE din = '${released.din}'`,
        `UPDATE collections SET procedure = 'leukapheresis' WHERE din = '${released.din}'`,
      ]) {
        const refused = srv.sql(bad);
        assert.notEqual(refused.status, 0, bad);
        assert.match(refused.stderr, /CHECK constraint failed/, bad);
      }
      assert.equal(counts(), before);
    }

    // The server goes on: a collection recorded and processed into units,
    // and a released unit's status changed (allocated to an order).
    const more = await chain.donate(srv, admin, { products: ['E0300'] });
    assert.equal(more.units.length, 1);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'SOCAL' }), 201);
    const order = await ok(post(admin, '/api/v1/orders', {
      hospital: 'CEDARS', priority: 'routine', needed_by: chain.fromNow(12),
    }), 201);
    await ok(post(admin, `/api/v1/orders/${order.id}/lines`, { family: 'red_cells', group: 'O POS', quantity: 1 }), 201);
    const allocated = await ok(post(admin, `/api/v1/orders/${order.id}/allocate`, {}));
    assert.deepEqual(allocated.lines[0].allocations.map((a) => a.unit), [released.id]);
    assert.equal((await ok(get(admin, `/api/v1/units/${released.id}`))).status, 'allocated');
  });
});
