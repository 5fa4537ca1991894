'use strict';
/*
 * finance.test.js - the books in the web application, as a finance user
 * (fiona) on the demo company: the journal newest first and filtered; a
 * balanced manual entry posted and shown with its lines; an unbalanced one
 * refused by the server with the balance shown as it was typed, and a line's
 * error shown under that line; a reversal with its reason, the two entries
 * linked both ways; the trial balance's drill-down from an account to its
 * entries, whose sums are the trial balance's figures; the income statement
 * and balance sheet of a period, of dates, at a date, and a period refused;
 * a period closed under the electronic signature and listed, a wrong
 * password and a period already closed refused; weighted shares set and
 * listed. An executive reads the books but is offered no change.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, PHONE } = require('./lib/web');

/* "$4,845,000.00" -> 484500000; "($1.00)" -> -100. */
function cents(text) {
  const match = /^(\()?\$([\d,]+)\.(\d\d)\)?$/.exec(text.trim());
  assert.ok(match, `not an amount: ${text}`);
  const value = Number(match[2].replace(/,/g, '')) * 100 + Number(match[3]);
  return match[1] ? -value : value;
}

/* The cells of the row whose header is `label` in the financial table. */
async function row(page, label) {
  const tr = page.locator('table.financial tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^${label.replace(/[()$']/g, '\\$&')}$`) }) });
  await tr.first().waitFor(); // the page draws after its answer comes
  assert.equal(await tr.count(), 1, `one row "${label}"`);
  return tr.locator('td').allTextContents();
}

describe('finance: journal, reports, periods, shares', () => {
  let app;
  let page;
  let fiona; // the finance user's API session
  let password;

  before(async () => {
    app = await startApp();
    password = await app.addUser('fiona', 'finance');
    fiona = await app.srv.login('fiona', password);
    page = await app.newPage();
    await app.login(page, 'fiona', password, '/journal');
    await page.getByRole('heading', { name: 'Journal', exact: true }).waitFor();
  });

  after(async () => {
    if (app) await app.close();
  });

  const api = async (path) => {
    const answer = await app.srv.api('GET', path, { token: fiona.token });
    assert.equal(answer.status, 200, answer.text);
    return answer.json;
  };
  const rows = () => page.locator('.list-table tbody tr');
  const column = (label) => page.locator(`.list-table tbody td[data-label="${label}"]`).allTextContents();

  test('the journal lists the entries newest first, with the total, and filters them', async () => {
    const all = await api('/api/v1/journal?sort=-date&limit=25');
    await page.getByText(`Showing 1–25 of ${all.total}.`).waitFor();
    assert.equal(await page.getByRole('columnheader', { name: /Date/ }).getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await page.locator('.list-table tbody th').allTextContents(), all.items.map((e) => String(e.id)));
    const dates = await column('Date');
    assert.equal(dates[0], '2004-03-31');
    assert.deepEqual(dates, [...dates].sort().reverse());

    // Dates: February 2004 only.
    const february = await api('/api/v1/journal?from=2004-02-01&to=2004-02-29&sort=id');
    await page.getByLabel('From', { exact: true }).fill('2004-02-01');
    await page.getByLabel('From', { exact: true }).dispatchEvent('change');
    await page.getByLabel('To', { exact: true }).fill('2004-02-29');
    await page.getByLabel('To', { exact: true }).dispatchEvent('change');
    await page.getByText(`Showing 1–${february.total} of ${february.total}.`).waitFor();
    assert.ok((await column('Date')).every((d) => d.startsWith('2004-02')));
    assert.match(page.url(), /from=2004-02-01/);

    // Words of a line's memo find their entry; a source with none says so.
    await page.getByLabel('Search').fill('insurance premiums');
    await page.waitForURL(/q=insurance/);
    await page.getByText(/^Showing 1–1 of 1\.$/).waitFor();
    await page.getByLabel('Source').selectOption('manual');
    await page.getByText('No entry matches.').waitFor();
    app.assertClean(page);
  });

  test('a balanced manual entry is posted and shown with its lines and who posted it', async () => {
    await page.goto('/journal');
    await page.getByRole('link', { name: 'New entry' }).click();
    await page.getByRole('heading', { name: 'New journal entry' }).waitFor();
    await page.getByLabel('Date (required)', { exact: true }).fill('2004-04-15');
    await page.getByLabel('Description (required)', { exact: true }).fill('Insurance premium for April');
    const line = (n) => page.getByRole('group', { name: `Line ${n}` });
    await line(1).getByLabel('Account', { exact: true }).selectOption('6200');
    await line(1).getByLabel('Debit').fill('1,500.00');
    await line(1).getByLabel('Memo').fill('April premium');
    await line(2).getByLabel('Account', { exact: true }).selectOption('2100');
    await line(2).getByLabel('Credit').fill('1500');
    const balance = page.locator('.entry-balance');
    assert.equal(await balance.locator('.balance-debits').textContent(), '$1,500.00');
    assert.equal(await balance.locator('.balance-credits').textContent(), '$1,500.00');
    assert.equal(await balance.locator('.balance-difference').textContent(), '$0.00');
    assert.match(await balance.textContent(), /The entry balances\./);
    await page.getByRole('button', { name: 'Post the entry' }).click();
    await page.waitForURL(/\/journal\/\d+$/);
    const id = Number(page.url().match(/(\d+)$/)[1]);
    await page.getByText(`Entry ${id} is posted.`).waitFor();
    await page.getByRole('heading', { name: `Journal entry ${id}` }).waitFor();
    const lines = page.locator('table.entry-lines tbody tr');
    assert.equal(await lines.count(), 2);
    assert.deepEqual(await lines.nth(0).locator('th, td').allTextContents(), ['1', '6200 Insurance', '—', 'April premium', '$1,500.00', '']);
    assert.deepEqual(await lines.nth(1).locator('th, td').allTextContents(), ['2', '2100 Accrued expenses', '—', '—', '', '$1,500.00']);
    assert.deepEqual(await page.locator('table.entry-lines tfoot td').allTextContents(), ['$1,500.00', '$1,500.00']);
    assert.equal(await page.locator('.details dt:text-is("Posted by") + dd').textContent(), 'fiona');
    assert.equal(await page.locator('.details dt:text-is("Source") + dd').textContent(), 'Manual');
    // The entry is what the server holds, and it leads the journal.
    const entry = await api(`/api/v1/journal/${id}`);
    assert.deepEqual(entry.lines.map((l) => [l.account, l.amount]), [['6200', '1500.00'], ['2100', '-1500.00']]);
    await page.getByRole('link', { name: 'Journal', exact: true }).first().click();
    await rows().first().waitFor();
    assert.equal(await rows().first().locator('th').textContent(), String(id));
    assert.equal((await column('Source'))[0], 'Manual');
    app.assertClean(page);
  });

  test('an unbalanced entry is refused by the server with the balance shown; a line error sits under its line', async () => {
    const before = (await api('/api/v1/journal?sort=id&limit=1')).total;
    await page.goto('/journal/new');
    await page.getByRole('heading', { name: 'New journal entry' }).waitFor();
    await page.getByLabel('Date (required)', { exact: true }).fill('2004-04-20');
    await page.getByLabel('Description (required)', { exact: true }).fill('Supplies');
    const line = (n) => page.getByRole('group', { name: `Line ${n}` });
    await line(1).getByLabel('Account', { exact: true }).selectOption('6900');
    await line(1).getByLabel('Debit').fill('100.00');
    await line(2).getByLabel('Account', { exact: true }).selectOption('1000');
    await line(2).getByLabel('Credit').fill('90');
    const balance = page.locator('.entry-balance');
    assert.equal(await balance.locator('.balance-difference').textContent(), '$10.00');
    assert.match(await balance.textContent(), /does not balance/);
    // A third line added and removed again.
    await page.getByRole('button', { name: 'Add a line' }).click();
    await line(3).getByLabel('Debit').fill('5');
    assert.equal(await balance.locator('.balance-difference').textContent(), '$15.00');
    await page.getByRole('button', { name: 'Remove line 3' }).click();
    assert.equal(await line(3).count(), 0);
    assert.equal(await balance.locator('.balance-difference').textContent(), '$10.00');

    await page.getByRole('button', { name: 'Post the entry' }).click();
    const error = page.locator('.field-group .field-error').filter({ hasText: 'does not balance' });
    await error.waitFor();
    assert.match(await error.textContent(), /debits exceed credits by 10\.00/);
    assert.match(page.url(), /\/journal\/new$/);

    // Balanced, but the second line has no account: the server names it.
    await line(2).getByLabel('Credit').fill('100');
    assert.match(await balance.textContent(), /The entry balances\./);
    await line(2).getByLabel('Account', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Post the entry' }).click();
    const accountError = line(2).locator('.field-error:not([hidden])');
    await accountError.waitFor();
    assert.match(await accountError.textContent(), /is required/);
    assert.equal(await line(2).getByLabel('Account', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await line(1).locator('.field-error:visible').count(), 0);
    assert.equal((await api('/api/v1/journal?sort=id&limit=1')).total, before, 'nothing was posted');
    assert.ok(page.apiFailures.some((f) => /400/.test(f)), 'the refusals were the server\'s');
    app.assertClean(page);
  });

  test('an entry is reversed with a reason; the two entries link to each other', async () => {
    const manual = (await api('/api/v1/journal?source=manual&sort=-id&limit=1')).items[0];
    await page.goto(`/journal/${manual.id}`);
    await page.getByRole('heading', { name: 'Reverse this entry' }).waitFor();
    await page.getByRole('button', { name: 'Reverse…' }).click();
    assert.match(await page.locator('.field-error:visible').textContent(), /required/, 'a reason is required');
    await page.getByLabel(/^Reason/).fill('posted twice');
    await page.getByRole('button', { name: 'Reverse…' }).click();
    await page.getByRole('alertdialog', { name: `Reverse entry ${manual.id}?` }).waitFor();
    await page.getByRole('button', { name: 'Post the reversal' }).click();
    await page.waitForURL((url) => /\/journal\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${manual.id}`));
    const reversal = Number(page.url().match(/(\d+)$/)[1]);
    await page.getByText(`Entry ${reversal} reverses entry ${manual.id}.`).waitFor();
    assert.match(await page.locator('.reversal-link').textContent(), new RegExp(`This entry reverses Entry ${manual.id}`));
    assert.deepEqual(await page.locator('table.entry-lines tfoot td').allTextContents(), ['$1,500.00', '$1,500.00']);
    assert.equal(await page.getByRole('heading', { name: 'Reverse this entry' }).count(), 1, 'a reversal may itself be reversed');
    const audit = await app.srv.api('GET', `/api/v1/journal/${reversal}`, { token: fiona.token });
    assert.equal(audit.json.reverses, manual.id);
    await page.locator('.reversal-link a').click();
    await page.getByRole('heading', { name: `Journal entry ${manual.id}` }).waitFor();
    assert.match(await page.locator('.reversal-link').textContent(), new RegExp(`reversed by Entry ${reversal}`));
    assert.equal(await page.getByRole('heading', { name: 'Reverse this entry' }).count(), 0, 'an entry is reversed once');
    app.assertClean(page);
  });

  test('the trial balance leads from an account to its entries, whose sums are its figures', async () => {
    await page.goto('/trial-balance?period=2004Q1');
    await page.locator('table.financial').waitFor();
    const tb = await api('/api/v1/reports/trial-balance?period=2004Q1');
    for (const [code, name] of [['4000', 'Blood products revenue'], ['1100', 'Accounts receivable']]) {
      await page.goto('/trial-balance?period=2004Q1');
      const cells = await row(page, `${code} ${name}`);
      const figure = tb.items.find((i) => i.code === code);
      assert.deepEqual(cells.slice(0, 2).map(cents), [figure.debits, figure.credits].map((m) => Math.round(Number(m) * 100)));
      await page.getByRole('link', { name: `${code} ${name}` }).click();
      await page.waitForURL(new RegExp(`/journal\\?account=${code}&from=2004-01-01&to=2004-03-31`));
      await page.locator('.account-summary strong').first().waitFor();
      await rows().first().waitFor();
      assert.equal(await page.getByLabel('Account', { exact: true }).inputValue(), code);
      assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), '2004-01-01');
      const debits = await column(`Debit ${code}`);
      const credits = await column(`Credit ${code}`);
      assert.ok(debits.length > 0 && debits.length <= 25, 'one page holds the quarter');
      const sum = (list) => list.reduce((total, text) => total + cents(text), 0);
      assert.equal(sum(debits), cents(cells[0]), `${code}: the entries' debits are the trial balance's`);
      assert.equal(sum(credits), cents(cells[1]), `${code}: the entries' credits are the trial balance's`);
      assert.equal(await page.locator('.account-debits').textContent(), `debits ${cells[0]}`);
      assert.equal(await page.locator('.account-credits').textContent(), `credits ${cells[1]}`);
      assert.ok((await column('Date')).every((d) => d >= '2004-01-01' && d <= '2004-03-31'));
    }
    // Another account from the list's own choice: the columns follow it.
    await page.getByLabel('Account', { exact: true }).selectOption('4100');
    await page.waitForURL(/account=4100/);
    await page.getByRole('columnheader', { name: 'Credit 4100' }).waitFor();
    assert.match(await page.locator('.account-credits').textContent(), /credits \$1,374,000\.00/);
    app.assertClean(page);
  });

  test('the income statement and balance sheet of a period, of dates, at a date; a period refused', async () => {
    await page.goto('/income-statement?period=2004Q1');
    await page.locator('table.financial').waitFor();
    assert.deepEqual(await row(page, 'Total revenue'), ['$6,736,000.00']);
    assert.deepEqual(await row(page, 'Gross profit'), ['$1,431,000.00']);
    assert.deepEqual(await row(page, 'Total general and administrative'), ['$1,184,000.00']);
    assert.deepEqual(await row(page, 'Net income'), ['$246,000.00']);
    assert.match(await page.locator('table.financial thead').textContent(), /2004-01-01 to 2004-03-31/);

    await page.getByLabel('Period', { exact: true }).fill('2003q1');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/period=2003Q1/);
    await page.locator('table.financial thead', { hasText: '2003-01-01' }).waitFor();
    assert.deepEqual(await row(page, 'Total revenue'), ['$6,931,000.00']);
    assert.deepEqual(await row(page, 'Net income'), ['$8,000.00']);

    const dates = await api('/api/v1/reports/income-statement?from=2004-01-01&to=2004-02-15');
    await page.getByLabel('Period', { exact: true }).fill('');
    await page.getByLabel('From', { exact: true }).fill('2004-01-01');
    await page.getByLabel('To', { exact: true }).fill('2004-02-15');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('table.financial thead', { hasText: '2004-02-15' }).waitFor();
    assert.deepEqual(await row(page, 'Total revenue'), [`$${Number(dates.total_revenue).toLocaleString('en-US', { minimumFractionDigits: 2 })}`]);

    await page.goto('/income-statement?period=2004Q5');
    const refused = page.locator('.field-error:visible');
    await refused.waitFor();
    assert.equal(await page.getByLabel('Period', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('table.financial').count(), 0);

    // A period with nothing posted says so instead of $0.00 figures.
    await page.goto('/income-statement?period=2005Q1');
    await page.getByText('Nothing is posted from 2005-01-01 to 2005-03-31.').waitFor();
    assert.equal(await page.locator('table.financial').count(), 0);
    await page.goto('/trial-balance?period=2005Q1');
    await page.getByText(/Nothing is posted from 2005-01-01 to 2005-03-31\. The balances carried into it are shown\./).waitFor();
    assert.deepEqual((await row(page, '1000 Cash and cash equivalents')).slice(0, 3), ['$0.00', '$0.00', '$811,000.00']);

    await page.goto('/balance-sheet?date=2004-03-31');
    await page.locator('table.financial').waitFor();
    assert.deepEqual(await row(page, 'Total assets'), ['$8,414,000.00']);
    assert.deepEqual(await row(page, 'Total current liabilities'), ['$3,471,000.00']);
    assert.deepEqual(await row(page, "Total shareholders' equity"), ['$3,657,000.00']);
    assert.deepEqual(await row(page, "Total liabilities and shareholders' equity"), ['$8,414,000.00']);
    assert.deepEqual(await row(page, '1190 Allowance for doubtful accounts'), ['($200,000.00)'], 'a contra account in parentheses');
    await app.screenshot(page, 'finance-balance-sheet.png');
    app.assertClean(page);
  });

  test('a period is closed under the electronic signature and listed; a wrong password and a second close are refused', async () => {
    await page.goto('/periods');
    await page.getByRole('heading', { name: 'Close a period' }).waitFor();
    await page.getByText('No period is closed yet').waitFor();
    assert.match(await page.locator('.signature-meaning').textContent(), /period closed: no further postings/);
    await page.getByLabel('Period (required)', { exact: true }).fill('2003Q1');
    await page.getByLabel('Your password (required)', { exact: true }).fill('not-my-password');
    await page.getByRole('button', { name: 'Sign and close' }).click();
    const passwordError = page.locator('.field-error:visible');
    await passwordError.waitFor();
    assert.equal(await page.getByLabel('Your password (required)', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Your password (required)', { exact: true }).inputValue(), '', 'the password is not kept');
    assert.deepEqual((await api('/api/v1/periods')).items, [], 'a wrong password closes nothing');
    assert.match(page.url(), /\/periods$/, 'and does not end the session');

    await page.getByLabel(/^Reason/).fill('Q1 2003 books reviewed');
    await page.getByLabel('Your password (required)', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign and close' }).click();
    await page.getByText(/2003Q1 is closed \(2003-01-01 to 2003-03-31\), signed by fiona/).waitFor();
    const listed = page.locator('.list-table tbody tr');
    await listed.first().waitFor();
    assert.equal(await listed.first().locator('th').textContent(), '2003Q1');
    assert.equal(await listed.first().locator('td[data-label="Signed by"]').textContent(), 'fiona');
    assert.equal(await listed.first().locator('td[data-label="Reason"]').textContent(), 'Q1 2003 books reviewed');
    // After a reload too, from the server.
    await page.reload();
    await page.locator('.list-table tbody th', { hasText: '2003Q1' }).waitFor();

    await page.getByLabel('Period (required)', { exact: true }).fill('2003Q1');
    await page.getByLabel('Your password (required)', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign and close' }).click();
    const closedError = page.locator('.field-error:visible');
    await closedError.waitFor();
    assert.match(await closedError.textContent(), /already closed/);
    assert.equal(await page.getByLabel('Period (required)', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal((await api('/api/v1/periods')).items.length, 1);
    app.assertClean(page);
  });

  test('weighted shares are set and listed; diluted below basic is refused', async () => {
    await page.goto('/shares');
    await page.getByRole('heading', { name: 'Set a quarter’s shares' }).waitFor();
    const listed = page.locator('.list-table tbody tr');
    assert.deepEqual(await page.locator('.list-table tbody th').allTextContents(), ['Q1 2004', 'Q1 2003']);
    await page.getByLabel('Quarter (required)', { exact: true }).fill('2004Q2');
    await page.getByLabel('Basic shares (required)', { exact: true }).fill('7,760,000');
    await page.getByLabel('Diluted shares (required)', { exact: true }).fill('7,700,000');
    await page.getByRole('button', { name: 'Save the shares' }).click();
    const error = page.locator('.field-error:visible');
    await error.waitFor();
    assert.match(await error.textContent(), /at least the basic/);
    assert.equal(await page.getByLabel('Diluted shares (required)', { exact: true }).getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Diluted shares (required)', { exact: true }).fill('7950000');
    await page.getByRole('button', { name: 'Save the shares' }).click();
    await page.getByText('The shares of Q2 2004 are saved: 7,760,000 basic, 7,950,000 diluted.').waitFor();
    assert.deepEqual((await listed.first().locator('th, td').allTextContents()).slice(0, 4), ['Q2 2004', '7,760,000', '7,950,000', 'fiona']);
    app.assertClean(page);
  });

  test('an executive reads the books and is offered no change; the journal fits a phone', async () => {
    const executivePassword = await app.addUser('erin', 'executive');
    const phone = await app.newPage({ viewport: PHONE });
    await app.login(phone, 'erin', executivePassword, '/journal');
    await phone.locator('.list-table tbody tr').first().waitFor();
    assert.equal(await phone.getByRole('link', { name: 'New entry' }).count(), 0);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the journal fits a phone (${overflow}px too wide)`);
    await phone.locator('.list-table tbody th a').first().click();
    await phone.getByRole('heading', { name: /^Journal entry \d+$/ }).waitFor();
    assert.equal(await phone.getByRole('heading', { name: 'Reverse this entry' }).count(), 0);
    await phone.goto('/periods');
    await phone.getByText('Closing a period needs the finance or administrator role.').waitFor();
    await phone.goto('/journal/new');
    await phone.getByRole('heading', { name: 'No access' }).waitFor();
    app.assertClean(phone);
    await phone.context().close();
  });
});
