'use strict';
/*
 * management.test.js - management contracts over HTTP and the command line
 * (docs/contract_services.md): a contract's fee accrues per day of service,
 * month by month once each month has ended, prorated by the days served and
 * rounded half up to the cent; a termination mid-month accrues exactly the
 * days through the last day of service and nothing after; running a month
 * again, or two runs at once, accrues it once; a termination at the same
 * time as its month's accrual gives either the days served or a refused
 * termination, never a whole month; the journal's 4200 by
 * market and the customers' invoice lines equal the accruals, and issuing
 * the month's invoice moves 1150 to 1100; the quarter's blood services
 * revenue moves by exactly what the quarter accrued, and the quarterly
 * report lists it by market under blood services; revenue by contract
 * and market; bad input refused naming the field with the database
 * unchanged. Runs on SQLite and PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

const API = '/api/v1/management-contracts';

function cents(money) {
  const m = /^(-?)(\d+)\.(\d\d)$/.exec(money);
  assert.ok(m, `not an amount: ${money}`);
  const v = Number(m[2]) * 100 + Number(m[3]);
  return m[1] ? -v : v;
}

describe('management contracts: accrual to termination, invoiced in arrears', () => {
  let srv;
  let admin;
  let cs; // contract services
  let finance;
  let auditor;
  let a; // CEDARS, blood center, SOCAL, from 2004-01-15, $10,000.00 a month
  let b; // MERCY, donor center, EAST, from 2003-11-01, $3,100.00 a month and $12.50 a unit

  const { post, get, ok, refused } = calls(() => srv);
  const accrue = (period, who = finance) => ok(post(who, '/api/v1/management-accruals', { period }));
  const show = (id) => ok(get(cs, `${API}/${id}`));

  /* The 4200 postings of source management by market, from the journal's lines. */
  async function revenueByMarket() {
    const entries = await ok(get(finance, '/api/v1/journal?account=4200&source=management&limit=500'));
    const byMarket = {};
    for (const item of entries.items) {
      const entry = await ok(get(finance, `/api/v1/journal/${item.id}`));
      for (const l of entry.lines)
        if (l.account === '4200') byMarket[l.center] = (byMarket[l.center] || 0) - cents(l.amount);
    }
    return byMarket;
  }

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    await chain.setupCenter(srv, admin);
    await ok(post(admin, '/api/v1/markets', { code: 'EAST', name: 'East', time_zone: 'America/New_York' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'SOCAL' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'MERCY', name: 'Mercy Hospital', market: 'EAST' }), 201);
    await srv.addUser(admin, 'cara', 'contract_services');
    await srv.addUser(admin, 'fin', 'finance');
    await srv.addUser(admin, 'aud', 'auditor');
    cs = await srv.login('cara', 'cara-password-1');
    finance = await srv.login('fin', 'fin-password-1');
    auditor = await srv.login('aud', 'aud-password-1');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('contracts added, listed and shown with their fees', async () => {
    a = await ok(post(cs, API, { customer: 'cedars', kind: 'blood-center', market: 'socal', start: '2004-01-15', monthly_fee: '10000.00', term: 24 }), 201);
    assert.deepEqual([a.customer, a.customer_name, a.kind, a.market, a.start, a.term_months, a.monthly_fee, a.per_unit, a.status, a.accrued_total],
      ['CEDARS', 'Cedars Hospital', 'blood-center', 'SOCAL', '2004-01-15', 24, '10000.00', null, 'active', '0.00']);
    b = await ok(post(cs, API, { customer: 'MERCY', kind: 'donor-center', market: 'EAST', start: '2003-11-01', monthly_fee: '3100', per_unit: '12.50' }), 201);
    assert.deepEqual([b.monthly_fee, b.per_unit, b.per_procedure, b.term_months], ['3100.00', '12.50', null, null]);
    const list = await ok(get(auditor, `${API}?status=active&sort=customer&offset=0`));
    assert.deepEqual(list.items.map((c) => c.id), [a.id, b.id]);
    assert.equal(list.total, 2);
    // The command line lists the same.
    const cli = srv.cli('management', 'list', '--format', 'json');
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout).map((c) => c.customer), ['CEDARS', 'MERCY']);
  });

  test('three months accrue prorated by the days served, each once; volumes add the per-unit fee', async () => {
    await ok(post(cs, `${API}/${b.id}/volumes`, { period: '2004-02', units: 40 }));
    const q1 = await accrue('2004Q1');
    const rows = q1.accrued.map((r) => [r.contract, r.period, r.days_served, r.amount]);
    assert.deepEqual(rows, [
      [a.id, '2004-01', 17, '5483.87'], // 10,000.00 x 17 / 31 = 5,483.870..
      [a.id, '2004-02', 29, '10000.00'], // a whole month, leap February
      [a.id, '2004-03', 31, '10000.00'],
      [b.id, '2004-01', 31, '3100.00'],
      [b.id, '2004-02', 29, '3600.00'], // 3,100.00 + 40 x 12.50
      [b.id, '2004-03', 31, '3100.00'],
    ]);
    assert.equal(q1.total, '35283.87');
    // Again: nothing new, nothing posted twice.
    const again = await accrue('2004-02');
    assert.deepEqual(again.accrued, []);
    assert.equal(again.total, '0.00');
    const shown = await show(a.id);
    assert.equal(shown.accrued_total, '25483.87');
    assert.deepEqual(shown.accruals.map((r) => [r.period, r.days_served, r.amount]),
      [['2004-03', 31, '10000.00'], ['2004-02', 29, '10000.00'], ['2004-01', 17, '5483.87']]);
    // An accrued month's volumes are billed: no more reports for it.
    await refused(() => post(cs, `${API}/${b.id}/volumes`, { period: '2004-02', units: 41 }), 'period', /accrued already/);
  });

  test('a termination mid-month accrues exactly the days through the last day of service, nothing after', async () => {
    // Before the end of a month already accrued: refused, that revenue is booked.
    await refused(() => post(cs, `${API}/${a.id}/terminate`, { date: '2004-03-20', reason: 'early' }), 'date', /accrued/);
    const t = await ok(post(cs, `${API}/${a.id}/terminate`, { date: '2004-06-21', reason: 'the hospital takes its blood center back' }));
    assert.deepEqual([t.status, t.terminated_on, t.termination_reason, t.terminated_by], ['terminated', '2004-06-21', 'the hospital takes its blood center back', 'cara']);
    await refused(() => post(cs, `${API}/${a.id}/terminate`, { date: '2004-06-30', reason: 'again' }), 'contract', /terminated already/);
    const q2 = await accrue('2004Q2');
    assert.deepEqual(q2.accrued.filter((r) => r.contract === a.id).map((r) => [r.period, r.days_served, r.amount]),
      [['2004-04', 30, '10000.00'], ['2004-05', 31, '10000.00'], ['2004-06', 21, '7000.00']]);
    const q3 = await accrue('2004Q3');
    assert.equal(q3.accrued.filter((r) => r.contract === a.id).length, 0, 'nothing after the termination');
    assert.equal((await show(a.id)).accrued_total, '52483.87');
    // The revenue of the quarter: the three months of each contract.
    const revenue = await ok(get(auditor, '/api/v1/management-revenue?period=2004Q2'));
    const ofA = revenue.contracts.find((c) => c.contract === a.id);
    assert.deepEqual([ofA.amount, ofA.lifetime_total, ofA.terminated_on], ['27000.00', '52483.87', '2004-06-21']);
    assert.deepEqual(ofA.months.map((m) => m.amount), ['10000.00', '10000.00', '7000.00']);
    assert.deepEqual(revenue.markets, [{ market: 'EAST', amount: '9300.00' }, { market: 'SOCAL', amount: '27000.00' }]);
    assert.equal(revenue.total, '36300.00');
  });

  test("the quarter's blood services revenue moves by exactly the quarter's accruals", async () => {
    const quarter = async (period) => (await ok(get(finance, `/api/v1/reports/quarterly?period=${period}`))).current;
    const before = await quarter('2004Q4');
    const q4 = await accrue('2004Q4');
    assert.deepEqual(q4.accrued.map((r) => r.contract), [b.id, b.id, b.id]);
    const after = await quarter('2004Q4');
    assert.equal(cents(after.blood_services_revenue) - cents(before.blood_services_revenue), cents(q4.total));
    assert.equal(cents(after.revenue) - cents(before.revenue), 930000);
    const q2 = await quarter('2004Q2');
    assert.equal(q2.blood_services_revenue, '36300.00', 'the terminated contract\'s 27,000.00 and the other\'s 9,300.00');
    assert.deepEqual(q2.management_revenue_by_market, [{ market: 'EAST', amount: '9300.00' }, { market: 'SOCAL', amount: '27000.00' }]);
    assert.deepEqual((await quarter('2004Q3')).management_revenue_by_market, [{ market: 'EAST', amount: '9300.00' }], 'nothing after the termination');
    const text = srv.cli('report', 'quarterly', '--period', '2004Q2');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /Blood services +\$36,300 /);
    assert.match(text.stdout, /Management contracts, SOCAL +\$27,000 /);
    assert.match(text.stdout, /Management contracts, EAST +\$9,300 /);
    const cli = srv.cli('management', 'revenue', '--period', '2004Q2', '--format', 'json');
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(JSON.parse(cli.stdout).total, '36300.00');
  });

  test("the journal's 4200 by market and the invoice lines equal the accruals; issuing moves 1150 to 1100", async () => {
    const accrued = { SOCAL: 0, EAST: 0 };
    for (const c of [a, b]) {
      const shown = await show(c.id);
      for (const r of shown.accruals) accrued[c.market] += cents(r.amount);
    }
    assert.deepEqual(await revenueByMarket(), accrued);
    // One draft invoice per customer and month, dated the month's last day.
    const invoices = await ok(get(finance, '/api/v1/invoices?customer=CEDARS&status=draft&limit=100'));
    assert.deepEqual(invoices.items.map((i) => i.date).sort(),
      ['2004-01-31', '2004-02-29', '2004-03-31', '2004-04-30', '2004-05-31', '2004-06-30']);
    let billed = 0;
    for (const i of invoices.items) billed += cents(i.total);
    assert.equal(billed, accrued.SOCAL);
    // Issued: the month's unbilled receivable becomes a receivable.
    const june = invoices.items.find((i) => i.date === '2004-06-30');
    const issued = await ok(post(finance, `/api/v1/invoices/${june.id}/issue`, {}));
    const entry = await ok(get(finance, `/api/v1/journal/${issued.journal_entry}`));
    const byAccount = {};
    for (const l of entry.lines) byAccount[l.account] = (byAccount[l.account] || 0) + cents(l.amount);
    assert.deepEqual(byAccount, { 1100: 700000, 1150: -700000 });
    const shown = await show(a.id);
    assert.equal(shown.accruals[0].invoice_number, issued.number);
  });

  test('two accrual runs of one month at once accrue it once', async () => {
    const c = await ok(post(cs, API, { customer: 'CEDARS', kind: 'donor-center', market: 'SOCAL', start: '2005-01-10', monthly_fee: '3100.00' }), 201);
    const runs = await Promise.all([
      post(finance, '/api/v1/management-accruals', { period: '2005-01' }),
      post(admin, '/api/v1/management-accruals', { period: '2005-01' }),
      post(finance, '/api/v1/management-accruals', { period: '2005Q1' }),
    ]);
    for (const r of runs) assert.equal(r.status, 200, r.text);
    const made = runs.flatMap((r) => r.json.accrued).filter((r) => r.contract === c.id && r.period === '2005-01');
    assert.equal(made.length, 1, JSON.stringify(made));
    assert.equal(made[0].amount, '2200.00'); // 3,100.00 x 22 / 31
    const shown = await show(c.id);
    assert.deepEqual(shown.accruals.map((r) => r.period), ['2005-03', '2005-02', '2005-01']);
    const invoices = await ok(get(finance, '/api/v1/invoices?customer=CEDARS&from=2005-01-01&to=2005-01-31'));
    assert.equal(invoices.items.length, 1);
    assert.equal(invoices.items[0].total, '2200.00');
  });

  test('a termination and an accrual of its month at once: either the days served, or the termination refused', async () => {
    for (let round = 0; round < 4; round++) {
      const c = await ok(post(cs, API, { customer: 'MERCY', kind: 'blood-center', market: 'EAST', start: '2007-01-01', monthly_fee: '3100.00' }), 201);
      const [terminated, run] = await Promise.all([
        post(cs, `${API}/${c.id}/terminate`, { date: '2007-01-10', reason: `round ${round}` }),
        post(finance, '/api/v1/management-accruals', { period: '2007-01' }),
      ]);
      assert.equal(run.status, 200, run.text);
      const shown = await show(c.id);
      const january = shown.accruals.find((a) => a.period === '2007-01');
      if (terminated.status === 200) {
        // Terminated first: the run accrued 10 days, or a later run will.
        if (!january) await accrue('2007-01');
        assert.equal((await show(c.id)).accruals.find((a) => a.period === '2007-01').amount, '1000.00');
      } else {
        assert.equal(terminated.status, 400, terminated.text);
        assert.equal(terminated.json.error.field, 'date');
        assert.equal(january.amount, '3100.00');
        assert.equal(shown.status, 'active');
      }
    }
  });

  test('bad input is refused naming the field, nothing changed', async () => {
    const good = { customer: 'CEDARS', kind: 'blood-center', market: 'SOCAL', start: '2004-01-01', monthly_fee: '100.00' };
    await refused(() => post(cs, API, { ...good, customer: 'NOBODY' }), 'customer', /no customer/);
    await refused(() => post(cs, API, { ...good, market: 'NOWHERE' }), 'market', /no market/);
    await refused(() => post(cs, API, { ...good, kind: 'hospital' }), 'kind', /blood-center or donor-center/);
    await refused(() => post(cs, API, { ...good, monthly_fee: '-1.00' }), 'monthly_fee', /negative/);
    await refused(() => post(cs, API, { ...good, monthly_fee: undefined, per_unit: '-0.01' }), 'per_unit', /negative/);
    await refused(() => post(cs, API, { ...good, monthly_fee: undefined }), 'monthly_fee', /needs a fee/);
    await refused(() => post(cs, API, { ...good, monthly_fee: '0' }), 'monthly_fee', /needs a fee/);
    await refused(() => post(cs, API, { ...good, start: '2004-02-30' }), 'start');
    await refused(() => post(cs, API, { ...good, term: 0 }), 'term');
    const c = await ok(post(cs, API, { ...good, start: '2004-05-10' }), 201);
    await refused(() => post(cs, `${API}/${c.id}/terminate`, { date: '2004-05-09', reason: 'too soon' }), 'date', /before the contract's start/);
    await refused(() => post(cs, `${API}/${c.id}/terminate`, { date: '2004-05-31' }), 'reason');
    await refused(() => post(cs, `${API}/999999/terminate`, { date: '2004-05-31', reason: 'x' }), 'contract');
    // Periods: malformed, not ended, in the future, closed.
    await refused(() => post(finance, '/api/v1/management-accruals', { period: '2004-13' }), 'period');
    await refused(() => post(finance, '/api/v1/management-accruals', { period: 'June' }), 'period');
    await refused(() => post(finance, '/api/v1/management-accruals', { period: chain.day(0).slice(0, 7) }), 'period', /not ended/);
    await refused(() => post(finance, '/api/v1/management-accruals', { period: `${Number(chain.day(0).slice(0, 4)) + 1}` }), 'period', /not ended/);
    await ok(post(finance, '/api/v1/periods/close', { period: '2004-05', password: 'fin-password-1', reason: 'month end' }), 201);
    await refused(() => post(finance, '/api/v1/management-accruals', { period: '2004-05' }), 'period', /closed/);
    const r = await get(finance, '/api/v1/management-revenue?period=2004-14');
    assert.equal(r.status, 400);
    // Who may: contract services neither runs accruals nor issues; finance adds no contract.
    assert.equal((await post(cs, '/api/v1/management-accruals', { period: '2004-06' })).status, 403);
    assert.equal((await post(finance, API, good)).status, 403);
    assert.equal((await post(auditor, `${API}/${c.id}/terminate`, { date: '2004-05-31', reason: 'x' })).status, 403);
  });

  test('the command line: add prints the id, terminate, accrue and revenue as scripts use them', async () => {
    const add = srv.cli('management', 'add', '--customer', 'MERCY', '--kind', 'blood-center', '--market', 'EAST',
      '--start', '2006-01-01', '--monthly-fee', '6200', '--per-unit', '1.50');
    assert.equal(add.status, 0, add.stderr);
    const id = add.stdout.trim();
    assert.match(id, /^\d+$/);
    const report = srv.cli('management', 'report', id, '--period', '2006-02', '--units', '100');
    assert.equal(report.status, 0, report.stderr);
    const late = srv.cli('management', 'report', id, '--period', '2006-03', '--units', '-1');
    assert.match(late.stderr, /^bloodops: --units: /);
    const term = srv.cli('management', 'terminate', id, '--date', '2006-02-14', '--reason', 'sold the center');
    assert.equal(term.status, 0, term.stderr);
    const run = srv.cli('management', 'accrue', '--period', '2006Q1', '--format', 'json');
    assert.equal(run.status, 0, run.stderr);
    const mine = JSON.parse(run.stdout).accrued.filter((r) => String(r.contract) === id);
    assert.deepEqual(mine.map((r) => [r.period, r.days_served, r.amount]), [['2006-01', 31, '6200.00'], ['2006-02', 14, '3250.00']]); // 3,100.00 + 100 x 1.50
    const bad = srv.cli('management', 'add', '--customer', 'MERCY', '--kind', 'clinic', '--market', 'EAST', '--start', '2006-01-01', '--monthly-fee', '1');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^bloodops: --kind: /);
    const negative = srv.cli('management', 'add', '--customer', 'MERCY', '--kind', 'blood-center', '--market', 'EAST', '--start', '2006-01-01', '--monthly-fee', '-5');
    assert.match(negative.stderr, /^bloodops: --monthly-fee: .*negative/);
    const shown = srv.cli('management', 'show', id);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /2006-02 +14 +100 +0 +3,250\.00/);
  });
});
