'use strict';
/*
 * shipments.test.js - shipping an order's allocated units over HTTP and
 * the command line (docs/distribution.md, "Shipments"): the units
 * confirmed by their DINs, each priced under the contract version in force
 * on the ship date (a renewal with higher prices prices later shipments),
 * in the same transaction the units shipped to the hospital, a draft
 * invoice of the shipment with a line per unit, the cost and revenue
 * posting by center, and the order closed when filled; the unit's page and
 * the lookback's consignee list say where it went; the ledger's
 * blood-products revenue by center equals the invoice lines by center; an
 * order cancelled after a partial shipment keeps what it shipped; bad
 * input (a DIN not on the allocation, already shipped, a temperature that
 * is not a number, a ship date with no contract in force) refused naming
 * the field with the database unchanged. Runs on SQLite and PostgreSQL
 * alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

const LAB_PASSWORD = 'lab1-password-1';

const { fromNow } = chain;
const cents = (text) => Math.round(Number(text) * 100);

describe('shipments: scanned DINs, priced by the version in force, invoiced and posted', () => {
  let srv;
  let admin;
  let lab;
  let dist;
  let contract;

  const { post, get, ok, refused } = calls(() => srv);

  const released = (abo, rhd, product = 'E0300', daysAgo = 1) =>
    chain.releasedUnit(srv, admin, lab, { username: 'lab1', password: LAB_PASSWORD, abo, rhd, product, daysAgo });
  async function allocatedOrder(priority, quantity, family = 'red_cells') {
    const o = await ok(post(dist, '/api/v1/orders', { hospital: 'CEDARS', priority, needed_by: fromNow(6) }), 201);
    await ok(post(dist, `/api/v1/orders/${o.id}/lines`, { family, group: 'O POS', quantity }), 201);
    return ok(post(dist, `/api/v1/orders/${o.id}/allocate`, {}));
  }
  const dinsOf = (order) => order.lines.flatMap((l) => l.allocations.map((a) => a.din));

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    await chain.setupCenter(srv, admin);
    chain.importDemoCatalog(srv);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'SOCAL' }), 201);
    await srv.addUser(admin, 'lab1', 'lab', LAB_PASSWORD);
    await srv.addUser(admin, 'dist', 'distribution');
    lab = await srv.login('lab1', LAB_PASSWORD);
    dist = await srv.login('dist', 'dist-password-1');
    contract = await ok(post(dist, '/api/v1/contracts', {
      hospital: 'CEDARS', from: chain.day(-60), return_days: 3, return_credit: '80',
    }), 201);
    await ok(post(dist, `/api/v1/contracts/${contract.id}/prices`, { family: 'red_cells', price: '200.00' }));
    await ok(post(dist, `/api/v1/contracts/${contract.id}/surcharges`, { kind: 'stat_delivery', price: '50.00' }));
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  let shipped;
  test('bad scans are refused naming the scan, the DIN and why; nothing changes', async () => {
    await released('O', 'POS');
    await released('O', 'POS');
    const stranger = await released('O', 'POS');
    const o = await allocatedOrder('routine', 2);
    const dins = dinsOf(o);
    assert.equal(dins.length, 2);
    const body = (extra) => ({ order: o.id, scans: dins.map((din) => ({ din })), temperature: '4', shipper: 'Courier A', ...extra });
    await refused(() => post(dist, '/api/v1/shipments', body({ scans: [{ din: dins[0] }, { din: stranger.din }] })),
      'scans[1]', /not on the allocation of order/);
    await refused(() => post(dist, '/api/v1/shipments', body({ temperature: 'cold' })), 'temperature', /not a number/);
    for (const temperature of [' 4', '+4', '4e0', '0x4', 'nan', '4.', '.5', '4 C'])
      await refused(() => post(dist, '/api/v1/shipments', body({ temperature })), 'temperature', /not a number/);
    await refused(() => post(dist, '/api/v1/shipments', body({ scans: [{ din: 'W1234' }] })), 'scans[0]', /not a DIN/);
    await refused(() => post(dist, '/api/v1/shipments', body({ shipper: '' })), 'shipper');
    await refused(() => post(dist, '/api/v1/shipments', body({ date: chain.day(-90) })), 'date', /no contract of hospital CEDARS is in force/);
    await refused(() => post(dist, '/api/v1/shipments', body({ date: chain.day(1) })), 'date', /cannot be in the future/);
    shipped = { order: o, dins, stranger };
  });

  test('a shipment: units shipped, priced under the version in force, invoiced, posted by center; the order closes', async () => {
    const { order, dins } = shipped;
    const s = await ok(post(dist, '/api/v1/shipments', {
      order: order.id, scans: dins.map((din) => ({ din })), temperature: 4.5, shipper: 'Courier A', date: chain.day(-10),
    }), 201);
    assert.equal(s.hospital, 'CEDARS');
    assert.equal(s.ship_date, chain.day(-10));
    assert.equal(s.temperature, '4.5');
    assert.equal(s.contract, contract.id);
    assert.equal(s.order_status, 'shipped');
    assert.equal(s.units.length, 2);
    assert.deepEqual(s.units.map((u) => u.price), ['200.00', '200.00']);
    assert.equal(s.total, '400.00');
    // The answer and the audit record are written from the values shipped:
    // both must be the shipment as it reads back.
    assert.deepEqual(await ok(get(dist, `/api/v1/shipments/${s.id}`)), s);
    const trail = await ok(get(admin, `/api/v1/audit?entity=shipment&entity_id=${s.id}`));
    assert.deepEqual(trail.items.map((r) => [r.action, r.after]), [['create', s]]);
    const closing = await ok(get(admin, `/api/v1/audit?entity=order&entity_id=${order.id}&action=close`));
    assert.deepEqual(closing.items.map((r) => [r.before, r.after, r.reason]),
      [[{ status: 'open' }, { status: 'shipped' }, 'filled by its shipments']]);
    for (const u of s.units) {
      const unit = await ok(get(admin, `/api/v1/units/${u.unit}`));
      assert.equal(unit.status, 'shipped');
      assert.equal(unit.hospital, 'CEDARS');
      assert.deepEqual(unit.shipment, { id: s.id, date: chain.day(-10), hospital: 'CEDARS' });
    }
    shipped.shipment = s;
    const invoice = await ok(get(admin, `/api/v1/invoices/${s.invoice}`));
    assert.equal(invoice.status, 'draft');
    assert.equal(invoice.total, '400.00');
    assert.equal(invoice.lines.length, 2);
    const listed = await ok(get(dist, `/api/v1/shipments?order=${order.id}`));
    assert.deepEqual(listed.items.map((i) => [i.id, i.units, i.total, i.invoice]), [[s.id, 2, '400.00', s.invoice]]);
    const entry = await ok(get(admin, `/api/v1/journal/${s.journal_entry}`));
    const byAccount = {};
    for (const l of entry.lines) byAccount[l.account] = (byAccount[l.account] || 0) + cents(l.amount);
    assert.equal(byAccount['1150'], 40000, JSON.stringify(entry));
    assert.equal(byAccount['4000'], -40000);
    assert.equal(byAccount['5000'], 28000);
    assert.equal(byAccount['1200'], -28000);
    assert.ok(entry.lines.every((l) => l.center === 'LA-01'), JSON.stringify(entry.lines));
    /* scanned again: already shipped */
    const again = await allocatedOrder('routine', 1);
    await refused(() => post(dist, '/api/v1/shipments', { order: again.id, scans: [{ din: dins[0] }], temperature: '4', shipper: 'x' }),
      'scans[0]', /already shipped \(shipment/);
    shipped.again = again;
  });

  test('after a renewal with higher prices, a STAT shipment is priced by the new version with its surcharge', async () => {
    const renewed = await ok(post(dist, `/api/v1/contracts/${contract.id}/renewals`, { from: chain.day(-5), increase: '10' }), 201);
    await released('O', 'POS');
    const o = await allocatedOrder('stat', 1);
    const s = await ok(post(dist, '/api/v1/shipments', {
      order: o.id, scans: dinsOf(o).map((din) => ({ din })), temperature: '3', shipper: 'Courier B',
    }), 201);
    assert.equal(s.contract, renewed.id);
    assert.equal(s.units[0].price, '275.00'); /* 220.00 + 55.00 */
  });

  test('the ledger\'s blood-products revenue by center equals the shipments\' invoice lines', async () => {
    const tb = await ok(get(admin, `/api/v1/journal?account=4000`));
    let revenue = 0;
    for (const item of tb.items) revenue += cents(item.account_credits) - cents(item.account_debits);
    const invoices = await ok(get(admin, '/api/v1/invoices?customer=CEDARS'));
    let lines = 0;
    for (const i of invoices.items) lines += cents(i.total);
    assert.equal(revenue, lines);
    assert.equal(revenue, 40000 + 27500);
  });

  test('a lookback of a shipped unit\'s donor lists the hospital, the shipment and its date', async () => {
    const plasma = await released('O', 'POS', 'E0500', 70);
    const inForce = (await ok(get(dist, `/api/v1/contracts/in-force?hospital=CEDARS&date=${chain.day(0)}`))).contract;
    await ok(post(dist, `/api/v1/contracts/${inForce.id}/prices`, { family: 'plasma', price: '60.00' }));
    const o = await allocatedOrder('routine', 1, 'plasma');
    const s = await ok(post(dist, '/api/v1/shipments', {
      order: o.id, scans: [{ din: plasma.din }], temperature: '-20', shipper: 'Freezer van',
    }), 201);
    // shipped today where the hospital is (its market's zone), not on the UTC date
    assert.equal(s.ship_date, chain.day(0));
    const unit = s.units[0];
    const donor = plasma.donor;
    const trigger = await chain.donate(srv, admin, { donor, products: ['E0300'] });
    const r = await chain.importResults(srv, lab, chain.resultsCsv(chain.panelRows(trigger.din, chain.day(0),
      { overrides: { HIV: 'reactive', NAT_HIV: 'R' } })));
    assert.equal(r.lookback_cases.length, 1);
    const c = await ok(get(lab, `/api/v1/lookback-cases/${r.lookback_cases[0]}`));
    const traced = c.units.find((u) => u.unit_id === unit.unit);
    assert.equal(traced.action, 'shipped');
    assert.equal(traced.hospital, 'CEDARS');
    assert.equal(traced.shipment, s.id);
    assert.equal(traced.shipped_on, s.ship_date);
    assert.deepEqual(c.hospitals, ['CEDARS']);
    // the printed report says so too: the unit's row with its ship date and hospital
    const report = await srv.api('GET', `/api/v1/lookback-cases/${c.id}/report`, { token: lab.token });
    assert.equal(report.status, 200, report.text);
    const row = report.text.split('\n').find((line) => line.includes(traced.eye_readable));
    assert.ok(row, report.text);
    assert.match(row, new RegExp(`shipped\\s+${s.ship_date}\\s+CEDARS`));
  });

  test('the command line ships and shows a shipment', async () => {
    const o = shipped.again;
    const din = dinsOf(o)[0];
    /* more scans than an invoice has lines: refused naming the field, none dropped */
    const many = Array(401).fill(din);
    const tooMany = srv.cli('shipment', 'create', String(o.id), '--scan', many.join(','), '--temperature', '5', '--shipper', 'Van 3');
    assert.notEqual(tooMany.status, 0);
    assert.match(tooMany.stderr, /scan.*at most 400 units/);
    await refused(() => post(dist, '/api/v1/shipments', { order: o.id, scans: many.map((d) => ({ din: d })), temperature: '5', shipper: 'Van 3' }),
      'scans', /at most 400 units/);
    const r = srv.cli('shipment', 'create', String(o.id), '--scan', din, '--temperature', '5', '--shipper', 'Van 3', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.units[0].din, din);
    const shown = srv.cli('shipment', 'show', String(s.id));
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /Van 3/);
    const file = require('node:path').join(srv.dir, 'packing.pdf');
    const pdf = srv.cli('shipment', 'show', String(s.id), '--format', 'pdf', '--output', file);
    assert.equal(pdf.status, 0, pdf.stderr);
    assert.equal(require('node:fs').readFileSync(file).subarray(0, 5).toString(), '%PDF-');
  });

  test('an order cancelled after part of it shipped: the shipped unit stays shipped and billed, the other goes back on the shelf', async () => {
    await released('O', 'POS');
    await released('O', 'POS');
    const o = await allocatedOrder('routine', 2);
    const allocations = o.lines[0].allocations;
    assert.equal(allocations.length, 2);
    const [sent, kept] = allocations;
    const s = await ok(post(dist, '/api/v1/shipments', {
      order: o.id, scans: [{ din: sent.din }], temperature: '4', shipper: 'Courier C',
    }), 201);
    assert.equal(s.order_status, 'open');
    const cancelled = await ok(post(dist, `/api/v1/orders/${o.id}/cancel`, { reason: 'the second unit is no longer needed' }));
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(cancelled.lines[0].allocations.map((a) => a.din), [sent.din], 'the shipped unit stays on the order');
    assert.equal((await ok(get(admin, `/api/v1/units/${sent.unit}`))).status, 'shipped');
    assert.equal((await ok(get(admin, `/api/v1/units/${kept.unit}`))).status, 'released');
    const after = await ok(get(dist, `/api/v1/shipments/${s.id}`));
    assert.deepEqual([after.order_status, after.units.map((u) => u.din)], ['cancelled', [sent.din]]);
    assert.equal((await ok(get(admin, `/api/v1/invoices/${s.invoice}`))).lines.length, 1);
  });

  test('the packing list as text, HTML and PDF lists every unit by its printed DIN', async () => {
    const s = shipped.shipment;
    const text = await srv.api('GET', `/api/v1/shipments/${s.id}/packing-list`, { token: dist.token });
    assert.equal(text.status, 200);
    assert.match(text.text, new RegExp(`PACKING LIST - SHIPMENT ${s.id}`));
    assert.match(text.text, /Cedars Hospital \(CEDARS\)/);
    assert.match(text.text, /Packed at\s+4\.5 C/);
    for (const u of s.units) assert.ok(text.text.includes(u.eye_readable), u.eye_readable);
    const html = await srv.api('GET', `/api/v1/shipments/${s.id}/packing-list?format=html`, { token: dist.token });
    assert.match(html.headers.get('content-type'), /text\/html/);
    assert.match(html.text, /<h1>Packing list, shipment/);
    const pdf = await srv.api('GET', `/api/v1/shipments/${s.id}/packing-list?format=pdf`, { token: dist.token });
    assert.match(pdf.headers.get('content-type'), /application\/pdf/);
    const bad = await srv.api('GET', `/api/v1/shipments/${s.id}/packing-list?format=docx`, { token: dist.token });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.field, 'format');
  });
});
