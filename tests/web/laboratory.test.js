'use strict';
/*
 * laboratory.test.js - corrections in the laboratory in the browser, on the
 * demo company with its chain, as the administrator: a result amended from
 * the donation's results page (reached from the unit lookup), a wrong
 * password shown beside the password and nothing amended, then the
 * amendment with its reason and signature and the units re-evaluated on
 * the spot (held for the positive screen, ready again once amended back),
 * with the history of amendments; the demo's ABO/RhD discrepancy found in
 * the list, confirmed (the donor's group set by the confirmation) and its
 * units released under a signature; at a New York center (the browser is
 * in Los Angeles), a discrepancy's times, its units discarded from its
 * page with the reason, an amendment and a release signed from the queue,
 * each on the New York clock with the zone named; the discrepancies list
 * sorted by a column and filtered by status, center and the days opened,
 * a backward range told under its field; a results file of several
 * megabytes uploaded with its progress bar reaching 100%, and the way on
 * to the release queue. Screenshots in tests/out/web/laboratory-*.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ADMIN_PASSWORD, startAsAdmin, shownAt: shown } = require('./lib/web');
const chain = require('../api/lib/chain');

const NY = 'America/New_York';

describe('laboratory corrections', () => {
  let app;
  let page;
  let admin;

  before(async () => {
    ({ app, admin, page } = await startAsAdmin('/units/lookup', 'Unit lookup', { demoChain: true }));
  });

  after(async () => {
    if (app) await app.close();
  });

  /* A donation processed and tested negative: its units are ready. */
  async function testedDonation() {
    const d = await chain.donate(app.srv, admin, { products: ['E0300', 'E0500'] });
    await chain.importResults(app.srv, admin, chain.resultsCsv(chain.panelRows(d.din, chain.day(0))), `tested-${d.din}.csv`);
    return d;
  }

  async function amendForm(test) {
    await page.getByRole('button', { name: `Amend the ${test} result` }).click();
    const form = page.getByRole('form', { name: `Amend the ${test} result` });
    await form.waitFor();
    return form;
  }

  test('a result is amended with a reason and a signature, and the units are re-evaluated at once', async () => {
    const d = await testedDonation();
    await page.goto(`/units/lookup?din=${d.din}`);
    await page.getByRole('link', { name: 'Amendments of these results, or amend one' }).click();
    await page.getByRole('heading', { name: `Test results of ${chain.eyeReadable(app.srv, d.din)}` }).waitFor();

    // A wrong password: said beside the password, nothing amended.
    let form = await amendForm('ABSCREEN');
    await form.getByLabel('New ABSCREEN result').selectOption('positive');
    await form.getByLabel('Reason').fill('re-read on the second analyser: positive');
    await form.getByLabel('User name').fill('admin');
    await form.getByLabel('Password').fill('not-the-password');
    await form.getByRole('button', { name: 'Sign and amend' }).click();
    await form.locator('.field-error').filter({ hasText: /wrong password/ }).waitFor();
    assert.equal(await form.getByLabel('Password').getAttribute('aria-invalid'), 'true');
    let results = await app.srv.api('GET', `/api/v1/test-results?din=${d.din}`, { token: admin.token });
    assert.equal(results.json.items.find((r) => r.test === 'ABSCREEN').result, 'negative');

    await form.getByLabel('Password').fill(ADMIN_PASSWORD);
    await form.getByRole('button', { name: 'Sign and amend' }).click();
    const outcome = page.locator('.amend-outcome');
    await outcome.getByRole('heading', { name: 'ABSCREEN amended: negative → positive' }).waitFor();
    assert.match(await outcome.textContent(), /Units held \(antibody screen positive\)/);
    const units = outcome.locator('table.unit-states tbody tr');
    assert.equal(await units.count(), 2);
    for (let i = 0; i < 2; i += 1) {
      const text = await units.nth(i).textContent();
      assert.match(text, /Blocked/);
      assert.match(text, /held: antibody screen positive \(ABSCREEN\)/);
    }
    // The history shows it; the result keeps what was first recorded.
    const history = page.locator('table.amendments');
    await history.waitFor();
    assert.match(await history.textContent(), /negative.*positive.*re-read on the second analyser: positive.*admin/s);
    const row = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Results' }) }).locator('tbody tr').filter({ hasText: 'ABSCREEN' });
    assert.match(await row.textContent(), /ABSCREENpositivenegative/);
    await app.screenshot(page, 'laboratory-amended.png');

    // Amended back: the hold it caused is lifted and the units are ready again.
    form = await amendForm('ABSCREEN');
    await form.getByLabel('New ABSCREEN result').selectOption('negative');
    await form.getByLabel('Reason').fill('confirmed negative on a fresh sample');
    await form.getByLabel('User name').fill('admin');
    await form.getByLabel('Password').fill(ADMIN_PASSWORD);
    await form.getByRole('button', { name: 'Sign and amend' }).click();
    await outcome.getByRole('heading', { name: 'ABSCREEN amended: positive → negative' }).waitFor();
    assert.match(await outcome.textContent(), /Hold lifted/);
    assert.deepEqual(await outcome.locator('table.unit-states tbody tr td:nth-child(5)').allTextContents(), ['Ready', 'Ready']);
    results = await app.srv.api('GET', `/api/v1/test-results?din=${d.din}`, { token: admin.token });
    assert.equal(results.json.items.find((r) => r.test === 'ABSCREEN').amendments.length, 2);
    app.assertClean(page);
  });

  test('the demo\'s ABO/RhD discrepancy is listed, confirmed and its units released under a signature', async () => {
    await page.goto('/release');
    await page.getByRole('heading', { name: 'Release queue' }).waitFor();
    await page.getByRole('link', { name: 'the discrepancies' }).click();
    await page.getByRole('heading', { name: 'ABO/RhD discrepancies' }).waitFor();
    const row = page.locator('.list-table tbody tr').filter({ hasText: 'O POS' }).filter({ hasText: 'A POS' });
    await row.waitFor();
    assert.match(await row.textContent(), /Open: confirmation needed/);
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: /^ABO\/RhD discrepancy \d+$/ }).waitFor();
    const units = page.locator('table.unit-states tbody tr');
    assert.ok((await units.count()) >= 1);
    assert.match(await units.first().textContent(), /Blocked.*held: ABO\/RhD discrepancy: donor history O POS, donation A POS/);

    const confirm = page.getByRole('form', { name: 'Record the confirmatory typing' });
    await confirm.getByLabel('ABO group').selectOption('A');
    await confirm.getByLabel('RhD type').selectOption('POS');
    await confirm.getByLabel(/is wrong: set it to the confirmed group/).check();
    await confirm.getByLabel('User name').fill('admin');
    await confirm.getByLabel('Password').fill(ADMIN_PASSWORD);
    await confirm.getByRole('button', { name: 'Sign the confirmation' }).click();
    await page.getByRole('status').filter({ hasText: 'The confirmatory typing A POS is recorded.' }).waitFor();
    assert.match(await page.locator('.details').textContent(), /A POS, signed by admin .*\(the donor’s group was set to it\)/);

    const release = page.getByRole('form', { name: 'Release the units' });
    await release.getByLabel('User name').fill('admin');
    await release.getByLabel('Password').fill(ADMIN_PASSWORD);
    await release.getByRole('button', { name: 'Sign and release' }).click();
    await page.getByRole('status').filter({ hasText: /is resolved: the units are released/ }).waitFor();
    const statuses = await page.locator('table.unit-states tbody tr td:nth-child(3)').allTextContents();
    assert.ok(statuses.length >= 1 && statuses.every((s) => s === 'Released'), statuses.join(', '));
    assert.match(await page.locator('.page-head').textContent(), /Released/);
    await app.screenshot(page, 'laboratory-discrepancy.png');
    app.assertClean(page);
  });

  /* A donation at `center` tested negative and typed `abo` POS on its day
   * there, processed into `products` first: {din, units}. */
  async function testedAt(center, donor, { abo = 'O', daysAgo = 0, products = [] } = {}) {
    const c = await chain.collect(app.srv, admin, { donor, center, daysAgo });
    const units = products.length ? await chain.processDonation(app.srv, admin, c.din, products) : [];
    const tested = chain.localDate(c.collected_at, c.time_zone);
    await chain.importResults(app.srv, admin, chain.resultsCsv(chain.panelRows(c.din, tested, { abo })), `tested-${c.din}.csv`);
    return { din: c.din, units };
  }

  test('laboratory times are on the clock of the donation\'s center, the zone named: a discrepancy, its discard, an amendment, a release', async () => {
    const srv = app.srv;
    const get = async (path) => {
      const r = await srv.api('GET', path, { token: admin.token });
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    const center = await srv.api('POST', '/api/v1/centers', { token: admin.token, body: { code: 'NY-02', name: 'Manhattan Donor Center', market: 'NY', fin: 'W0009', open_date: '2001-03-01' } });
    assert.equal(center.status, 201, center.text);
    assert.equal(center.json.time_zone, NY);
    // A donor typed O POS at the New York center, then a donation typed A POS there.
    const donor = (await chain.registerDonor(srv, admin)).donor_number;
    await testedAt('NY-02', donor, { daysAgo: 120 });
    const second = await testedAt('NY-02', donor, { abo: 'A', products: ['E0300'] });
    const [item] = (await get('/api/v1/typing-discrepancies?center=NY-02')).items;
    assert.deepEqual([item.din, item.time_zone], [second.din, NY]);
    const opened = shown(item.opened_at, NY);
    assert.match(opened, / E[SD]T$/);

    // The list, filtered to the New York center: the time opened on its clock.
    await page.goto('/discrepancies');
    await page.getByRole('heading', { name: 'ABO/RhD discrepancies' }).waitFor();
    await page.getByLabel('Center').selectOption('NY-02');
    await page.waitForURL(/center=NY-02/);
    const row = page.locator('.list-table tbody tr').filter({ hasText: `Discrepancy ${item.id}` });
    await row.waitFor();
    assert.equal(await page.locator('.list-table tbody tr').count(), 1);
    assert.equal(await row.locator('td[data-label="Opened"]').textContent(), opened);
    assert.equal(await row.locator('td[data-label="Center"]').textContent(), 'NY-02');

    // Its page: opened on the New York clock; discarded from there, with the reason.
    await row.getByRole('link', { name: `Discrepancy ${item.id}` }).click();
    await page.getByRole('heading', { name: `ABO/RhD discrepancy ${item.id}` }).waitFor();
    assert.match(await page.locator('.details').textContent(), new RegExp(`Opened${opened} by admin`));
    const discard = page.getByRole('form', { name: 'Discard the units' });
    await discard.getByLabel('Reason').fill('segment and sample disagree');
    await discard.getByRole('button', { name: 'Discard the units' }).click();
    const dialog = page.getByRole('alertdialog');
    assert.match(await dialog.textContent(), /segment and sample disagree/);
    await dialog.getByRole('button', { name: 'Yes, discard the units' }).click();
    await page.getByRole('status').filter({ hasText: `Discrepancy ${item.id} is resolved: the units are discarded.` }).waitFor();
    const resolved = await get(`/api/v1/typing-discrepancies/${item.id}`);
    assert.deepEqual([resolved.status, resolved.resolution.reason], ['discarded', 'segment and sample disagree']);
    assert.ok((await page.locator('.details').textContent()).includes(`discarded by admin at ${shown(resolved.resolution.resolved_at, NY)}: segment and sample disagree`));
    assert.deepEqual(await page.locator('table.unit-states tbody tr td:nth-child(3)').allTextContents(), ['Discarded']);
    assert.match(await page.locator('.page-head').textContent(), /Discarded/);
    assert.equal(await page.getByRole('form', { name: 'Discard the units' }).count(), 0, 'nothing left to resolve');

    // An amendment of that donation's result: its time on the New York clock.
    const screen = (await get(`/api/v1/test-results?din=${second.din}`)).items.find((r) => r.test === 'ABSCREEN');
    const amended = await srv.api('POST', `/api/v1/test-results/${screen.id}/amendments`, { token: admin.token,
      body: { result: 'positive', reason: 'second reading positive', username: 'admin', password: ADMIN_PASSWORD } });
    assert.equal(amended.status, 201, amended.text);
    await page.goto(`/results/${second.din}`);
    const history = page.locator('table.amendments');
    await history.locator('tbody tr').first().waitFor();
    assert.equal(await history.locator('tbody tr th').first().textContent(), shown(amended.json.amendment.amended_at, NY));

    // A release signed from the queue: the signature and the unit on the New York clock.
    const ready = await testedAt('NY-02', (await chain.registerDonor(srv, admin)).donor_number, { products: ['E0300'] });
    await page.goto('/release');
    await page.getByRole('heading', { name: 'Release queue' }).waitFor();
    await page.getByLabel('Center').selectOption('NY-02');
    const unitRow = page.locator('.list-table tbody tr').filter({ hasText: chain.eyeReadable(srv, ready.din) });
    await unitRow.waitFor();
    await unitRow.getByRole('checkbox').check();
    const sign = page.getByRole('form', { name: 'Electronic signature' });
    await sign.getByLabel('User name').fill('admin');
    await sign.getByLabel('Password').fill(ADMIN_PASSWORD);
    await sign.getByRole('button', { name: 'Sign and release 1 unit' }).click();
    const signed = page.locator('.release-outcome');
    await signed.getByRole('heading', { name: '1 unit released' }).waitFor();
    const unit = await get(`/api/v1/units/${ready.units[0].id}`);
    assert.equal(unit.status, 'released');
    const at = shown(unit.released_at, NY);
    assert.match(await signed.locator('.details').textContent(), new RegExp(`Signed at${at}`));
    assert.equal(await signed.locator('tbody td[data-label="Released at"]').textContent(), at);
    await app.screenshot(page, 'laboratory-new-york.png');
    app.assertClean(page);
  });

  test('the discrepancies list sorts by its columns and filters by status and the days opened, a refused range told under its field', async () => {
    await page.goto('/discrepancies');
    await page.getByRole('heading', { name: 'ABO/RhD discrepancies' }).waitFor();
    assert.equal(await page.getByLabel('Status').inputValue(), 'unresolved');
    const all = (await app.srv.api('GET', '/api/v1/typing-discrepancies?status=all&sort=center&offset=0', { token: admin.token })).json;
    assert.ok(all.total >= 2, `the demo's and New York's (${all.total})`);
    await page.getByLabel('Status').selectOption('');
    await page.waitForURL(/status=(&|$)/);
    await page.waitForFunction((n) => document.querySelectorAll('.list-table tbody tr').length === n, all.total);
    // Oldest first, then by center on a click, which says so to a screen reader.
    assert.equal(await page.getByRole('columnheader', { name: /Opened/ }).getAttribute('aria-sort'), 'ascending');
    await page.getByRole('button', { name: 'Center', exact: true }).click();
    await page.waitForURL(/sort=center/);
    await page.waitForFunction(() => document.querySelector('th[aria-sort="ascending"]')?.textContent.startsWith('Center'));
    const ids = await page.locator('.list-table tbody th').allTextContents();
    assert.deepEqual(ids, all.items.map((d) => `Discrepancy ${d.id}`));
    // The days opened: none before the demo began; a range backwards refused under its field.
    await page.getByLabel('Opened to').fill('2002-12-31');
    await page.getByText('No ABO/RhD discrepancy matches these filters.').waitFor();
    assert.match(page.url(), /to=2002-12-31/);
    await page.getByLabel('Opened from').fill('2003-01-01');
    const error = page.locator('.field-error').filter({ hasText: /must not be before from/ });
    await error.waitFor();
    assert.equal(await page.getByLabel('Opened to').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Opened to').fill('');
    await page.waitForFunction((n) => document.querySelectorAll('.list-table tbody tr').length === n, all.total);
    assert.equal(await page.getByLabel('Opened to').getAttribute('aria-invalid'), null);
    app.assertClean(page);
  });

  test('a results file of several megabytes uploads with a progress bar to 100%, then leads to the release queue', async () => {
    const d = await chain.donate(app.srv, admin, { products: ['E0300'] });
    // The laboratory's file: its instrument log as comment lines, then the results.
    const log = Array.from({ length: 80000 }, (_, i) => `# analyser run ${i}: calibration within limits, reagent lot 4471-${i % 97}`).join('\n');
    const content = `${log}\n${chain.resultsCsv(chain.panelRows(d.din, chain.day(0)))}`;
    assert.ok(content.length > 4 * 1024 * 1024, `${content.length} bytes`);
    await page.locator('#site-nav').getByRole('link', { name: 'Test results' }).click();
    await page.getByRole('heading', { name: 'Import test results' }).waitFor();
    await page.getByLabel('Results file (CSV)').setInputFiles({ name: 'lab-run.csv', mimeType: 'text/csv', buffer: Buffer.from(content) });
    await page.getByRole('button', { name: 'Import the results' }).click();
    const done = page.getByRole('status').filter({ hasText: /results imported from lab-run\.csv/ });
    await done.waitFor();
    assert.match(await done.textContent(), /12 results imported from lab-run\.csv\./);
    const bar = page.locator('.upload-progress progress');
    assert.equal(await bar.getAttribute('aria-label'), 'Upload of lab-run.csv');
    assert.equal(await bar.evaluate((element) => element.value), 100);
    assert.equal(await page.locator('.upload-percent').textContent(), '100%');
    assert.equal(await page.locator('.upload-progress [aria-live]').textContent(), 'lab-run.csv sent: importing.');
    await app.screenshot(page, 'laboratory-upload.png');
    await page.getByRole('link', { name: 'Go to the release queue' }).click();
    await page.getByRole('heading', { name: 'Release queue' }).waitFor();
    const row = page.locator('.list-table tbody tr').filter({ hasText: chain.eyeReadable(app.srv, d.din) });
    await row.waitFor();
    assert.match(await row.textContent(), /Ready/);
    app.assertClean(page);
  });
});
