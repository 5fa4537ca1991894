'use strict';
/*
 * receivables.test.js - the allowance for doubtful accounts, write-offs,
 * recoveries and DSO over HTTP and the command line (docs/billing.md): the
 * whole cycle (invoices, a partial payment, a credit memo, unapplied cash
 * applied later, the allowance's adjusting entry, a write-off, a
 * recovery), each step ending with the aging equal to account 1100 of the
 * ledger; DSO of a period net of the allowance; every bad input refused
 * naming the field with the database unchanged; who may read and write.
 * Runs on SQLite and PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const calls = require('./lib/calls');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');

describe('receivables: allowance, write-offs, recoveries and DSO', () => {
  let srv;
  let finance;
  let executive;
  let auditor;
  const FINANCE_PASSWORD = 'fin-password-1';

  const { post, get, ok, refused } = calls(() => srv);
  /* The aging at `date` equals account 1100 that day, with no finding. */
  async function tied(date, total) {
    const aging = await ok(get(executive, `/api/v1/receivables/aging?date=${date}`));
    assert.equal(aging.ledger_receivables, aging.total, `aging at ${date}: ${JSON.stringify(aging)}`);
    assert.equal(aging.difference, '0.00');
    assert.deepEqual(aging.findings, []);
    if (total !== undefined) assert.equal(aging.total, total, `aging total at ${date}`);
    return aging;
  }
  async function issued(customer, date, price) {
    const draft = await ok(post(finance, '/api/v1/invoices', { customer, date }), 201);
    await ok(post(finance, `/api/v1/invoices/${draft.id}/lines`, {
      description: 'Red cells, leukoreduced', quantity: '1', price, account: '4000', center: 'LA-01',
    }), 201);
    return (await ok(post(finance, `/api/v1/invoices/${draft.id}/issue`, {}))).number;
  }
  async function entryLines(id) {
    const entry = await ok(get(auditor, `/api/v1/journal/${id}`));
    return entry.lines.map((l) => [l.account, l.amount]);
  }
  /* The quarterly report's position at the quarter's end. */
  async function position(period) {
    const report = await ok(get(executive, `/api/v1/reports/quarterly?period=${period}`));
    const p = report.current.position;
    return [p.net_receivables, p.allowance, p.dso, p.dso_days, p.receivables_source];
  }
  const allowanceAt = (date) => ok(get(executive, `/api/v1/receivables/allowance?date=${date}`));

  before(async () => {
    srv = await startServer();
    const admin = await srv.login('admin', ADMIN_PASSWORD);
    await ok(post(admin, '/api/v1/markets', { code: 'LA', name: 'Los Angeles' }), 201);
    await ok(post(admin, '/api/v1/centers', { code: 'LA-01', name: 'Sherman Oaks', market: 'LA', open_date: '1998-01-01' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'LA', billing_terms_days: 30 }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'MERCY', name: 'Mercy Hospital', market: 'LA', billing_terms_days: 30 }), 201);
    await srv.addUser(admin, 'fin', 'finance', FINANCE_PASSWORD);
    await srv.addUser(admin, 'exec', 'executive');
    await srv.addUser(admin, 'aud', 'auditor');
    finance = await srv.login('fin', FINANCE_PASSWORD);
    executive = await srv.login('exec', 'exec-password-1');
    auditor = await srv.login('aud', 'aud-password-1');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('rates per bucket: shown, set by finance, audited', async () => {
    let rates = await ok(get(auditor, '/api/v1/receivables/rates'));
    assert.deepEqual(rates.rates, { current: '1.00', '1-30': '2.00', '31-60': '5.00', '61-90': '10.00', '91-120': '25.00', 'over-120': '50.00' });
    rates = await ok(post(finance, '/api/v1/receivables/rates', { '91-120': '20', 'over-120': 40.5 }));
    assert.equal(rates.rates['91-120'], '20.00');
    assert.equal(rates.rates['over-120'], '40.50');
    const audit = await ok(get(auditor, '/api/v1/audit?entity=receivable_rates'));
    assert.ok(JSON.stringify(audit).includes('"set"'), 'the change of rates is audited');
    rates = await ok(post(finance, '/api/v1/receivables/rates', { '91-120': '25', 'over-120': '50' }));
    assert.equal(rates.rates['over-120'], '50.00');
    assert.equal((await post(executive, '/api/v1/receivables/rates', { current: '3' })).status, 403);
  });

  test('the whole cycle: allowance, write-off and recovery keep the aging tied to the ledger', async () => {
    const a = await issued('CEDARS', '2004-01-05', '1000.00'); // due 2004-02-04
    const b = await issued('MERCY', '2004-01-10', '600.00'); // due 2004-02-09
    await tied('2004-01-31', '1600.00');

    // A partial payment with unapplied cash, a credit memo, the cash applied later.
    const payment = await ok(post(finance, '/api/v1/payments', {
      customer: 'CEDARS', date: '2004-02-10', amount: '500.00', reference: 'CHK-1', applications: [{ invoice: a, amount: '400.00' }],
    }), 201);
    await tied('2004-02-10', '1200.00');
    await ok(post(finance, '/api/v1/credits', { invoice: a, date: '2004-02-12', amount: '50.00', reason: 'short shipment' }), 201);
    await tied('2004-02-12', '1150.00');
    await ok(post(finance, `/api/v1/payments/${payment.id}/apply`, { date: '2004-02-15', applications: [{ invoice: a, amount: '100.00' }] }));
    await tied('2004-02-15', '1050.00');

    // The allowance at the quarter's end: both invoices 31-60 days past due, at 5 %.
    let allowance = await allowanceAt('2004-03-31');
    assert.deepEqual(allowance.buckets.find((x) => x.bucket === '31-60'), { bucket: '31-60', open: '1050.00', rate: '5.00', allowance: '52.50' });
    assert.deepEqual([allowance.required, allowance.balance, allowance.adjustment, allowance.posted], ['52.50', '0.00', '52.50', false]);
    assert.deepEqual(allowance.entry.lines, [{ account: '6100', debit: '52.50', credit: '0.00' }, { account: '1190', debit: '0.00', credit: '52.50' }]);
    // The quarterly report before the entry: 1,050.00 / 1,550.00 x 91 = 61.6 -> 62 days.
    assert.deepEqual(await position('2004Q1'), ['1050.00', '0.00', '61.6', 62, 'billing']);
    allowance = await ok(post(finance, '/api/v1/receivables/allowance', { date: '2004-03-31', reason: 'quarter-end review' }), 201);
    assert.equal(allowance.posted, true);
    assert.deepEqual(await entryLines(allowance.journal_entry), [['6100', '52.50'], ['1190', '-52.50']]);
    allowance = await allowanceAt('2004-03-31');
    assert.deepEqual([allowance.balance, allowance.adjustment, allowance.entry], ['52.50', '0.00', null]);
    await refused(() => post(finance, '/api/v1/receivables/allowance', { date: '2004-03-31', reason: 'again' }), 'date', 'nothing to post');
    await tied('2004-03-31', '1050.00');
    // ... and after it: net receivables 997.50, DSO 59 days, read from the billing documents.
    assert.deepEqual(await position('2004Q1'), ['997.50', '52.50', '58.6', 59, 'billing']);
    const text = (await get(executive, '/api/v1/reports/quarterly?period=2004Q1&format=text')).text.replace(/\s+/g, ' ');
    assert.match(text, /come from the billing documents/);

    // DSO of the quarter: (1,050.00 - 52.50) / (1,000 + 600 - 50) x 91 = 58.56 -> 58.6 -> 59.
    let dso = await ok(get(executive, '/api/v1/receivables/dso?period=2004Q1'));
    assert.deepEqual([dso.receivables, dso.allowance, dso.net_receivables, dso.revenue, dso.days, dso.dso, dso.dso_days],
      ['1050.00', '52.50', '997.50', '1550.00', 91, '58.6', 59]);

    // A write-off of what is open on b: allowance against receivable.
    let written = await ok(post(finance, `/api/v1/invoices/${b}/write-off`, { date: '2004-04-05', reason: 'hospital in receivership' }), 201);
    assert.deepEqual([written.open, written.written_off, written.write_offs.length], ['0.00', '600.00', 1]);
    assert.deepEqual(await entryLines(written.write_offs[0].journal_entry), [['1190', '600.00'], ['1100', '-600.00']]);
    assert.equal((await ok(get(auditor, `/api/v1/invoices/${b}`))).open, '0.00');
    await tied('2004-04-04', '1050.00');
    await tied('2004-04-05', '450.00');
    // The write-off takes 600.00 out of receivables and out of the allowance:
    // net receivables stay 997.50 until the allowance is trued up.
    assert.deepEqual(await position('2004Q2'), ['997.50', '-547.50', null, null, 'billing']);

    // A new invoice in April; the allowance catches up with the write-off.
    await issued('CEDARS', '2004-04-20', '300.00'); // due 2004-05-20
    allowance = await allowanceAt('2004-04-30');
    // a: due 2004-02-04, 86 days: 450 x 10 % = 45.00; the new one current: 300 x 1 % = 3.00
    assert.deepEqual([allowance.required, allowance.balance, allowance.adjustment], ['48.00', '-547.50', '595.50']);
    await ok(post(finance, '/api/v1/receivables/allowance', { date: '2004-04-30', reason: 'month-end review' }), 201);
    // Trued up: 750.00 - 48.00 = 702.00; 702 / 300 x 91 = 212.9 -> 213 days.
    assert.deepEqual(await position('2004Q2'), ['702.00', '48.00', '212.9', 213, 'billing']);
    dso = await ok(get(executive, '/api/v1/receivables/dso?period=2004-04'));
    // (750.00 - 48.00) / 300.00 x 30 = 70.2
    assert.deepEqual([dso.net_receivables, dso.revenue, dso.dso, dso.dso_days], ['702.00', '300.00', '70.2', 70]);

    // A recovery: part of what was written off comes in later.
    const recovered = await ok(post(finance, `/api/v1/invoices/${b}/recover`, { date: '2004-05-10', amount: '200.00', reference: 'CHK-77' }), 201);
    assert.deepEqual([recovered.open, recovered.written_off, recovered.recovered], ['0.00', '600.00', '200.00']);
    const cash = await ok(get(auditor, `/api/v1/reports/trial-balance?from=2004-05-10&to=2004-05-10`));
    assert.ok(JSON.stringify(cash).includes('1000'), 'the recovery moved cash');
    await refused(() => post(finance, `/api/v1/invoices/${b}/recover`, { date: '2004-05-11', amount: '400.01', reference: 'CHK-78' }), 'amount', '400.00');
    // Read back by any reader: the invoice's write-offs with their recoveries, and the list.
    const of = await ok(get(auditor, `/api/v1/invoices/${b}/write-offs`));
    assert.deepEqual([of.invoice, of.open, of.written_off, of.recovered, of.write_offs.length], [b, '0.00', '600.00', '200.00', 1]);
    assert.deepEqual(of.recoveries.map((r) => [r.write_off, r.date, r.amount, r.reference]), [[of.write_offs[0].id, '2004-05-10', '200.00', 'CHK-77']]);
    assert.deepEqual(recovered.recoveries, of.recoveries, 'the recovery answers the same');
    const listed = await ok(get(executive, '/api/v1/receivables/write-offs?from=2004-04-01&to=2004-04-30'));
    assert.deepEqual(listed.items.map((w) => [w.invoice, w.date, w.amount, w.recovered, w.reason]), [[b, '2004-04-05', '600.00', '200.00', 'hospital in receivership']]);
    assert.deepEqual((await ok(get(executive, '/api/v1/receivables/write-offs?from=2004-04-06'))).items, []);
    assert.equal((await get(executive, '/api/v1/receivables/write-offs?to=2004-13-01')).status, 400);
    assert.equal((await get(executive, '/api/v1/invoices/2004-999999/write-offs')).status, 404);
    allowance = await allowanceAt('2004-05-10');
    assert.equal(allowance.balance, '248.00', 'the recovery put 200.00 back into the allowance');
    await tied('2004-05-10', '750.00');
    await tied('2004-12-31', '750.00');
    // The aging by invoice date ties as well.
    const byInvoice = await ok(get(auditor, '/api/v1/receivables/aging?date=2004-05-10&by=invoice'));
    assert.equal(byInvoice.difference, '0.00');
  });

  test('bad input is refused naming the field, the database unchanged', async () => {
    const paid = await issued('MERCY', '2004-06-01', '100.00');
    await ok(post(finance, '/api/v1/payments', {
      customer: 'MERCY', date: '2004-06-02', amount: '100.00', reference: 'WIRE-1', applications: [{ invoice: paid, amount: '100.00' }],
    }), 201);
    const open = await issued('MERCY', '2004-06-03', '80.00');
    await refused(() => post(finance, `/api/v1/invoices/${paid}/write-off`, { date: '2004-06-10', reason: 'x' }), 'invoice', 'is paid');
    await refused(() => post(finance, '/api/v1/invoices/2004-999999/write-off', { date: '2004-06-10', reason: 'x' }), 'invoice', 'no invoice');
    await refused(() => post(finance, `/api/v1/invoices/${open}/write-off`, { date: '2004-06-10', reason: '  ' }), 'reason');
    await refused(() => post(finance, `/api/v1/invoices/${open}/write-off`, { date: '2004-05-31', reason: 'too early' }), 'date', 'before');
    await refused(() => post(finance, `/api/v1/invoices/${open}/recover`, { date: '2004-06-10', amount: '1.00', reference: 'R' }), 'invoice', 'no write-off');
    await refused(() => post(finance, '/api/v1/receivables/rates', { '61-90': '100.01' }), '61-90', '100');
    await refused(() => post(finance, '/api/v1/receivables/rates', { current: '-1' }), 'current', 'negative');
    await refused(() => post(finance, '/api/v1/receivables/rates', { '1-30': '2.555' }), '1-30', 'two decimals');
    await refused(() => post(finance, '/api/v1/receivables/rates', {}), 'rates');
    await refused(() => post(finance, '/api/v1/receivables/allowance', { date: '2004-06-30', reason: ' ' }), 'reason');
    assert.equal((await get(executive, '/api/v1/receivables/dso?period=2004Q5')).status, 400);
    // A date in a closed period.
    await ok(post(finance, '/api/v1/periods/close', { period: '2004-06', password: FINANCE_PASSWORD, reason: 'month end' }), 201);
    await refused(() => post(finance, `/api/v1/invoices/${open}/write-off`, { date: '2004-06-30', reason: 'late' }), 'date', 'closed period 2004-06');
    await refused(() => post(finance, '/api/v1/receivables/allowance', { date: '2004-06-30', reason: 'late' }), 'date', 'closed');
    // Who may: executives and auditors read, they do not write.
    assert.equal((await post(executive, `/api/v1/invoices/${open}/write-off`, { date: '2004-07-01', reason: 'x' })).status, 403);
    assert.equal((await get(auditor, '/api/v1/receivables/allowance?date=2004-07-01')).status, 200);
    await tied('2004-07-01');
  });

  test('the command line: rates set, allowance, write-off, recover, dso', () => {
    const run = (...args) => {
      const r = srv.cli(...args);
      assert.equal(r.status, 0, `bloodops ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const rates = JSON.parse(run('receivables', 'rates', 'set', 'current=1', '1-30=2.5', '--format', 'json'));
    assert.equal(rates.rates['1-30'], '2.50');
    const bad = srv.cli('receivables', 'rates', 'set', '120+=5');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /120\+/);
    const over = srv.cli('receivables', 'rates', 'set', 'over-120=101');
    assert.equal(over.status, 1);
    assert.match(over.stderr, /over-120/);
    const shown = run('receivables', 'allowance', '--date', '2004-07-31');
    assert.match(shown, /Allowance required at 2004-07-31/);
    assert.match(shown, /Proposed entry|Nothing to post/);
    const draft = run('invoice', 'create', '--customer', 'CEDARS', '--date', '2004-07-01').trim();
    run('invoice', 'line', draft, '--description', 'Plasma', '--quantity', '2', '--price', '35.00', '--account', '4000');
    const number = JSON.parse(run('invoice', 'issue', draft, '--format', 'json')).number;
    const written = JSON.parse(run('receivables', 'write-off', number, '--date', '2004-07-20', '--reason', 'disputed, uncollectible', '--format', 'json'));
    assert.equal(written.written_off, '70.00');
    const back = run('receivables', 'recover', number, '--date', '2004-07-25', '--amount', '70.00', '--reference', 'CHK-9');
    assert.match(back, /recovered 70\.00/);
    const dso = JSON.parse(run('receivables', 'dso', '--period', '2004Q1', '--format', 'json'));
    assert.equal(dso.dso, '58.6');
    const posted = srv.cli('receivables', 'allowance', '--date', '2004-07-31', '--post');
    assert.equal(posted.status, 1, 'posting needs a reason');
    assert.match(posted.stderr, /reason/);
  });

  test('the write-offs are listed newest first, in pages by key or by offset with their total', async () => {
    const all = await ok(get(auditor, '/api/v1/receivables/write-offs'));
    assert.deepEqual(all.items.map((w) => w.date), ['2004-07-20', '2004-04-05']);
    const first = await ok(get(auditor, '/api/v1/receivables/write-offs?limit=1'));
    assert.deepEqual([first.items.map((w) => w.date), first.next_after, first.total], [['2004-07-20'], first.items[0].id, undefined]);
    const next = await ok(get(auditor, `/api/v1/receivables/write-offs?limit=1&after=${first.next_after}`));
    assert.deepEqual(next.items.map((w) => w.date), ['2004-04-05']);
    assert.deepEqual((await ok(get(auditor, `/api/v1/receivables/write-offs?limit=1&after=${next.items[0].id}`))).items, []);
    const sorted = await ok(get(executive, '/api/v1/receivables/write-offs?sort=amount&offset=1&limit=1'));
    assert.equal(sorted.total, 2);
    assert.deepEqual(sorted.items.map((w) => w.amount), ['600.00']);
    const offset = await ok(get(executive, '/api/v1/receivables/write-offs?offset=1&limit=1&sort='));
    assert.deepEqual([offset.total, offset.items.map((w) => w.date)], [2, ['2004-04-05']]);
    for (const [query, field] of [['limit=0', 'limit'], ['offset=-1', 'offset'], ['sort=reason', 'sort'],
      ['sort=date&after=1', 'after'], ['from=2004-05-01&to=2004-04-01', 'to']])
      await refused(() => get(auditor, `/api/v1/receivables/write-offs?${query}`), field);
    // The command line lists the same, every page of them, and names a bad option.
    const listed = srv.cli('receivables', 'write-offs', '--format', 'json');
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).map((w) => [w.id, w.amount]), all.items.map((w) => [w.id, w.amount]));
    const table = srv.cli('receivables', 'write-offs', '--from', '2004-07-01');
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`\\b${all.items[0].invoice}\\s+2004-07-20\\s`));
    assert.doesNotMatch(table.stdout, /2004-04-05/);
    const bad = srv.cli('receivables', 'write-offs', '--to', '2004-13-01');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--to/);
  });
});
