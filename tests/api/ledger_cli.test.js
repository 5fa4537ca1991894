'use strict';
/*
 * ledger_cli.test.js - the general ledger and the quarterly results from the
 * command line (docs/reports.md, "The published figures"): a journal built
 * from the first-quarter 2004 and 2003 figures
 * (tests/fixtures/ledger/journal-2003-2004.csv, with two ongoing and two
 * closed donor centers) is imported, and the quarterly report and the draft
 * release must show every published figure and derived percentage. Refused
 * imports list every problem by line and change nothing; export and re-import
 * give the same results; closed periods refuse postings. Runs on SQLite and
 * on PostgreSQL like every API suite.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('./lib/server');

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'ledger', 'journal-2003-2004.csv');
const HEADER = 'date,entry,account,center,amount,memo';

let srv;

function ok(result, what) {
  assert.equal(result.status, 0, `${what} failed: ${result.stderr}`);
  return result.stdout;
}

/* The registry the fixture names: two ongoing centers in Los Angeles, one
 * center closed in 2003 and one closed in January 2004. */
function registerCenters(server) {
  for (const [code, name] of [['LA', 'Los Angeles'], ['NY', 'New York'], ['PA', 'Pennsylvania'], ['NC', 'North Carolina']])
    ok(server.cli('market', 'add', '--code', code, '--name', name), `market ${code}`);
  for (const [code, name, market, opened] of [
    ['LA-01', 'Los Angeles Donor Center', 'LA', '1998-01-01'],
    ['OC-01', 'Orange County Donor Center', 'LA', '1999-01-01'],
    ['PA-01', 'Philadelphia Donor Center', 'PA', '2000-01-01'],
    ['NC-01', 'Charlotte Donor Center', 'NC', '2000-01-01'],
  ])
    ok(server.cli('center', 'add', '--code', code, '--name', name, '--market', market, '--opened', opened), `center ${code}`);
  ok(server.cli('center', 'close', 'PA-01', '--date', '2003-09-30', '--reason', 'restructuring plan'), 'close PA-01');
  ok(server.cli('center', 'close', 'NC-01', '--date', '2004-01-31', '--reason', 'restructuring plan'), 'close NC-01');
}

function loadCompany(server) {
  registerCenters(server);
  const imported = ok(server.cli('journal', 'import', FIXTURE), 'journal import');
  assert.match(imported, /imported 73 entries \(551 lines\)/);
  ok(server.cli('shares', 'set', '--period', '2004Q1', '--basic', '7756000', '--diluted', '7947000'), 'shares 2004Q1');
  ok(server.cli('shares', 'set', '--period', '2003Q1', '--basic', '7751000', '--diluted', '7834000'), 'shares 2003Q1');
}

function writeCsv(name, lines) {
  const file = path.join(srv.dir, name);
  fs.writeFileSync(file, [HEADER, ...lines].join('\n') + '\n');
  return file;
}

before(async () => {
  srv = await startServer();
  loadCompany(srv);
});

after(async () => {
  await srv.stop();
  srv.cleanup();
});

