'use strict';
/*
 * ledger_api.test.js - the general ledger and the financial reports over
 * HTTP (docs/reports.md): the chart of accounts, posting and reading
 * journal entries, every refusal of a bad entry (naming the field, changing
 * nothing), reversals, closing a period with an electronic signature,
 * weighted shares, who may read and who may write, and the reports of the
 * 2003-2004 fixture journal (quarterly results as JSON, text, CSV and HTML,
 * and the draft earnings release).
 *
 * One server per describe block: "the ledger" posts by hand on an empty
 * journal; "reports" imports tests/fixtures/ledger/journal-2003-2004.csv
 * through the command line on the server's own database (SQLite file or
 * PostgreSQL URL alike) and reads the results back through the API.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');
const { loadFixtureBooks } = require('./lib/fixture_books');

/* An entry as the API takes it. */
function entry(date, lines, description = 'Manual entry') {
  return { date, description, lines };
}

describe('the ledger', () => {
  let srv;
  let admin;
  let finance; // the user who posts and signs
  let executive;
  let auditor;
  let staff; // center_staff: no access to the books
  const FINANCE_PASSWORD = 'fin-password-1';

  /* Run `request` and assert that the database did not change. */
  async function unchanged(request) {
    const before = srv.fingerprint();
    const response = await request();
    assert.equal(srv.fingerprint(), before, `the database changed after: ${response.status} ${response.text}`);
    return response;
  }

  function post(session, route, body) {
    return srv.api('POST', route, { token: session.token, body });
  }

  function get(session, route) {
    return srv.api('GET', route, { token: session.token });
  }

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    let r = await post(admin, '/api/v1/markets', { code: 'LA', name: 'Los Angeles' });
    assert.equal(r.status, 201, r.text);
    r = await post(admin, '/api/v1/centers', { code: 'LA-01', name: 'Sherman Oaks', market: 'LA', open_date: '1998-01-01' });
    assert.equal(r.status, 201, r.text);
    await srv.addUser(admin, 'fin', 'finance', FINANCE_PASSWORD);
    await srv.addUser(admin, 'exec', 'executive');
    await srv.addUser(admin, 'aud', 'auditor');
    await srv.addUser(admin, 'staff', 'center_staff');
    finance = await srv.login('fin', FINANCE_PASSWORD);
    executive = await srv.login('exec', 'exec-password-1');
    auditor = await srv.login('aud', 'aud-password-1');
    staff = await srv.login('staff', 'staff-password-1');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('the chart of accounts: the default chart, an added account, refusals', async () => {
    let r = await get(auditor, '/api/v1/accounts');
    assert.equal(r.status, 200, r.text);
    const revenue = r.json.items.find((a) => a.code === '4000');
    assert.deepEqual(
      { name: revenue.name, type: revenue.type, segment: revenue.segment },
      { name: 'Blood products revenue', type: 'revenue', segment: 'blood_products' },
    );
    assert.equal(r.json.next_after, null, 'the chart comes whole');

    r = await post(finance, '/api/v1/accounts', {
      code: '6150',
      name: 'Professional fees',
      type: 'general_administrative',
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.code, '6150');
    assert.equal(r.json.type, 'general_administrative');
    r = await get(finance, '/api/v1/accounts');
    assert.ok(r.json.items.some((a) => a.code === '6150'), 'the new account is in the chart');

    r = await unchanged(() => post(finance, '/api/v1/accounts', { code: '6150', name: 'Again', type: 'general_administrative' }));
    assertError(r, 409, 'conflict', { field: 'code' });
    r = await unchanged(() => post(finance, '/api/v1/accounts', { code: '6160', name: 'Fees', type: 'expenses' }));
    assertError(r, 400, 'invalid_input', { field: 'type' });
    r = await unchanged(() => post(finance, '/api/v1/accounts', { code: '6160', name: 'Fees' }));
    assertError(r, 400, 'invalid_input', { field: 'type', message: 'required' });
    r = await unchanged(() => post(executive, '/api/v1/accounts', { code: '6160', name: 'Fees', type: 'general_administrative' }));
    assertError(r, 403, 'forbidden');
  });

  test('a finance user posts a balanced entry and reads it back', async () => {
    let r = await post(finance, '/api/v1/journal', entry('2004-02-10', [
      { account: '6200', center: 'LA-01', amount: '1500.00', memo: 'Premium, February' },
      { account: '1000', amount: '-1500.00' },
    ], 'Insurance premium'));
    assert.equal(r.status, 201, r.text);
    const posted = r.json;
    assert.ok(Number.isInteger(posted.id) && posted.id > 0, r.text);
    assert.equal(posted.date, '2004-02-10');
    assert.equal(posted.description, 'Insurance premium');
    assert.equal(posted.source, 'manual');
    assert.equal(posted.created_by, 'fin');
    assert.equal(posted.total, '1500.00');
    assert.equal(posted.reverses, null);
    assert.equal(posted.reversed_by, null);
    assert.deepEqual(posted.lines, [
      { account: '6200', center: 'LA-01', amount: '1500.00', memo: 'Premium, February' },
      { account: '1000', center: '', amount: '-1500.00', memo: '' },
    ]);

    r = await get(executive, `/api/v1/journal/${posted.id}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, posted, 'read back as it was posted');

    r = await post(finance, '/api/v1/journal', entry('2004-03-05', [
      { account: '1100', center: 'LA-01', amount: '250.00' },
      { account: '4000', center: 'LA-01', amount: '-250.00' },
    ], 'Blood products shipped'));
    assert.equal(r.status, 201, r.text);
    const second = r.json;

    r = await get(auditor, '/api/v1/journal');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((e) => e.id), [posted.id, second.id]);
    r = await get(auditor, '/api/v1/journal?account=6200');
    assert.deepEqual(r.json.items.map((e) => e.id), [posted.id], 'only entries with a line on 6200');
    r = await get(auditor, '/api/v1/journal?from=2004-03-01&to=2004-03-31');
    assert.deepEqual(r.json.items.map((e) => e.id), [second.id], 'only March');
    r = await get(auditor, '/api/v1/journal?limit=1');
    assert.deepEqual(r.json.items.map((e) => e.id), [posted.id]);
    assert.equal(r.json.next_after, posted.id, 'a full page points to the next');
    r = await get(auditor, `/api/v1/journal?limit=1&after=${posted.id}`);
    assert.deepEqual(r.json.items.map((e) => e.id), [second.id]);

    r = await get(auditor, '/api/v1/journal/999999');
    assertError(r, 404, 'not_found');
    r = await get(auditor, '/api/v1/journal/abc');
    assertError(r, 400, 'invalid_input', { field: 'id' });
  });

  test('a retried post with the same Idempotency-Key posts once', async () => {
    const body = entry('2004-02-09', [{ account: '6900', amount: '42.00' }, { account: '1000', amount: '-42.00' }], 'Retried');
    const send = () => srv.api('POST', '/api/v1/journal', { token: finance.token, body, headers: { 'Idempotency-Key': 'post-42' } });
    const first = await send();
    assert.equal(first.status, 201, first.text);
    const again = await unchanged(send);
    assert.equal(again.status, 201, again.text);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.json, first.json, 'the same entry, not a second one');
    const listed = await get(finance, '/api/v1/journal?from=2004-02-09&to=2004-02-09');
    assert.deepEqual(listed.json.items.map((e) => e.id), [first.json.id]);
  });

  test('bad entries are refused naming the field, and change nothing', async () => {
    const cases = [
      {
        what: 'unbalanced',
        body: entry('2004-02-11', [{ account: '6200', amount: '100.00' }, { account: '1000', amount: '-90.00' }]),
        field: 'lines',
        message: 'does not balance',
      },
      {
        what: 'unknown account',
        body: entry('2004-02-11', [{ account: '6200', amount: '100.00' }, { account: '9999', amount: '-100.00' }]),
        field: 'lines[1].account',
        message: '9999',
      },
      {
        what: 'unknown center',
        body: entry('2004-02-11', [{ account: '6200', center: 'ZZ-99', amount: '100.00' }, { account: '1000', amount: '-100.00' }]),
        field: 'lines[0].center',
        message: 'ZZ-99',
      },
      {
        what: 'malformed amount',
        body: entry('2004-02-11', [{ account: '6200', amount: '100.00' }, { account: '1000', amount: '-1O0.00' }]),
        field: 'lines[1].amount',
      },
      {
        what: 'amount with a fraction of a cent',
        body: entry('2004-02-11', [{ account: '6200', amount: '100.001' }, { account: '1000', amount: '-100.001' }]),
        field: 'lines[0].amount',
      },
      {
        what: 'amount as a JSON number',
        body: entry('2004-02-11', [{ account: '6200', amount: '100.00' }, { account: '1000', amount: -100 }]),
        field: 'lines[1].amount',
        message: 'string',
      },
      {
        what: 'amount missing',
        body: entry('2004-02-11', [{ account: '6200', amount: '100.00' }, { account: '1000' }]),
        field: 'lines[1].amount',
        message: 'required',
      },
      {
        what: 'unknown field in a line',
        body: entry('2004-02-11', [{ account: '6200', amount: '100.00', debit: true }, { account: '1000', amount: '-100.00' }]),
        field: 'lines[0].debit',
      },
      {
        what: 'a line that is not an object',
        body: entry('2004-02-11', [{ account: '6200', amount: '100.00' }, '1000=-100.00']),
        field: 'lines[1]',
      },
      {
        what: 'lines that are not an array',
        body: entry('2004-02-11', { account: '6200', amount: '100.00' }),
        field: 'lines',
      },
      {
        what: 'a single line',
        body: entry('2004-02-11', [{ account: '6200', amount: '0.00' }]),
        field: 'lines',
      },
      {
        what: 'no description',
        body: { date: '2004-02-11', lines: [{ account: '6200', amount: '1.00' }, { account: '1000', amount: '-1.00' }] },
        field: 'description',
      },
      {
        what: 'an impossible date',
        body: entry('2004-02-30', [{ account: '6200', amount: '100.00' }, { account: '1000', amount: '-100.00' }]),
        field: 'date',
      },
    ];
    for (const c of cases) {
      const r = await unchanged(() => post(finance, '/api/v1/journal', c.body));
      assertError(r, 400, 'invalid_input', { field: c.field, message: c.message });
    }
  });

  test('reversal posts the opposite lines; a second reversal is 409', async () => {
    let r = await post(finance, '/api/v1/journal', entry('2004-02-12', [
      { account: '6900', center: 'LA', amount: '75.25', memo: 'Supplies' },
      { account: '2000', amount: '-75.25' },
    ], 'Office supplies'));
    assert.equal(r.status, 201, r.text);
    const original = r.json;

    r = await unchanged(() => post(finance, `/api/v1/journal/${original.id}/reverse`, {}));
    assertError(r, 400, 'invalid_input', { field: 'reason' });
    r = await unchanged(() => post(finance, `/api/v1/journal/${original.id}/reverse`, { reason: 'Wrong vendor', date: '2004-13-01' }));
    assertError(r, 400, 'invalid_input', { field: 'date' });
    r = await unchanged(() => post(executive, `/api/v1/journal/${original.id}/reverse`, { reason: 'Wrong vendor' }));
    assertError(r, 403, 'forbidden');
    r = await unchanged(() => post(finance, '/api/v1/journal/999999/reverse', { reason: 'Wrong vendor' }));
    assertError(r, 404, 'not_found');

    r = await post(finance, `/api/v1/journal/${original.id}/reverse`, { reason: 'Wrong vendor', date: '2004-02-20' });
    assert.equal(r.status, 201, r.text);
    const reversal = r.json;
    assert.notEqual(reversal.id, original.id);
    assert.equal(reversal.date, '2004-02-20');
    assert.equal(reversal.source, 'reversal');
    assert.equal(reversal.reverses, original.id);
    assert.deepEqual(reversal.lines, [
      { account: '6900', center: 'LA', amount: '-75.25', memo: 'Supplies' },
      { account: '2000', center: '', amount: '75.25', memo: '' },
    ]);
    r = await get(finance, `/api/v1/journal/${original.id}`);
    assert.equal(r.json.reversed_by, reversal.id);

    r = await unchanged(() => post(finance, `/api/v1/journal/${original.id}/reverse`, { reason: 'Again' }));
    assertError(r, 409, 'conflict', { field: 'id', message: String(reversal.id) });
  });

  test('closing a period: a wrong password is 401 and closes nothing', async () => {
    let r = await post(finance, '/api/v1/periods/close', { period: '2004-01', password: 'not-my-password' });
    assertError(r, 401, 'unauthorized', { field: 'password' });
    r = await get(finance, '/api/v1/periods');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items, [], 'no period closed');
    // The failed signature is on the record.
    r = await get(admin, '/api/v1/audit?entity=signature');
    assert.equal(r.status, 200, r.text);
    assert.ok(
      r.json.items.some((a) => a.action === 'signature_failed' && a.entity_id === 'fin'),
      `a signature_failed record for fin: ${r.text}`,
    );

    r = await unchanged(() => post(finance, '/api/v1/periods/close', { period: '2004-01' }));
    assertError(r, 400, 'invalid_input', { field: 'password' });
    r = await unchanged(() => post(finance, '/api/v1/periods/close', { period: '2004-14', password: FINANCE_PASSWORD }));
    assertError(r, 400, 'invalid_input', { field: 'period' });
    r = await unchanged(() => post(executive, '/api/v1/periods/close', { period: '2004-01', password: 'exec-password-1' }));
    assertError(r, 403, 'forbidden');
  });

  test('closing a period with the right password signs it; postings in it are refused', async () => {
    let r = await post(finance, '/api/v1/periods/close', {
      period: '2004-01',
      password: FINANCE_PASSWORD,
      reason: 'January books final',
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.period, '2004-01');
    assert.equal(r.json.first_day, '2004-01-01');
    assert.equal(r.json.last_day, '2004-01-31');
    assert.equal(r.json.signed_by, 'fin', 'the signer is the session user');
    assert.equal(r.json.reason, 'January books final');
    assert.match(r.json.signed_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.match(r.json.signature_meaning, /closed/);

    r = await get(auditor, '/api/v1/periods');
    assert.deepEqual(r.json.items.map((p) => [p.period, p.signed_by]), [['2004-01', 'fin']]);

    r = await unchanged(() =>
      post(finance, '/api/v1/journal', entry('2004-01-15', [
        { account: '6200', amount: '10.00' },
        { account: '1000', amount: '-10.00' },
      ])),
    );
    assertError(r, 400, 'invalid_input', { field: 'date', message: '2004-01' });

    r = await unchanged(() => post(finance, '/api/v1/periods/close', { period: '2004-01', password: FINANCE_PASSWORD }));
    assertError(r, 409, 'conflict', { field: 'period' });

    // The day after the period is still open.
    r = await post(finance, '/api/v1/journal', entry('2004-02-01', [
      { account: '6200', amount: '10.00' },
      { account: '1000', amount: '-10.00' },
    ]));
    assert.equal(r.status, 201, r.text);
  });

  test('weighted shares: set (numbers or decimal text), update, list, refusals', async () => {
    let r = await post(finance, '/api/v1/shares', { period: '2004Q1', basic: 7756000, diluted: '7947000' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.period, '2004Q1');
    assert.equal(r.json.basic, 7756000);
    assert.equal(r.json.diluted, 7947000);
    assert.equal(r.json.updated_by, 'fin');
    r = await post(admin, '/api/v1/shares', { period: '2003Q1', basic: '7751000', diluted: 7834000 });
    assert.equal(r.status, 200, r.text);
    r = await post(finance, '/api/v1/shares', { period: '2003Q1', basic: 7751000, diluted: 7835000 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.diluted, 7835000, 'setting again updates');

    r = await get(executive, '/api/v1/shares');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.json.items.map((s) => [s.period, s.basic, s.diluted]),
      [['2003Q1', 7751000, 7835000], ['2004Q1', 7756000, 7947000]],
    );

    const refused = [
      [{ period: '2004Q5', basic: 1, diluted: 1 }, 'period'],
      [{ period: '2004Q2', basic: 'many', diluted: 1 }, 'basic'],
      [{ period: '2004Q2', basic: 1.5, diluted: 2 }, 'basic'],
      [{ period: '2004Q2', basic: 0, diluted: 1 }, 'basic'],
      [{ period: '2004Q2', basic: 100, diluted: 99 }, 'diluted'],
      [{ period: '2004Q2', basic: 100 }, 'diluted'],
    ];
    for (const [body, field] of refused) {
      r = await unchanged(() => post(finance, '/api/v1/shares', body));
      assertError(r, 400, 'invalid_input', { field });
    }
    r = await unchanged(() => post(auditor, '/api/v1/shares', { period: '2004Q2', basic: 1, diluted: 1 }));
    assertError(r, 403, 'forbidden');
  });

  test('roles: executives and auditors read but cannot post; center staff cannot read; no session is 401', async () => {
    const good = entry('2004-02-15', [{ account: '6200', amount: '1.00' }, { account: '1000', amount: '-1.00' }]);
    for (const reader of [executive, auditor]) {
      for (const route of ['/api/v1/journal', '/api/v1/accounts', '/api/v1/periods', '/api/v1/shares',
        '/api/v1/reports/trial-balance?period=2004', '/api/v1/reports/income-statement?period=2004Q1',
        '/api/v1/reports/balance-sheet?date=2004-03-31', '/api/v1/reports/quarterly?period=2004Q1']) {
        const r = await get(reader, route);
        assert.equal(r.status, 200, `${route}: ${r.text}`);
      }
      const r = await unchanged(() => post(reader, '/api/v1/journal', good));
      assertError(r, 403, 'forbidden');
    }
    for (const route of ['/api/v1/journal', '/api/v1/accounts', '/api/v1/reports/quarterly?period=2004Q1',
      '/api/v1/reports/release?period=2004Q1']) {
      const r = await get(staff, route);
      assertError(r, 403, 'forbidden');
    }
    let r = await unchanged(() => post(staff, '/api/v1/journal', good));
    assertError(r, 403, 'forbidden');

    r = await srv.api('GET', '/api/v1/journal');
    assertError(r, 401, 'unauthorized');
    r = await unchanged(() => srv.api('POST', '/api/v1/journal', { body: good }));
    assertError(r, 401, 'unauthorized');
    r = await srv.api('GET', '/api/v1/reports/quarterly?period=2004Q1&format=html');
    assertError(r, 401, 'unauthorized');

    // A browser session must send its CSRF token to post.
    r = await unchanged(() => srv.api('POST', '/api/v1/journal', { cookie: finance.cookie, body: good }));
    assertError(r, 403, 'forbidden', { field: 'X-CSRF-Token' });
    r = await srv.api('POST', '/api/v1/journal', { cookie: finance.cookie, csrf: finance.csrf_token, body: good });
    assert.equal(r.status, 201, r.text);
  });

  test('bad query parameters are 400 naming the parameter', async () => {
    const cases = [
      ['/api/v1/journal?from=2004-13-01', 'from'],
      ['/api/v1/journal?to=yesterday', 'to'],
      ['/api/v1/journal?limit=0', 'limit'],
      ['/api/v1/journal?after=first', 'after'],
      ['/api/v1/journal?account=9999', 'account'],
      ['/api/v1/reports/trial-balance', 'period'],
      ['/api/v1/reports/trial-balance?period=2004Q5', 'period'],
      ['/api/v1/reports/trial-balance?from=2004-01-01', 'to'],
      ['/api/v1/reports/trial-balance?from=2004-03-01&to=2004-01-01', 'to'],
      ['/api/v1/reports/income-statement?period=2004-13', 'period'],
      ['/api/v1/reports/income-statement?period=2004&from=2004-01-01&to=2004-01-31', 'period'],
      ['/api/v1/reports/balance-sheet', 'date'],
      ['/api/v1/reports/balance-sheet?date=2004-02-30', 'date'],
      ['/api/v1/reports/quarterly', 'period'],
      ['/api/v1/reports/quarterly?period=2004-03', 'period'],
      ['/api/v1/reports/quarterly?period=2004Q1&compare=2005Q1', 'compare'],
      ['/api/v1/reports/quarterly?period=2004Q1&compare=soon', 'compare'],
      ['/api/v1/reports/quarterly?period=2004Q1&format=xls', 'format'],
      ['/api/v1/reports/release?period=Q1', 'period'],
    ];
    for (const [route, field] of cases) {
      const r = await get(finance, route);
      assertError(r, 400, 'invalid_input', { field });
    }
  });
});

describe('reports from the 2003-2004 journal', () => {
  let srv;
  let admin;
  let executive;

  function get(session, route) {
    return srv.api('GET', route, { token: session.token });
  }

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    await loadFixtureBooks(srv, admin);
    for (const body of [
      { period: '2004Q1', basic: 7756000, diluted: 7947000 },
      { period: '2003Q1', basic: 7751000, diluted: 7834000 },
    ]) {
      const r = await srv.api('POST', '/api/v1/shares', { token: admin.token, body });
      assert.equal(r.status, 200, r.text);
    }
    await srv.addUser(admin, 'exec', 'executive');
    executive = await srv.login('exec', 'exec-password-1');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('quarterly results as JSON: the published figures, no findings', async () => {
    const r = await get(executive, '/api/v1/reports/quarterly?period=2004Q1&compare=2003Q1');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const { current, prior, changes, findings } = r.json;
    const yearEnd = r.json.year_end;
    assert.equal(current.period, '2004Q1');
    assert.equal(prior.period, '2003Q1');
    assert.equal(current.revenue, '6736000.00');
    assert.equal(prior.revenue, '6931000.00');
    assert.equal(current.ongoing_revenue, '4780000.00');
    assert.equal(prior.ongoing_revenue, '4102000.00');
    assert.equal(current.gross_margin_percent, '21.2');
    assert.equal(changes.revenue.percent, '-2.8');
    assert.equal(current.net_income, '246000.00');
    assert.equal(current.eps_basic, '0.03');
    assert.equal(current.position.dso_days, 47);
    assert.equal(yearEnd.dso_days, 42);
    assert.equal(prior.position.dso_days, 57);
    assert.deepEqual(findings, []);

    // The default comparison is the same quarter a year earlier.
    const byDefault = await get(executive, '/api/v1/reports/quarterly?period=2004Q1');
    assert.equal(byDefault.status, 200, byDefault.text);
    assert.deepEqual(byDefault.json, r.json);
    // compare=none: no prior, no changes.
    const alone = await get(executive, '/api/v1/reports/quarterly?period=2004Q1&compare=none&format=json');
    assert.equal(alone.status, 200, alone.text);
    assert.equal(alone.json.prior, null);
    assert.equal(alone.json.changes, null);
    assert.equal(alone.json.current.revenue, '6736000.00');
  });

  test('quarterly results as HTML, text and CSV, with their content types', async () => {
    let r = await get(executive, '/api/v1/reports/quarterly?period=2004Q1&compare=2003Q1&format=html');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.match(r.text, /^<!DOCTYPE html>/i);
    assert.ok(r.text.includes('$6,736,000'), 'the revenue in the page');

    r = await get(executive, '/api/v1/reports/quarterly?period=2004Q1&compare=2003Q1&format=text');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.ok(r.text.includes('6,736,000'), r.text);
    assert.equal(r.json, null, 'not JSON');

    r = await get(executive, '/api/v1/reports/quarterly?period=2004Q1&compare=2003Q1&format=csv');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    const rows = r.text.trim().split('\n');
    assert.equal(rows[0], 'section,item,current,prior,change,change_percent,current_date,prior_date');
    assert.ok(rows.some((row) => row.startsWith('statement,') && row.includes('6736000.00') && row.includes('6931000.00')), r.text);

    // HEAD answers as GET, without the body.
    r = await srv.api('HEAD', '/api/v1/reports/quarterly?period=2004Q1&format=html', { token: executive.token });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(r.text, '');

    // An error is still the JSON envelope, whatever format was asked for.
    r = await get(executive, '/api/v1/reports/quarterly?period=2004Q9&format=html');
    assertError(r, 400, 'invalid_input', { field: 'period' });
    assert.match(r.headers.get('content-type'), /^application\/json/);
  });

  test('the draft earnings release and its findings', async () => {
    const r = await get(executive, '/api/v1/reports/release?period=2004Q1&compare=2003Q1');
    assert.equal(r.status, 200, r.text);
    assert.equal(typeof r.json.text, 'string');
    assert.ok(r.json.text.includes('2.8% less than the $6,931,000'), r.json.text);
    assert.ok(r.json.text.includes('$246,000'), r.json.text);
    assert.deepEqual(r.json.findings, []);
  });

  test('a quarter with nothing posted says so in every format instead of figures of $0', async () => {
    let r = await get(executive, '/api/v1/reports/quarterly?period=2004Q1');
    assert.ok(r.json.current.entries > 0, r.text);
    r = await get(executive, '/api/v1/reports/quarterly?period=2005Q1');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.current.entries, 0);
    const sentence = 'Nothing is posted in Q1 2005 (January 1, 2005 to March 31, 2005): there are no results to report for this quarter.';
    r = await get(executive, '/api/v1/reports/quarterly?period=2005Q1&format=text');
    assert.equal(r.text, `Quarterly results, Q1 2005\n\n${sentence}\n`);
    r = await get(executive, '/api/v1/reports/quarterly?period=2005Q1&format=html');
    assert.ok(r.text.includes(`<p>${sentence}</p>`), r.text);
    assert.ok(!r.text.includes('No inconsistencies found'), 'no check of nothing');
    assert.ok(!r.text.includes('$0'), 'no figures of $0');
    r = await get(executive, '/api/v1/reports/release?period=2005Q1');
    assert.equal(r.json.text.replace(/\s+/g, ' ').trim(), `DRAFT - FIRST QUARTER 2005 RESULTS ${sentence}`);
  });

  test('trial balance, income statement and balance sheet', async () => {
    let r = await get(executive, '/api/v1/reports/trial-balance?period=2004Q1');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.from, '2004-01-01');
    assert.equal(r.json.to, '2004-03-31');
    assert.equal(r.json.totals.debits, r.json.totals.credits, 'debits equal credits');
    assert.equal(r.json.totals.debit_balances, r.json.totals.credit_balances, 'the balances balance');
    const receivables = r.json.items.find((a) => a.code === '1100');
    assert.equal(receivables.debits, '6736000.00', 'the quarter billed its revenue');

    r = await get(executive, '/api/v1/reports/trial-balance?from=2004-01-01&to=2004-03-31');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.totals.debits, '19983000.00');

    r = await get(executive, '/api/v1/reports/income-statement?period=2004Q1');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total_revenue, '6736000.00');
    assert.equal(r.json.gross_profit, '1431000.00');
    assert.equal(r.json.net_income, '246000.00');
    r = await get(executive, '/api/v1/reports/income-statement?from=2003-01-01&to=2003-03-31');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total_revenue, '6931000.00');

    r = await get(executive, '/api/v1/reports/balance-sheet?date=2004-03-31');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.date, '2004-03-31');
    assert.equal(r.json.assets.total, r.json.total_liabilities_and_equity, 'the balance sheet balances');
  });

  test('the dashboard: the latest quarter by default, its series and its largest movements', async () => {
    let r = await get(executive, '/api/v1/reports/dashboard');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.quarter, '2004Q1', 'the latest quarter with postings is shown');
    assert.deepEqual(r.json.quarters_on_record, ['2003Q1', '2003Q2', '2003Q3', '2003Q4', '2004Q1']);
    // The figures are the quarterly report's, against the year before.
    assert.equal(r.json.report.current.revenue, '6736000.00');
    assert.equal(r.json.report.prior.period, '2003Q1');
    assert.equal(r.json.report.changes.revenue.percent, '-2.8');
    assert.equal(r.json.report.current.net_income, '246000.00');
    // Revenue by segment, one point per quarter up to the one shown.
    const series = r.json.revenue_by_segment;
    assert.deepEqual(series.map((p) => p.period), ['2003Q1', '2003Q2', '2003Q3', '2003Q4', '2004Q1']);
    assert.deepEqual(series[0], { period: '2003Q1', blood_products: '4946000.00', blood_services: '1985000.00', total: '6931000.00' });
    assert.deepEqual(series[4], { period: '2004Q1', blood_products: '4845000.00', blood_services: '1891000.00', total: '6736000.00' });
    // The accounts that moved most, largest first: cost of blood products
    // fell by $626,000 (the closed centers), then apheresis revenue.
    const movements = r.json.movements;
    assert.ok(movements.length > 0 && movements.length <= 8, r.text);
    assert.deepEqual(movements[0], {
      code: '5000', name: 'Cost of blood products', type: 'cost_of_revenue',
      current: '4058000.00', prior: '4684000.00', change: '-626000.00', percent: '-13.4',
    });
    assert.equal(movements[1].code, '4100');
    const sizes = movements.map((m) => Math.abs(Number(m.change)));
    assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), 'largest first');

    r = await get(executive, '/api/v1/reports/dashboard?quarter=2003Q3');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.quarter, '2003Q3');
    assert.equal(r.json.report.current.revenue, '6783000.00');
    assert.deepEqual(r.json.revenue_by_segment.map((p) => p.period), ['2003Q1', '2003Q2', '2003Q3'],
      'the series ends with the quarter shown');
  });

  test('the dashboard refuses a bad quarter and a role without access to the books', async () => {
    const r = await get(executive, '/api/v1/reports/dashboard?quarter=2004Q5');
    assertError(r, 400, 'invalid_input', { field: 'quarter' });
    await srv.addUser(admin, 'nurse', 'apheresis_nurse');
    const nurse = await srv.login('nurse', 'nurse-password-1');
    assertError(await get(nurse, '/api/v1/reports/dashboard'), 403, 'forbidden');
  });

  test('the journal sorted, at an offset, with its total; by account it sums as the trial balance', async () => {
    // Newest first, a page at an offset, every match counted.
    let r = await get(executive, '/api/v1/journal?sort=-date&limit=10');
    assert.equal(r.status, 200, r.text);
    const all = r.json.total;
    assert.ok(all > 20, `the fixture has entries (${all})`);
    const dates = r.json.items.map((e) => e.date);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
    assert.equal(dates[0], '2004-03-31');
    const within = r.json.items.filter((e) => e.date === dates[0]).map((e) => e.id);
    assert.deepEqual(within, [...within].sort((a, b) => b - a), 'newest first within a day too');
    const next = await get(executive, '/api/v1/journal?sort=-date&limit=10&offset=10');
    assert.equal(next.json.total, all);
    assert.equal(next.json.items.length, 10);
    assert.ok(next.json.items.every((e) => !r.json.items.some((f) => f.id === e.id)), 'pages do not overlap');
    assert.ok(next.json.items[0].date <= dates[dates.length - 1]);
    const past = await get(executive, `/api/v1/journal?sort=date&offset=${all}`);
    assert.deepEqual([past.json.items, past.json.total], [[], 0], 'past the last page: nothing');
    const bySize = await get(executive, '/api/v1/journal?sort=-total&limit=3');
    const sizes = bySize.json.items.map((e) => Math.round(Number(e.total) * 100));
    assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), 'largest entry first');
    // Without sort or offset the list is the keyset list it was: no total.
    const plain = await get(executive, '/api/v1/journal?limit=2');
    assert.equal(plain.json.total, undefined);
    assert.deepEqual(plain.json.items.map((e) => e.id), [1, 2]);

    // An account over a quarter: each entry carries the account's debits and
    // credits, and their sums are the trial balance's activity.
    const tb = await get(executive, '/api/v1/reports/trial-balance?period=2004Q1');
    for (const code of ['4000', '1100', '1000']) {
      const line = tb.json.items.find((a) => a.code === code);
      r = await get(executive, `/api/v1/journal?account=${code}&from=2004-01-01&to=2004-03-31&sort=-date&limit=500`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.account_totals, { account: code, debits: line.debits, credits: line.credits }, `account ${code}`);
      const cents = (key) => r.json.items.reduce((sum, e) => sum + Math.round(Number(e[key]) * 100), 0);
      assert.equal(cents('account_debits'), Math.round(Number(line.debits) * 100), `${code}: the entries' debits add up`);
      assert.equal(cents('account_credits'), Math.round(Number(line.credits) * 100), `${code}: the entries' credits add up`);
      assert.equal(r.json.total, r.json.items.length);
    }
    // The totals cover every page, not only the one asked for.
    const page = await get(executive, '/api/v1/journal?account=1100&from=2004-01-01&to=2004-03-31&sort=date&limit=1');
    assert.equal(page.json.items.length, 1);
    assert.equal(page.json.account_totals.debits, tb.json.items.find((a) => a.code === '1100').debits);

    // Source and a search over descriptions, entry keys and line memos.
    r = await get(executive, '/api/v1/journal?source=import&sort=id&limit=1');
    assert.equal(r.json.total, all, 'the fixture is all imported');
    r = await get(executive, '/api/v1/journal?source=manual&sort=id');
    assert.equal(r.json.total, 0);
    r = await get(executive, '/api/v1/journal?q=j0001&sort=id');
    assert.deepEqual(r.json.items.map((e) => e.source_ref), ['J0001'], 'found by entry key, in any case');
    r = await get(executive, '/api/v1/journal?q=OPENING%20BAL&sort=id');
    assert.ok(r.json.total >= 1 && r.json.items[0].source_ref === 'J0001', 'found by a line memo');
    r = await get(executive, '/api/v1/journal?q=100%25&sort=id');
    assert.equal(r.json.total, 0, 'a % is a character, not a wildcard');

    for (const [query, field] of [['sort=amount', 'sort'], ['sort=-', 'sort'], ['offset=-1', 'offset'],
      ['offset=ten', 'offset'], ['sort=date&after=3', 'after'], [`q=${'x'.repeat(101)}`, 'q'],
      [`source=${'s'.repeat(33)}`, 'source'], ['account=4000&sort=account_debits', 'sort']])
      assertError(await get(executive, `/api/v1/journal?${query}`), 400, 'invalid_input', { field });
  });

  test('the imported journal reads back through the API', async () => {
    const r = await get(executive, '/api/v1/journal?from=2004-01-01&to=2004-03-31&limit=500');
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length > 0, r.text);
    assert.ok(r.json.items.every((e) => e.date >= '2004-01-01' && e.date <= '2004-03-31'));
    const first = await get(executive, `/api/v1/journal/${r.json.items[0].id}`);
    assert.equal(first.status, 200, first.text);
    assert.ok(first.json.lines.length >= 2);
    const sum = first.json.lines.reduce((total, line) => total + Math.round(Number(line.amount) * 100), 0);
    assert.equal(sum, 0, 'an imported entry balances');
  });
});
