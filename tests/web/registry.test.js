'use strict';
/*
 * registry.test.js - the registry pages as an administrator: the donor
 * center list with its dates and statuses, adding a center (a refused
 * facility number shown next to its field, nothing created; then accepted),
 * searching (a refused search shown by the search box), editing, closing
 * with a confirmation step; hospitals with paging and editing (a refused or
 * emptied field shown by the field); markets added and renamed; the time
 * zones of markets and centers listed, set, refused by their field, and
 * the times of a record shown in its zone.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startAsAdmin } = require('./lib/web');

describe('registry pages', () => {
  let app;
  let page;
  let admin;

  before(async () => {
    ({ app, admin, page } = await startAsAdmin('/centers', 'Donor centers'));
  });

  after(async () => {
    if (app) await app.close();
  });

  const centerRow = (code) => page.locator('.list-table tbody tr').filter({ has: page.getByRole('link', { name: code, exact: true }) });

  test('the donor centers are listed with their open and close dates and status', async () => {
    await page.locator('.list-table tbody tr').first().waitFor();
    assert.equal(await page.locator('.list-table tbody tr').count(), 4);
    assert.deepEqual(await page.locator('.list-table thead th').allTextContents(), ['Code', 'Name', 'Market', 'FIN', 'Opened', 'Closed', 'Status', 'Time zone']);
    assert.deepEqual(await centerRow('NC-01').locator('th, td').allTextContents(),
      ['NC-01', 'Charlotte Donor Center', 'NC', 'W0004', '2000-09-01', '2004-01-31', 'Closed', 'America/New_York']);
    assert.deepEqual(await centerRow('LA-01').locator('th, td').allTextContents(),
      ['LA-01', 'Los Angeles Donor Center', 'LA', 'W0001', '1998-01-05', '—', 'Open', 'America/Los_Angeles']);
    await page.getByLabel('Status').selectOption('closed');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/status=closed/);
    await page.getByText('Showing 2 donor centers').waitFor();
    assert.deepEqual(await page.locator('.list-table tbody th').allTextContents(), ['NC-01', 'PA-01']);
    await page.goto('/centers');
    await page.getByText('Showing 4 donor centers').waitFor();
    app.assertClean(page);
  });

  test('a refused facility number is shown next to its field, and nothing is created', async () => {
    const add = page.getByRole('button', { name: 'Add a donor center' });
    assert.equal(await add.getAttribute('aria-expanded'), 'false');
    await add.click();
    assert.equal(await add.getAttribute('aria-expanded'), 'true');
    const form = page.getByRole('form', { name: 'Add a donor center' });
    await form.getByLabel('Code').fill('SD-01');
    await form.getByLabel('Name').fill('San Diego Donor Center');
    await form.getByLabel('Market').selectOption('LA');
    await form.getByLabel('Facility identification number (FIN)').fill('12345');
    await form.getByLabel('Open date').fill('2004-04-01');
    await form.getByRole('button', { name: 'Add the center' }).click();

    const fin = form.getByLabel('Facility identification number (FIN)');
    await page.waitForFunction(() => document.querySelector('input[name="fin"]')?.getAttribute('aria-invalid') === 'true');
    const errorId = (await fin.getAttribute('aria-describedby')).split(' ').find((id) => id.endsWith('-error'));
    const error = page.locator(`#${errorId}`);
    assert.equal(await error.isVisible(), true);
    assert.match(await error.textContent(), /must be an ISBT 128 facility identification number/);
    assert.equal(await page.evaluate(() => document.activeElement.name), 'fin', 'the field in error has the focus');
    // The error sits right under the field it is about.
    const fieldBox = await fin.boundingBox();
    const errorBox = await error.boundingBox();
    assert.ok(errorBox.y >= fieldBox.y + fieldBox.height - 1 && errorBox.y - (fieldBox.y + fieldBox.height) < 40, 'the error is next to the field');
    assert.equal(await form.getByLabel('Name').getAttribute('aria-invalid'), null, 'only the FIN is marked');
    const missing = await app.srv.api('GET', '/api/v1/centers/SD-01', { token: admin.token });
    assert.equal(missing.status, 404, 'nothing was created');
    assert.deepEqual(page.apiFailures.filter((f) => /\/api\/v1\/centers$/.test(f)).map((f) => /status of (\d+)/.exec(f)[1]), ['400'], 'one refused request');
    app.assertClean(page);
  });

  test('a corrected center is added and appears in the list; a refused search is shown by the search box', async () => {
    const form = page.getByRole('form', { name: 'Add a donor center' });
    await form.getByLabel('Facility identification number (FIN)').fill('W0005');
    // An unknown time zone is refused by its field, and nothing is created.
    await form.getByLabel('Time zone').fill('America/San_Diego');
    await form.getByRole('button', { name: 'Add the center' }).click();
    await page.waitForFunction(() => document.querySelector('input[name="time_zone"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(await form.locator('.field-error:visible').textContent(), /IANA time zone name.*'America\/San_Diego' is not one/);
    assert.equal((await app.srv.api('GET', '/api/v1/centers/SD-01', { token: admin.token })).status, 404, 'nothing was created');
    // Left empty, the center takes its market's zone.
    await form.getByLabel('Time zone').fill('');
    await form.getByRole('button', { name: 'Add the center' }).click();
    await page.getByRole('status').filter({ hasText: 'Donor center SD-01 San Diego Donor Center is added.' }).waitFor();
    assert.equal(await page.getByRole('form', { name: 'Add a donor center' }).count(), 0, 'the form is closed');
    await centerRow('SD-01').waitFor();
    assert.deepEqual(await centerRow('SD-01').locator('th, td').allTextContents(),
      ['SD-01', 'San Diego Donor Center', 'LA', 'W0005', '2004-04-01', '—', 'Open', 'America/Los_Angeles']);
    const created = await app.srv.api('GET', '/api/v1/centers/SD-01', { token: admin.token });
    assert.equal(created.json.fin, 'W0005');
    assert.equal(created.json.time_zone, 'America/Los_Angeles', 'the market\'s zone');

    const search = page.getByLabel('Search centers');
    await search.fill('x'.repeat(101));
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('#list-search')?.getAttribute('aria-invalid') === 'true');
    assert.match(await page.locator('#list-search-error').textContent(), /must be at most 100 characters/);
    assert.equal(await page.locator('.list-table').textContent(), '', 'no list, and no second message');

    await search.fill('san diego');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\?q=san\+diego$/);
    await page.getByText('Showing 1 donor centers matching “san diego”').waitFor();
    assert.deepEqual(await page.locator('.list-table tbody th').allTextContents(), ['SD-01']);
    app.assertClean(page);
  });

  test('a center is edited on its own page; a refused change is shown by its field', async () => {
    await page.getByRole('link', { name: 'SD-01', exact: true }).click();
    await page.getByRole('heading', { name: 'SD-01 San Diego Donor Center' }).waitFor();
    const form = page.getByRole('form', { name: 'Edit the donor center' });
    assert.equal(await form.getByLabel('Name').inputValue(), 'San Diego Donor Center');
    assert.equal(await form.getByLabel('Open date').inputValue(), '2004-04-01');

    await form.getByLabel('Facility identification number (FIN)').fill('W12');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForFunction(() => document.querySelector('form input[name="fin"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(await form.locator('.field-error:visible').textContent(), /facility identification number/);

    await form.getByLabel('Facility identification number (FIN)').fill('W0005');
    await form.getByLabel('Name').fill('San Diego Mission Valley Donor Center');
    await form.getByLabel('Address').fill('7050 Friars Road, San Diego');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'SD-01 San Diego Mission Valley Donor Center' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Changes to SD-01 are saved.' }).waitFor();
    let details = await page.locator('dl.details').textContent();
    assert.match(details, /7050 Friars Road, San Diego/);
    assert.match(details, /Time zoneAmerica\/Los_AngelesCreated\d{4}-\d{2}-\d{2} \d{2}:\d{2} P[SD]T/, 'created in Los Angeles time');
    const saved = await app.srv.api('GET', '/api/v1/centers/SD-01', { token: admin.token });
    assert.equal(saved.json.name, 'San Diego Mission Valley Donor Center');
    assert.equal(saved.json.address, '7050 Friars Road, San Diego');

    await page.getByRole('form', { name: 'Edit the donor center' }).getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Nothing to save' }).waitFor();

    // Its zone changed: its times are shown on the new zone's clock.
    const zone = page.getByRole('form', { name: 'Edit the donor center' }).getByLabel('Time zone');
    assert.equal(await zone.inputValue(), 'America/Los_Angeles');
    await zone.fill('PST');
    await page.getByRole('form', { name: 'Edit the donor center' }).getByRole('button', { name: 'Save changes' }).click();
    await page.waitForFunction(() => document.querySelector('form input[name="time_zone"]')?.getAttribute('aria-invalid') === 'true');
    assert.equal((await app.srv.api('GET', '/api/v1/centers/SD-01', { token: admin.token })).json.time_zone, 'America/Los_Angeles');
    await zone.fill('America/New_York');
    await page.getByRole('form', { name: 'Edit the donor center' }).getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Changes to SD-01 are saved.' }).waitFor();
    details = await page.locator('dl.details').textContent();
    const createdAt = (await app.srv.api('GET', '/api/v1/centers/SD-01', { token: admin.token })).json.created_at;
    const eastern = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' })
      .formatToParts(new Date(createdAt)).reduce((parts, p) => ({ ...parts, [p.type]: p.value }), {});
    assert.ok(details.includes(`Time zoneAmerica/New_YorkCreated${eastern.year}-${eastern.month}-${eastern.day} ${eastern.hour}:${eastern.minute} ${eastern.timeZoneName}`), details);
    app.assertClean(page);
  });

  test('closing a center asks for confirmation first', async () => {
    const form = page.getByRole('form', { name: 'Close this donor center' });
    await form.getByRole('button', { name: 'Review the closure' }).click();
    assert.equal(await form.getByLabel('Close date').getAttribute('aria-invalid'), 'true', 'the date is required');

    await form.getByLabel('Close date').fill('2004-06-30');
    await form.getByLabel('Reason').fill('lease ended');
    await form.getByRole('button', { name: 'Review the closure' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Close SD-01?' });
    assert.match(await dialog.textContent(), /will be closed on 2004-06-30 for the reason “lease ended”/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await dialog.count(), 0);
    let center = await app.srv.api('GET', '/api/v1/centers/SD-01', { token: admin.token });
    assert.equal(center.json.close_date, null, 'nothing happens before the confirmation');

    await form.getByRole('button', { name: 'Review the closure' }).click();
    await page.getByRole('button', { name: 'Yes, close the center' }).click();
    await page.getByRole('status').filter({ hasText: 'Donor center SD-01 is closed as of 2004-06-30.' }).waitFor();
    assert.match(await page.locator('dl.details').textContent(), /Close date2004-06-30Close reasonlease ended/);
    assert.equal(await page.getByRole('form', { name: 'Close this donor center' }).count(), 0, 'a closed center cannot be closed again');
    center = await app.srv.api('GET', '/api/v1/centers/SD-01', { token: admin.token });
    assert.equal(center.json.close_date, '2004-06-30');
    assert.equal(center.json.close_reason, 'lease ended');
    app.assertClean(page);
  });

  test('hospitals come in pages with their total count, and are edited', async () => {
    for (let i = 1; i <= 30; i++) {
      const code = `H${String(i).padStart(2, '0')}`;
      const r = await app.srv.api('POST', '/api/v1/hospitals', { token: admin.token, body: { code, name: `Hospital ${i}`, market: 'NY' } });
      assert.equal(r.status, 201, r.text);
    }
    await page.locator('#site-nav').getByRole('link', { name: 'Hospitals' }).click();
    await page.getByRole('heading', { name: 'Hospitals' }).waitFor();
    await page.getByText('Showing 1–25 of 31 hospitals.').waitFor();
    assert.equal(await page.locator('.list-table tbody tr').count(), 25);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Showing 26–31 of 31 hospitals.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
    assert.equal(await page.locator('.list-table tbody tr').count(), 6);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Showing 1–25 of 31 hospitals.').waitFor();

    await page.getByRole('link', { name: 'CEDARS' }).click();
    await page.getByRole('heading', { name: 'CEDARS Cedars-Sinai Medical Center' }).waitFor();
    const form = page.getByRole('form', { name: 'Edit the hospital' });
    await form.getByLabel('Billing terms (days)').fill('400');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForFunction(() => document.querySelector('input[name="billing_terms_days"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(await form.locator('.field-error:visible').textContent(), /from 0 to 365/);
    await form.getByLabel('Billing terms (days)').fill('');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.locator('.field-error:visible', { hasText: /whole number/ }).waitFor();
    assert.equal(await form.getByLabel('Billing terms (days)').getAttribute('aria-invalid'), 'true', 'an emptied field is not "nothing to save"');
    await form.getByLabel('Billing terms (days)').fill('45');
    await form.getByLabel('Market').selectOption('');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Changes to CEDARS are saved.' }).waitFor();
    const saved = await app.srv.api('GET', '/api/v1/hospitals/CEDARS', { token: admin.token });
    assert.equal(saved.json.billing_terms_days, 45);
    assert.equal(saved.json.market, null);
    app.assertClean(page);
  });

  test('markets are added (with a time zone), renamed and moved to another zone', async () => {
    await page.locator('#site-nav').getByRole('link', { name: 'Markets' }).click();
    await page.getByRole('heading', { name: 'Markets' }).waitFor();
    await page.getByRole('button', { name: 'Add a market' }).click();
    const form = page.getByRole('form', { name: 'Add a market' });
    await form.getByLabel('Code').fill('la');
    await form.getByLabel('Name').fill('Los Angeles again');
    await form.getByRole('button', { name: 'Add the market' }).click();
    await page.waitForFunction(() => document.querySelector('input[name="code"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(await form.locator('.field-error:visible').textContent(), /market 'LA' already exists/);
    await form.getByLabel('Code').fill('tx');
    await form.getByLabel('Name').fill('Texas');
    await form.getByLabel('Time zone').fill('America/Chicago');
    await form.getByRole('button', { name: 'Add the market' }).click();
    await page.getByRole('status').filter({ hasText: 'Market TX Texas is added.' }).waitFor();
    const row = page.locator('.list-table tbody tr').filter({ has: page.getByRole('link', { name: 'TX', exact: true }) });
    await row.waitFor(); // the list is fetched again after the message
    assert.deepEqual((await row.locator('th, td').allTextContents()).slice(0, 3), ['TX', 'Texas', 'America/Chicago']);
    assert.match((await row.locator('td').allTextContents())[2], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} C[SD]T$/, 'created, on Chicago\'s clock');
    await page.getByRole('link', { name: 'TX', exact: true }).click();
    await page.getByRole('heading', { name: 'TX Texas' }).waitFor();
    const edit = page.getByRole('form', { name: 'Edit the market' });
    await edit.getByLabel('Name').fill('Texas and Oklahoma');
    await edit.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForFunction(() => document.querySelector('form input[name="time_zone"]')?.getAttribute('aria-invalid') === 'true');
    assert.equal((await app.srv.api('GET', '/api/v1/markets/TX', { token: admin.token })).json.name, 'Texas', 'nothing changed');
    await edit.getByLabel('Time zone').fill('America/Denver');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'TX Texas and Oklahoma' }).waitFor();
    const market = await app.srv.api('GET', '/api/v1/markets/TX', { token: admin.token });
    assert.equal(market.json.name, 'Texas and Oklahoma');
    assert.equal(market.json.time_zone, 'America/Denver');
    await page.goto('/markets/ZZ');
    await page.getByRole('heading', { name: 'No market ZZ' }).waitFor();
    app.assertClean(page);
  });
});