test('the quarterly report prints the published table of Q1 2004 vs Q1 2003', () => {
  const text = ok(srv.cli('report', 'quarterly', '--period', '2004Q1', '--compare', '2003Q1'), 'report');
  const escape = (v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const row = (label, ...values) =>
    assert.match(text, new RegExp(`${escape(label)}\\s+${values.map(escape).join('\\s+')}`), label);
  row('Revenues', '$6,736,000', '$6,931,000');
  row('Gross profit', '$1,431,000', '$1,000,000');
  row('Income before income taxes', '$246,000', '$14,000');
  row('Provision (benefit) for income taxes', '$0', '$6,000');
  row('Net income', '$246,000', '$8,000');
  row('Basic and diluted per share amounts', '$0.03', '$0.00');
  row('Weighted average shares outstanding - basic', '7,756,000', '7,751,000');
  assert.match(text, /7,947,000\s+7,834,000/);
  row('Cash and marketable securities', '$911,000');
  row('Other current assets', '$4,323,000');
  row('Non-current assets', '$3,180,000');
  row('Total assets', '$8,414,000');
  row('Current liabilities', '$3,471,000');
  row('Long-term liabilities', '$1,286,000');
  row("Shareholders' equity", '$3,657,000');
  row('Ongoing donor centers', '$4,780,000', '$4,102,000', '$678,000', '+16.5%');
  row('Blood products', '$4,845,000', '$4,946,000', '($101,000)', '-2.0%');
  row('Blood services', '$1,891,000', '$1,985,000', '($94,000)', '-4.7%');
  row('Total revenue', '$6,736,000', '$6,931,000', '($195,000)', '-2.8%');
  row('Total general and administrative', '$1,184,000', '$985,000', '$199,000', '+20.2%');
  row('Working capital', '$1,763,000', '$1,179,000');
  row('Net accounts receivable', '$3,442,000', '$3,128,000', '$4,389,000');
  row('Days sales outstanding', '47', '42', '57');
  assert.match(text, /21\.2%\s+14\.4%/, 'gross margin');
  assert.doesNotMatch(text, /Consistency findings/, 'a ledger-built report is consistent');
});

test('the JSON report carries every published figure and derived percentage', () => {
  const report = JSON.parse(ok(srv.cli('report', 'quarterly', '--period', '2004Q1', '--compare', '2003Q1', '--format', 'json'), 'json'));
  const { current: c, prior: p, changes, year_end: ye } = report;
  assert.equal(c.period, '2004Q1');
  assert.equal(p.period, '2003Q1');
  const expect = {
    revenue: ['6736000.00', '6931000.00'],
    blood_products_revenue: ['4845000.00', '4946000.00'],
    ongoing_revenue: ['4780000.00', '4102000.00'],
    blood_services_revenue: ['1891000.00', '1985000.00'],
    gross_profit: ['1431000.00', '1000000.00'],
    blood_products_gross_profit: ['787000.00', '262000.00'],
    ongoing_gross_profit: ['787000.00', '456000.00'],
    closed_gross_profit: ['0.00', '-194000.00'],
    general_administrative: ['1184000.00', '985000.00'],
    income_before_taxes: ['246000.00', '14000.00'],
    income_taxes: ['0.00', '6000.00'],
    net_income: ['246000.00', '8000.00'],
    eps_basic: ['0.03', '0.00'],
    eps_diluted: ['0.03', '0.00'],
    gross_margin_percent: ['21.2', '14.4'],
    ongoing_gross_margin_percent: ['16.5', '11.1'],
  };
  for (const [key, [now, before]] of Object.entries(expect)) {
    assert.equal(c[key], now, `current ${key}`);
    assert.equal(p[key], before, `prior ${key}`);
  }
  assert.equal(c.shares_basic, 7756000);
  assert.equal(c.shares_diluted, 7947000);
  assert.equal(p.shares_basic, 7751000);
  assert.equal(p.shares_diluted, 7834000);
  const pct = { revenue: '-2.8', blood_products_revenue: '-2.0', ongoing_revenue: '16.5', blood_services_revenue: '-4.7',
    ongoing_gross_profit: '72.6', blood_products_gross_profit: '200.4', general_administrative: '20.2' };
  for (const [key, percent] of Object.entries(pct)) assert.equal(changes[key].percent, percent, `change of ${key}`);
  assert.equal(changes.revenue.amount, '-195000.00');
  assert.equal(changes.ongoing_revenue.amount, '678000.00');
  assert.equal(changes.general_administrative.amount, '199000.00');
  assert.equal(changes.general_administrative_lines['6100'].amount, '124000.00', 'bad-debt provision increase');
  assert.equal(changes.general_administrative_lines['6200'].amount, '69000.00', 'insurance increase');
  const pos = c.position;
  assert.deepEqual(
    [pos.date, pos.cash_and_securities, pos.other_current_assets, pos.non_current_assets, pos.total_assets,
      pos.current_liabilities, pos.long_term_liabilities, pos.equity, pos.working_capital, pos.net_receivables],
    ['2004-03-31', '911000.00', '4323000.00', '3180000.00', '8414000.00', '3471000.00', '1286000.00', '3657000.00',
      '1763000.00', '3442000.00']);
  assert.equal(pos.dso_days, 47);
  assert.equal(pos.dso, '46.5', 'DSO 3,442,000 / 6,736,000 x 91 days to one decimal');
  assert.equal(pos.quarter_days, 91, 'Q1 2004 is a leap-year quarter');
  assert.deepEqual([ye.date, ye.cash_and_securities, ye.working_capital, ye.net_receivables, ye.dso_days],
    ['2003-12-31', '935000.00', '1179000.00', '3128000.00', 42]);
  assert.equal(p.position.dso_days, 57);
  assert.equal(p.position.quarter_days, 90);
  const closed = c.centers.filter((center) => center.status === 'closed').map((center) => center.code);
  assert.deepEqual(closed, ['NC-01'], 'closed = close date on or before the end of the quarter reported');
  const priorClosed = p.centers.filter((center) => center.status === 'closed').map((center) => center.code);
  assert.deepEqual(priorClosed, ['NC-01', 'PA-01'], 'the same set of ongoing centers is used for the comparison');
  assert.deepEqual(report.findings, []);
});

test('without --compare the report compares with the same quarter a year earlier; none leaves it out', () => {
  const report = JSON.parse(ok(srv.cli('report', 'quarterly', '--period', '2004Q1', '--format', 'json'), 'default compare'));
  assert.equal(report.prior.period, '2003Q1');
  const alone = JSON.parse(ok(srv.cli('report', 'quarterly', '--period', '2004Q1', '--compare', 'none', '--format', 'json'), 'none'));
  assert.equal(alone.prior, null);
  assert.equal(alone.changes, null);
  const bad = srv.cli('report', 'quarterly', '--period', '2004Q5');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /period/);
  const later = srv.cli('report', 'quarterly', '--period', '2003Q1', '--compare', '2004Q1');
  assert.equal(later.status, 1);
  assert.match(later.stderr, /compare: must be a quarter before/);
});

