'use strict';
/*
 * returns.test.js - units returned by hospitals over HTTP and the command
 * line (docs/distribution.md, "Returns"): a return with the cold chain
 * kept puts the unit back on the shelf (released), credits it under the
 * contract's return policy (within its days, at its percentage) and puts
 * its cost back into inventory; a return with the chain broken discards
 * the unit with why and credits nothing; a return after the policy's days
 * is not credited; the cold-chain limits are data an administrator edits;
 * a unit never shipped, or shipped to another hospital, is refused naming
 * `din`, and a temperature that is not a number naming `temperature`,
 * with the database unchanged; net units sold (shipped less returned with
 * credit) agree with the ledger's blood-products revenue and the invoices,
 * and stand in the quarterly report beside blood-products revenue. Runs on SQLite and PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

const LAB_PASSWORD = 'lab1-password-1';

const { fromNow } = chain;

describe('returns: the cold chain decides, the contract credits', () => {
  let srv;
  let admin;
  let lab;
  let dist;
  const units = []; // shipped units: {din, unit, price, shipment}
  let neverShipped;

  const { post, get, ok, refused } = calls(() => srv);
  const put = (session, route, body) => srv.api('PUT', route, { token: session.token, body });

  const released = async (abo = 'O', rhd = 'POS') => {
    const u = await chain.releasedUnit(srv, admin, lab, { username: 'lab1', password: LAB_PASSWORD, abo, rhd });
    return { id: u.id, din: u.din };
  };

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    await chain.setupCenter(srv, admin);
    chain.importDemoCatalog(srv);
    for (const code of ['CEDARS', 'MERCY'])
      await ok(post(admin, '/api/v1/hospitals', { code, name: `${code} Hospital`, market: 'SOCAL' }), 201);
    await srv.addUser(admin, 'lab1', 'lab', LAB_PASSWORD);
    await srv.addUser(admin, 'dist', 'distribution');
    lab = await srv.login('lab1', LAB_PASSWORD);
    dist = await srv.login('dist', 'dist-password-1');
    const contract = await ok(post(dist, '/api/v1/contracts', {
      hospital: 'CEDARS', from: chain.day(-60), return_days: 3, return_credit: '80',
    }), 201);
    await ok(post(dist, `/api/v1/contracts/${contract.id}/prices`, { family: 'red_cells', price: '200.01' }));
    for (let i = 0; i < 4; i++) await released();
    const o = await ok(post(dist, '/api/v1/orders', { hospital: 'CEDARS', priority: 'routine', needed_by: fromNow(6) }), 201);
    await ok(post(dist, `/api/v1/orders/${o.id}/lines`, { family: 'red_cells', group: 'O POS', quantity: 3 }), 201);
    const allocated = await ok(post(dist, `/api/v1/orders/${o.id}/allocate`, {}));
    const dins = allocated.lines[0].allocations.map((a) => a.din);
    const s = await ok(post(dist, '/api/v1/shipments', {
      order: o.id, scans: dins.map((din) => ({ din })), temperature: '4', shipper: 'Courier', date: chain.day(-1),
    }), 201);
    units.push(...s.units.map((u) => ({ ...u, shipment: s.id, invoice: s.invoice })));
    const shipped = new Set(dins);
    const all = await ok(get(admin, '/api/v1/units?status=released'));
    neverShipped = all.items.find((u) => !shipped.has(u.din));
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('bad returns are refused naming the field; nothing changes', async () => {
    const body = (extra) => ({ din: units[0].din, date: chain.day(0), temperature: '4', seal: 'intact', minutes_out: 10, ...extra });
    await refused(() => post(dist, '/api/v1/returns', body({ din: neverShipped.din })), 'din', /never shipped/);
    await refused(() => post(dist, '/api/v1/returns', body({ hospital: 'MERCY' })), 'din', /shipped to CEDARS, not to MERCY/);
    await refused(() => post(dist, '/api/v1/returns', body({ temperature: 'warm' })), 'temperature', /not a number/);
    await refused(() => post(dist, '/api/v1/returns', body({ temperature: '4e0' })), 'temperature', /not a number/);
    await refused(() => post(dist, '/api/v1/returns', body({ seal: 'torn' })), 'seal', /intact or broken/);
    await refused(() => post(dist, '/api/v1/returns', body({ minutes_out: -1 })), 'minutes_out');
    await refused(() => post(dist, '/api/v1/returns', body({ date: chain.day(-2) })), 'date', /cannot come back before/);
    // tomorrow where the hospital is (Los Angeles), even while it is already tomorrow in UTC
    await refused(() => post(dist, '/api/v1/returns', body({ date: chain.day(1) })), 'date', /in the future/);
  });

  test('the cold chain kept: back on the shelf, credited at 80 %, its cost back in inventory', async () => {
    const u = units[0];
    const r = await ok(post(dist, '/api/v1/returns', {
      din: u.din, hospital: 'CEDARS', date: chain.day(0), temperature: 4.5, seal: 'intact', minutes_out: 20,
    }), 201);
    assert.equal(r.cold_chain_kept, true);
    assert.equal(r.outcome, 'released');
    assert.equal(r.credit, '160.01'); /* 200.01 x 80 % = 160.008 */
    assert.ok(r.credit_memo);
    const unit = await ok(get(admin, `/api/v1/units/${u.unit}`));
    assert.equal(unit.status, 'released');
    const entry = await ok(get(admin, `/api/v1/journal/${r.journal_entry}`));
    assert.deepEqual(entry.lines.map((l) => [l.account, l.center, l.amount]),
      [['1200', 'LA-01', '140.00'], ['5000', 'LA-01', '-140.00']]);
    /* the credit memo reverses blood-products revenue at the unit's center */
    const credits = await ok(get(admin, '/api/v1/journal?account=4000'));
    const memo = credits.items.find((i) => /Credit memo/.test(i.description));
    assert.equal(memo.account_debits, '160.01');
    /* returned twice: no longer out */
    await refused(() => post(dist, '/api/v1/returns', {
      din: u.din, date: chain.day(0), temperature: '4', seal: 'intact', minutes_out: 0,
    }), 'din', /returned already/);
  });

  test('the cold chain broken: discarded with why, no credit', async () => {
    const warm = await ok(post(dist, '/api/v1/returns', {
      din: units[1].din, date: chain.day(0), temperature: '12', seal: 'intact', minutes_out: 5,
    }), 201);
    assert.equal(warm.cold_chain_kept, false);
    assert.equal(warm.outcome, 'discarded');
    assert.equal(warm.reason, 'received at 12.0 C, outside 1.0 to 10.0 C');
    assert.equal(warm.credit, '0.00');
    assert.equal(warm.credit_memo, null);
    assert.equal(warm.journal_entry, null);
    const unit = await ok(get(admin, `/api/v1/units/${units[1].unit}`));
    assert.equal(unit.status, 'discarded');
    assert.match(unit.events[unit.events.length - 1].reason, /outside 1\.0 to 10\.0 C/);
  });

  test('the limits are data: an administrator narrows them, the command line applies them', async () => {
    const limits = await ok(get(dist, '/api/v1/return-limits'));
    const red = limits.limits.find((l) => l.family === 'red_cells');
    assert.deepEqual([red.min_temperature, red.max_temperature, red.max_minutes_out], ['1.0', '10.0', 30]);
    assert.equal(limits.limits.find((l) => l.family === 'platelets').max_minutes_out, null);
    await refused(() => put(admin, '/api/v1/return-limits/red_cells', { min_temperature: '6', max_temperature: '2' }),
      'max_temperature', /below the minimum/);
    await ok(put(admin, '/api/v1/return-limits/red_cells', { min_temperature: '2', max_temperature: '6', max_minutes_out: 15 }));
    const r = srv.cli('return', 'record', units[2].din, '--date', chain.day(0), '--temperature', '4',
      '--seal', 'intact', '--minutes-out', '20', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const recorded = JSON.parse(r.stdout);
    assert.equal(recorded.outcome, 'discarded');
    assert.equal(recorded.reason, '20 minutes out of controlled storage, more than 15');
  });

  test('a return after the policy\'s days goes back on the shelf without credit', async () => {
    const o = await ok(post(dist, '/api/v1/orders', { hospital: 'CEDARS', priority: 'routine', needed_by: fromNow(6) }), 201);
    await ok(post(dist, `/api/v1/orders/${o.id}/lines`, { family: 'red_cells', group: 'O POS', quantity: 1 }), 201);
    const allocated = await ok(post(dist, `/api/v1/orders/${o.id}/allocate`, {}));
    const din = allocated.lines[0].allocations[0].din;
    await ok(post(dist, '/api/v1/shipments', {
      order: o.id, scans: [{ din }], temperature: '4', shipper: 'Courier', date: chain.day(-5),
    }), 201);
    const late = await ok(post(dist, '/api/v1/returns', {
      din, date: chain.day(0), temperature: '4', seal: 'intact', minutes_out: 5,
    }), 201);
    assert.equal(late.outcome, 'released');
    assert.equal(late.credit, '0.00');
    assert.equal(late.credit_memo, null);
  });

  test('net units sold: shipped less returned with credit, agreeing with the ledger and the invoice lines', async () => {
    const year = chain.day(0).slice(0, 4);
    const sales = await ok(get(dist, `/api/v1/sales/units?period=${year}`));
    assert.equal(sales.period, year);
    const cents = (t) => Math.round(Number(t) * 100);
    /* the ledger's blood-products revenue of the same days, by center */
    const journal = await ok(get(admin, `/api/v1/journal?account=4000&from=${sales.from}&to=${sales.to}`));
    let ledger = 0;
    for (const i of journal.items) ledger += cents(i.account_credits) - cents(i.account_debits);
    assert.equal(cents(sales.total.revenue), ledger);
    assert.ok(sales.rows.length > 0 && Number(sales.total.net_units) > 0, JSON.stringify(sales));
    for (const row of sales.rows) assert.equal(row.center, 'LA-01');
    /* every shipment of the test in this year: the exact figures */
    if (chain.day(-5).slice(0, 4) === year) {
      assert.deepEqual(sales.total, {
        units_shipped: 4, units_returned: 4, units_returned_credited: 1, net_units: 3,
        revenue: '640.03', average_price: '213.34',
      });
      assert.deepEqual(sales.families.map((f) => [f.family, f.net_units]), [['red_cells', 3]]);
      /* the invoice lines of the shipments: the prices before the credit */
      const invoices = await ok(get(admin, '/api/v1/invoices?customer=CEDARS'));
      let lines = 0;
      for (const i of invoices.items) lines += cents(i.total);
      assert.equal(lines - 16001, cents(sales.total.revenue));
    }
    await refused(() => get(dist, '/api/v1/sales/units?period=2004Q5'), 'period');
    const r = srv.cli('sales', 'units', '--period', year, '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).total, sales.total);
  });

  test('the quarterly report shows the net units sold beside blood-products revenue', async () => {
    const today = chain.day(0);
    const quarter = `${today.slice(0, 4)}Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
    const sales = await ok(get(dist, `/api/v1/sales/units?period=${quarter}`));
    assert.ok(sales.total.net_units > 0);
    const report = await ok(get(admin, `/api/v1/reports/quarterly?period=${quarter}`));
    assert.equal(report.current.net_units_sold, sales.total.net_units);
    assert.equal(report.current.units_shipped, sales.total.units_shipped);
    assert.equal(report.current.units_returned_credited, sales.total.units_returned_credited);
    const text = await srv.api('GET', `/api/v1/reports/quarterly?period=${quarter}&format=text`, { token: admin.token });
    assert.equal(text.status, 200);
    assert.match(text.text, new RegExp(`Net units sold, blood products \\(units\\)\\s+${sales.total.net_units}\\b`));
    const html = await srv.api('GET', `/api/v1/reports/quarterly?period=${quarter}&format=html`, { token: admin.token });
    assert.match(html.text, /Net units sold, blood products \(units\)/);
  });
});
