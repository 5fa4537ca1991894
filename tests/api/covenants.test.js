'use strict';
/*
 * covenants.test.js - the line of credit and its financial covenants over
 * HTTP and the command line (docs/reports.md, "Covenants of the line of
 * credit"): on the 2003-2004 fixture journal (Q1 2004 as published: equity
 * 3,657,000, liabilities 4,757,000, quick assets 4,353,000 against current
 * liabilities 3,471,000, net income 246,000), covenants set just around the
 * actual values are met or breached in the quarterly report (JSON, text,
 * HTML, PDF); the term's extension; every refusal names its field and changes
 * nothing; who may write.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startServer, ADMIN_PASSWORD, REPO } = require('./lib/server');
const calls = require('./lib/calls');
const { pdfText } = require('./lib/pdf_text');

const FIXTURE = path.join(REPO, 'tests/fixtures/ledger/journal-2003-2004.csv');

describe('covenants of the line of credit, on the 2003-2004 journal', () => {
  let srv;
  let admin;
  let finance;
  let executive;
  const { post, get, ok, refused } = calls(() => srv);
  const put = (session, route, body) => srv.api('PUT', route, { token: session.token, body });

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    const created = [
      ['/api/v1/markets', { code: 'LA', name: 'Los Angeles' }],
      ['/api/v1/markets', { code: 'PA', name: 'Pennsylvania' }],
      ['/api/v1/markets', { code: 'NC', name: 'North Carolina' }],
      ['/api/v1/markets', { code: 'NY', name: 'New York' }],
      ['/api/v1/centers', { code: 'LA-01', name: 'Sherman Oaks', market: 'LA', open_date: '1998-01-01' }],
      ['/api/v1/centers', { code: 'OC-01', name: 'Orange County', market: 'LA', open_date: '1999-01-01' }],
      ['/api/v1/centers', { code: 'PA-01', name: 'Philadelphia', market: 'PA', open_date: '2000-01-01' }],
      ['/api/v1/centers', { code: 'NC-01', name: 'Charlotte', market: 'NC', open_date: '2000-01-01' }],
    ];
    for (const [route, body] of created) await ok(post(admin, route, body), 201);
    const imported = srv.cli('journal', 'import', FIXTURE);
    assert.equal(imported.status, 0, `journal import: ${imported.stderr}`);
    await srv.addUser(admin, 'fin', 'finance', 'fin-password-1');
    await srv.addUser(admin, 'exec', 'executive');
    finance = await srv.login('fin', 'fin-password-1');
    executive = await srv.login('exec', 'exec-password-1');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('no line yet: 404, and the report has an empty covenants section', async () => {
    const r = await get(executive, '/api/v1/credit-line');
    assert.equal(r.status, 404, r.text);
    const report = await ok(get(executive, '/api/v1/reports/quarterly?period=2004Q1'));
    assert.deepEqual(report.covenants, { line: null, checks: [] });
  });

  test('the line: set, extended after its end (audited), the notes payable to reclassify', async () => {
    const first = await ok(put(finance, '/api/v1/credit-line',
      { lender: 'First Draft Bank', limit: '100', from: '2002-06-30', to: '2003-06-30' }));
    assert.equal(first.lender, 'First Draft Bank');
    let line = await ok(put(finance, '/api/v1/credit-line',
      { lender: 'Comerica Bank', limit: '3500000', from: '2002-06-30', to: '2004-06-30' }));
    assert.equal(line.limit, '3500000.00');
    assert.equal(line.term_end, '2004-06-30');
    assert.equal(line.extended, false);
    assert.deepEqual(line.extensions, []);

    line = await ok(post(finance, '/api/v1/credit-line/extend',
      { to: '2005-06-30', agreed: '2004-03-29', note: 'Amendment: one year, covenants revised' }));
    assert.equal(line.term_end, '2005-06-30');
    assert.equal(line.original_end, '2004-06-30');
    assert.equal(line.extended, true);
    assert.equal(line.extensions.length, 1);
    assert.deepEqual(
      [line.extensions[0].previous_end, line.extensions[0].new_end, line.extensions[0].agreed_on],
      ['2004-06-30', '2005-06-30', '2004-03-29'],
    );
    assert.match(line.reclassify, /2200.*2500/);

    const audit = await ok(get(admin, '/api/v1/audit?entity=credit_line'));
    assert.ok(audit.items.some((a) => a.action === 'extend'), JSON.stringify(audit.items));
    // the second set replaced the first line: its audit record holds both
    const reset = audit.items.find((a) => a.action === 'set' && a.before);
    assert.ok(reset, JSON.stringify(audit.items));
    assert.equal(reset.before.lender, 'First Draft Bank');
    assert.equal(reset.after.lender, 'Comerica Bank');
    assert.equal(audit.items.filter((a) => a.action === 'set').length, 2);

    const shown = await ok(get(executive, '/api/v1/credit-line'));
    assert.equal(shown.term_end, '2005-06-30');
  });

  test('covenants around the actual Q1 2004 values: met and breached, with their margins', async () => {
    const added = [
      ['min_tangible_net_worth', '3657000'], // exactly the value: met
      ['min_tangible_net_worth', '3657000.01'], // a cent above: breached
      ['max_liabilities_to_net_worth', '1.30'], // 1.3008 -> 1.30: met
      ['max_liabilities_to_net_worth', '1.29'], // breached by 0.01
      ['min_quick_ratio', '1.25'], // 1.2541 -> 1.25: met
      ['min_quick_ratio', '1.5'],
      ['min_quarterly_net_income', '200000'],
      ['min_quarterly_net_income', '250000'],
    ];
    const ids = [];
    for (const [kind, threshold] of added) {
      const c = await ok(post(finance, '/api/v1/covenants', { kind, threshold, from: '2004-01-01' }), 201);
      assert.equal(c.kind, kind);
      assert.equal(c.active, true);
      ids.push(c.id);
    }
    // One that starts after the quarter is not in force at its end.
    await ok(post(finance, '/api/v1/covenants', { kind: 'min_quick_ratio', threshold: '9', from: '2004-04-01' }), 201);

    const report = await ok(get(executive, '/api/v1/reports/quarterly?period=2004Q1'));
    const { line, checks } = report.covenants;
    assert.equal(line.lender, 'Comerica Bank');
    assert.equal(line.term_end, '2005-06-30');
    assert.equal(line.extended, true);
    assert.deepEqual(
      checks.map((c) => [c.kind, c.threshold, c.value, c.met, c.margin]),
      [
        ['min_tangible_net_worth', '3657000.00', '3657000.00', true, '0.00'],
        ['min_tangible_net_worth', '3657000.01', '3657000.00', false, '-0.01'],
        ['max_liabilities_to_net_worth', '1.30', '1.30', true, '0.00'],
        ['max_liabilities_to_net_worth', '1.29', '1.30', false, '-0.01'],
        ['min_quick_ratio', '1.25', '1.25', true, '0.00'],
        ['min_quick_ratio', '1.50', '1.25', false, '-0.25'],
        ['min_quarterly_net_income', '200000.00', '246000.00', true, '46000.00'],
        ['min_quarterly_net_income', '250000.00', '246000.00', false, '-4000.00'],
      ],
    );

    // Ended before the quarter's end: no longer judged.
    const ended = await ok(post(finance, `/api/v1/covenants/${ids[1]}/end`, { to: '2004-03-30' }));
    assert.equal(ended.active, false);
    assert.equal(ended.effective_to, '2004-03-30');
    const again = await ok(get(executive, '/api/v1/reports/quarterly?period=2004Q1'));
    assert.equal(again.covenants.checks.length, 7);
    assert.ok(!again.covenants.checks.some((c) => c.id === ids[1]));
    const list = await ok(get(executive, '/api/v1/covenants'));
    assert.equal(list.items.length, 9, 'the list keeps ended covenants');

    // The text and the HTML page show the section.
    const text = await srv.api('GET', '/api/v1/reports/quarterly?period=2004Q1&format=text', { token: executive.token });
    assert.equal(text.status, 200, text.text);
    assert.match(text.text, /Line of credit with Comerica Bank, limit \$3,500,000, term 2002-06-30 to\s+2005-06-30 \(extended from 2004-06-30\)/);
    assert.match(text.text, /Quick ratio, at least\s+1\.50\s+1\.25 breached\s+-0\.25/);
    assert.match(text.text, /Quarterly net income, at least\s+\$250,000\s+\$246,000 breached\s+\(\$4,000\)/);
    const html = await srv.api('GET', '/api/v1/reports/quarterly?period=2004Q1&format=html', { token: executive.token });
    assert.match(html.text, /<h2>Line of credit and covenants<\/h2>/);
    assert.match(html.text, /breached/);

    // The PDF sets the text on pages.
    const response = await fetch(`${srv.base}/api/v1/reports/quarterly?period=2004Q1&format=pdf`, {
      headers: { Authorization: `Bearer ${executive.token}`, Connection: 'close' },
    });
    assert.equal(response.status, 200);
    const pdf = pdfText(Buffer.from(await response.arrayBuffer()));
    assert.match(pdf, /Covenants at Mar 31, 2004/);
    assert.match(pdf, /Liabilities\/net worth, at most\s+1\.29\s+1\.30\s+breached\s+-0\.01/);

    // The command line prints the same.
    const cli = srv.cli('report', 'quarterly', '--period', '2004Q1');
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /Tangible net worth, at least\s+\$3,657,000\s+\$3,657,000\s+met\s+\$0/);
  });

  test('refusals name the field and change nothing', async () => {
    const line = { lender: 'Comerica Bank', limit: '3500000', from: '2002-06-30', to: '2004-06-30' };
    await refused(() => put(finance, '/api/v1/credit-line', { ...line, limit: '-1' }), 'limit', /negative/);
    await refused(() => put(finance, '/api/v1/credit-line', { ...line, limit: 'lots' }), 'limit');
    await refused(() => put(finance, '/api/v1/credit-line', { ...line, from: '2005-01-01' }), 'from', /after/);
    await refused(() => put(finance, '/api/v1/credit-line', { ...line, to: '2004-02-30' }), 'to');
    await refused(() => post(finance, '/api/v1/credit-line/extend', { to: '2005-06-30', agreed: '2005-01-01' }), 'to', /after/);
    await refused(() => post(finance, '/api/v1/credit-line/extend', { to: '2005-01-01', agreed: '2004-12-01' }), 'to', /after/);
    await refused(() => post(finance, '/api/v1/credit-line/extend', { to: '2006-06-30', agreed: 'soon' }), 'agreed');
    await refused(() => post(finance, '/api/v1/credit-line/extend', { to: '2006-06-30', agreed: '2005-01-01', note: 'x'.repeat(501) }), 'note', /500/);
    const covenant = { kind: 'min_quick_ratio', threshold: '1.25', from: '2004-01-01' };
    await refused(() => post(finance, '/api/v1/covenants', { ...covenant, kind: 'max_debt' }), 'kind');
    await refused(() => post(finance, '/api/v1/covenants', { ...covenant, threshold: '1.255' }), 'threshold', /two decimals/);
    await refused(() => post(finance, '/api/v1/covenants', { ...covenant, threshold: '-1' }), 'threshold');
    await refused(() => post(finance, '/api/v1/covenants', { ...covenant, kind: 'min_tangible_net_worth', threshold: '-5' }), 'threshold');
    await refused(() => post(finance, '/api/v1/covenants', { ...covenant, from: '2004-13-01' }), 'from');
    const list = await ok(get(finance, '/api/v1/covenants'));
    const active = list.items.find((c) => c.active);
    await refused(() => post(finance, `/api/v1/covenants/${active.id}/end`, { to: '2003-12-31' }), 'to', /before/);
    const done = list.items.find((c) => !c.active);
    await refused(() => post(finance, `/api/v1/covenants/${done.id}/end`, { to: '2004-12-31' }), 'id', /already/);
    await refused(() => post(finance, '/api/v1/covenants/999999/end', { to: '2004-12-31' }), 'id');

    const cli = srv.cli('credit', 'covenant', 'add', '--kind', 'min_quick_ratio', '--threshold', '1.255', '--from', '2004-01-01');
    assert.notEqual(cli.status, 0);
    assert.match(cli.stderr, /--threshold/);
  });

  test('executives read; only ledger.write changes the line and covenants', async () => {
    const before = srv.fingerprint();
    let r = await put(executive, '/api/v1/credit-line', { lender: 'X', limit: '1', from: '2004-01-01', to: '2004-12-31' });
    assert.equal(r.status, 403, r.text);
    r = await post(executive, '/api/v1/covenants', { kind: 'min_quick_ratio', threshold: '1', from: '2004-01-01' });
    assert.equal(r.status, 403, r.text);
    assert.equal(srv.fingerprint(), before);
    await ok(get(executive, '/api/v1/covenants'));
  });

  test('the command line: credit line show, covenant list', async () => {
    let r = srv.cli('credit', 'line', 'show');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Comerica Bank/);
    assert.match(r.stdout, /2005-06-30\s+2004-06-30\s+2004-03-29/);
    r = srv.cli('credit', 'covenant', 'list', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).length, 9);
  });
});