test('CSV and HTML outputs carry the same figures', () => {
  const csv = ok(srv.cli('report', 'quarterly', '--period', '2004Q1', '--compare', '2003Q1', '--format', 'csv'), 'csv');
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'section,item,current,prior,change,change_percent,current_date,prior_date');
  assert.ok(lines.includes('statement,Revenues,6736000.00,6931000.00,-195000.00,-2.8,2004-01-01/2004-03-31,2003-01-01/2003-03-31'), 'revenue row, with the dates it compares');
  // The balance sheet compares with the previous fiscal year end, as the page and the release do.
  assert.ok(lines.some((line) => /^balance_sheet,Total assets,8414000\.00,[0-9.]+,.*,2004-03-31,2003-12-31$/.test(line)), 'balance sheet against 2003-12-31');
  const html = ok(srv.cli('report', 'quarterly', '--period', '2004Q1', '--compare', '2003Q1', '--format', 'html'), 'html');
  assert.match(html, /^<!DOCTYPE html>/i);
  assert.match(html, /\$6,736,000/);
  assert.match(html, /<svg/);
  const pdf = srv.cli('report', 'quarterly', '--period', '2004Q1', '--format', 'pdf');
  assert.equal(pdf.status, 0, pdf.stderr);
  assert.match(pdf.stdout, /^%PDF-/, 'a PDF on standard output when it is not a terminal');
  const wrong = srv.cli('report', 'quarterly', '--period', '2004Q1', '--format', 'xml');
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /--format must be text, json, csv, html or pdf/);
});

