'use strict';
/*
 * hledger.js - hledger (the Debian package `make deps` installs) as the
 * independent reader of bloodops' journal export: run it, read its
 * balances, and check that at given quarter ends they equal bloodops'
 * trial balance account by account, to the cent. Used by hledger.test.js
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

/* hledger's CSV answer ("account","balance" rows) as a Map from the account
 * code (the leaf's first word) to cents. */
function hledgerBalances(file, ...args) {
  const csv = hledger(file, 'balance', '--flat', '--no-total', '-O', 'csv', ...args);
  const rows = csv.trim().split('\n').map((line) => JSON.parse(`[${line}]`));
  assert.deepEqual(rows[0], ['account', 'balance'], `hledger's CSV header: ${csv}`);
  const balances = new Map();
  for (const [account, amount] of rows.slice(1)) {
    assert.match(amount, /^-?\d+\.\d\d$/, `hledger's amount for ${account}`);
    const code = account.slice(account.indexOf(':') + 1).split(' ')[0];
    balances.set(code, Math.round(Number(amount) * 100));
  }
  return balances;
}

const cents = (text) => Math.round(Number(text) * 100);

function nextDay(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/* At each date of `ends`, hledger's balances of the exported journal
 * `file` equal the trial balance bloodops answers (`token` may read
 * reports), account by account, and add up to zero. */
async function assertHledgerEqualsTrialBalance(srv, token, file, ends) {
  for (const end of ends) {
    const year = end.slice(0, 4);
    const r = await srv.api('GET', `/api/v1/reports/trial-balance?from=${year}-01-01&to=${end}`, { token });
    assert.equal(r.status, 200, r.text);
    const ours = new Map(r.json.items.map((i) => [i.code, cents(i.debit_balance) - cents(i.credit_balance)]));
    // hledger's --end is exclusive: the day after the quarter end
    const theirs = new Map([
      ...hledgerBalances(file, '^assets', '^liabilities', '^equity', '-e', nextDay(end)),
      ...hledgerBalances(file, '^revenues', '^expenses', '-b', `${year}-01-01`, '-e', nextDay(end)),
    ]);
    // the trial balance's line "Earnings of earlier fiscal years" (code ''):
    // the income accounts before January 1
    const earlier = [...hledgerBalances(file, '^revenues', '^expenses', '-e', `${year}-01-01`).values()]
      .reduce((a, b) => a + b, 0);
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
