'use strict';
/*
 * dashboard.test.js - logging in (and back to the page asked for), the
 * dashboard of Q1 2004 with the published figures (docs/reports.md), its two
 * Chart.js charts and their text alternatives, choosing another quarter, the
 * phone layout with its menu button, logging out. Screenshots:
 * tests/out/web/dashboard.png and dashboard-phone.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ADMIN_PASSWORD, PHONE, startApp } = require('./lib/web');

/* The card whose title is `title`. */
function card(page, title) {
  return page.locator('.card').filter({ has: page.locator('.card-title', { hasText: new RegExp(`^${title}$`, 'i') }) });
}

describe('dashboard', () => {
  let app;
  let page;

  before(async () => {
    app = await startApp();
    page = await app.newPage();
  });

  after(async () => {
    if (app) await app.close();
  });

  test('a page asked for without a session shows the login, then that page', async () => {
    await page.goto('/dashboard?quarter=2004Q1');
    await page.getByRole('heading', { name: 'Log in to bloodops' }).waitFor();
    assert.match(page.url(), /\/login\?next=%2Fdashboard%3Fquarter%3D2004Q1$/);
    assert.equal(await page.locator('#topbar').isVisible(), false, 'no top bar before login');

    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'The user name or password is not correct.' }).waitFor());
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the wrong password is cleared');

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard, Q1 2004' }).waitFor();
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/dashboard?quarter=2004Q1');
    assert.equal(await page.locator('#user-name').textContent(), 'admin');
    assert.match(await page.locator('#user-roles').textContent(), /Administrator/);
    const nav = await page.locator('#site-nav a').allTextContents();
    // Grouped by area: donors and collections, laboratory, distribution, services, finance, administration.
    // Home first: the administrator's worklist is there (docs/worklists.md).
    assert.deepEqual(nav, ['Home', 'Donors', 'New collection', 'Collections', 'Unit lookup', 'Test results', 'Discrepancies', 'Release', 'Lookback',
      'Inventory', 'Shelf units', 'Contracts', 'Open orders', 'New order', 'Standing orders', 'Returns', 'Apheresis calculators', 'Apheresis patients', 'Apheresis schedule', 'Apheresis procedures', 'Apheresis contracts', 'Management contracts', 'Clinical trials', 'Dashboard', 'Quarterly results', 'Apheresis volumes', 'Journal', 'Trial balance', 'Income statement', 'Balance sheet', 'Periods', 'Weighted shares', 'Customers', 'Invoices', 'Payments and credits', 'Record a payment', 'Receivables aging', 'Allowance and write-offs', 'Markets', 'Donor centers', 'Hospitals', 'Users', 'Audit trail', 'API reference']);
    assert.equal(await page.locator('#site-nav a[aria-current="page"]').textContent(), 'Dashboard');
    app.assertClean(page);
  });

  test('the cards show Q1 2004 against Q1 2003, with the change in words and figures', async () => {
    const revenue = card(page, 'Revenue');
    assert.equal(await revenue.locator('.card-value').textContent(), '$6,736,000');
    const revenueChange = revenue.locator('.card-change');
    assert.match(await revenueChange.textContent(), /Down \$195,000 \(-2\.8%\)/);
    assert.match(await revenueChange.textContent(), /vs Q1 2003: \$6,931,000/);
    assert.match(await revenueChange.getAttribute('class'), /change-bad/);
    assert.equal(await revenueChange.locator('.arrow').textContent(), '▼');

    assert.equal(await card(page, 'Gross profit').locator('.card-value').textContent(), '$1,431,000');
    assert.match(await card(page, 'Gross profit').locator('.card-change').textContent(), /Up \$431,000 \(\+43\.1%\)/);
    assert.equal(await card(page, 'Gross margin').locator('.card-value').textContent(), '21.2%');
    assert.match(await card(page, 'Gross margin').locator('.card-change').textContent(), /Up 6\.8 pts.*14\.4%/);
    assert.equal(await card(page, 'Net income').locator('.card-value').textContent(), '$246,000');
    assert.match(await card(page, 'Net income').locator('.card-change').textContent(), /Up \$238,000.*\$8,000/);
    assert.equal(await card(page, 'EPS, diluted').locator('.card-value').textContent(), '$0.03');
    assert.match(await card(page, 'EPS, diluted').textContent(), /7,947,000 weighted shares/);
    assert.equal(await card(page, 'EPS, basic').locator('.card-value').textContent(), '$0.03');
    assert.match(await card(page, 'EPS, basic').textContent(), /7,756,000 weighted shares/);
    const dso = card(page, 'Days sales outstanding');
    assert.equal(await dso.locator('.card-value').textContent(), '47 days');
    assert.match(await dso.locator('.card-change').textContent(), /Down 10 days.*57 days/);
    assert.match(await dso.locator('.card-change').getAttribute('class'), /change-good/, 'fewer days is good');
    assert.equal(await card(page, 'Working capital').locator('.card-value').textContent(), '$1,763,000');
    assert.match(await card(page, 'Working capital').locator('.card-change').textContent(), /Up \$122,000 \(\+7\.4%\).*\$1,641,000/);
  });

  test('saves a screenshot of the dashboard as it first shows', async () => {
    const file = await app.screenshot(page, 'dashboard.png');
    assert.ok(require('node:fs').statSync(file).size > 20000, 'a real picture');
    app.assertClean(page);
  });

  test('both charts are drawn by Chart.js, with text alternatives', async () => {
    const canvases = page.locator('figure.chart canvas');
    assert.equal(await canvases.count(), 2);
    for (let i = 0; i < 2; i++) {
      const box = await canvases.nth(i).boundingBox();
      assert.ok(box && box.width > 200 && box.height > 150, `chart ${i} has a size: ${JSON.stringify(box)}`);
    }
    const charts = await page.evaluate(() => [...document.querySelectorAll('figure.chart canvas')].map((canvas) => {
      const chart = window.Chart.getChart(canvas);
      return chart && {
        type: chart.config.type,
        stacked: Boolean(chart.options.scales.x.stacked),
        labels: chart.data.labels,
        datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data, color: d.backgroundColor })),
      };
    }));
    const [revenue, centers] = charts;
    assert.ok(revenue, 'Chart.js drew the revenue chart');
    assert.equal(revenue.type, 'bar');
    assert.equal(revenue.stacked, true);
    assert.deepEqual(revenue.labels, ['Q1 2003', 'Q2 2003', 'Q3 2003', 'Q4 2003', 'Q1 2004']);
    assert.deepEqual(revenue.datasets.map((d) => d.label), ['Blood products', 'Blood services']);
    assert.equal(revenue.datasets[0].data[4], 4845000);
    assert.equal(revenue.datasets[1].data[4], 1891000);

    assert.ok(centers, 'Chart.js drew the donor-center chart');
    assert.deepEqual(centers.labels, ['LA-01', 'NC-01 (closed)', 'OC-01']);
    assert.deepEqual(centers.datasets.map((d) => d.label), ['Ongoing centers', 'Closed centers']);
    assert.deepEqual(centers.datasets[0].data, [500000, null, 287000]);
    assert.deepEqual(centers.datasets[1].data, [null, 0, null]);
    assert.notEqual(centers.datasets[0].color, centers.datasets[1].color, 'closed centers have their own colour');

    // The same figures for whoever cannot see the canvas.
    const revenueLabel = await canvases.nth(0).getAttribute('aria-label');
    assert.match(revenueLabel, /Q1 2004: blood products \$4,845,000, blood services \$1,891,000, total \$6,736,000/);
    assert.equal(await canvases.nth(0).getAttribute('role'), 'img');
    assert.match(await canvases.nth(1).getAttribute('aria-label'), /NC-01 \(closed\) \$0/);
    await page.getByText('Show the figures as a table').first().click();
    const rows = page.locator('figure.chart').first().locator('details table tbody tr');
    assert.equal(await rows.count(), 5);
    assert.deepEqual(await rows.last().locator('th, td').allTextContents(), ['Q1 2004', '$4,845,000', '$1,891,000', '$6,736,000']);
  });

  test('the largest movements are listed, largest first', async () => {
    const rows = page.locator('section[aria-labelledby="movements-title"] tbody tr');
    assert.equal(await rows.count(), 8);
    assert.deepEqual(await rows.first().locator('th, td').allTextContents(),
      ['5000 Cost of blood products', 'Cost of revenue', '$4,058,000', '$4,684,000', '($626,000)', '-13.4%']);
    assert.match(await rows.nth(2).textContent(), /6100 Bad-debt provision.*\$124,000.*\+310\.0%/);
  });

  test('another quarter is chosen from the quarters on record, and kept in the URL', async () => {
    const options = await page.locator('#quarter-select option').allTextContents();
    assert.deepEqual(options, ['Q1 2004', 'Q4 2003', 'Q3 2003', 'Q2 2003', 'Q1 2003']);
    await page.getByLabel('Quarter', { exact: true }).selectOption('2003Q4');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard, Q4 2003' }).waitFor();
    assert.match(page.url(), /\/dashboard\?quarter=2003Q4$/);
    assert.equal(await card(page, 'Revenue').locator('.card-value').textContent(), '$6,850,000');
    const labels = await page.evaluate(() => window.Chart.getChart(document.querySelector('figure.chart canvas')).data.labels);
    assert.deepEqual(labels, ['Q1 2003', 'Q2 2003', 'Q3 2003', 'Q4 2003'], 'revenue up to the quarter shown');

    await page.goBack();
    await page.getByRole('heading', { name: 'Dashboard, Q1 2004' }).waitFor();
    assert.equal(await card(page, 'Revenue').locator('.card-value').textContent(), '$6,736,000');

    await page.goto('/dashboard?quarter=2004Q9');
    await assert.doesNotReject(page.getByRole('alert').filter({ hasText: '2004Q9 cannot be shown' }).waitFor());
    app.assertClean(page);
  });

  test('on a phone the navigation folds behind a menu button, and the dashboard fits', async () => {
    const phone = await app.newPage({ viewport: PHONE });
    await app.login(phone, 'admin', ADMIN_PASSWORD, '/dashboard?quarter=2004Q1');
    await phone.getByRole('heading', { name: 'Dashboard, Q1 2004' }).waitFor();
    const menu = phone.getByRole('button', { name: 'Menu' });
    assert.equal(await menu.isVisible(), true);
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    assert.equal(await phone.locator('#site-nav').getByRole('link', { name: 'Quarterly results' }).isVisible(), false, 'the navigation is folded');
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    assert.equal(await phone.locator('#site-nav').getByRole('link', { name: 'Quarterly results' }).isVisible(), true);
    assert.equal(await phone.getByRole('button', { name: 'Log out' }).isVisible(), true);
    await phone.keyboard.press('Escape');
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');

    assert.equal(await card(phone, 'Revenue').locator('.card-value').textContent(), '$6,736,000');
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `nothing sticks out sideways (page is ${width}px wide)`);
    const chart = await phone.locator('figure.chart canvas').first().boundingBox();
    assert.ok(chart.width > 250 && chart.x + chart.width <= PHONE.width, `the chart fits the screen: ${JSON.stringify(chart)}`);
    assert.equal(await phone.evaluate(() => Boolean(window.Chart.getChart(document.querySelector('figure.chart canvas')))), true);
    await app.screenshot(phone, 'dashboard-phone.png');

    // Open a page from the menu: the menu closes and the page is shown.
    await menu.click();
    await phone.locator('#site-nav').getByRole('link', { name: 'Donor centers' }).click();
    await phone.getByRole('heading', { name: 'Donor centers' }).waitFor();
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    app.assertClean(phone);
  });

  test('logging out goes back to the login page and ends the session', async () => {
    await page.goto('/dashboard');
    await page.getByRole('heading', { name: 'Dashboard, Q1 2004' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to bloodops' }).waitFor();
    assert.equal(await page.locator('#topbar').isVisible(), false);
    const status = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(status, 401, 'the API no longer knows the session');
    await page.goto('/dashboard');
    await page.getByRole('heading', { name: 'Log in to bloodops' }).waitFor();
    app.assertClean(page);
  });
});