test('the draft release writes the narrative from the numbers', () => {
  const text = ok(srv.cli('report', 'release', '--period', '2004Q1', '--compare', '2003Q1'), 'release').replace(/\s+/g, ' ');
  for (const sentence of [
    'resulted in a profit of $246,000, or $0.03 per share basic and diluted, on revenue of $6,736,000.',
    'Revenue in the first quarter of 2004 was 2.8% less than the $6,931,000 reported in the same period of 2003.',
    'Blood products revenue decreased $101,000 to $4,845,000, or 2.0%',
    'Blood products revenue from ongoing donor centers increased $678,000, or 16.5%, from $4,102,000 reported in the first quarter of 2003.',
    'Blood services revenue in the quarter decreased $94,000, or 4.7%, to $1,891,000',
    'The gross profit percentage in the quarter increased to 21.2% from 14.4% for the same period in 2003.',
    'generated operating losses of $194,000',
    'increased 72.6% to $787,000',
    'General and administrative expenses increased in the first quarter of 2004 by $199,000, or 20.2%',
    '$124,000', '$69,000',
    'compared with $8,000 for the first quarter of 2003',
    'Working capital increased to $1,763,000 from $1,179,000',
    'Net accounts receivable increased to $3,442,000 from $3,128,000',
    '47 days', '42 days', '57 days',
    'No inconsistencies found.',
  ])
    assert.ok(text.includes(sentence), `the release says: ${sentence}`);
});

test('a deliberately inconsistent report (the published net income of 264,000) is flagged', () => {
  const report = JSON.parse(ok(srv.cli('report', 'quarterly', '--period', '2004Q1', '--compare', '2003Q1', '--format', 'json'), 'json'));
  report.current.net_income = '264000.00';
  report.current.position.total_assets = '8400000.00';
  const file = path.join(srv.dir, 'edited.json');
  fs.writeFileSync(file, JSON.stringify(report));
  const text = ok(srv.cli('report', 'release', '--input', file), 'release from input').replace(/\s+/g, ' ');
  assert.match(text, /net income \$264,000 is not income before income taxes \$246,000 less the provision \$0 \(\$246,000\)/);
  assert.match(text, /does not balance|total assets/i);
  assert.doesNotMatch(text, /No inconsistencies found/);
  fs.writeFileSync(file, '{"current": {"period": "2004Q1"}}');
  const broken = srv.cli('report', 'release', '--input', file);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /current\.\w+/, 'names the missing figure');
});

test('a refused import lists every problem by line number and changes nothing', () => {
  const file = writeCsv('bad.csv', [
    '2004-04-01,A,1000,,100.00,balanced',
    '2004-04-01,A,4000,LA-01,-100.00,balanced',
    '2004-04-02,B,1000,,100.00,does not balance',
    '2004-04-02,B,4000,LA-01,-90.00,does not balance',
    '2004-04-03,C,9999,,50.00,unknown account',
    '2004-04-03,C,1000,,-50.00,',
    '2004-04-04,D,1000,XX-99,50.00,unknown center',
    '2004-04-04,D,4000,LA-01,-50.00,',
    '2004-04-05,E,1000,,12.345,malformed amount',
    '2004-04-05,E,4000,,-12.35,',
    '2004-02-30,F,1000,,5.00,no such day',
    '2004-02-30,F,4000,,-5.00,',
  ]);
  const before = srv.fingerprint();
  const result = srv.cli('journal', 'import', file);
  assert.equal(result.status, 1);
  const problems = result.stderr.split('\n').filter((line) => line.startsWith(file));
  const at = (line) => problems.find((p) => p.startsWith(`${file}:${line}:`)) || '';
  assert.match(at(4), /amount: entry B does not balance/);
  assert.match(at(6), /account: no account '9999'/);
  assert.match(at(8), /center: no donor center or market 'XX-99'/);
  assert.match(at(10), /amount/);
  assert.match(at(12), /date/);
  assert.equal(at(2), '', 'the good entry is not a problem');
  assert.match(result.stderr, /nothing was imported: \d+ problems/);
  assert.equal(srv.fingerprint(), before, 'the journal, balances and audit trail are unchanged');

  const header = path.join(srv.dir, 'header.csv');
  fs.writeFileSync(header, 'when,what\n2004-04-01,A\n');
  const refused = srv.cli('journal', 'import', header);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /:1: header: the first line must be exactly: date,entry,account,center,amount,memo/);
  assert.equal(srv.fingerprint(), before);
});

