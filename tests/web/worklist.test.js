'use strict';
/*
 * worklist.test.js - the home page's worklist (docs/worklists.md), on the
 * demo company with records made through the API: a member of center
 * staff sees today's collection of her center (not another center's) and
 * a donor due back, each a link; the laboratory sees the release queue by
 * state and a lookback case due within 3 days, and "Nothing to do" once
 * its steps are done, and an ABO/RhD discrepancy to resolve, linked to its
 * page, said confirmed once confirmed and gone once resolved; finance lands on its worklist (the months to close,
 * the findings of Q1 2004 with the quarterly results a link away) rather
 * than the dashboard, which an executive still lands on. The pages each
 * user can use follow the worklist; on a phone nothing sticks out sideways.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ADMIN_PASSWORD, PHONE, startApp } = require('./lib/web');
const chain = require('../api/lib/chain');

/* The quarter of today where the demo's centers are (its label and its
 * period): the latest on record once the chain's units are processed. */
const CURRENT = (() => {
  const [year, month] = chain.day(0).split('-').map(Number);
  const q = Math.floor((month - 1) / 3) + 1;
  return { label: `Q${q} ${year}`, period: `${year}Q${q}` };
})();

describe('worklists on the home page', () => {
  let app;
  let admin;

  before(async () => {
    app = await startApp();
    admin = await app.srv.login('admin', ADMIN_PASSWORD);
  });

  after(async () => {
    if (app) await app.close();
  });

  function section(page, title) {
    return page.locator('section.worklist-section').filter({ has: page.getByRole('heading', { name: new RegExp(`^${title}`) }) });
  }

  test('center staff: today\'s collections at their center and the donors due back, as links', async () => {
    const srv = app.srv;
    const here = await chain.registerDonor(srv, admin, { family_name: 'Herrera', given_name: 'Lucia', home_center: 'LA-01' });
    const collected = await chain.collect(srv, admin, { donor: here.donor_number, center: 'LA-01' });
    const elsewhere = await chain.registerDonor(srv, admin, { family_name: 'Orange', home_center: 'OC-01' });
    await chain.collect(srv, admin, { donor: elsewhere.donor_number, center: 'OC-01' });
    const due = await chain.registerDonor(srv, admin, { family_name: 'Dueback', given_name: 'Nora', home_center: 'LA-01', phone: '555-0142' });
    await chain.collect(srv, admin, { donor: due.donor_number, center: 'LA-01', daysAgo: 59 });

    const password = await app.addUser('carla', 'center_staff', { centers: 'LA-01' });
    const page = await app.newPage();
    await app.login(page, 'carla', password);
    await page.getByRole('heading', { name: `Work for today, ` }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal((await page.locator('#site-nav a').allTextContents())[0], 'Home');

    const collections = section(page, 'Collections today');
    assert.equal(await collections.locator('.badge').textContent(), '1');
    assert.match(await collections.locator('.worklist-summary').textContent(), /^1 collection recorded today at your centers\.$/);
    const din = chain.eyeReadable(srv, collected.din);
    assert.equal(await collections.getByRole('link', { name: din }).getAttribute('href'), `/collections/${collected.din}`);
    assert.match(await collections.locator('li').textContent(), new RegExp(`donor ${here.donor_number} at LA-01`));
    assert.equal(await collections.getByRole('link', { name: 'All collections of today' }).getAttribute('href'),
      `/collections?from=${chain.day(0)}&to=${chain.day(0)}&sort=-collected_at`);

    const donors = section(page, 'Donors due back');
    assert.equal(await donors.locator('.badge').textContent(), '1');
    assert.match(await donors.locator('.worklist-summary').textContent(), /1 donor may give again: their donation interval ended in the last 7 days/);
    const item = donors.locator('li');
    assert.match(await item.textContent(), /eligible since .*phone 555-0142/);
    await donors.getByRole('link', { name: `Nora Dueback (${due.donor_number})` }).click();
    await page.getByRole('heading', { name: new RegExp(due.donor_number) }).first().waitFor();
    assert.equal(new URL(page.url()).pathname, `/donors/${due.donor_number}`);

    // Back home: the pages she can use follow the worklist.
    await page.locator('#site-nav').getByRole('link', { name: 'Home' }).click();
    await page.getByRole('heading', { name: 'What you can do here' }).waitFor();
    await collections.getByRole('link', { name: din }).click();
    await page.waitForURL(`**/collections/${collected.din}`);
    await app.screenshot(page, 'worklist-center.png');
    // The list of today's collections: today, from and to.
    await page.goBack();
    await collections.getByRole('link', { name: 'All collections of today' }).click();
    await page.getByRole('heading', { name: 'Collections', exact: true }).waitFor();
    await page.locator('.list-table tbody tr').filter({ hasText: din }).waitFor();
    assert.deepEqual([await page.getByLabel('From', { exact: true }).inputValue(), await page.getByLabel('To', { exact: true }).inputValue()], [chain.day(0), chain.day(0)]);
    assert.equal(await page.locator('.list-table tbody tr').count(), 1, 'her center\'s one collection of today');
    app.assertClean(page);
    await page.context().close();
  });

  test('the laboratory: the release queue by state and the lookback case due within 3 days', async () => {
    const srv = app.srv;
    const password = await app.addUser('lena', 'lab');
    const lena = await srv.login('lena', password);
    await chain.donate(srv, admin, { products: ['E0300', 'E0500'] });
    const reactive = await chain.donate(srv, admin, { products: ['E0300'] });
    const imported = await chain.importResults(srv, lena, chain.resultsCsv(chain.panelRows(reactive.din, chain.day(0), { overrides: { HCV: 'reactive' } })));
    const caseId = imported.lookback_cases[0];

    const page = await app.newPage({ viewport: PHONE });
    await app.login(page, 'lena', password);
    await page.getByRole('heading', { name: 'Welcome, lena' }).waitFor();
    const queue = section(page, 'Units waiting for release');
    await queue.waitFor();
    // Two units of a donation without results; the reactive one was discarded.
    assert.match(await queue.locator('.worklist-summary').textContent(), /^2 units are in quarantine\.$/);
    assert.equal(await queue.getByRole('link', { name: '2 units waiting for test results' }).getAttribute('href'), '/release');
    assert.equal(await queue.getByRole('link', { name: /ready to release/ }).count(), 0, 'no state without units');

    const lookback = section(page, 'Lookback deadlines');
    assert.match(await lookback.locator('.worklist-summary').textContent(), /1 lookback case has a step due by .* or overdue/);
    assert.match(await lookback.locator('li').textContent(), new RegExp(`Case ${caseId} HCV, donor ${reactive.donor}: next step due`));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `nothing sticks out sideways on a phone (page is ${width}px wide)`);
    await app.screenshot(page, 'worklist-lab-phone.png');
    await lookback.getByRole('link', { name: `Case ${caseId}` }).click();
    await page.getByRole('heading', { name: new RegExp(`Lookback case ${caseId}`) }).waitFor();

    // Its steps done, nothing is due within 3 days any more.
    for (const step of ['quarantine', 'notice']) {
      const r = await srv.api('POST', `/api/v1/lookback-cases/${caseId}/steps`, { token: lena.token, body: { step } });
      assert.equal(r.status, 200, r.text);
    }
    await page.goto('/');
    await section(page, 'Lookback deadlines').locator('.worklist-summary').filter({ hasText: 'Nothing to do: no lookback step is due by' }).waitFor();
    app.assertClean(page);
    await page.context().close();
  });

  test('the laboratory: an ABO/RhD discrepancy to resolve, linked to its page, until it is resolved', async () => {
    const srv = app.srv;
    const password = await app.addUser('leo', 'lab');
    const leo = await srv.login('leo', password);
    // A donor typed O POS, then a donation of theirs typed A POS.
    const donor = (await chain.registerDonor(srv, admin)).donor_number;
    const first = await chain.collect(srv, admin, { donor, daysAgo: 120 });
    await chain.importResults(srv, leo, chain.resultsCsv(chain.panelRows(first.din, chain.day(-120))), 'first.csv');
    const second = await chain.collect(srv, admin, { donor });
    const imported = await chain.importResults(srv, leo, chain.resultsCsv(chain.panelRows(second.din, chain.day(0), { abo: 'A' })), 'second.csv');
    assert.equal(imported.discrepancies.length, 1);
    const listed = await srv.api('GET', '/api/v1/typing-discrepancies', { token: leo.token });
    assert.equal(listed.json.items.length, 1, listed.text);
    const { id } = listed.json.items[0];

    const page = await app.newPage();
    await app.login(page, 'leo', password);
    await page.getByRole('heading', { name: 'Welcome, leo' }).waitFor();
    const discrepancies = section(page, 'ABO/RhD discrepancies to resolve');
    await discrepancies.locator('li').waitFor();
    assert.equal(await discrepancies.locator('.badge').textContent(), '1');
    assert.equal(await discrepancies.locator('.worklist-summary').textContent(), '1 ABO/RhD discrepancy to resolve.');
    const din = chain.eyeReadable(srv, second.din);
    assert.equal(await discrepancies.locator('li').textContent(), `${din} donor ${donor} is O POS on record, the donation typed A POS`);
    assert.equal(await discrepancies.getByRole('link', { name: 'Every discrepancy' }).getAttribute('href'), '/discrepancies');
    await discrepancies.getByRole('link', { name: din }).click();
    await page.getByRole('heading', { name: `ABO/RhD discrepancy ${id}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/discrepancies/${id}`);

    // Confirmed: still to resolve, and said so; resolved: off the worklist.
    const confirmed = await srv.api('POST', `/api/v1/typing-discrepancies/${id}/confirmation`, { token: leo.token, body: { abo: 'A', rhd: 'POS', username: 'leo', password } });
    assert.equal(confirmed.status, 200, confirmed.text);
    await page.goto('/');
    await discrepancies.locator('li').filter({ hasText: /\(confirmed, to release or discard\)$/ }).waitFor();
    const discarded = await srv.api('POST', `/api/v1/typing-discrepancies/${id}/discard`, { token: leo.token, body: { reason: 'donor identity in doubt' } });
    assert.equal(discarded.status, 200, discarded.text);
    await page.goto('/');
    await discrepancies.locator('.worklist-summary').filter({ hasText: 'Nothing to do: no ABO/RhD discrepancy to resolve.' }).waitFor();
    assert.equal(await discrepancies.locator('li').count(), 0);
    app.assertClean(page);
    await page.context().close();
  });

  test('finance lands on its worklist: the months to close and the quarter\'s findings, the dashboard a link away', async () => {
    const password = await app.addUser('fiona', 'finance');
    const page = await app.newPage();
    await app.login(page, 'fiona', password);
    await page.getByRole('heading', { name: 'Welcome, fiona' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    // The demo's books: every month of 2003 and Q1 2004, none closed.
    const periods = section(page, 'Periods to close');
    assert.equal(await periods.locator('.badge').textContent(), '15');
    assert.match(await periods.locator('.worklist-summary').textContent(), /15 months have ended with postings and are not closed \(no period is closed yet\)/);
    assert.deepEqual((await periods.locator('li a').allTextContents()).slice(0, 2), ['2003-01', '2003-02']);
    assert.equal(await periods.locator('li').count(), 10);
    assert.equal(await periods.getByText('And 5 more.').count(), 1);

    // The latest quarter on record is today's: the demo chain's units,
    // processed today, put their cost into inventory.
    const findings = section(page, 'Consistency findings');
    assert.match(await findings.locator('.worklist-summary').textContent(),
      new RegExp(`(the quarterly results of ${CURRENT.label} show no inconsistency\\.|consistency findings? in the quarterly results of ${CURRENT.label})`));
    await findings.getByRole('link', { name: `Quarterly results, ${CURRENT.label}` }).click();
    await page.waitForURL(`**/quarterly?period=${CURRENT.period}`);
    await page.goBack();
    await page.getByRole('link', { name: 'dashboard', exact: true }).click();
    await page.getByRole('heading', { name: `Dashboard, ${CURRENT.label}` }).waitFor();

    // A month's link opens the close form with it; closing it takes it off the list.
    await page.goto('/');
    await section(page, 'Periods to close').getByRole('link', { name: '2003-01' }).click();
    await page.waitForURL('**/periods?period=2003-01');
    const close = page.getByRole('form', { name: 'Close a period' });
    assert.equal(await close.getByLabel('Period').inputValue(), '2003-01');
    await close.getByLabel('Your password').fill(password);
    await close.getByRole('button', { name: 'Sign and close' }).click();
    await page.getByRole('status').filter({ hasText: '2003-01 is closed' }).waitFor();
    await page.locator('#site-nav').getByRole('link', { name: 'Home' }).click();
    await section(page, 'Periods to close').locator('.worklist-summary').filter({ hasText: '14 months have ended with postings and are not closed (the last closed period is 2003-01)' }).waitFor();
    await app.screenshot(page, 'worklist-finance.png');
    app.assertClean(page);
    await page.context().close();
  });

  test('an executive, who has no worklist, still lands on the dashboard', async () => {
    const password = await app.addUser('ezra', 'executive');
    const page = await app.newPage();
    await app.login(page, 'ezra', password);
    await page.getByRole('heading', { name: `Dashboard, ${CURRENT.label}` }).waitFor();
    assert.equal((await page.locator('#site-nav a').allTextContents()).includes('Home'), false);
    app.assertClean(page);
    await page.context().close();
  });
});
