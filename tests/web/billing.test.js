'use strict';
/*
 * billing.test.js - billing in the web application (docs/billing.md), as a
 * finance user (fiona) on the demo company: a draft invoice created, its
 * lines added (a bad price refused under its field), issued with its
 * number shown; a payment applied to it, overpaying refused by the server
 * under that invoice's field, then applied in part with the rest kept as
 * unapplied cash; the invoice's open amount and payment; the printable
 * invoice as a PDF; the aging at a day before the demo's books with its
 * buckets chart and the tie-out equal, and later, when the demo's imported
 * receivables are in the ledger, the difference shown as a finding; the
 * customer's page with its open documents and statement; a credit memo
 * larger than what is open refused under its amount, then recorded; the
 * unapplied cash applied later and an application undone. An executive
 * reads all of it with no control that changes anything. A draft's line
 * removed; a draft re-dated with other terms and deleted; the payments and
 * credit memos listed and filtered; a customer that is not a hospital
 * added, with its edit form.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, PHONE } = require('./lib/web');
const { pdfText } = require('../api/lib/pdf_text');

describe('billing: invoices, payments, aging', () => {
  let app;
  let page;
  let password;
  const NUMBER = '2002-000001';

  before(async () => {
    app = await startApp();
    password = await app.addUser('fiona', 'finance');
    page = await app.newPage();
    await app.login(page, 'fiona', password, '/invoices');
    await page.getByRole('heading', { name: 'Invoices', exact: true }).waitFor();
  });

  after(async () => {
    if (app) await app.close();
  });

  const main = () => page.locator('main');

  test('a draft invoice gets its lines and is issued with its number', async () => {
    await main().getByRole('link', { name: 'New invoice' }).click();
    await page.getByRole('heading', { name: 'New invoice' }).waitFor();
    await page.getByLabel('Customer').fill('CEDARS');
    await page.getByLabel('Invoice date').fill('2002-12-02');
    await page.getByRole('button', { name: 'Create the draft' }).click();
    await page.getByRole('heading', { name: /^Draft invoice \d+$/ }).waitFor();
    assert.equal(await page.locator('.invoice-status').textContent(), 'Draft');
    assert.equal(await main().getByRole('button', { name: 'Issue…' }).count(), 0, 'no issue without a line');

    const lines = page.getByRole('form', { name: 'Add a line' });
    const addLine = async (description, quantity, price) => {
      await lines.getByLabel('Description').fill(description);
      await lines.getByLabel('Quantity').fill(quantity);
      await lines.getByLabel('Unit price').fill(price);
      await lines.getByLabel('Revenue account').selectOption('4000');
      await lines.getByRole('button', { name: 'Add the line' }).click();
    };
    // A price with three decimals: the server's refusal under the price.
    await addLine('Red cells, leukoreduced', '2', '150.005');
    const priceError = lines.locator('.field-error').filter({ hasText: /decimal|cent/i });
    await priceError.waitFor();
    assert.equal(await lines.getByLabel('Unit price').getAttribute('aria-invalid'), 'true');
    await addLine('Red cells, leukoreduced', '2', '150.00');
    await page.getByRole('status').filter({ hasText: 'The line Red cells, leukoreduced is added.' }).waitFor();
    await addLine('Platelets, apheresis', '1', '25');
    await page.getByRole('status').filter({ hasText: 'The line Platelets, apheresis is added.' }).waitFor();
    await addLine('Delivery by courier', '1', '40.00');
    await page.getByRole('status').filter({ hasText: 'The line Delivery by courier is added.' }).waitFor();
    assert.equal(await page.locator('.invoice-total').textContent(), '$365.00');
    // A draft's line is removed freely.
    await main().getByRole('button', { name: 'Remove the line Delivery by courier' }).click();
    await page.getByRole('status').filter({ hasText: 'The line Delivery by courier is removed.' }).waitFor();
    assert.equal(await page.locator('.invoice-total').textContent(), '$325.00');
    assert.deepEqual(await page.locator('.invoice-lines tbody th').allTextContents(), ['Red cells, leukoreduced', 'Platelets, apheresis']);

    await main().getByRole('button', { name: 'Issue…' }).click();
    await page.getByRole('button', { name: 'Issue the invoice' }).click();
    await page.getByRole('heading', { name: `Invoice ${NUMBER}` }).waitFor();
    await page.getByRole('status').filter({ hasText: `Invoice ${NUMBER} is issued, due 2003-01-01.` }).waitFor();
    assert.equal(await page.locator('.invoice-number').textContent(), NUMBER);
    assert.equal(await page.locator('.invoice-open').textContent(), '$325.00');
    assert.equal(await page.getByRole('form', { name: 'Add a line' }).count(), 0, 'an issued invoice takes no line');
    assert.equal(await main().getByRole('button', { name: 'Remove' }).count(), 0);
    app.assertClean(page);
  });

  test('a payment applied in part: overpaying is refused under the invoice, the rest is unapplied cash', async () => {
    await main().getByRole('link', { name: 'Record a payment' }).click();
    await page.getByRole('heading', { name: 'Record a payment' }).waitFor();
    assert.equal(await page.getByLabel('Customer').inputValue(), 'CEDARS');
    const row = page.locator('.applications-table tbody tr');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    assert.equal(await row.locator('.invoice-open').textContent(), '$325.00', 'what is open is shown beside the field');
    await page.getByLabel('Date received').fill('2002-12-20');
    await page.getByLabel(/^Amount/).fill('400.00');
    await page.getByLabel('Reference').fill('CHK-1001');
    const apply = page.getByLabel(`Apply to ${NUMBER}`);
    await apply.fill('350.00');
    assert.match(await page.locator('.payment-unapplied').textContent(), /\$50\.00/);
    await app.screenshot(page, 'billing-payment.png');
    await page.getByRole('button', { name: 'Record the payment' }).click();
    await row.locator('.field-error').filter({ hasText: `invoice ${NUMBER} has 325.00 open` }).waitFor();
    assert.equal(await apply.getAttribute('aria-invalid'), 'true');

    await apply.fill('100.00');
    await page.getByRole('button', { name: 'Record the payment' }).click();
    await page.getByRole('heading', { name: /^Payment \d+$/ }).waitFor();
    assert.equal(await page.locator('dd .payment-unapplied').textContent(), '$300.00');
    assert.deepEqual(await page.locator('main table tbody td[data-label="Amount"]').allTextContents(), ['$100.00']);

    await main().getByRole('link', { name: NUMBER }).first().click();
    await page.getByRole('heading', { name: `Invoice ${NUMBER}` }).waitFor();
    assert.equal(await page.locator('.invoice-open').textContent(), '$225.00');
    await page.getByRole('heading', { name: 'Payments applied' }).waitFor();
    await app.screenshot(page, 'billing-invoice.png');
    app.assertClean(page);
  });

  test('the invoice opens as a PDF with its lines, the payment and what is open', async () => {
    const link = main().getByRole('link', { name: /Invoice \(PDF\)/ });
    const href = await link.getAttribute('href');
    assert.equal(await link.getAttribute('target'), '_blank');
    const response = await page.request.get(href);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    const text = pdfText(await response.body());
    assert.match(text, new RegExp(`^INVOICE ${NUMBER}\nDemo Blood Services\n`));
    assert.match(text, /Bill to +Cedars-Sinai Medical Center \(CEDARS\)/);
    assert.match(text, /Platelets, apheresis +4000 +1\.00 +25\.00 +25\.00/);
    assert.match(text, /2002-12-20 \d+ +100\.00/);
    assert.match(text, /OPEN +225\.00/);
  });

  test('the aging at a date: buckets as a chart, the tie-out equal; a difference is a finding', async () => {
    await page.goto('/receivables/aging?date=2002-12-31');
    await page.getByRole('heading', { name: 'Tie-out to the ledger' }).waitFor();
    assert.match(await page.locator('.aging-tie-out').getAttribute('class'), /findings-clear/);
    assert.equal(await page.locator('.tie-aging').textContent(), '$225.00');
    assert.equal(await page.locator('.tie-ledger').textContent(), '$225.00');
    assert.equal(await page.locator('.tie-difference').textContent(), '$0.00');
    assert.equal(await page.locator('figure.aging-chart canvas').count(), 1);
    assert.match(await page.locator('figure.aging-chart canvas').getAttribute('aria-label'), /Current \$225\.00/);
    const cedars = page.locator('table tbody tr').filter({ has: page.getByRole('link', { name: 'CEDARS' }) }).first();
    assert.equal(await cedars.locator('td[data-label="Total"]').textContent(), '$225.00');
    // Drill-down: the customer's documents.
    await page.locator('details.aging-customer summary').filter({ hasText: 'CEDARS' }).click();
    await page.locator('details.aging-customer').getByRole('link', { name: NUMBER }).waitFor();
    await app.screenshot(page, 'billing-aging.png');

    // A month on, the invoice is 1-30 days past due.
    const dates = page.getByRole('form', { name: 'Date of the aging' });
    await dates.getByLabel('At', { exact: true }).fill('2003-01-15');
    await dates.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/date=2003-01-15/);
    await page.locator('.tie-ledger').filter({ hasNotText: '$225.00' }).waitFor();
    // The demo's books import receivables by hand: the difference is a finding, never hidden.
    assert.match(await page.locator('.aging-tie-out').getAttribute('class'), /findings-flagged/);
    await page.locator('.aging-tie-out li').filter({ hasText: /Finding: .*account 1100/ }).waitFor();
    assert.match(await page.locator('figure.aging-chart canvas').getAttribute('aria-label'), /1-30 days \$225\.00/);
    app.assertClean(page);
  });

  test('the customer page shows what is open, the unapplied cash and the statement', async () => {
    await page.goto('/customers/CEDARS?date=2002-12-31');
    await page.getByRole('heading', { name: 'CEDARS Cedars-Sinai Medical Center' }).waitFor();
    assert.equal(await page.locator('.customer-open').textContent(), '$225.00');
    assert.equal(await page.locator('.customer-unapplied').textContent(), '$300.00');
    await page.getByRole('heading', { name: 'Open documents at 2002-12-31' }).waitFor();
    await main().locator('table').getByRole('link', { name: NUMBER }).first().waitFor();
    const href = await main().getByRole('link', { name: /Statement \(PDF\)/ }).getAttribute('href');
    const response = await page.request.get(href);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    assert.match(pdfText(await response.body()), new RegExp(`invoice ${NUMBER} 2002-12-02 2003-01-01 +-?\\d+ current +225\\.00`));
    app.assertClean(page);
  });

  test('a credit memo up to what is open; unapplied cash applied later, and an application undone', async () => {
    await page.goto(`/invoices/${NUMBER}`);
    await main().getByRole('link', { name: 'Credit memo' }).click();
    await page.getByRole('heading', { name: `Credit memo on ${NUMBER}` }).waitFor();
    const credit = page.getByRole('form', { name: 'Credit memo' });
    await credit.getByLabel('Date').fill('2002-12-28');
    await credit.getByLabel(/^Amount/).fill('500.00');
    await credit.getByLabel('Reason').fill('Two units returned unused');
    await credit.getByRole('button', { name: 'Record the credit' }).click();
    await credit.locator('.field-error').filter({ hasText: /225\.00/ }).waitFor();
    assert.equal(await credit.getByLabel(/^Amount/).getAttribute('aria-invalid'), 'true');
    await credit.getByLabel(/^Amount/).fill('25.00');
    await credit.getByRole('button', { name: 'Record the credit' }).click();
    await page.getByRole('heading', { name: `Invoice ${NUMBER}` }).waitFor();
    await page.getByRole('status').filter({ hasText: /Credit memo CM-\d+ of \$25\.00 is recorded\./ }).waitFor();
    assert.equal(await page.locator('.invoice-open').textContent(), '$200.00');
    await page.getByRole('heading', { name: 'Credit memos' }).waitFor();

    await main().getByRole('link', { name: /^Payment \d+$/ }).click();
    await page.getByRole('heading', { name: /^Payment \d+$/ }).waitFor();
    const apply = page.getByRole('form', { name: 'Apply unapplied cash' });
    await apply.getByLabel(`Apply to ${NUMBER}`).fill('150.00');
    await apply.getByLabel('Date applied').fill('2002-12-30');
    await apply.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: 'The unapplied cash is applied.' }).waitFor();
    assert.equal(await page.locator('dd .payment-unapplied').textContent(), '$150.00');

    await main().getByRole('button', { name: `Undo ${NUMBER}` }).last().click();
    const undo = page.getByRole('form', { name: `Undo the application to ${NUMBER}` }).last();
    await undo.getByLabel('Reason').fill('Applied to the wrong invoice');
    await undo.getByLabel('Date').fill('2002-12-31');
    await undo.getByRole('button', { name: 'Undo…' }).click();
    await page.getByRole('button', { name: 'Undo the application' }).click();
    await page.getByRole('status').filter({ hasText: `The application to ${NUMBER} is undone.` }).waitFor();
    assert.equal(await page.locator('dd .payment-unapplied').textContent(), '$300.00');
    await page.locator('main td').filter({ hasText: '2002-12-31: Applied to the wrong invoice' }).waitFor();
    app.assertClean(page);
  });

  test('a draft is re-dated with other terms (a bad value refused under its field), then deleted', async () => {
    await page.goto('/invoices/new?customer=CEDARS');
    await page.getByLabel('Invoice date').fill('2002-12-05');
    await page.getByRole('button', { name: 'Create the draft' }).click();
    const heading = page.getByRole('heading', { name: /^Draft invoice \d+$/ });
    await heading.waitFor();
    const id = (await heading.textContent()).replace(/\D+/g, '');
    const lines = page.getByRole('form', { name: 'Add a line' });
    await lines.getByLabel('Description').fill('Courier');
    await lines.getByLabel('Quantity').fill('1');
    await lines.getByLabel('Unit price').fill('30.00');
    await lines.getByLabel('Revenue account').selectOption('4000');
    await lines.getByRole('button', { name: 'Add the line' }).click();
    await page.getByRole('status').filter({ hasText: 'The line Courier is added.' }).waitFor();

    const edit = page.getByRole('form', { name: 'Date and terms of the draft' });
    await edit.getByLabel('Terms (days)').fill('400');
    await edit.getByRole('button', { name: 'Save the date and terms' }).click();
    await edit.locator('.field-error').filter({ hasText: '0 to 365' }).waitFor();
    assert.equal(await edit.getByLabel('Terms (days)').getAttribute('aria-invalid'), 'true');
    await edit.getByLabel('Invoice date').fill('2002-12-10');
    await edit.getByLabel('Terms (days)').fill('45');
    await edit.getByRole('button', { name: 'Save the date and terms' }).click();
    await page.getByRole('status').filter({ hasText: `Draft ${id} is dated 2002-12-10 with terms of 45 days.` }).waitFor();
    await main().locator('dd').filter({ hasText: '45 days' }).waitFor();

    const remove = page.getByRole('form', { name: 'Delete the draft' });
    await remove.getByRole('button', { name: 'Delete the draft…' }).click();
    await page.getByRole('alertdialog').filter({ hasText: 'Its line goes with it.' }).waitFor();
    await page.getByRole('button', { name: 'Delete the draft', exact: true }).click();
    await page.getByRole('heading', { name: 'Invoices', exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: `Draft ${id} to CEDARS is deleted.` }).waitFor();
    const gone = await page.request.get(`/api/v1/invoices/${id}`);
    assert.equal(gone.status(), 404);
    app.assertClean(page);
  });

  test('the payments and the credit memos are listed, filtered by customer and unapplied cash', async () => {
    await page.goto('/invoices');
    await page.locator('#site-nav').getByRole('link', { name: 'Payments and credits' }).click();
    await page.getByRole('heading', { name: 'Payments and credits' }).waitFor();
    const payments = main().locator('section').filter({ has: page.getByRole('heading', { name: 'Payments', exact: true }) });
    const credits = main().locator('section').filter({ has: page.getByRole('heading', { name: 'Credit memos', exact: true }) });
    const paymentRows = payments.locator('tbody tr');
    await paymentRows.first().waitFor();
    assert.equal(await paymentRows.count(), 1);
    assert.equal(await paymentRows.locator('td[data-label="Unapplied"]').textContent(), '$300.00');
    assert.equal(await paymentRows.locator('td[data-label="Reference"]').textContent(), 'CHK-1001');
    await payments.getByLabel('Unapplied cash').selectOption('true');
    await page.waitForURL(/unapplied=true/);
    await payments.getByRole('link', { name: /^Payment \d+$/ }).waitFor();
    await payments.getByLabel('Customer').fill('SOMEONE');
    await payments.getByText('No payment matches.').waitFor();
    await payments.getByLabel('Customer').fill('CEDARS');
    await payments.getByRole('link', { name: /^Payment \d+$/ }).waitFor();
    const creditRow = credits.locator('tbody tr');
    await creditRow.first().waitFor();
    assert.deepEqual([await creditRow.locator('td[data-label="Amount"]').textContent(), await creditRow.getByRole('link', { name: NUMBER }).count()], ['$25.00', 1]);
    await credits.getByLabel('Invoice').fill('2002-999999');
    await credits.getByText('No credit memo matches.').waitFor();
    await payments.getByRole('link', { name: /^Payment \d+$/ }).click();
    await page.getByRole('heading', { name: /^Payment \d+$/ }).waitFor();
    app.assertClean(page);
  });

  test('the invoice list filters by status and customer, kept in the URL', async () => {
    await page.goto('/invoices');
    await page.getByText('Showing 1 invoices.').waitFor();
    await page.getByLabel('Status').selectOption('draft');
    await page.getByText('No invoice matches.').waitFor();
    assert.match(page.url(), /status=draft/);
    await page.getByLabel('Status').selectOption('issued');
    await main().locator('tbody').getByRole('link', { name: NUMBER }).waitFor();
    assert.deepEqual(await main().locator('tbody td[data-label="Open"]').allTextContents(), ['$200.00']);
    await page.getByLabel('Customer').fill('SOMEONE');
    await page.getByText('No invoice matches.').waitFor();
    await page.getByLabel('Customer').fill('CEDARS');
    await main().locator('tbody').getByRole('link', { name: NUMBER }).waitFor();
    assert.match(page.url(), /customer=CEDARS/);
    app.assertClean(page);
  });

  test('a customer that is not a hospital is added, and its page offers its invoices', async () => {
    await page.goto('/customers');
    await main().getByRole('button', { name: 'Add a customer' }).click();
    const add = page.getByRole('form', { name: 'Add a customer' });
    await add.getByLabel('Code').fill('SPONSOR1');
    await add.getByLabel('Name').fill('Device Sponsor Inc.');
    await add.getByLabel('Billing address').fill('1 Main Street\nSpringfield');
    await add.getByRole('button', { name: 'Add the customer' }).click();
    await page.getByRole('status').filter({ hasText: 'Customer SPONSOR1 Device Sponsor Inc. is added.' }).waitFor();
    await main().getByRole('link', { name: 'SPONSOR1' }).click();
    await page.getByRole('heading', { name: 'SPONSOR1 Device Sponsor Inc.' }).waitFor();
    await page.getByRole('form', { name: 'Edit the customer' }).waitFor();
    assert.equal(await page.locator('.customer-open').textContent(), '$0.00');
    await page.locator('.open-documents-none').waitFor();
    app.assertClean(page);
  });

  test('on a phone the invoice, payment entry and aging pages fit the screen', async () => {
    const phone = await app.newPage({ viewport: PHONE });
    await app.login(phone, 'fiona', password, `/invoices/${NUMBER}`);
    const fits = async (what) => {
      const { scroll, client } = await phone.evaluate(() => ({
        scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
      }));
      assert.ok(scroll <= client, `${what} fits a phone: ${scroll}px wide on a ${client}px screen`);
    };
    await phone.getByRole('heading', { name: `Invoice ${NUMBER}` }).waitFor();
    await fits('the invoice');
    await phone.goto('/payments/new?customer=CEDARS');
    await phone.getByLabel(`Apply to ${NUMBER}`).waitFor();
    await fits('the payment entry');
    await phone.goto('/receivables/aging?date=2002-12-31');
    await phone.getByRole('heading', { name: 'Tie-out to the ledger' }).waitFor();
    await fits('the aging');
    await app.screenshot(phone, 'billing-aging-phone.png');
    app.assertClean(phone);
    await phone.context().close();
  });

  test('an executive reads invoices, payments and the aging with no control that changes them', async () => {
    const password = await app.addUser('eve', 'executive');
    const exec = await app.newPage();
    await app.login(exec, 'eve', password, '/invoices');
    await exec.getByRole('heading', { name: 'Invoices', exact: true }).waitFor();
    await exec.getByRole('link', { name: NUMBER }).waitFor();
    const nav = await exec.locator('#site-nav a').allTextContents();
    assert.ok(nav.includes('Invoices') && nav.includes('Receivables aging') && nav.includes('Customers'));
    assert.equal(nav.includes('Record a payment'), false);
    assert.equal(await exec.locator('main').getByRole('link', { name: 'New invoice' }).count(), 0);
    await exec.getByRole('link', { name: NUMBER }).click();
    await exec.getByRole('heading', { name: `Invoice ${NUMBER}` }).waitFor();
    await exec.getByRole('heading', { name: 'Payments applied' }).waitFor();
    for (const name of ['Record a payment', 'Credit memo']) assert.equal(await exec.locator('main').getByRole('link', { name }).count(), 0, name);
    assert.equal(await exec.locator('main').getByRole('link', { name: /Invoice \(PDF\)/ }).count(), 1);
    await exec.goto('/customers/CEDARS');
    await exec.getByRole('heading', { name: 'CEDARS Cedars-Sinai Medical Center' }).waitFor();
    assert.equal(await exec.locator('main').getByRole('link', { name: 'New invoice' }).count(), 0);
    await exec.goto('/payments/new');
    await exec.getByRole('heading', { name: 'No access' }).waitFor();
    await exec.goto('/receivables/aging?date=2002-12-31');
    await exec.getByRole('heading', { name: 'Tie-out to the ledger' }).waitFor();
    app.assertClean(exec);
  });
});