test('a journal imported twice is refused, naming the earlier import; a reason imports it again on purpose', async () => {
  const before = srv.fingerprint();
  // The very same file: refused at line 1, naming import 1.
  let result = srv.cli('journal', 'import', FIXTURE);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /:1: file: this file was already imported by import 1 \(.*journal-2003-2004\.csv, \d{4}-\d{2}-\d{2}, by cli:/);
  // Another file repeating entry keys already imported: each key named at its line.
  const repeat = writeCsv('repeat.csv', [
    '2004-04-10,NEW1,1000,,10.00,new',
    '2004-04-10,NEW1,4000,LA-01,-10.00,new',
    '2004-01-31,J0001,1000,,10.00,same key as an imported entry',
    '2004-01-31,J0001,4000,LA-01,-10.00,',
    '2004-04-11,NEW2,1000,,10.00,',
    '2004-04-11,NEW2,4000,LA-01,-10.00,',
    '2004-04-12,NEW1,1000,,10.00,the key of line 2 again',
    '2004-04-12,NEW1,4000,LA-01,-10.00,',
  ]);
  result = srv.cli('journal', 'import', repeat);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /repeat\.csv:4: entry: entry J0001 was already imported by import 1 /);
  assert.match(result.stderr, /repeat\.csv:8: entry: entry key NEW1 is used twice in this file/);
  assert.doesNotMatch(result.stderr, /repeat\.csv:[26]:/);
  // A blank reason is no reason.
  result = srv.cli('journal', 'import', FIXTURE, '--reimport-reason', '   ');
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^bloodops: --reimport-reason: is required/);
  assert.equal(srv.fingerprint(), before, 'nothing imported, nothing audited');

  // With a reason, on purpose (on a database of its own): imported again,
  // the books doubled as asked, and the reason in the audit trail.
  const other = await startServer();
  try {
    registerCenters(other);
    ok(other.cli('journal', 'import', FIXTURE), 'first import');
    const again = JSON.parse(ok(other.cli('journal', 'import', FIXTURE, '--reimport-reason', 'load test: the books twice on purpose', '--format', 'json'), 'reimport'));
    assert.equal(again.entries, 73);
    assert.equal(again.reimport_reason, 'load test: the books twice on purpose');
    const audit = JSON.parse(ok(other.cli('audit', 'log', '--entity', 'journal_import', '--format', 'json'), 'audit'));
    assert.ok(audit.some((a) => a.entity_id === String(again.import_id) && a.reason === 'load test: the books twice on purpose'), JSON.stringify(audit));
    const revenue = (server) => JSON.parse(ok(server.cli('report', 'quarterly', '--period', '2004Q1', '--compare', 'none', '--format', 'json'), 'report')).current.revenue;
    assert.equal(Number(revenue(other)), 2 * Number(revenue(srv)));
  } finally {
    await other.stop();
    other.cleanup();
  }
});

