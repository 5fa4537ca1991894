'use strict';
/*
 * hledger.test.js - the journal exported for hledger (docs/reports.md, "The
 * journal for hledger") read back by hledger itself (the Debian package
 * that `make deps` installs): at every quarter end of the 2003-2004 fixture
 * journal, hledger's balances equal bloodops' trial balance account by
 * account, to the cent; a description or memo holding ';' and quotes still
 * parses and keeps its text; --from/--to limit the entries; a bad date or
 * format is refused, naming it.
 * (tests/api/lib/hledger.js runs hledger and compares.)
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');
const { loadFixtureBooks } = require('./lib/fixture_books');
const { assertHledgerEqualsTrialBalance, hledger } = require('./lib/hledger');

const QUARTER_ENDS = ['2003-03-31', '2003-06-30', '2003-09-30', '2003-12-31', '2004-03-31'];
const DESCRIPTION = 'Insurance "Q1"; paid \'late\'';
const MEMO = 'premium; see "policy 7"';

let srv;
let auditor;
let exported; // the whole journal for hledger
let quotedEntry; // the id of the entry with ';' and quotes

function ok(result, what) {
  assert.equal(result.status, 0, `${what} failed: ${result.stderr}`);
  return result.stdout;
}

before(async () => {
  srv = await startServer();
  const admin = await srv.login('admin', ADMIN_PASSWORD);
  await loadFixtureBooks(srv, admin);
  await srv.addUser(admin, 'fin', 'finance');
  await srv.addUser(admin, 'aud', 'auditor');
  const finance = await srv.login('fin', 'fin-password-1');
  auditor = await srv.login('aud', 'aud-password-1');
  const r = await srv.api('POST', '/api/v1/journal', {
    token: finance.token,
    body: {
      date: '2004-02-10',
      description: DESCRIPTION,
      lines: [
        { account: '6200', center: 'LA-01', amount: '1500.25', memo: MEMO },
        { account: '1000', amount: '-1500.25' },
      ],
    },
  });
  assert.equal(r.status, 201, r.text);
  quotedEntry = r.json.id;
  exported = path.join(srv.dir, 'books.journal');
  ok(srv.cli('journal', 'export', '--format', 'hledger', '--output', exported), 'export for hledger');
});

after(async () => {
  if (srv) {
    await srv.stop();
    srv.cleanup();
  }
});

test('hledger reads the export: every entry balances, with its id as the code', () => {
  const text = fs.readFileSync(exported, 'utf8');
  // an imported entry has no description of its own: its entry key names it
  assert.ok(/^2003-01-01 \(1\) Imported entry J0001$/m.test(text), 'the first entry\'s header line');
  assert.ok(/^ {4}assets:1100 Accounts receivable {2}4400000\.00 {2}; Opening balance$/m.test(text),
    'an opening balance posting');
  // hledger refuses an entry that does not balance: parsing all is the check
  const entries = JSON.parse(hledger(exported, 'print', '-O', 'json'));
  assert.equal(entries.length, 74, 'the 73 imported entries and the one posted');
  assert.ok(entries.every((t) => /^\d+$/.test(t.tcode)), 'each entry has its id as its code');
});

test("hledger's balances equal the trial balance at every quarter end, to the cent", async () => {
  await assertHledgerEqualsTrialBalance(srv, auditor.token, exported, QUARTER_ENDS);
});

test("a description and a memo holding ';' and quotes keep their text", () => {
  const [entry] = JSON.parse(hledger(exported, 'print', `code:^${quotedEntry}$`, '-O', 'json'));
  assert.ok(entry, `entry ${quotedEntry} is in hledger's journal`);
  // ';' would start a comment: ',' stands for it, and the quotes stay
  assert.equal(entry.tdescription, 'Insurance "Q1", paid \'late\'');
  assert.equal(entry.tpostings.length, 2);
  const [expense, cash] = entry.tpostings;
  assert.equal(expense.paccount, 'expenses:6200 Insurance');
  assert.match(expense.pcomment, /center:LA-01, premium, see "policy 7"/);
  assert.deepEqual(expense.ptags, [['center', 'LA-01']]);
  assert.equal(cash.paccount, 'assets:1000 Cash and cash equivalents');
  const amounts = JSON.parse(hledger(exported, 'balance', `code:^${quotedEntry}$`, '--flat', '-O', 'json'));
  assert.ok(JSON.stringify(amounts).includes('150025'), `the amount 1500.25 to the cent: ${JSON.stringify(amounts)}`);
});

test('--from and --to limit the entries; a bad date or format is refused, naming it', () => {
  const file = path.join(srv.dir, 'q1-2004.journal');
  ok(srv.cli('journal', 'export', '--format', 'hledger', '--from', '2004-01-01', '--to', '2004-03-31', '--output', file), 'Q1 2004');
  const entries = JSON.parse(hledger(file, 'print', '-O', 'json'));
  assert.ok(entries.length > 0);
  assert.ok(entries.every((t) => t.tdate >= '2004-01-01' && t.tdate <= '2004-03-31'), 'only Q1 2004');
  const csv = ok(srv.cli('journal', 'export', '--to', '2003-01-01'), 'csv export');
  assert.match(csv, /^date,entry,account,center,amount,memo\n2003-01-01,/, 'csv stays the default');
  let r = srv.cli('journal', 'export', '--format', 'hledger', '--to', '2004-02-30');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /to/);
  r = srv.cli('journal', 'export', '--format', 'ledger');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /csv or hledger/);
});
