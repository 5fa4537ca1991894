'use strict';
/*
 * demo_company.test.js - the demo company built from operations (`bloodops
 * demo`, docs/demo.md), on either backend: its first quarters of 2004 and
 * 2003 print every published figure to the nearest thousand dollars, and
 * its books agree with its documents:
 *   - the revenue of each center and market in each quarter is what its
 *     invoice lines billed less its credit memos;
 *   - the receivables aging equals the receivables account at every month
 *     end;
 *   - the units the report counts as shipped are the units of the
 *     shipments;
 *   - the audit chain verifies;
 *   - hledger, reading the exported journal, finds the trial balance at
 *     every quarter end and on the books' last day.
 * One seed builds one database (its fingerprint), another seed another;
 * bad options are refused naming them and change nothing; a database that
 * already holds a company is refused.
 *
 * On SQLite the fifteen months are built and every figure checked; on
 * PostgreSQL, where a build is several times slower (a round trip per
 * statement), January 2003 is built and the books checked against the
 * documents over it. The build runs the plain binary (the sanitizers'
 * build would take three times as long); every command after it runs the
 * suite's binary.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const {
  ADMIN_PASSWORD, BACKEND, BINARY, REPO, childEnv, createDatabase, dropDatabase, startServer, assertNoSanitizerReport,
} = require('./lib/server');
const { assertHledgerEqualsTrialBalance } = require('./lib/hledger');

const FULL = BACKEND === 'sqlite';
const THROUGH = FULL ? '2004-03-31' : '2003-01-31';
const ONLY_FULL = !FULL && 'the fifteen months are built on SQLite only (January 2003 on PostgreSQL)';
/* The periods the books are checked over. */
const PERIODS = FULL
  ? [['2003-01-01', '2003-03-31'], ['2003-04-01', '2003-06-30'], ['2003-07-01', '2003-09-30'],
    ['2003-10-01', '2003-12-31'], ['2004-01-01', '2004-03-31']]
  : [['2003-01-01', '2003-01-31']];
const MONTHS = FULL ? 15 : 1;
const AS_OF = `${THROUGH}T23:55:00Z`;
const PLAIN_BINARY = path.join(REPO, 'bloodops');

let dir;
let srv;
let admin;
let report; // the quarterly report 2004Q1 vs 2003Q1, JSON
let built; // what `bloodops demo` answered

/* Build the demo into `db` (created fresh, not initialised). */
function buildDemo(db, ...options) {
  const r = spawnSync(PLAIN_BINARY, ['demo', ...options, '--db', db, '--format', 'json'], {
    env: childEnv({ BLOODOPS_ADMIN_PASSWORD: ADMIN_PASSWORD }), encoding: 'utf8', maxBuffer: 1 << 24,
  });
  assertNoSanitizerReport('bloodops demo', r.pid, r.stderr);
  return r;
}