test('a row with a NUL byte, invalid UTF-8 or a missing field refuses the file, naming its line and field', () => {
  const before = srv.fingerprint();
  const file = path.join(srv.dir, 'flawed.csv');
  fs.writeFileSync(file, Buffer.concat([
    Buffer.from(`${HEADER}\n`),
    Buffer.from('2004-04-20,F1,1000,,10.00,memo with a NUL\u0000hidden after it\n'),
    Buffer.from('2004-04-20,F1,4000,LA-01,-10.00,\n'),
    Buffer.from('2004-04-21,F2,1000,,10.00,'), Buffer.from([0xC3, 0x28]), Buffer.from('\n'),
    Buffer.from('2004-04-21,F2,4000,LA-01,-10.00,\n'),
    Buffer.from('2004-04-22,F3,1000,,10.00\n'),
    Buffer.from('2004-04-22,F3,4000,LA-01,-10.00,\n'),
  ]));
  const result = srv.cli('journal', 'import', file);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /flawed\.csv:2: memo: holds a NUL byte \(in field 6, memo\)/);
  assert.match(result.stderr, /flawed\.csv:4: memo: is not valid UTF-8 text \(in field 6, memo\)/);
  assert.match(result.stderr, /flawed\.csv:6: line: must have 6 fields: date,entry,account,center,amount,memo \(has 5\)/);
  assert.equal(srv.fingerprint(), before);
});

test('a closed period refuses postings, by hand and by import', () => {
  const server = srv;
  ok(server.cli('user', 'add', 'cfo', '--name', 'Chief Financial Officer', '--roles', 'finance', { env: { BLOODOPS_PASSWORD: 'cfo-password-1' } }), 'add cfo');
  const wrong = server.cli('period', 'close', '2002Q4', '--signer', 'cfo', { env: { BLOODOPS_PASSWORD: 'not-the-password' } });
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /password: wrong password/);
  assert.equal(server.cli('period', 'list', '--format', 'json').stdout.includes('2002Q4'), false);
  const closed = JSON.parse(ok(server.cli('period', 'close', '2002Q4', '--signer', 'cfo', '--reason', 'year-end audit', '--format', 'json', { env: { BLOODOPS_PASSWORD: 'cfo-password-1' } }), 'close'));
  assert.equal(closed.signed_by, 'cfo');
  assert.equal(closed.first_day, '2002-10-01');
  assert.equal(closed.last_day, '2002-12-31');
  const again = server.cli('period', 'close', '2002Q4', '--signer', 'cfo', { env: { BLOODOPS_PASSWORD: 'cfo-password-1' } });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /period: 2002Q4 is already closed/);

  const before = server.fingerprint();
  const manual = server.cli('journal', 'post', '--date', '2002-12-15', '--description', 'Late invoice', '1100=500.00', '4000/LA-01=-500.00');
  assert.equal(manual.status, 1);
  assert.match(manual.stderr, /date: 2002-12-15 falls in the closed period 2002Q4/);
  const file = writeCsv('late.csv', ['2002-11-30,L1,1100,,10.00,late', '2002-11-30,L1,4000,LA-01,-10.00,late']);
  const imported = server.cli('journal', 'import', file);
  assert.equal(imported.status, 1);
  assert.match(imported.stderr, /:2: date: entry L1 is dated 2002-11-30, in the closed period 2002Q4/);
  assert.equal(server.fingerprint(), before);
});

