'use strict';
/*
 * orders.test.js - hospitals' orders and their allocation over HTTP and
 * the command line (docs/distribution.md): an order with its priority's
 * clock and its lines; the open-orders board (deadline, time left, overdue,
 * sort, offset, total); allocation of released units first expiring first,
 * the exact group before a substitute, an RhD-negative unit for an
 * RhD-positive line and never the reverse, attributes honoured, a partial
 * fill leaving a backorder, each substitution shown; the allocation
 * undone; an order cancelled for a reason, its units back on the shelf;
 * the substitution table edited by an administrator and audited;
 * 8 clients allocating the same inventory at once never get the same
 * unit; bad input refused naming the field with the database unchanged.
 * Runs on SQLite and PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

const LAB_PASSWORD = 'lab1-password-1';

const { fromNow } = chain;

describe('orders: clocks, allocation with substitution, backorders, undo', () => {
  let srv;
  let admin;
  let lab;
  let dist;
  let auditor;
  let finance;

  const { post, get, ok, refused } = calls(() => srv);

  /* A released unit of `product` typed `abo` `rhd`, collected `daysAgo`
   * days ago (its expiry follows): {id, din, ...}. */
  const released = (abo, rhd, product = 'E0300', daysAgo = 1) =>
    chain.releasedUnit(srv, admin, lab, { username: 'lab1', password: LAB_PASSWORD, abo, rhd, product, daysAgo });
  async function order(hospital, priority, lines, neededInHours = 6) {
    const o = await ok(post(dist, '/api/v1/orders', { hospital, priority, needed_by: fromNow(neededInHours) }), 201);
    let shown = o;
    for (const line of lines) shown = await ok(post(dist, `/api/v1/orders/${o.id}/lines`, line), 201);
    return shown;
  }
  async function status(unit) {
    return (await ok(get(admin, `/api/v1/units/${unit.id}`))).status;
  }

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    await chain.setupCenter(srv, admin);
    chain.importDemoCatalog(srv);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'SOCAL' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'MERCY', name: 'Mercy Hospital', market: 'SOCAL' }), 201);
    await srv.addUser(admin, 'lab1', 'lab', LAB_PASSWORD);
    await srv.addUser(admin, 'dist', 'distribution');
    await srv.addUser(admin, 'aud', 'auditor');
    await srv.addUser(admin, 'fin', 'finance');
    lab = await srv.login('lab1', LAB_PASSWORD);
    dist = await srv.login('dist', 'dist-password-1');
    auditor = await srv.login('aud', 'aud-password-1');
    finance = await srv.login('fin', 'fin-password-1');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('an order with its lines and the clock of its priority', async () => {
    const o = await order('CEDARS', 'stat', [
      { family: 'red_cells', group: 'O NEG', quantity: 2 },
      { family: 'platelets', group: 'A+', quantity: '1', irradiated: true },
    ]);
    assert.equal(o.priority, 'stat');
    assert.equal(o.status, 'open');
    assert.equal(Date.parse(o.deadline) - Date.parse(o.ordered_at), 3600e3);
    assert.ok(o.seconds_left > 3500 && o.seconds_left <= 3600, `${o.seconds_left}`);
    assert.equal(o.overdue, false);
    assert.deepEqual(o.lines.map((l) => [l.family, l.group, l.quantity, l.irradiated, l.backorder]),
      [['red_cells', 'O NEG', 2, false, 2], ['platelets', 'A POS', 1, true, 1]]);
    assert.equal(o.units_ordered, 3);
    const asap = await order('MERCY', 'asap', [{ family: 'plasma', group: 'AB POS', quantity: 1 }]);
    assert.equal(Date.parse(asap.deadline) - Date.parse(asap.ordered_at), 4 * 3600e3);
    const routine = await order('MERCY', 'routine', []);
    assert.equal(Date.parse(routine.deadline) - Date.parse(routine.ordered_at), 24 * 3600e3);
    /* the board: open orders, nearest deadline first, with the total */
    const board = await ok(get(dist, '/api/v1/orders?status=open&sort=deadline&offset=0&limit=2'));
    assert.equal(board.total, 3);
    assert.deepEqual(board.items.map((i) => i.priority), ['stat', 'asap']);
    const rest = await ok(get(dist, '/api/v1/orders?status=open&sort=deadline&offset=2&limit=2'));
    assert.deepEqual(rest.items.map((i) => i.priority), ['routine']);
    const byHospital = await ok(get(auditor, '/api/v1/orders?hospital=MERCY&sort=-priority&offset=0'));
    assert.deepEqual(byHospital.items.map((i) => i.priority), ['routine', 'asap']);
    assert.equal((await get(finance, '/api/v1/orders')).status, 403);
    /* keyset pages: after an id, the orders past it; a cursor not a number refused */
    const all = await ok(get(dist, '/api/v1/orders'));
    const past = await ok(get(dist, `/api/v1/orders?after=${all.items[0].id}`));
    assert.deepEqual(past.items.map((i) => i.id), all.items.slice(1).map((i) => i.id));
    for (const bad of ['abc', '2x', '-1'])
      await refused(() => get(dist, `/api/v1/orders?after=${bad}`), 'after');
  });

  test('allocation: FEFO, the exact group first, RhD-negative for positive never the reverse, attributes, backorder, undo', async () => {
    const aPosLate = await released('A', 'POS', 'E0300', 2); // expires in 40 days
    const aPosIrr = await released('A', 'POS', 'E0301', 3); // irradiated: 28 days, expires first
    const aNeg = await released('A', 'NEG', 'E0300', 9);
    const oNegOld = await released('O', 'NEG', 'E0300', 12);
    const oNegNew = await released('O', 'NEG', 'E0300', 4);
    const bPos = await released('B', 'POS', 'E0300', 6);
    const o = await order('CEDARS', 'asap', [
      { family: 'red_cells', group: 'A POS', quantity: 3 },
      { family: 'red_cells', group: 'B NEG', quantity: 3 },
      { family: 'red_cells', group: 'O POS', quantity: 1, irradiated: true },
    ]);
    const allocated = await ok(post(dist, `/api/v1/orders/${o.id}/allocate`, {}));
    const [aLine, bLine, oLine] = allocated.lines;
    /* A POS: the two A POS first (the irradiated one expires first), then A NEG */
    assert.deepEqual(aLine.allocations.map((a) => [a.unit, a.group, a.substitution]),
      [[aPosIrr.id, 'A POS', false], [aPosLate.id, 'A POS', false], [aNeg.id, 'A NEG', true]]);
    assert.equal(aLine.backorder, 0);
    /* B NEG: no B NEG; B POS may not go to an RhD-negative recipient; O NEG
     * substitutes, oldest first; one still owed */
    assert.deepEqual(bLine.allocations.map((a) => [a.unit, a.group, a.substitution]),
      [[oNegOld.id, 'O NEG', true], [oNegNew.id, 'O NEG', true]]);
    assert.equal(bLine.allocated, 2);
    assert.equal(bLine.backorder, 1);
    assert.equal(await status(bPos), 'released');
    /* irradiated O POS: no irradiated O unit (the irradiated A POS is not O) */
    assert.equal(oLine.allocated, 0);
    assert.equal(oLine.backorder, 1);
    assert.equal(allocated.units_allocated, 5);
    assert.equal(allocated.backorder, 2);
    assert.equal(await status(aPosIrr), 'allocated');
    assert.equal(bLine.allocations[0].eye_readable, chain.eyeReadable(srv, oNegOld.din));
    /* allocating again takes nothing more: the units left do not fit */
    const again = await ok(post(dist, `/api/v1/orders/${o.id}/allocate`, {}));
    assert.equal(again.units_allocated, 5);
    /* the command line shows the substitutions */
    const shown = srv.cli('order', 'show', String(o.id));
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /O NEG\s+yes/);
    /* undo: every unit back on the shelf, the lines owed again */
    const undone = await ok(post(dist, `/api/v1/orders/${o.id}/unallocate`, { reason: 'hospital cancelled' }));
    assert.equal(undone.units_allocated, 0);
    assert.deepEqual(undone.lines.map((l) => l.backorder), [3, 3, 1]);
    for (const unit of [aPosLate, aPosIrr, aNeg, oNegOld, oNegNew]) assert.equal(await status(unit), 'released');
    await refused(() => post(dist, `/api/v1/orders/${o.id}/unallocate`, {}), 'order', /nothing allocated/);
    const trail = await ok(get(auditor, `/api/v1/audit?entity=order&entity_id=${o.id}`));
    assert.ok(['allocate', 'unallocate'].every((a) => trail.items.some((i) => i.action === a)), JSON.stringify(trail.items.map((i) => i.action)));
  });

  test('the substitution table: the defaults, edited by an administrator only, audited, used', async () => {
    const table = await ok(get(dist, '/api/v1/substitutions'));
    const row = (family, recipient) => table.substitutions.find((s) => s.family === family && s.recipient === recipient).donors;
    assert.deepEqual(row('red_cells', 'AB'), ['A', 'B', 'O']);
    assert.deepEqual(row('red_cells', 'O'), []);
    assert.deepEqual(row('plasma', 'O'), ['A', 'B', 'AB']);
    assert.deepEqual(row('plasma', 'AB'), []);
    assert.equal((await srv.api('PUT', '/api/v1/substitutions/red_cells/A', { token: dist.token, body: { donors: '' } })).status, 403);
    const before = srv.fingerprint();
    const bad = await srv.api('PUT', '/api/v1/substitutions/red_cells/A', { token: admin.token, body: { donors: 'O,Q' } });
    assertError(bad, 400, 'invalid_input', { field: 'donors' });
    assert.equal(srv.fingerprint(), before);
    const set = await srv.api('PUT', '/api/v1/substitutions/red_cells/A', { token: admin.token, body: { donors: 'none' } });
    assert.equal(set.status, 200, set.text);
    /* A POS now takes A units only: the O NEG stay */
    const o = await order('MERCY', 'routine', [{ family: 'red_cells', group: 'A POS', quantity: 4 }]);
    const allocated = await ok(post(dist, `/api/v1/orders/${o.id}/allocate`, {}));
    assert.deepEqual(allocated.lines[0].allocations.map((a) => a.group), ['A POS', 'A POS', 'A NEG']);
    assert.equal(allocated.lines[0].backorder, 1);
    await ok(post(dist, `/api/v1/orders/${o.id}/unallocate`, {}));
    const back = await srv.api('PUT', '/api/v1/substitutions/red_cells/A', { token: admin.token, body: { donors: 'O' } });
    assert.equal(back.status, 200, back.text);
    const trail = await ok(get(auditor, '/api/v1/audit?entity=abo_substitution'));
    assert.equal(trail.items.length, 2);
  });

  test('bad input is refused naming the field, nothing changed', async () => {
    const o = await order('CEDARS', 'routine', []);
    const line = (body) => () => post(dist, `/api/v1/orders/${o.id}/lines`, { family: 'red_cells', group: 'O POS', quantity: 1, ...body });
    await refused(line({ family: 'blood' }), 'family', /not a family/);
    await refused(line({ group: 'C POS' }), 'group', /not a blood group/);
    await refused(line({ group: 'A' }), 'group', /not a blood group/);
    await refused(line({ quantity: 0 }), 'quantity', /1 to 500/);
    await refused(line({ quantity: '2.5' }), 'quantity');
    await refused(() => post(dist, '/api/v1/orders', { hospital: 'CEDARS', priority: 'stat', needed_by: fromNow(-1) }), 'needed_by', /past/);
    await refused(() => post(dist, '/api/v1/orders', { hospital: 'CEDARS', priority: 'stat', needed_by: 'tomorrow' }), 'needed_by');
    await refused(() => post(dist, '/api/v1/orders', { hospital: 'CEDARS', priority: 'urgent', needed_by: fromNow(2) }), 'priority', /stat, asap or routine/);
    await refused(() => post(dist, '/api/v1/orders', { hospital: 'NOWHERE', priority: 'stat', needed_by: fromNow(2) }), 'hospital', /NOWHERE/);
    await refused(() => post(dist, `/api/v1/orders/${o.id}/allocate`, {}), 'order', /no lines/);
    await refused(() => post(dist, '/api/v1/orders/9999/allocate', {}), 'order', /9999/);
    const cli = srv.cli('order', 'line', String(o.id), '--family', 'red_cells', '--group', 'O POS', '--quantity', '0');
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /^bloodops: --quantity: /);
  });

  test('8 clients allocating the same inventory at once never get the same unit', async () => {
    const units = [];
    for (let i = 0; i < 10; i += 1) units.push(await released(i % 2 ? 'A' : 'O', 'POS', 'E0302', 1 + (i % 5)));
    const orders = [];
    /* five O POS and five A POS units; half the orders A POS, which take
     * A units first and then O ones: the clients go through the units in
     * different orders */
    for (let i = 0; i < 8; i += 1) {
      orders.push(await order(i % 2 ? 'CEDARS' : 'MERCY', 'stat',
        [{ family: 'red_cells', group: i % 2 ? 'A POS' : 'O POS', quantity: 3, cmv_negative: true }]));
    }
    const answers = await Promise.all(orders.map((o) => post(dist, `/api/v1/orders/${o.id}/allocate`, {})));
    const taken = [];
    for (const r of answers) {
      assert.equal(r.status, 200, r.text);
      for (const a of r.json.lines[0].allocations) taken.push(a.unit);
    }
    assert.equal(taken.length, 10, `10 units for 24 asked: ${taken}`);
    assert.equal(new Set(taken).size, 10, `a unit allocated twice: ${taken}`);
    const ids = new Set(units.map((u) => u.id));
    assert.ok(taken.every((id) => ids.has(id)));
    const board = await ok(get(dist, '/api/v1/orders?status=open&limit=500'));
    const mine = board.items.filter((i) => orders.some((o) => o.id === i.id));
    assert.equal(mine.reduce((sum, i) => sum + i.units_allocated, 0), 10);
    assert.equal(mine.reduce((sum, i) => sum + i.backorder, 0), 14);
    for (const unit of units) assert.equal(await status(unit), 'allocated');
  });

  test('an order cancelled for a reason: its units back on the shelf, off the board, audited, closed to changes', async () => {
    const unit = await released('B', 'NEG');
    const o = await order('MERCY', 'asap', [{ family: 'red_cells', group: 'B NEG', quantity: 2 }]);
    const allocated = await ok(post(dist, `/api/v1/orders/${o.id}/allocate`, {}));
    /* the B NEG unit, and an O NEG one left by the tests before as its substitute */
    const taken = allocated.lines[0].allocations.map((a) => ({ id: a.unit }));
    assert.equal(taken.length, 2);
    assert.ok(taken.some((t) => t.id === unit.id));
    for (const t of taken) assert.equal(await status(t), 'allocated');
    const cancel = (session, id, body) => post(session, `/api/v1/orders/${id}/cancel`, body);
    await refused(() => cancel(dist, o.id, {}), 'reason');
    await refused(() => cancel(dist, o.id, { reason: '   ' }), 'reason');
    await refused(() => cancel(dist, 9999, { reason: 'gone' }), 'order', /9999/);
    assert.equal((await cancel(finance, o.id, { reason: 'not theirs to cancel' })).status, 403);

    const cancelled = await ok(cancel(dist, o.id, { reason: 'the patient was transferred' }));
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.cancel_reason, 'the patient was transferred');
    assert.equal(cancelled.cancelled_by, 'dist');
    assert.ok(cancelled.cancelled_at);
    assert.equal(cancelled.overdue, false);
    assert.equal(cancelled.backorder, 0, 'a cancelled order owes nothing');
    assert.deepEqual(cancelled.lines.map((l) => [l.allocated, l.backorder]), [[0, 0]]);
    for (const t of taken) assert.equal(await status(t), 'released');
    assert.deepEqual(await ok(get(auditor, `/api/v1/orders/${o.id}`)), cancelled);

    const board = await ok(get(dist, '/api/v1/orders?status=open&limit=500'));
    assert.ok(!board.items.some((i) => i.id === o.id), 'off the board');
    const listed = await ok(get(dist, '/api/v1/orders?status=cancelled'));
    assert.deepEqual(listed.items.map((i) => i.id), [o.id]);
    const trail = await ok(get(auditor, `/api/v1/audit?entity=order&entity_id=${o.id}&action=cancel`));
    assert.deepEqual(trail.items.map((i) => [i.before.status, i.after.status, i.reason]),
      [['open', 'cancelled', 'the patient was transferred']]);
    const unitTrail = await ok(get(auditor, '/api/v1/audit?entity=unit&action=status&limit=50'));
    const why = `order ${o.id} cancelled: the patient was transferred`;
    assert.equal(unitTrail.items.filter((i) => i.after.status === 'released' && i.reason === why).length, 2,
      JSON.stringify(unitTrail.items.slice(0, 3)));

    await refused(() => cancel(dist, o.id, { reason: 'again' }), 'order', /is cancelled, not open/);
    await refused(() => post(dist, `/api/v1/orders/${o.id}/allocate`, {}), 'order', /not open/);
    await refused(() => post(dist, `/api/v1/orders/${o.id}/lines`, { family: 'red_cells', group: 'B NEG', quantity: 1 }), 'order', /not open/);
    await refused(() => get(dist, '/api/v1/orders?status=lost'), 'status', /open, shipped or cancelled/);

    /* the command line: the reason is required there too */
    const twice = await order('MERCY', 'routine', [{ family: 'red_cells', group: 'B NEG', quantity: 1 }]);
    const before = srv.fingerprint();
    const bare = srv.cli('order', 'cancel', String(twice.id));
    assert.equal(bare.status, 1);
    assert.match(bare.stderr, /^bloodops: --reason: /);
    assert.equal(srv.fingerprint(), before);
    const done = srv.cli('order', 'cancel', String(twice.id), '--reason', 'entered twice');
    assert.equal(done.status, 0, done.stderr);
    assert.equal((await ok(get(dist, `/api/v1/orders/${twice.id}`))).status, 'cancelled');
  });
});
