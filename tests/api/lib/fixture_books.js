'use strict';
/*
 * fixture_books.js - the 2003-2004 fixture journal (tests/fixtures/ledger)
 * loaded through the API and the command line: the markets and donor
 * centers it names (two closed by the 2003 restructuring plan), then the
 * journal imported by `bloodops journal import` on the server's database.
 */
const assert = require('node:assert/strict');
const path = require('node:path');
const { REPO } = require('./server');

const FIXTURE = path.join(REPO, 'tests/fixtures/ledger/journal-2003-2004.csv');

/* Register the fixture's centers as `admin` and import its journal. */
async function loadFixtureBooks(srv, admin) {
  const created = [
    ['/api/v1/markets', { code: 'LA', name: 'Los Angeles' }],
    ['/api/v1/markets', { code: 'NY', name: 'New York' }],
    ['/api/v1/markets', { code: 'PA', name: 'Pennsylvania' }],
    ['/api/v1/markets', { code: 'NC', name: 'North Carolina' }],
    ['/api/v1/centers', { code: 'LA-01', name: 'Sherman Oaks', market: 'LA', open_date: '1998-01-01' }],
    ['/api/v1/centers', { code: 'OC-01', name: 'Orange County', market: 'LA', open_date: '1999-01-01' }],
    ['/api/v1/centers', { code: 'PA-01', name: 'Philadelphia', market: 'PA', open_date: '2000-01-01' }],
    ['/api/v1/centers', { code: 'NC-01', name: 'Charlotte', market: 'NC', open_date: '2000-01-01' }],
  ];
  for (const [route, body] of created) {
    const r = await srv.api('POST', route, { token: admin.token, body });
    assert.equal(r.status, 201, `${route} ${body.code}: ${r.text}`);
  }
  for (const [code, date] of [['PA-01', '2003-09-30'], ['NC-01', '2004-01-31']]) {
    const r = await srv.api('POST', `/api/v1/centers/${code}/close`, {
      token: admin.token,
      body: { close_date: date, reason: 'restructuring plan' },
    });
    assert.equal(r.status, 200, `closing ${code}: ${r.text}`);
  }
  const imported = srv.cli('journal', 'import', FIXTURE);
  assert.equal(imported.status, 0, `journal import: ${imported.stderr}`);
}

module.exports = { FIXTURE, loadFixtureBooks };