test('manual entries post, reverse once, and keep the trial balance in balance', () => {
  const posted = JSON.parse(ok(srv.cli('journal', 'post', '--date', '2004-04-15', '--description', 'Insurance premium',
    '6200=1500.00', '2100=-1500.00', '--format', 'json'), 'post'));
  assert.equal(posted.source, 'manual');
  assert.deepEqual(posted.lines.map((l) => [l.account, l.amount]), [['6200', '1500.00'], ['2100', '-1500.00']]);
  const unbalanced = srv.cli('journal', 'post', '--date', '2004-04-15', '--description', 'Typo', '6200=1500.00', '2100=-1400.00');
  assert.equal(unbalanced.status, 1);
  assert.match(unbalanced.stderr, /lines: the entry does not balance/);
  const reversed = JSON.parse(ok(srv.cli('journal', 'reverse', String(posted.id), '--reason', 'posted twice', '--format', 'json'), 'reverse'));
  assert.equal(reversed.reverses, posted.id);
  assert.deepEqual(reversed.lines.map((l) => [l.account, l.amount]), [['6200', '-1500.00'], ['2100', '1500.00']]);
  const twice = srv.cli('journal', 'reverse', String(posted.id), '--reason', 'again');
  assert.equal(twice.status, 1);
  assert.match(twice.stderr, /already reversed/);
  const trial = JSON.parse(ok(srv.cli('report', 'trial-balance', '--period', '2004Q2', '--format', 'json'), 'trial balance'));
  assert.equal(trial.totals.debits, trial.totals.credits, 'debits equal credits');
  assert.equal(trial.totals.debit_balances, trial.totals.credit_balances, 'the balances add up');
  const insurance = trial.items.find((item) => item.code === '6200');
  assert.equal(insurance.debits, '1500.00');
  assert.equal(insurance.credits, '1500.00');
  const sheet = JSON.parse(ok(srv.cli('report', 'balance-sheet', '--date', '2004-03-31', '--format', 'json'), 'balance sheet'));
  assert.equal(sheet.assets.total, '8414000.00');
  assert.equal(sheet.total_liabilities_and_equity, '8414000.00');
  const statement = JSON.parse(ok(srv.cli('report', 'income-statement', '--period', '2004Q1', '--format', 'json'), 'income statement'));
  assert.equal(statement.total_revenue, '6736000.00');
  assert.equal(statement.net_income, '246000.00');
  const partial = JSON.parse(ok(srv.cli('report', 'income-statement', '--from', '2004-01-15', '--to', '2004-03-30', '--format', 'json'), 'partial months'));
  const csv = ok(srv.cli('report', 'income-statement', '--period', '2004Q1', '--format', 'csv'), 'statement csv').trim().split('\n');
  assert.equal(csv[0], 'section,code,name,amount');
  assert.ok(csv.includes('revenue,4000,Blood products revenue,4845000.00'), 'an account line under its section');
  assert.ok(csv.includes(',,net_income,246000.00'), 'the totals as rows');
  const sheetCsv = ok(srv.cli('report', 'balance-sheet', '--date', '2004-03-31', '--format', 'csv'), 'sheet csv');
  assert.match(sheetCsv, /^assets\.current,1000,Cash and cash equivalents,811000\.00$/m);
  const badLimit = srv.cli('journal', 'list', '--limit', 'ten');
  assert.equal(badLimit.status, 1);
  assert.match(badLimit.stderr, /limit: must be a whole number/);
  const longLine = srv.cli('journal', 'post', '--date', '2004-04-15', '--description', 'Long', `6200=${'1'.repeat(200)}`, '2100=-1.00');
  assert.equal(longLine.status, 1);
  assert.match(longLine.stderr, /line: line 1 is longer than/);
  assert.equal(partial.total_revenue, '4484000.00', 'January and February month-end postings: the partial months read from the journal');
});

test('export then import into a new database gives the same quarterly results', async () => {
  const exported = path.join(srv.dir, 'export.csv');
  ok(srv.cli('journal', 'export', '--to', '2004-03-31', '--output', exported), 'export');
  const text = fs.readFileSync(exported, 'utf8');
  assert.ok(text.startsWith(`${HEADER}\n`));
  const copy = await startServer();
  try {
    registerCenters(copy);
    ok(copy.cli('journal', 'import', exported), 'import of the export');
    const original = JSON.parse(ok(srv.cli('report', 'quarterly', '--period', '2004Q1', '--compare', 'none', '--format', 'json'), 'original'));
    const again = JSON.parse(ok(copy.cli('report', 'quarterly', '--period', '2004Q1', '--compare', 'none', '--format', 'json'), 'copy'));
    delete original.current.shares_basic; delete original.current.shares_diluted;
    delete original.current.eps_basic; delete original.current.eps_diluted;
    delete again.current.shares_basic; delete again.current.shares_diluted;
    delete again.current.eps_basic; delete again.current.eps_diluted;
    assert.deepEqual(again, original);
  } finally {
    await copy.stop();
    copy.cleanup();
  }
});
