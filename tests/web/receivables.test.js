'use strict';
/*
 * receivables.test.js - the allowance for doubtful accounts, write-offs,
 * recoveries and DSO in the web application (docs/billing.md), as a
 * finance user (fiona) on the demo company with two invoices of CEDARS
 * issued through the API: the aging's allowance section and the allowance
 * page; a rate over 100 refused under its bucket, then a rate set and the
 * required allowance and the proposed entry following it; the entry
 * posted under a reason and shown with its journal entry; an invoice
 * written off from its page (a date before the invoice's refused under the
 * date, then confirmed), the aging still tied to the ledger; a recovery
 * larger than what was written off refused under the amount, then
 * recorded and listed; DSO of a quarter and a bad period refused under
 * it; the quarterly report's net receivables before and after the
 * allowance entry and after the write-off; a post into a closed period
 * refused under its date. An
 * executive reads all of it with no control that changes anything; on a
 * phone the pages fit the screen.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, PHONE } = require('./lib/web');

describe('receivables: allowance, write-offs, recoveries and DSO', () => {
  let app;
  let page;
  let password;
  let old; // the invoice written off: 1,000.00 due 2002-10-31, 61 days past due at 2002-12-31
  let recent; // 400.00 due 2003-01-01, current at 2002-12-31
  const DAY = '2002-12-31';

  async function issued(session, date, price) {
    const post = async (route, body, status) => {
      const r = await app.srv.api('POST', route, { token: session.token, body });
      assert.equal(r.status, status, r.text);
      return r.json;
    };
    const draft = await post('/api/v1/invoices', { customer: 'CEDARS', date, terms: 30 }, 201);
    await post(`/api/v1/invoices/${draft.id}/lines`, { description: 'Red cells, leukoreduced', quantity: '1', price, account: '4000' }, 201);
    return (await post(`/api/v1/invoices/${draft.id}/issue`, {}, 200)).number;
  }

  before(async () => {
    app = await startApp();
    password = await app.addUser('fiona', 'finance');
    const fiona = await app.srv.login('fiona', password);
    old = await issued(fiona, '2002-10-01', '1000.00');
    recent = await issued(fiona, '2002-12-02', '400.00');
    page = await app.newPage();
    await app.login(page, 'fiona', password, `/receivables/aging?date=${DAY}`);
    await page.getByRole('heading', { name: 'Tie-out to the ledger' }).waitFor();
  });

  after(async () => {
    if (app) await app.close();
  });

  const main = () => page.locator('main');
  const ratesForm = () => page.getByRole('form', { name: 'Rates per bucket' });

  const netReceivables = async (period) => {
    await page.goto(`/quarterly?period=${period}`);
    const row = main().locator('tr').filter({ hasText: 'Net accounts receivable' }).first();
    await row.waitFor();
    return row.textContent();
  };

  test('the aging shows the allowance it requires and links its page', async () => {
    // Before any allowance entry the quarter's net receivables are what is open.
    assert.match(await netReceivables('2002Q4'), /1,400/);
    await page.goto(`/receivables/aging?date=${DAY}`);
    await page.getByRole('heading', { name: 'Tie-out to the ledger' }).waitFor();
    // 1,000.00 in 61-90 at 10 % and 400.00 current at 1 %.
    assert.equal(await page.locator('.aging-allowance-required').textContent(), '$104.00');
    await main().getByRole('link', { name: /The proposed entry/ }).click();
    await page.getByRole('heading', { name: 'Allowance and write-offs' }).waitFor();
    assert.match(page.url(), /\/receivables\/allowance\?date=2002-12-31/);
    const row = (bucket) => main().locator('.allowance-panel tbody tr').filter({ has: page.locator('th', { hasText: bucket }) });
    assert.equal(await row('61-90 days').locator('td[data-label="Open"]').textContent(), '$1,000.00');
    assert.equal(await row('61-90 days').locator('td[data-label="Rate"]').textContent(), '10.00 %');
    assert.equal(await row('61-90 days').locator('td[data-label="Allowance"]').textContent(), '$100.00');
    assert.equal(await page.locator('.allowance-required').textContent(), '$104.00');
    assert.equal(await page.locator('.allowance-balance').textContent(), '$0.00');
    app.assertClean(page);
  });

  test('a rate over 100 is refused under its bucket; a rate set moves the required allowance and the entry', async () => {
    await ratesForm().getByLabel('61-90 days (%)').fill('100.5');
    await ratesForm().getByRole('button', { name: 'Save the rates' }).click();
    await ratesForm().locator('.field-error').filter({ hasText: /100/ }).waitFor();
    assert.equal(await ratesForm().getByLabel('61-90 days (%)').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('.allowance-required').textContent(), '$104.00', 'nothing changed');

    await ratesForm().getByLabel('61-90 days (%)').fill('20');
    await ratesForm().getByRole('button', { name: 'Save the rates' }).click();
    await page.getByRole('status').filter({ hasText: 'The rates are saved' }).waitFor();
    await page.locator('.allowance-required').filter({ hasText: '$204.00' }).waitFor();
    assert.equal(await ratesForm().getByLabel('61-90 days (%)').inputValue(), '20.00');
    const lines = await main().locator('.allowance-entry tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    assert.deepEqual(lines, [['6100 Bad-debt provision', '$204.00', '—'], ['1190 Allowance for doubtful accounts', '—', '$204.00']]);
    app.assertClean(page);
  });

  test('the entry is posted under a reason and shown with its journal entry', async () => {
    const post = page.getByRole('form', { name: 'Post the allowance entry' });
    await post.getByRole('button', { name: 'Post the entry' }).click();
    await post.locator('.field-error').filter({ hasText: 'This field is required.' }).waitFor();
    await post.getByLabel('Reason').fill('Close of 2002Q4');
    await post.getByRole('button', { name: 'Post the entry' }).click();
    const posted = page.locator('.allowance-posted');
    await posted.waitFor();
    const entry = posted.getByRole('link', { name: /^Entry \d+$/ });
    assert.match(await entry.getAttribute('href'), /^\/journal\/\d+$/);
    // The figures read again: the account holds what is required.
    assert.equal(await page.locator('.allowance-balance').textContent(), '$204.00');
    assert.equal(await page.locator('.allowance-adjustment').textContent(), '$0.00');
    assert.equal(await page.getByRole('form', { name: 'Post the allowance entry' }).count(), 0);
    // DSO of the quarter is read again too: net of the allowance now.
    const dso = main().locator('section').filter({ has: page.getByRole('heading', { name: 'Days sales outstanding' }) });
    await dso.locator('dd').filter({ hasText: '$1,196.00' }).waitFor();
    await app.screenshot(page, 'receivables-allowance-posted.png');
    await page.reload();
    await page.locator('.allowance-nothing').waitFor();
    assert.equal(await page.getByRole('form', { name: 'Post the allowance entry' }).count(), 0, 'nothing left to post');
    app.assertClean(page);
  });

  test('the quarterly report takes the allowance from the posted entry', async () => {
    // 1,400.00 open less the 204.00 allowance.
    assert.match(await netReceivables('2002Q4'), /1,196/);
    app.assertClean(page);
  });

  test('an invoice is written off from its page after a confirmation; the aging stays tied to the ledger', async () => {
    await page.goto(`/invoices/${old}`);
    await page.getByRole('heading', { name: 'Write-offs and recoveries' }).waitFor();
    assert.equal(await page.getByRole('form', { name: 'Record a recovery' }).count(), 0, 'nothing to recover yet');
    const form = page.getByRole('form', { name: 'Write off the invoice' });
    await form.getByLabel('Date').fill('2002-09-15');
    await form.getByLabel('Reason').fill('Customer dispute lost');
    await form.getByRole('button', { name: 'Write off…' }).click();
    await page.getByRole('heading', { name: `Write off $1,000.00 on invoice ${old}?` }).waitFor();
    await page.getByRole('button', { name: 'Write it off' }).click();
    // A date before the invoice's: refused under the date, nothing written off.
    await form.locator('.field-error').filter({ hasText: /before the invoice's date 2002-10-01/ }).waitFor();
    assert.equal(await form.getByLabel('Date').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('.invoice-open').textContent(), '$1,000.00');

    await form.getByLabel('Date').fill(DAY);
    await form.getByRole('button', { name: 'Write off…' }).click();
    await page.getByRole('button', { name: 'Write it off' }).click();
    await page.getByRole('status').filter({ hasText: `$1,000.00 of invoice ${old} is written off.` }).waitFor();
    assert.equal(await page.locator('.invoice-open').textContent(), '$0.00');
    const written = main().locator('.invoice-write-offs table').first().locator('tbody tr');
    assert.equal(await written.count(), 1);
    assert.equal(await written.locator('td[data-label="Written off"]').textContent(), '$1,000.00');
    assert.equal(await written.locator('td[data-label="Reason"]').textContent(), 'Customer dispute lost');
    assert.equal(await page.getByRole('form', { name: 'Write off the invoice' }).count(), 0, 'nothing open is left to write off');

    await page.goto(`/receivables/aging?date=${DAY}`);
    await page.getByRole('heading', { name: 'Tie-out to the ledger' }).waitFor();
    assert.match(await page.locator('.aging-tie-out').getAttribute('class'), /findings-clear/);
    assert.equal(await page.locator('.tie-aging').textContent(), '$400.00');
    assert.equal(await page.locator('.tie-ledger').textContent(), '$400.00');
    // Receivables and the allowance both drop by 1,000.00: net receivables stay.
    assert.match(await netReceivables('2002Q4'), /1,196/);
    app.assertClean(page);
  });

  test('a recovery: more than was written off is refused under the amount, then recorded and listed', async () => {
    await page.goto(`/invoices/${old}`);
    const form = page.getByRole('form', { name: 'Record a recovery' });
    await form.getByLabel('Date').fill(DAY);
    await form.getByLabel('Amount').fill('1500.00');
    await form.getByLabel('Reference').fill('CHK-77');
    await form.getByRole('button', { name: 'Record the recovery' }).click();
    await form.locator('.field-error').filter({ hasText: /1000\.00 written off and not recovered/ }).waitFor();
    assert.equal(await form.getByLabel('Amount').getAttribute('aria-invalid'), 'true');

    await form.getByLabel('Amount').fill('300.00');
    await form.getByRole('button', { name: 'Record the recovery' }).click();
    await page.getByRole('status').filter({ hasText: `$300.00 is recovered on invoice ${old}.` }).waitFor();
    const tables = main().locator('.invoice-write-offs table');
    assert.equal(await tables.first().locator('td[data-label="Recovered"]').textContent(), '$300.00');
    assert.equal(await tables.nth(1).locator('td[data-label="Reference"]').textContent(), 'CHK-77');
    assert.equal(await page.locator('.invoice-open').textContent(), '$0.00', 'a recovery leaves what is open alone');
    await app.screenshot(page, 'receivables-invoice.png');

    // The allowance page lists the write-off; the allowance is 204 - 1,000 + 300, a
    // debit balance shown in parentheses.
    await page.goto(`/receivables/allowance?date=${DAY}`);
    await page.locator('.allowance-balance').filter({ hasText: '($496.00)' }).waitFor();
    const listed = main().locator('section').filter({ has: page.getByRole('heading', { name: 'Write-offs', exact: true }) }).locator('tbody tr');
    assert.equal(await listed.count(), 1);
    await listed.getByRole('link', { name: old }).waitFor();
    assert.equal(await listed.locator('td[data-label="Recovered"]').textContent(), '$300.00');
    app.assertClean(page);
  });

  test('DSO of a quarter; a period that is none is refused under it', async () => {
    await page.goto(`/receivables/allowance?date=${DAY}`);
    const dso = main().locator('section').filter({ has: page.getByRole('heading', { name: 'Days sales outstanding' }) });
    assert.equal(await dso.getByLabel('Period', { exact: true }).inputValue(), '2002Q4');
    await dso.locator('.dso-days').filter({ hasText: /\d+ days/ }).waitFor();
    await dso.locator('dd').filter({ hasText: /2002-10-01 to 2002-12-31, 92 days/ }).waitFor();
    await dso.getByLabel('Period', { exact: true }).fill('2002Q5');
    await dso.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/period=2002Q5/);
    await main().locator('.field-error').filter({ hasText: /./ }).first().waitFor();
    assert.equal(await main().getByLabel('Period', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await main().locator('.dso-days').count(), 0);
  });

  test('posting into a closed period is refused under the date, nothing posted', async () => {
    const fiona = await app.srv.login('fiona', password);
    const closed = await app.srv.api('POST', '/api/v1/periods/close', { token: fiona.token, body: { period: '2002-11', password, reason: 'month end' } });
    assert.equal(closed.status, 201, closed.text);
    await page.goto('/receivables/allowance?date=2002-11-30');
    // The old invoice, 30 days past due, at 2 %.
    await page.locator('.allowance-required').filter({ hasText: '$20.00' }).waitFor();
    const post = page.getByRole('form', { name: 'Post the allowance entry' });
    await post.getByLabel('Reason').fill('Late review');
    await post.getByRole('button', { name: 'Post the entry' }).click();
    await post.locator('.field-error').filter({ hasText: 'closed period 2002-11' }).waitFor();
    assert.equal(await post.getByLabel('Dated').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('.allowance-posted').count(), 0);
    await page.reload();
    await page.locator('.allowance-required').waitFor();
    assert.equal(await page.locator('.allowance-balance').textContent(), '$0.00', 'nothing posted');
    app.assertClean(page);
  });

  test('on a phone the allowance page and the invoice with its write-offs fit the screen', async () => {
    const phone = await app.newPage({ viewport: PHONE });
    await app.login(phone, 'fiona', password, `/receivables/allowance?date=${DAY}`);
    const fits = async (what) => {
      const { scroll, client } = await phone.evaluate(() => ({
        scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
      }));
      assert.ok(scroll <= client, `${what} fits a phone: ${scroll}px wide on a ${client}px screen`);
    };
    await phone.locator('.allowance-required').waitFor();
    await fits('the allowance page');
    await app.screenshot(phone, 'receivables-allowance-phone.png');
    await phone.goto(`/invoices/${old}`);
    await phone.getByRole('heading', { name: 'Write-offs and recoveries' }).waitFor();
    await fits('the invoice with its write-offs');
    app.assertClean(phone);
    await phone.context().close();
  });

  test('an executive reads the allowance, the write-offs and DSO with no control that changes them', async () => {
    const execPassword = await app.addUser('eve', 'executive');
    const exec = await app.newPage();
    await app.login(exec, 'eve', execPassword, `/receivables/allowance?date=${DAY}`);
    await exec.locator('.allowance-required').waitFor();
    assert.ok((await exec.locator('#site-nav a').allTextContents()).includes('Allowance and write-offs'));
    await exec.locator('.allowance-entry').waitFor();
    assert.equal(await exec.getByRole('form', { name: 'Post the allowance entry' }).count(), 0);
    assert.equal(await exec.getByRole('form', { name: 'Rates per bucket' }).count(), 0);
    await exec.locator('.dso-days').waitFor();
    await exec.locator('main').getByRole('link', { name: old }).click();
    await exec.getByRole('heading', { name: `Invoice ${old}` }).waitFor();
    await exec.getByRole('heading', { name: 'Write-offs and recoveries' }).waitFor();
    assert.equal(await exec.locator('.invoice-write-offs tbody tr').count(), 2, 'the write-off and its recovery');
    assert.equal(await exec.getByRole('form', { name: 'Record a recovery' }).count(), 0);
    await exec.goto(`/invoices/${recent}`);
    await exec.getByRole('heading', { name: `Invoice ${recent}` }).waitFor();
    assert.equal(await exec.getByRole('form', { name: 'Write off the invoice' }).count(), 0);
    assert.equal(await exec.getByRole('heading', { name: 'Write-offs and recoveries' }).count(), 0, 'nothing written off, nothing to show');
    app.assertClean(exec);
  });
});
