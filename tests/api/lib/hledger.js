'use strict';
/*
 * hledger.js - hledger (the Debian package `make deps` installs) as the
 * independent reader of bloodops' journal export: run it, read its
 * balances, and check that at given month ends (quarter ends, say) they
 * equal bloodops' trial balance account by account, to the cent, hledger
 * reading the journal once for all of them. Used by hledger.test.js
 * (the fixture books) and demo_company.test.js (the books the demo's
 * operations posted).
 *
 * Without the hledger binary every check fails, saying so: it cannot be
 * skipped quietly.
 */
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');

/* Run hledger on `file`; fails clearly when hledger is not installed. */
function hledger(file, ...args) {
  const r = spawnSync('hledger', ['-f', file, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error && r.error.code === 'ENOENT')
    assert.fail('hledger is not installed: `make deps` installs the Debian package hledger (tools/deps.sh)');
  assert.equal(r.status, 0, `hledger ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const cents = (text) => Math.round(Number(text) * 100);

function nextDay(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/* The last day of the month of hledger's column "2003-01". */
function monthEnd(column) {
  const [year, month] = column.split('-').map(Number);
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/*
 * hledger's historical balances (everything posted up to the day) at the
 * end of every month from the month of `first` to the month of `last`, in
 * one run (hledger reads the whole journal each run, some eight seconds
 * for the demo's fifteen months): a Map from the month's last day to a
 * Map from the account to {code, income, cents}, where `income` is true
 * for revenues and expenses and `code` the leaf's first word.
 */
function hledgerMonthEnds(file, first, last) {
  const csv = hledger(file, 'balance', '--flat', '--no-total', '-O', 'csv', '-M', '-H',
    '-b', `${first.slice(0, 7)}-01`, '-e', nextDay(last));
  const rows = csv.trim().split('\n').map((line) => JSON.parse(`[${line}]`));
  assert.equal(rows[0][0], 'account', `hledger's CSV header: ${rows[0]}`);
  const ends = new Map(rows[0].slice(1).map((column) => [monthEnd(column), new Map()]));
  const days = [...ends.keys()];
  for (const [account, ...amounts] of rows.slice(1)) {
    const code = account.slice(account.indexOf(':') + 1).split(' ')[0];
    const income = /^(revenues|expenses):/.test(account);
    amounts.forEach((amount, i) => {
      assert.match(amount, /^-?\d+(\.\d\d)?$/, `hledger's amount for ${account}`);
      ends.get(days[i]).set(account, { code, income, cents: cents(amount) });
    });
  }
  return ends;
}

/* At each date of `ends` (month ends), hledger's balances of the exported
 * journal `file` equal the trial balance bloodops answers (`token` may
 * read reports), account by account, and add up to zero. The trial
 * balance runs from January 1: its income accounts are the year's (the
 * balance at the date less the balance at the end of the year before), and
 * its line "Earnings of earlier fiscal years" (code '') is the income
 * accounts' balance at the end of the year before. hledger runs once for
 * every date. */
async function assertHledgerEqualsTrialBalance(srv, token, file, ends) {
  const sorted = [...ends].sort();
  const yearBefore = (date) => `${Number(date.slice(0, 4)) - 1}-12-31`;
  const balances = hledgerMonthEnds(file, yearBefore(sorted[0]), sorted[sorted.length - 1]);
  for (const end of ends) {
    assert.ok(balances.has(end), `${end} is a month end of hledger's report`);
    const year = end.slice(0, 4);
    const r = await srv.api('GET', `/api/v1/reports/trial-balance?from=${year}-01-01&to=${end}`, { token });
    assert.equal(r.status, 200, r.text);
    const ours = new Map(r.json.items.map((i) => [i.code, cents(i.debit_balance) - cents(i.credit_balance)]));
    const before = balances.get(yearBefore(end));
    const theirs = new Map();
    let earlier = 0;
    for (const [account, { code, income, cents: at }] of balances.get(end)) {
      const opening = income ? before.get(account).cents : 0;
      earlier += opening;
      if (at - opening) theirs.set(code, at - opening);
    }
    if (earlier) theirs.set('', earlier);
    const codes = new Set([...ours.keys(), ...theirs.keys()]);
    assert.ok(codes.size > 20, `accounts at ${end}: ${[...codes]}`);
    for (const code of codes)
      assert.equal(theirs.get(code) || 0, ours.get(code) || 0, `account '${code}' at ${end}`);
    const sum = [...theirs.values()].reduce((a, b) => a + b, 0);
    assert.equal(sum, 0, `hledger's balances add up to zero at ${end}`);
  }
}

module.exports = { assertHledgerEqualsTrialBalance, hledger };
