'use strict';
/*
 * inventory_demand.test.js - the inventory beside the open orders' demand
 * (docs/collections.md "Inventory", docs/distribution.md "The inventory
 * and the demand"): each line of center, family and group counts its
 * units available (released, expiry ahead) apart from those allocated to
 * open orders; the allocated count leads to exactly those units, each
 * naming its order; the demand of each family and group (units ordered,
 * not allocated yet) and the shortfall agree with the open orders'
 * backorders; a line of a family and group in demand warns of its units
 * expiring within 0-1 or 2-3 days and of the shortfall, a line without
 * demand does not; the command line shows the same. Runs on SQLite and
 * PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

const LAB_PASSWORD = 'lab1-password-1';

describe('the inventory: available and allocated apart, the demand of open orders and its warnings', () => {
  let srv;
  let admin;
  let lab;
  let dist;
  const { post, get, ok } = calls(() => srv);

  /* A released unit (platelets keep 5 days: collected 4 days ago they
   * expire tomorrow, 2 days ago in 3 days; red cells keep 42). */
  const released = (abo, rhd, product, daysAgo) =>
    chain.releasedUnit(srv, admin, lab, { username: 'lab1', password: LAB_PASSWORD, abo, rhd, product, daysAgo });
  async function order(lines) {
    const o = await ok(post(dist, '/api/v1/orders', { hospital: 'CEDARS', priority: 'routine', needed_by: chain.fromNow(20) }), 201);
    let shown = o;
    for (const line of lines) shown = await ok(post(dist, `/api/v1/orders/${o.id}/lines`, line), 201);
    return shown;
  }
  const inventory = (query = '', session = dist) => ok(get(session, `/api/v1/inventory${query}`));
  const lineOf = (inv, family, group, center = 'LA-01') =>
    inv.lines.find((l) => l.center === center && l.family === family && l.group === group);

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    await chain.setupCenter(srv, admin);
    await chain.setupCenter(srv, admin, { market: 'EAST', center: 'NY-01', fin: 'W5678', name: 'Manhattan' });
    chain.importDemoCatalog(srv);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'SOCAL' }), 201);
    await srv.addUser(admin, 'lab1', 'lab', LAB_PASSWORD);
    await srv.addUser(admin, 'dist', 'distribution');
    lab = await srv.login('lab1', LAB_PASSWORD);
    dist = await srv.login('dist', 'dist-password-1');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  let first;
  let second;
  let allocatedUnits;
  let tomorrow;

  test('allocated units count as allocated, not available, and their count leads to exactly them with their order', async () => {
    // Two O NEG platelets, expiring in 4 days, allocated to an order of 5.
    allocatedUnits = [await released('O', 'NEG', 'E0400', 1), await released('O', 'NEG', 'E0400', 1)];
    first = await order([{ family: 'platelets', group: 'O NEG', quantity: 5 }]);
    const filled = await ok(post(dist, `/api/v1/orders/${first.id}/allocate`, {}));
    assert.equal(filled.units_allocated, 2);
    assert.equal(filled.backorder, 3);
    // Then one more O NEG platelet expiring tomorrow, one A POS platelet
    // expiring tomorrow (no order wants A POS), red cells A POS expiring
    // tomorrow (no order wants red cells), and a second order of 1.
    tomorrow = {
      oNeg: await released('O', 'NEG', 'E0400', 4),
      aPos: await released('A', 'POS', 'E0400', 4),
      redCells: await released('A', 'POS', 'E0300', 41),
    };
    second = await order([{ family: 'platelets', group: 'O NEG', quantity: 1 }]);

    const inv = await inventory();
    const line = lineOf(inv, 'platelets', 'O NEG');
    assert.equal(line.count, 3);
    assert.equal(line.allocated, 2);
    assert.equal(line.available, 1);
    assert.deepEqual(line.expiring, { '0-1': 1, '2-3': 0 });
    assert.equal(line.by_band['0-1'], 1);
    assert.equal(line.by_band['4-7'], 2);
    assert.equal(inv.totals.allocated, 2);
    assert.equal(inv.totals.available, 3);
    assert.equal(inv.totals.count, 5);

    // The allocated count leads to exactly those units, each naming its order.
    const query = new URLSearchParams({ center: line.center, family: line.family, group: line.group, status: 'allocated', sort: 'expires_at' });
    const units = await ok(get(dist, `/api/v1/units?${query}`));
    assert.equal(units.total, line.allocated);
    assert.deepEqual(units.items.map((u) => u.id).sort(), allocatedUnits.map((u) => u.id).sort());
    assert.ok(units.items.every((u) => u.status === 'allocated' && u.order === first.id), JSON.stringify(units.items));
    // Units not allocated name no order.
    const shelf = await ok(get(dist, '/api/v1/units?status=released'));
    assert.equal(shelf.items.length, 3);
    assert.ok(shelf.items.every((u) => u.order === null));
  });

  test('the demand and the shortfall agree with the open orders\' backorders', async () => {
    const inv = await inventory();
    // What the open orders still owe, from the orders themselves.
    const owed = {};
    const board = await ok(get(dist, '/api/v1/orders?status=open&limit=100'));
    for (const item of board.items) {
      const o = await ok(get(dist, `/api/v1/orders/${item.id}`));
      for (const l of o.lines) {
        if (l.backorder > 0) owed[`${l.family}|${l.group}`] = (owed[`${l.family}|${l.group}`] || 0) + l.backorder;
      }
    }
    assert.deepEqual(owed, { 'platelets|O NEG': 4 });
    assert.deepEqual(inv.demand, [{ family: 'platelets', group: 'O NEG', orders: 2, backorder: 4, available: 1, short: 3 }]);
    const line = lineOf(inv, 'platelets', 'O NEG');
    assert.equal(line.backorder, 4);
    assert.equal(line.short, 3);
  });

  test('a family and group in demand warns of units expiring tomorrow and of the shortfall; one without demand does not', async () => {
    const inv = await inventory();
    assert.deepEqual(lineOf(inv, 'platelets', 'O NEG').warnings, [
      { kind: 'expiring_0_1', message: '1 expires in 0-1 days: send out first' },
      { kind: 'short', message: 'short by 3' },
    ]);
    // The same family, a group no order wants; a family no order wants.
    const aPos = lineOf(inv, 'platelets', 'A POS');
    assert.deepEqual(aPos.expiring, { '0-1': 1, '2-3': 0 });
    assert.deepEqual(aPos.warnings, []);
    assert.equal(aPos.backorder, 0);
    const redCells = lineOf(inv, 'red_cells', 'A POS');
    assert.equal(redCells.by_band['0-1'], 1);
    assert.deepEqual(redCells.warnings, []);
    // Units expiring in 2-3 days of a group in demand: the next warning.
    const soon = await released('O', 'NEG', 'E0400', 2);
    const later = await inventory();
    assert.deepEqual(lineOf(later, 'platelets', 'O NEG').warnings, [
      { kind: 'expiring_0_1', message: '1 expires in 0-1 days: send out first' },
      { kind: 'expiring_2_3', message: '1 expires in 2-3 days: send out next' },
      { kind: 'short', message: 'short by 2' },
    ]);
    // Once the stock covers the backorder, no shortfall: allocation takes
    // the units expiring first.
    const filled = await ok(post(dist, `/api/v1/orders/${first.id}/allocate`, {}));
    assert.equal(filled.units_allocated, 4);
    const after = await inventory();
    const line = lineOf(after, 'platelets', 'O NEG');
    assert.equal(line.allocated, 4);
    assert.equal(line.available, 0);
    assert.deepEqual(after.demand, [{ family: 'platelets', group: 'O NEG', orders: 2, backorder: 2, available: 0, short: 2 }]);
    assert.deepEqual(line.warnings, [{ kind: 'short', message: 'short by 2' }]);
    const units = await ok(get(dist, '/api/v1/units?status=allocated&group=O%20NEG&family=platelets&center=LA-01'));
    assert.deepEqual(units.items.map((u) => u.id).sort(), [...allocatedUnits, tomorrow.oNeg, soon].map((u) => u.id).sort());
    // Undone, the units are available again and the demand is the whole order again.
    await ok(post(dist, `/api/v1/orders/${first.id}/unallocate`, {}));
    const undone = await inventory();
    assert.equal(lineOf(undone, 'platelets', 'O NEG').allocated, 0);
    assert.equal(lineOf(undone, 'platelets', 'O NEG').available, 4);
    assert.deepEqual(undone.demand, [{ family: 'platelets', group: 'O NEG', orders: 2, backorder: 6, available: 4, short: 2 }]);
  });

  test('filters: a center without the stock is short by the whole backorder; the status filter leaves the demand as it is', async () => {
    const ny = await inventory('?center=NY-01');
    assert.deepEqual(ny.lines, []);
    assert.deepEqual(ny.demand, [{ family: 'platelets', group: 'O NEG', orders: 2, backorder: 6, available: 0, short: 6 }]);
    const redCells = await inventory('?family=red_cells');
    assert.deepEqual(redCells.demand, []);
    assert.ok(redCells.lines.length > 0, 'red cells are on the shelves');
    assert.ok(redCells.lines.every((l) => l.warnings.length === 0), 'no demand for red cells: no warning');
    const quarantined = await inventory('?status=quarantined');
    assert.deepEqual(quarantined.demand.map((d) => [d.available, d.short]), [[4, 2]]);
    // Center staff of NY-01 see the demand against NY-01's shelves only.
    await srv.addUser(admin, 'nystaff', 'center_staff', 'nystaff-password-1', { centers: 'NY-01' });
    const ny1 = await srv.login('nystaff', 'nystaff-password-1');
    const scoped = await inventory('', ny1);
    assert.deepEqual(scoped.lines, []);
    assert.deepEqual(scoped.demand.map((d) => [d.backorder, d.available, d.short]), [[6, 0, 6]]);
    // Refused filters still name the field.
    assertError(await srv.api('GET', '/api/v1/inventory?status=shipped', { token: dist.token }), 400, 'invalid_input', { field: 'status' });
  });

  test('the command line shows the available, allocated and demand columns with the warnings', async () => {
    await ok(post(dist, `/api/v1/orders/${second.id}/allocate`, {}));
    const shown = srv.cli('inventory', '--center', 'LA-01', '--family', 'platelets');
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /AVAILABLE\s+ALLOCATED\s+BACKORDER\s+WARNING/);
    const oNeg = shown.stdout.split('\n').find((l) => /LA-01\s+platelets\s+O NEG/.test(l));
    // Bands expired..15+, units, available, allocated, backorder, warnings:
    // the unit expiring tomorrow went to the second order (first expiring,
    // first out), the first order still owes 5.
    assert.match(oNeg, /\s0\s+1\s+1\s+2\s+0\s+0\s+4\s+3\s+1\s+5\s+1 expires in 2-3 days: send out next; short by 2\s*$/);
    assert.match(shown.stdout.split('\n').find((l) => /LA-01\s+platelets\s+A POS/.test(l)), /\s1\s+1\s+0\s+0\s+-\s*$/);
    assert.match(shown.stdout, /Demand of the open orders/);
    assert.match(shown.stdout, /platelets\s+O NEG\s+1\s+5\s+3\s+2/);
    assert.match(shown.stdout, /5 units in inventory as of .* \(4 available, 1 allocated\)/);
    const json = JSON.parse(srv.cli('inventory', '--format', 'json').stdout);
    assert.deepEqual(json.demand, (await inventory()).demand);
  });
});