function fingerprintOf(db) {
  const r = spawnSync(BINARY, ['db', 'fingerprint', '--db', db], { env: childEnv(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const thousands = (text) => Math.round(Number(text) / 1000) * 1000;
const cents = (text) => Math.round(Number(text) * 100);

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bloodops-demo-'));
  const db = createDatabase(dir, '_demo');
  const r = buildDemo(db, '--through', THROUGH);
  assert.equal(r.status, 0, `bloodops demo failed: ${r.stderr.slice(-2000)}`);
  built = JSON.parse(r.stdout);
  /* Served as make run serves it: its clock on the evening its books end. */
  srv = await startServer({ db, env: { BLOODOPS_AS_OF: AS_OF } });
  srv.demoDb = db;
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const q = srv.cli('report', 'quarterly', '--period', FULL ? '2004Q1' : '2003Q1', '--compare', FULL ? '2003Q1' : '2002Q1',
    '--format', 'json');
  assert.equal(q.status, 0, q.stderr);
  report = JSON.parse(q.stdout);
}, { timeout: 900000 });

after(async () => {
  if (srv) await srv.stop();
  if (srv) dropDatabase(srv.demoDb);
  if (srv) srv.cleanup();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function get(url) {
  const r = await srv.api('GET', url, { token: admin.token });
  assert.equal(r.status, 200, `${url}: ${r.text}`);
  return r.json;
}

test('the build says what it did: the days and events it simulated', () => {
  assert.equal(built.days, FULL ? 456 : 31);
  assert.equal(built.through, THROUGH);
  assert.ok(built.events > (FULL ? 100000 : 5000), `events: ${built.events}`);
});

test('revenue in total, by segment and for the ongoing donor centers, both first quarters', { skip: ONLY_FULL }, () => {
  const { current, prior } = report;
  assert.equal(thousands(current.revenue), 6736000);
  assert.equal(thousands(prior.revenue), 6931000);
  assert.equal(thousands(current.blood_products_revenue), 4845000);
  assert.equal(thousands(prior.blood_products_revenue), 4946000);
  assert.equal(thousands(current.ongoing_revenue), 4780000);
  assert.equal(thousands(prior.ongoing_revenue), 4102000);
  assert.equal(thousands(current.blood_services_revenue), 1891000);
  assert.equal(thousands(prior.blood_services_revenue), 1985000);
  assert.equal(report.changes.revenue.percent, '-2.8');
  assert.equal(report.changes.ongoing_revenue.percent, '16.5');
});

test('gross profit in total, of blood products and of the ongoing centers; the closed centers lost 194,000 in Q1 2003', { skip: ONLY_FULL }, () => {
  const { current, prior } = report;
  assert.equal(thousands(current.gross_profit), 1431000);
  assert.equal(thousands(prior.gross_profit), 1000000);
  assert.equal(thousands(current.blood_products_gross_profit), 787000);
  assert.equal(thousands(prior.blood_products_gross_profit), 262000);
  assert.equal(thousands(current.ongoing_gross_profit), 787000);
  assert.equal(thousands(prior.ongoing_gross_profit), 456000);
  assert.equal(thousands(prior.closed_gross_profit), -194000);
  assert.equal(current.gross_margin_percent, '21.2');
  assert.equal(prior.gross_margin_percent, '14.4');
});

test('G&A with the bad-debt and insurance increases; income before taxes, tax, net income, shares and EPS', { skip: ONLY_FULL }, () => {
  const { current, prior } = report;
  assert.equal(thousands(current.general_administrative), 1184000);
  assert.equal(thousands(prior.general_administrative), 985000);
  const line = (period, code) => cents(period.general_administrative_lines.find((l) => l.code === code).amount);
  assert.equal(thousands((line(current, '6100') - line(prior, '6100')) / 100), 124000, 'bad-debt provision increase');
  assert.equal(thousands((line(current, '6200') - line(prior, '6200')) / 100), 69000, 'insurance increase');
  assert.equal(thousands(current.income_before_taxes), 246000);
  assert.equal(thousands(prior.income_before_taxes), 14000);
  assert.equal(thousands(current.income_taxes), 0);
  assert.equal(thousands(prior.income_taxes), 6000);
  assert.equal(thousands(current.net_income), 246000);
  assert.equal(thousands(prior.net_income), 8000);
  assert.deepEqual([current.shares_basic, current.shares_diluted], [7756000, 7947000]);
  assert.deepEqual([prior.shares_basic, prior.shares_diluted], [7751000, 7834000]);
  assert.deepEqual([current.eps_basic, current.eps_diluted], ['0.03', '0.03']);
  assert.deepEqual([prior.eps_basic, prior.eps_diluted], ['0.00', '0.00']);
});

test('the balance sheet at 2004-03-31, working capital, net receivables and DSO at the three dates', { skip: ONLY_FULL }, () => {
  const p = report.current.position;
  assert.equal(thousands(p.cash_and_securities), 911000);
  assert.equal(thousands(p.other_current_assets), 4323000);
  assert.equal(thousands(p.non_current_assets), 3180000);
  assert.equal(thousands(p.total_assets), 8414000);
  assert.equal(thousands(p.current_liabilities), 3471000);
  assert.equal(thousands(p.long_term_liabilities), 1286000);
  assert.equal(thousands(p.equity), 3657000);
  assert.equal(thousands(p.working_capital), 1763000);
  assert.equal(thousands(p.net_receivables), 3442000);
  assert.equal(p.dso_days, 47);
  const y = report.year_end;
  assert.equal(thousands(y.cash_and_securities), 935000);
  assert.equal(thousands(y.working_capital), 1179000);
  assert.equal(thousands(y.net_receivables), 3128000);
  assert.equal(y.dso_days, 42);
  assert.equal(report.prior.position.dso_days, 57);
  assert.equal(p.receivables_source, 'billing', 'net receivables come from the billing documents');
});

test('the management contracts earned what the seeds say, and end in the second quarter of 2004', { skip: ONLY_FULL }, async () => {
  const list = await get('/api/v1/management-contracts');
  const contracts = list.items;
  assert.equal(contracts.length, 2, JSON.stringify(contracts));
  const ends = contracts.map((c) => c.terminated_on).sort();
  assert.ok(ends.includes('2004-06-21'), `a contract ends on 2004-06-21: ${ends}`);
  assert.ok(ends.every((d) => d >= '2004-04-01' && d <= '2004-06-30'), `both end in Q2 2004: ${ends}`);
});

test('units sold by family, procedures by market (New York falling) and the covenants are in the report', { skip: ONLY_FULL }, async () => {
  assert.ok(report.current.net_units_sold > 0 && report.prior.net_units_sold > 0);
  assert.ok(report.current.apheresis_procedures > 0 && report.prior.apheresis_procedures > 0);
  const volumes = async (period) => {
    const r = srv.cli('apheresis', 'volumes', '--period', period, '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const market = (v, code) => v.items.filter((row) => row.market === code).reduce((n, row) => n + row.procedures, 0);
  const [now, then] = [await volumes('2004Q1'), await volumes('2003Q1')];
  assert.ok(market(now, 'LA') > 0 && market(then, 'LA') > 0, `Los Angeles in the volumes: ${JSON.stringify(now)}`);
  assert.ok(market(now, 'NY') > 0, `New York in the volumes: ${JSON.stringify(now)}`);
  assert.ok(market(now, 'NY') < market(then, 'NY'), 'New York performed fewer procedures in Q1 2004');
  // The report itself, by market and by family, agrees with the modules' own counts.
  const reported = (period, code) => (period.apheresis_procedures_by_market.find((m) => m.market === code) || { procedures: 0 }).procedures;
  for (const code of ['LA', 'NY'])
    assert.deepEqual([reported(report.current, code), reported(report.prior, code)], [market(now, code), market(then, code)], `procedures of ${code}`);
  assert.ok(reported(report.current, 'NY') < reported(report.prior, 'NY'));
  for (const [period, quarter] of [[report.current, '2004Q1'], [report.prior, '2003Q1']]) {
    const sales = JSON.parse(srv.cli('sales', 'units', '--period', quarter, '--format', 'json').stdout);
    assert.deepEqual(period.net_units_sold_by_family, sales.families.map((f) => ({ family: f.family, net_units: f.net_units })), `units by family in ${quarter}`);
    assert.equal(period.net_units_sold_by_family.reduce((n, f) => n + f.net_units, 0), period.net_units_sold);
  }
  const platelets = report.current.net_units_sold_by_family.find((f) => f.family === 'platelets');
  const table = srv.cli('report', 'quarterly', '--period', '2004Q1', '--compare', '2003Q1');
  assert.match(table.stdout, new RegExp(`\\n  Net units sold, platelets +${platelets.net_units.toLocaleString('en-US')} `));
  assert.match(table.stdout, new RegExp(`\\n  Apheresis procedures, NY +${reported(report.current, 'NY').toLocaleString('en-US')} +${reported(report.prior, 'NY').toLocaleString('en-US')} `));
  assert.ok(report.covenants && report.covenants.line, 'the line of credit is in the report');
  assert.ok(report.covenants.checks.length >= 3, 'its covenants are judged');
  assert.equal(report.covenants.line.extended, true, 'the line was extended in March 2004');
});

test('served as on the evening its books end: inventory, open orders, the aging, the schedule board and the trial board have data', async () => {
  const day = THROUGH;
  const inventory = await get('/api/v1/inventory');
  const onShelves = inventory.rows.reduce((n, r) => n + r.count, 0);
  assert.ok(onShelves > 50, `units on the shelves today: ${JSON.stringify(inventory.rows.slice(0, 5))}`);
  const open = await get('/api/v1/orders?status=open&sort=deadline');
  assert.ok(open.items.length > 0, 'orders wait on the open-orders board');
  const aging = await get(`/api/v1/receivables/aging?date=${day}`);
  assert.ok(aging.customers.length > 5 && cents(aging.ledger_receivables) > 0, 'customers owe on the last day');
  const trials = await get('/api/v1/trial-contracts');
  if (FULL) {
    assert.equal(trials.items.length, 1, 'the clinical-trial contract');
    const board = await get(`/api/v1/trial-contracts/${trials.items[0].id}/board`);
    assert.ok(board.sites.length > 10, `sites on the readiness board: ${board.sites.length}`);
    let booked = 0;
    for (const market of ['NY', 'LA'])
      booked += (await get(`/api/v1/apheresis-schedule?market=${market}&day=${day}`)).bookings.length;
    assert.ok(booked > 0, 'procedures booked on the schedule boards of the last day');
  }
  const created = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'ZZ', name: 'Clock check' } });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.created_at.slice(0, 10), AS_OF.slice(0, 10), "a record made now bears the server's clock");
});

test('the revenue of each center and market is what its invoice lines billed less its credit memos, every quarter', () => {
  for (const [from, to] of PERIODS) {
    const revenue = srv.sql(`SELECT a.code || ' ' || l.center, -SUM(l.amount_cents) FROM journal_lines l
      JOIN journal_entries j ON j.id = l.entry_id JOIN accounts a ON a.id = l.account_id
      WHERE j.entry_date BETWEEN '${from}' AND '${to}' AND a.code IN ('4000', '4100', '4200', '4300')
      GROUP BY a.code, l.center ORDER BY 1`);
    const billed = srv.sql(`SELECT code_center, SUM(amount) FROM (
        SELECT a.code || ' ' || l.center AS code_center, l.amount_cents AS amount FROM invoice_lines l
          JOIN invoices i ON i.id = l.invoice_id JOIN accounts a ON a.id = l.account_id
          WHERE i.invoice_date BETWEEN '${from}' AND '${to}' AND a.code IN ('4000', '4100', '4200', '4300')
        UNION ALL
        SELECT a.code || ' ' || c.center, -c.amount_cents FROM credit_memos c JOIN accounts a ON a.id = c.account_id
          WHERE c.credit_date BETWEEN '${from}' AND '${to}') AS documents
      GROUP BY code_center ORDER BY 1`);
    assert.equal(revenue.status, 0, revenue.stderr);
    assert.equal(billed.status, 0, billed.stderr);
    assert.ok(revenue.stdout.trim().split('\n').length >= 6, `revenue lines ${from}: ${revenue.stdout}`);
    assert.equal(billed.stdout, revenue.stdout, `revenue by account and center from ${from} to ${to}`);
  }
});

test('the receivables aging equals the receivables account at every month end', async () => {
  for (let month = 0; month < MONTHS; month++) {
    const end = new Date(Date.UTC(2003, month + 1, 0)).toISOString().slice(0, 10);
    const aging = await get(`/api/v1/receivables/aging?date=${end}`);
    assert.equal(cents(aging.difference), 0, `aging vs ledger at ${end}: ${JSON.stringify(aging.findings)}`);
    assert.ok(cents(aging.ledger_receivables) > 0, `receivables at ${end}`);
  }
});

test('the units shipped in the report are the units of the shipments', () => {
  const checked = FULL ? [[report.current, PERIODS[4]], [report.prior, PERIODS[0]]] : [[report.current, ['2003-01-01', '2003-03-31']]];
  for (const [period, [from, to]] of checked) {
    const r = srv.sql(`SELECT COUNT(*) FROM shipment_units u JOIN shipments s ON s.id = u.shipment_id
      WHERE s.ship_date BETWEEN '${from}' AND '${to}'`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(period.units_shipped, Number(r.stdout.trim()), `units shipped ${from}..${to}`);
  }
});

test('the audit chain verifies', async () => {
  const verify = await get('/api/v1/audit/verify');
  assert.equal(verify.intact, true, JSON.stringify(verify));
});

test("hledger, reading the exported journal, finds bloodops' trial balance at every quarter end and on the books' last day", async () => {
  /* Each date: the balance sheet's accounts from the start, the year's
   * results, and the earlier years' earnings. hledger reads the fifteen
   * months' journal once (some eight seconds) for all the dates. */
  const file = path.join(dir, 'demo.journal');
  const r = srv.cli('journal', 'export', '--format', 'hledger', '--output', file);
  assert.equal(r.status, 0, r.stderr);
  const quarterEnds = ['2003-03-31', '2003-06-30', '2003-09-30', '2003-12-31', '2004-03-31'].filter((d) => d <= THROUGH);
  await assertHledgerEqualsTrialBalance(srv, admin.token, file, [...new Set([...quarterEnds, THROUGH])]);
});

test('one seed builds one database; another seed another', { timeout: 600000 }, () => {
  const dbs = ['_a', '_b', '_c'].map((suffix) => createDatabase(dir, suffix));
  try {
    const seeds = ['7', '7', '8'];
    dbs.forEach((db, i) => {
      const r = buildDemo(db, '--seed', seeds[i], '--through', '2003-01-03');
      assert.equal(r.status, 0, r.stderr.slice(-2000));
    });
    const [a, b, c] = dbs.map(fingerprintOf);
    assert.equal(a, b, 'seed 7 twice');
    assert.notEqual(a, c, 'seed 8');
  } finally {
    dbs.forEach(dropDatabase);
  }
});

test('bad options are refused naming them and change nothing; a company is built only once', () => {
  const before = fingerprintOf(srv.demoDb);
  for (const [options, field] of [[['--scale', '0'], 'scale'], [['--through', '2004-04-01'], 'through'],
    [['--through', '2003-02-30'], 'through'], [['--seed', 'x'], 'seed'], [[], 'db']]) {
    const r = buildDemo(srv.demoDb, ...options);
    assert.notEqual(r.status, 0, `${options} was accepted`);
    assert.match(r.stderr, new RegExp(`--${field}\\b`), `${options}: ${r.stderr}`);
  }
  assert.equal(fingerprintOf(srv.demoDb), before);
});
