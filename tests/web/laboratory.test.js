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
 * units released under a signature; a results file of several megabytes
 * uploaded with its progress bar reaching 100%, and the way on to the
 * release queue. Screenshots in tests/out/web/laboratory-*.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ADMIN_PASSWORD, startAsAdmin } = require('./lib/web');
const chain = require('../api/lib/chain');

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
