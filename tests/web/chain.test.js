'use strict';
/*
 * chain.test.js - the blood-products chain in the browser, from collection
 * to release, as the administrator: register a donor (and a repeated
 * registration shown with the existing donor's number); the eligibility
 * check with a low hemoglobin showing every failed rule; a collection
 * whose DIN is typed as a keyboard-wedge scanner types it (Enter moves on,
 * never submits), first refused because the donor is not eligible, then
 * recorded; processing it into components; a refused results file with
 * its error report, then the results imported through the file input;
 * the release queue signed (a wrong password first: shown beside the
 * password, nothing released); the units released in the lookup and
 * counted in the inventory. Then a lab user, who has no collection entry;
 * donor-center staff on a phone, who record but do not sign; and a
 * reactive result that opens a lookback case, whose page shows its
 * deadlines and the units traced. Screenshots in tests/out/web/chain-*.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ADMIN_PASSWORD, PHONE, startAsAdmin } = require('./lib/web');

/* The date in Los Angeles, the zone of the demo's open centers: the days
 * the server counts for their donations and donors. */
function dateInLosAngeles(instant) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

function today() {
  return dateInLosAngeles(new Date());
}

function daysAgo(n) {
  return dateInLosAngeles(new Date(Date.now() - n * 86400000));
}

const PANEL_NONREACTIVE = ['ABSCREEN:negative', 'HIV:nonreactive', 'HBSAG:nonreactive', 'ANTIHBC:nonreactive', 'HCV:nonreactive',
  'HTLV:nonreactive', 'SYPHILIS:nonreactive', 'NAT_HIV:nonreactive', 'NAT_HCV:nonreactive', 'NAT_HBV:nonreactive'];

/* A results file: the header, ABO and RhD, then the other tests. */
function resultsCsv(din, { abo = 'A', rhd = 'POS', date = today(), override = {} } = {}) {
  const lines = ['din,test,result,date', `${din},ABO,${abo},${date}`, `${din},RHD,${rhd},${date}`];
  for (const pair of PANEL_NONREACTIVE) {
    const [testName, result] = pair.split(':');
    lines.push(`${din},${testName},${override[testName] || result},${date}`);
  }
  return `${lines.join('\n')}\n`;
}

const GOOD_VITALS = {
  weight_lb: '150', height_in: '64', hemoglobin: '13.5', temperature: '36.8', systolic: '120', diastolic: '80', pulse: '72',
};

describe('the blood-products chain, collection to release', () => {
  let app;
  let page;
  let admin;
  let donorNumber;
  let allocated; // the DINs allocated in advance, as on pre-printed labels
  let units; // the units made from the first collection

  const api = (method, path, body) => app.srv.api(method, path, { token: admin.token, body });

  before(async () => {
    ({ app, admin, page } = await startAsAdmin('/donors', 'Donors'));
  });

  after(async () => {
    if (app) await app.close();
  });

  test('a donor is registered; registering them again shows the donor already on record', async () => {
    await page.getByRole('button', { name: 'Register a donor' }).click();
    let form = page.getByRole('form', { name: 'Register a donor' });
    await form.getByLabel('Family name').fill('Garcia');
    await form.getByLabel('Given name').fill('Maria');
    await form.getByLabel('Birth date').fill('1980-04-12');
    await form.getByLabel('Sex').selectOption('F');
    await form.getByLabel('Phone').fill('555-0100');
    await form.getByLabel('Identity document').fill('passport:X1234567');
    await form.getByLabel('Home center').selectOption('LA-01');
    await form.getByRole('button', { name: 'Register the donor' }).click();
    const done = page.getByRole('status').filter({ hasText: /Donor D\d{7} Garcia, Maria is registered\./ });
    await done.waitFor();
    donorNumber = /Donor (D\d{7})/.exec(await done.textContent())[1];
    await page.locator('.list-table tbody tr').filter({ hasText: donorNumber }).waitFor();

    // The same person again, with another identity document: refused,
    // naming the birth date, with the number of the donor on record.
    await page.getByRole('button', { name: 'Register a donor' }).click();
    form = page.getByRole('form', { name: 'Register a donor' });
    await form.getByLabel('Family name').fill('GARCIA');
    await form.getByLabel('Given name').fill('maria');
    await form.getByLabel('Birth date').fill('1980-04-12');
    await form.getByLabel('Sex').selectOption('F');
    await form.getByLabel('Identity document').fill('license:D7654321');
    await form.getByRole('button', { name: 'Register the donor' }).click();
    const duplicate = page.locator('.duplicate[role="alert"]');
    await duplicate.waitFor();
    assert.match(await duplicate.textContent(), /This donor may already be registered\./);
    assert.equal(await duplicate.getByRole('link', { name: donorNumber }).getAttribute('href'), `/donors/${donorNumber}`);
    assert.equal(await form.getByLabel('Birth date').getAttribute('aria-invalid'), 'true', 'the field the server named is marked');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'birth_date');
    const list = await api('GET', '/api/v1/donors?q=garcia');
    assert.equal(list.json.items.length, 1, 'nothing was registered twice');
    await app.screenshot(page, 'chain-donor-duplicate.png');
    await duplicate.getByRole('link', { name: donorNumber }).click();
    await page.getByRole('heading', { name: `Donor ${donorNumber}: Garcia, Maria` }).waitFor();
    app.assertClean(page);
  });

  test('the eligibility check with a low hemoglobin shows every failed rule with its reason and dates', async () => {
    // A temporary deferral first: a rule that waiting cures, with its date.
    const until = daysAgo(-14);
    const untilText = until; // the application's one date format
    await page.getByRole('button', { name: 'Add a deferral' }).click();
    const defer = page.getByRole('form', { name: 'Add a deferral' });
    await defer.getByLabel('Kind').selectOption('temporary');
    await defer.getByLabel('Reason code').selectOption('TRAVEL');
    await defer.getByLabel('Details').fill('back from a malaria area');
    await defer.getByLabel('Until').fill(until);
    await defer.getByRole('button', { name: 'Defer the donor' }).click();
    await page.getByRole('status').filter({ hasText: `Donor ${donorNumber} is deferred (temporary).` }).waitFor();
    assert.match(await page.locator('section[aria-labelledby="deferrals-title"] tbody tr').textContent(), /temporaryTRAVELback from a malaria area.*In force/);

    const form = page.getByRole('form', { name: 'Check eligibility' });
    await form.getByLabel('Planned procedure').selectOption('whole_blood');
    const values = { ...GOOD_VITALS, weight_lb: '104', hemoglobin: '11.8', pulse: '112' };
    await form.getByLabel('Weight (lb)').fill(values.weight_lb);
    await form.getByLabel('Height (in)').fill(values.height_in);
    await form.getByLabel('Hemoglobin (g/dL)').fill(values.hemoglobin);
    await form.getByLabel('Temperature (°C)').fill(values.temperature);
    await form.getByLabel('Systolic pressure (mmHg)').fill(values.systolic);
    await form.getByLabel('Diastolic pressure (mmHg)').fill(values.diastolic);
    await form.getByLabel('Pulse (beats per minute)').fill(values.pulse);
    await form.getByRole('button', { name: 'Check eligibility' }).click();
    const answer = page.locator('.eligibility[role="alert"]');
    await answer.waitFor();
    const expected = await api('POST', `/api/v1/donors/${donorNumber}/eligibility`, { procedure: 'whole_blood', ...values });
    assert.equal(expected.status, 200, expected.text);
    assert.equal(expected.json.eligible, false);
    assert.ok(expected.json.failures.length >= 3, 'weight, hemoglobin and pulse fail');
    const items = answer.locator('ul.failures > li');
    assert.equal(await items.count(), expected.json.failures.length, 'every failed rule is listed');
    for (const failure of expected.json.failures) {
      const item = answer.locator(`li[data-rule="${failure.rule}"]`);
      assert.match(await item.textContent(), new RegExp(failure.reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.match(await item.textContent(), failure.eligible_from ? /eligible from / : /no date: waiting does not cure it/);
    }
    assert.match(await answer.textContent(), /Not eligible: donor D\d{7} may not give whole blood/);
    assert.match(await answer.locator('li[data-rule]').filter({ hasText: /hemoglobin/i }).textContent(), /11\.8/);
    assert.match(await answer.locator('.eligible-from').textContent(), /Eligible from: /);
    await app.screenshot(page, 'chain-eligibility.png');

    const deferral = answer.locator('li[data-rule]').filter({ hasText: /TRAVEL|deferr/i });
    assert.match(await deferral.textContent(), new RegExp(`eligible from ${untilText}`));

    // Measured well, the deferral alone remains: eligible from its end.
    await form.getByLabel('Weight (lb)').fill(GOOD_VITALS.weight_lb);
    await form.getByLabel('Hemoglobin (g/dL)').fill(GOOD_VITALS.hemoglobin);
    await form.getByLabel('Pulse (beats per minute)').fill(GOOD_VITALS.pulse);
    await form.getByRole('button', { name: 'Check eligibility' }).click();
    await page.locator('.eligibility[role="alert"] ul.failures > li').first().waitFor();
    assert.equal(await page.locator('.eligibility ul.failures > li').count(), 1);
    assert.equal(await page.locator('.eligibility .eligible-from').textContent(), `Eligible from: ${untilText}`);

    // The deferral is ended (with a reason and a confirmation): eligible.
    await page.getByRole('button', { name: /^End deferral \d+ \(TRAVEL\)$/ }).click();
    const end = page.getByRole('form', { name: /^End deferral \d+$/ });
    await end.getByLabel('Why it ends').fill('travel was outside the risk area');
    await end.getByRole('button', { name: 'End this deferral' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, end the deferral' }).click();
    await page.getByRole('status').filter({ hasText: /Deferral \d+ is ended\./ }).waitFor();
    assert.match(await page.locator('section[aria-labelledby="deferrals-title"] tbody tr').textContent(), /Ended.*travel was outside the risk area/);
    const again = page.getByRole('form', { name: 'Check eligibility' });
    await again.getByLabel('Planned procedure').selectOption('whole_blood');
    for (const [name, value] of Object.entries(GOOD_VITALS)) await again.locator(`[name="${name}"]`).fill(value);
    await again.getByRole('button', { name: 'Check eligibility' }).click();
    await page.locator('.eligibility[role="status"]').filter({ hasText: 'Eligible: donor' }).waitFor();
    app.assertClean(page);
  });

  test('a collection takes a scanned DIN (Enter moves on), is refused for a low hemoglobin with every reason, then recorded', async () => {
    const allocation = await api('POST', '/api/v1/dins', { center: 'LA-01', count: 3 });
    assert.equal(allocation.status, 201, allocation.text);
    allocated = allocation.json.dins;
    const din = allocated[0];
    const posts = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/collections') posts.push(request);
    });

    await page.locator('#site-nav').getByRole('link', { name: 'New collection' }).click();
    await page.getByRole('heading', { name: 'Record a collection' }).waitFor();
    assert.equal(await page.locator('#site-nav a[aria-current="page"]').textContent(), 'New collection');
    // The donor first: the number typed, then Enter; the card confirms who it is.
    const form = page.getByRole('form', { name: 'Record a collection' });
    assert.equal(await form.isVisible(), false, 'nothing to measure before the donor is confirmed');
    const donorStep = page.getByRole('form', { name: 'Confirm the donor' });
    await donorStep.getByLabel('Procedure').selectOption('whole_blood');
    await donorStep.getByLabel('Donor number').fill(donorNumber.toLowerCase());
    await donorStep.getByLabel('Donor number').press('Enter');
    const card = page.getByRole('group', { name: `Donor ${donorNumber}` });
    await card.waitFor();
    assert.match(await card.textContent(), /Garcia, Maria/);
    assert.match(await card.textContent(), /1980-04-12/);
    assert.match(await card.textContent(), /Eligible/);
    await page.getByRole('status').filter({ hasText: 'Donor confirmed.' }).waitFor();
    await form.waitFor();
    await form.getByLabel('Center').selectOption('LA-01');
    // The scanner: the bar code's characters, fast, then Enter.
    await form.getByLabel('DIN').click();
    await page.keyboard.type(`=${din.din}${din.flags}`, { delay: 5 });
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'collected_at', 'Enter moved to the next field');
    assert.equal(await form.getByLabel('DIN').inputValue(), `=${din.din}${din.flags}`);
    await page.waitForTimeout(200);
    assert.equal(posts.length, 0, 'Enter in the DIN field sent nothing');
    assert.equal(await form.getByLabel('DIN').getAttribute('aria-invalid'), null, 'and checked nothing');

    await form.getByLabel('Device').fill('Scale 7');
    await form.getByLabel('Volume (mL)').fill('500');
    await form.getByLabel('Weight (lb)').fill(GOOD_VITALS.weight_lb);
    await form.getByLabel('Height (in)').fill(GOOD_VITALS.height_in);
    await form.getByLabel('Hemoglobin (g/dL)').fill('11.2');
    await form.getByLabel('Temperature (°C)').fill(GOOD_VITALS.temperature);
    await form.getByLabel('Systolic pressure (mmHg)').fill(GOOD_VITALS.systolic);
    await form.getByLabel('Diastolic pressure (mmHg)').fill(GOOD_VITALS.diastolic);
    await form.getByLabel('Pulse (beats per minute)').fill('120');
    await form.getByRole('button', { name: 'Record the collection' }).click();
    // Refused: the field the server names is marked, and every failed rule is listed.
    const answer = page.locator('.eligibility[role="alert"]');
    await answer.waitFor();
    assert.equal(posts.length, 1);
    const items = await answer.locator('ul.failures > li').allTextContents();
    assert.equal(items.length, 2, `hemoglobin and pulse: ${items.join(' | ')}`);
    assert.ok(items.some((t) => /hemoglobin/i.test(t)) && items.some((t) => /pulse/i.test(t)));
    const marked = await form.locator('[aria-invalid="true"]').evaluateAll((inputs) => inputs.map((i) => i.name));
    assert.equal(marked.length, 1);
    assert.ok(['hemoglobin', 'pulse'].includes(marked[0]), `marked: ${marked}`);
    let lookup = await api('GET', `/api/v1/collections/${din.din}`);
    assert.equal(lookup.status, 404, 'nothing was recorded');
    await app.screenshot(page, 'chain-collection-refused.png');

    await form.getByLabel('Hemoglobin (g/dL)').fill(GOOD_VITALS.hemoglobin);
    await form.getByLabel('Pulse (beats per minute)').fill(GOOD_VITALS.pulse);
    await form.getByRole('button', { name: 'Record the collection' }).click();
    await page.getByRole('heading', { name: 'Collection recorded' }).waitFor();
    assert.equal(await page.locator('.din-eye-readable').first().textContent(), din.eye_readable);
    lookup = await api('GET', `/api/v1/collections/${din.din}`);
    assert.equal(lookup.status, 200);
    assert.equal(lookup.json.donor_number, donorNumber);
    assert.equal(lookup.json.device, 'Scale 7');
    assert.equal(lookup.json.hemoglobin, '13.5');
    await app.screenshot(page, 'chain-collection-recorded.png');
    app.assertClean(page);
  });

  test('the collection is processed into components', async () => {
    const din = allocated[0];
    await page.getByRole('link', { name: 'Process into components' }).click();
    await page.getByRole('heading', { name: `Collection ${din.eye_readable}` }).waitFor();
    const form = page.getByRole('form', { name: 'Process into components' });
    // Whole blood starts as red cells and plasma; add platelets.
    assert.equal(await form.locator('fieldset.component-row').count(), 2);
    await form.getByRole('button', { name: 'Add a component' }).click();
    const third = form.locator('fieldset.component-row').nth(2);
    assert.equal(await page.evaluate(() => document.activeElement.closest('fieldset').querySelector('legend').textContent), 'Component 3');
    // Whole blood makes one platelet unit: asking a second red cell unit is refused by its row.
    await third.getByLabel('Product').selectOption('E0301');
    await form.getByRole('button', { name: 'Make the components' }).click();
    await third.locator('.field-error:visible').waitFor();
    assert.equal(await third.getByLabel('Product').getAttribute('aria-invalid'), 'true');
    await third.getByLabel('Product').selectOption('E0400');
    await form.getByRole('button', { name: 'Make the components' }).click();
    await page.getByRole('status').filter({ hasText: `3 units are made from ${din.eye_readable}.` }).waitFor();
    const rows = page.locator('section[aria-labelledby="units-title"] tbody tr');
    assert.equal(await rows.count(), 3);
    // Listed as the DIN lookup lists them: by product code and division.
    assert.deepEqual(await rows.locator('th').allTextContents(), ['E0300', 'E0400', 'E0500']);
    for (const text of await rows.allTextContents()) assert.match(text, /Quarantined/);
    const donation = await api('GET', `/api/v1/donations/${din.din}`);
    units = donation.json.units;
    assert.equal(units.length, 3);
    assert.equal(await page.getByRole('form', { name: 'Process into components' }).count(), 0, 'processed once');
    await app.screenshot(page, 'chain-processed.png');
    app.assertClean(page);
  });

  test('a results file with problems shows its error report and imports nothing', async () => {
    const din = allocated[0].din;
    await page.locator('#site-nav').getByRole('link', { name: 'Test results' }).click();
    await page.getByRole('heading', { name: 'Import test results' }).waitFor();
    const bad = ['din,test,result,date', `${din},ABO,A,${today()}`, `${din},HIVX,nonreactive,${today()}`, `${din},HCV,maybe,${today()}`, ''].join('\n');
    await page.getByLabel('Results file (CSV)').setInputFiles({ name: 'bad-results.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Import the results' }).click();
    const report = page.locator('section.panel-error');
    await report.getByRole('heading', { name: 'Nothing was imported' }).waitFor();
    const rows = await report.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.ok(rows.length >= 2, `problems: ${JSON.stringify(rows)}`);
    assert.deepEqual(rows.map((r) => r[0]), ['3', '4']);
    assert.equal(rows[0][1], 'test');
    assert.equal(rows[1][1], 'result');
    assert.equal(await page.getByLabel('Results file (CSV)').getAttribute('aria-invalid'), 'true');
    const donation = await api('GET', `/api/v1/donations/${din}`);
    assert.deepEqual(donation.json.tests, [], 'nothing was imported');
    await app.screenshot(page, 'chain-results-refused.png');
    app.assertClean(page);
  });

  test('the results are imported through the file input', async () => {
    const din = allocated[0].din;
    await page.getByLabel('Results file (CSV)').setInputFiles({ name: 'results.csv', mimeType: 'text/csv', buffer: Buffer.from(resultsCsv(din)) });
    await page.getByRole('button', { name: 'Import the results' }).click();
    const done = page.locator('section.panel-success');
    await done.getByRole('heading', { name: 'Results imported' }).waitFor();
    assert.match(await done.textContent(), /12 results imported from results\.csv\./);
    assert.equal(await done.locator('.summary-donations .summary-count').textContent(), '1');
    assert.equal(await done.locator('.summary-discarded .summary-count').textContent(), '0');
    assert.equal(await done.locator('.summary-lookback_cases .summary-count').textContent(), '0');
    const donation = await api('GET', `/api/v1/donations/${din}`);
    assert.equal(donation.json.tests.length, 12);
    app.assertClean(page);
  });

  test('the release is signed: a wrong password is shown by the password and releases nothing', async () => {
    await page.locator('#site-nav').getByRole('link', { name: 'Release' }).click();
    await page.getByRole('heading', { name: 'Release queue' }).waitFor();
    await page.getByText('3 quarantined units: 3 ready, 0 waiting for tests, 0 blocked.').waitFor();
    await page.getByLabel('Select all ready units').check();
    await page.getByText('3 units selected.').waitFor();
    const form = page.getByRole('form', { name: 'Electronic signature' });
    assert.match(await page.locator('.signature-panel').textContent(), /Meaning of the signature: released for distribution/);
    await form.getByLabel('User name').fill('admin');
    await form.getByLabel('Password').fill('not the password');
    await form.getByRole('button', { name: 'Sign and release 3 units' }).click();
    await page.waitForFunction(() => document.querySelector('.signature-panel input[name="password"]')?.getAttribute('aria-invalid') === 'true');
    const password = form.getByLabel('Password');
    const errorId = (await password.getAttribute('aria-describedby')).split(' ').find((id) => id.endsWith('-error'));
    assert.ok(await page.locator(`#${errorId}`).isVisible());
    assert.match(await page.locator(`#${errorId}`).textContent(), /password/i);
    assert.equal(await password.inputValue(), '', 'the wrong password is cleared');
    assert.equal(new URL(page.url()).pathname, '/release', 'still logged in, on the same page');
    for (const unit of units) {
      const r = await api('GET', `/api/v1/units/${unit.id}`);
      assert.equal(r.json.status, 'quarantined', 'nothing released');
    }
    await app.screenshot(page, 'chain-release-refused.png');

    await password.fill(ADMIN_PASSWORD);
    await form.getByRole('button', { name: 'Sign and release 3 units' }).click();
    const signed = page.locator('.release-outcome section.panel-success');
    await signed.getByRole('heading', { name: '3 units released' }).waitFor();
    const details = await signed.locator('dl.details').textContent();
    assert.match(details, /Signed byadmin/);
    assert.match(details, /Meaningreleased for distribution/);
    // on the clock of the units' center, Los Angeles, with the zone named
    assert.match(details, /Signed at\d{4}-\d{2}-\d{2} \d{2}:\d{2} P[DS]T/);
    assert.equal(await signed.locator('tbody tr').count(), 3);
    await page.getByText('No unit is waiting for release.').waitFor();
    for (const unit of units) {
      const r = await api('GET', `/api/v1/units/${unit.id}`);
      assert.equal(r.json.status, 'released');
    }
    await app.screenshot(page, 'chain-released.png');
    app.assertClean(page);
  });

  test('the lookup shows the units released and the inventory counts them', async () => {
    const din = allocated[0];
    await page.locator('#site-nav').getByRole('link', { name: 'Unit lookup' }).click();
    await page.getByRole('heading', { name: 'Unit lookup' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.name), 'din', 'the DIN field waits for the scanner');
    // A typed DIN whose check character does not match: refused by the field.
    const wrong = din.eye_readable.endsWith('[A]') ? 'B' : 'A';
    await page.keyboard.type(`${din.din}${wrong}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('input[name="din"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(await page.locator('.lookup-form .field-error').textContent(), /check character/i);
    assert.equal(await page.evaluate(() => document.activeElement.name), 'din', 'the field keeps the focus');
    await page.keyboard.type(`=${din.din}${din.flags}`, { delay: 5 });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Donation ${din.eye_readable}` }).waitFor();
    const unitRows = page.locator('section[aria-labelledby="units-title"] tbody tr');
    assert.equal(await unitRows.count(), 3);
    for (const text of await unitRows.allTextContents()) {
      assert.match(text, /Released/);
      assert.match(text, /A Pos/);
    }
    assert.equal(await page.locator('section[aria-labelledby="tests-title"] tbody tr').count(), 12);
    await unitRows.first().getByRole('button', { name: /History of E0300/ }).click();
    await page.locator('.unit-detail table').waitFor();
    assert.deepEqual(await page.locator('.unit-detail tbody tr td:nth-child(3)').allTextContents(), ['Quarantined', 'Released']);
    // The released unit's label, in the user's own session: a PDF that names
    // its file after the DIN, product and division.
    const pdfLink = page.getByRole('link', { name: /^Label of E0300.* as PDF$/ });
    const label = await page.request.get(await pdfLink.getAttribute('href'));
    assert.equal(label.status(), 200);
    assert.equal(label.headers()['content-type'], 'application/pdf');
    assert.match(label.headers()['content-disposition'], new RegExp(`filename="${din.din}-E0300[A-Z0-9]*-\\w+\\.pdf"`));
    assert.equal((await label.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    await app.screenshot(page, 'chain-lookup.png');

    await page.locator('#site-nav').getByRole('link', { name: 'Inventory' }).click();
    await page.getByRole('heading', { name: 'Inventory' }).waitFor();
    await page.getByText(/^3 units on the shelves/).waitFor();
    const table = page.locator('table.inventory-table');
    const headers = await table.locator('thead th').allTextContents();
    assert.deepEqual(headers.slice(0, 3), ['Center', 'Family', 'ABO/RhD']);
    assert.ok(headers.includes('Total'));
    // The totals are the table's footer, after the lines whatever their order.
    const body = await table.locator('tbody tr, tfoot tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.deepEqual(body.map((r) => r.slice(0, 3)), [
      ['LA-01', 'Red cells', 'A Pos'], ['LA-01', 'Platelets', 'A Pos'], ['LA-01', 'Plasma', 'A Pos'], ['Total', '', ''],
    ]);
    assert.equal(body[body.length - 1][body[0].length - 1], '3', 'the grand total');
    await page.getByLabel('Family', { exact: true }).selectOption('plasma');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/family=plasma/);
    await page.getByText(/^1 unit on the shelves/).waitFor();
    await app.screenshot(page, 'chain-inventory.png');
    app.assertClean(page);
  });

  test('a lab user has no collection entry, and reads donors without changing them', async () => {
    const password = await app.addUser('lara', 'lab');
    const lab = await app.newPage();
    await app.login(lab, 'lara', password);
    await lab.getByRole('heading', { name: 'Welcome, lara' }).waitFor();
    const nav = await lab.locator('#site-nav a').allTextContents();
    assert.ok(!nav.includes('New collection'), `nav: ${nav}`);
    for (const item of ['Donors', 'Collections', 'Unit lookup', 'Test results', 'Release', 'Inventory', 'Lookback']) assert.ok(nav.includes(item), `${item} in ${nav}`);
    await lab.goto('/collections/new');
    await lab.getByRole('heading', { name: 'No access' }).waitFor();
    await lab.goto('/collections');
    await lab.getByRole('heading', { name: 'Collections' }).waitFor();
    await lab.locator('.list-table tbody tr').first().waitFor();
    assert.equal(await lab.getByRole('link', { name: 'Record a collection' }).count(), 0);
    await app.screenshot(lab, 'chain-collections.png');
    // The donor page is read-only for the lab: no eligibility check, no edit.
    await lab.goto(`/donors/${donorNumber}`);
    await lab.getByRole('heading', { name: new RegExp(`Donor ${donorNumber}`) }).waitFor();
    assert.equal(await lab.getByRole('form', { name: 'Check eligibility' }).count(), 0);
    assert.equal(await lab.getByRole('button', { name: 'Edit the contact details' }).count(), 0);
    app.assertClean(lab);
    await lab.context().close();
  });

  test('donor-center staff record collections (on a phone too) and read the release queue without signing', async () => {
    // Cora works at LA-01: she sees its donors and records its collections.
    const password = await app.addUser('cora', 'center_staff', { centers: 'LA-01' });
    const phone = await app.newPage({ viewport: PHONE });
    await app.login(phone, 'cora', password, '/collections/new');
    await phone.getByRole('heading', { name: 'Record a collection' }).waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the form fits a phone (${overflow}px too wide)`);
    // A donor who has not given yet (the first one is within her interval).
    const walkIn = await api('POST', '/api/v1/donors', { family_name: 'Adeyemi', given_name: 'Tunde', birth_date: '1990-02-17', sex: 'M', home_center: 'LA-01' });
    assert.equal(walkIn.status, 201, walkIn.text);
    const donorStep = phone.getByRole('form', { name: 'Confirm the donor' });
    assert.equal(await donorStep.getByLabel('Procedure').inputValue(), 'whole_blood', 'a procedure is chosen from the start');
    await donorStep.getByLabel('Donor number').fill(walkIn.json.donor_number);
    await donorStep.getByRole('button', { name: 'Confirm the donor' }).click();
    const form = phone.getByRole('form', { name: 'Record a collection' });
    await form.waitFor();
    assert.equal(await form.getByLabel('Donor reaction').inputValue(), 'none');
    // Only her center is offered (the server refuses any other).
    const centerChoices = (await phone.locator('select[name="center"] option').allTextContents()).filter((text) => / - /.test(text));
    assert.equal(centerChoices.length, 1, centerChoices.join(' | '));
    assert.match(centerChoices[0], /^LA-01 - /);
    await app.screenshot(phone, 'chain-collection-phone.png');
    await phone.goto('/release');
    await phone.getByRole('heading', { name: 'Release queue' }).waitFor();
    await phone.getByText(/quarantined unit|No unit is waiting/).first().waitFor();
    assert.equal(await phone.getByRole('form', { name: 'Electronic signature' }).count(), 0, 'no signing');
    assert.equal(await phone.locator('input[type="checkbox"]').count(), 0);
    await phone.goto('/lookback');
    await phone.getByRole('heading', { name: 'No access' }).waitFor();
    app.assertClean(phone);
    await phone.context().close();
  });

  test('a reactive result opens a lookback case, whose page shows its deadlines and the units traced', async () => {
    // A second donor with an earlier donation (ten weeks ago: made into
    // plasma and cryoprecipitate, which keep a year), tested and released ...
    const donor = await api('POST', '/api/v1/donors', { family_name: 'Okafor', given_name: 'Ben', birth_date: '1975-09-30', sex: 'M' });
    assert.equal(donor.status, 201, donor.text);
    const number = donor.json.donor_number;
    const earlierAt = `${daysAgo(70)}T10:00:00Z`;
    const earlier = await api('POST', '/api/v1/collections', {
      donor: number, center: 'LA-01', procedure: 'whole_blood', volume_ml: 500, collected_at: earlierAt, ...GOOD_VITALS,
    });
    assert.equal(earlier.status, 201, earlier.text);
    let r = await api('POST', `/api/v1/collections/${earlier.json.din}/process`, { components: [{ product: 'E0500' }, { product: 'E0600' }] });
    assert.equal(r.status, 201, r.text);
    r = await api('POST', '/api/v1/test-results/import', { file_name: 'earlier.csv', content: resultsCsv(earlier.json.din, { abo: 'O', rhd: 'NEG', date: daysAgo(69) }) });
    assert.equal(r.status, 201, r.text);
    const queue = await api('GET', '/api/v1/release-queue');
    const ready = queue.json.items.filter((i) => i.din === earlier.json.din && i.state === 'ready').map((i) => i.unit_id);
    assert.equal(ready.length, 2, JSON.stringify(queue.json));
    r = await api('POST', '/api/v1/releases', { units: ready, username: 'admin', password: ADMIN_PASSWORD });
    assert.equal(r.status, 201, r.text);
    // ... and today's donation, whose HIV screen is reactive.
    const now = await api('POST', '/api/v1/collections', { donor: number, center: 'LA-01', procedure: 'whole_blood', volume_ml: 480, ...GOOD_VITALS });
    assert.equal(now.status, 201, now.text);
    r = await api('POST', `/api/v1/collections/${now.json.din}/process`, { components: [{ product: 'E0300' }] });
    assert.equal(r.status, 201, r.text);

    await page.locator('#site-nav').getByRole('link', { name: 'Test results' }).click();
    await page.getByRole('heading', { name: 'Import test results' }).waitFor();
    const csv = resultsCsv(now.json.din, { abo: 'O', rhd: 'NEG', override: { HIV: 'reactive' } });
    await page.getByLabel('Results file (CSV)').setInputFiles({ name: 'reactive.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import the results' }).click();
    const done = page.locator('section.panel-success');
    await done.getByRole('heading', { name: 'Results imported' }).waitFor();
    assert.equal(await done.locator('.summary-discarded .summary-count').textContent(), '1');
    // The DIN as the server prints it (the browser computes no check character).
    assert.equal(await done.locator('.summary-discarded li').textContent(), now.json.eye_readable);
    assert.equal(await done.locator('.summary-deferred .summary-count').textContent(), '1');
    assert.ok(await done.locator('.summary-deferred').getByRole('link', { name: `Donor ${number}` }).isVisible());
    assert.equal(await done.locator('.summary-lookback_cases .summary-count').textContent(), '1');
    await app.screenshot(page, 'chain-results-reactive.png');
    const caseLink = done.locator('.summary-lookback_cases').getByRole('link', { name: /Lookback case \d+/ });
    const caseId = /(\d+)/.exec(await caseLink.textContent())[1];
    await caseLink.click();

    await page.getByRole('heading', { name: new RegExp(`Lookback case ${caseId}: HIV`) }).waitFor();
    const record = (await api('GET', `/api/v1/lookback-cases/${caseId}`)).json;
    const deadlines = await page.locator('table.deadlines tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.equal(deadlines.length, 3);
    assert.deepEqual(deadlines.map((d) => d[0]), ['Quarantine of the units in inventory', 'Notice to the consignees (hospitals)', 'Follow-up test result']);
    record.deadlines.forEach((d, i) => {
      assert.equal(deadlines[i][1], d.due, `due date of ${d.step}`);
      assert.match(deadlines[i][3], /due (today|in \d+ days?)/);
    });
    assert.match(await page.locator('dl.details').textContent(), new RegExp(`Donor${number}`));
    const traced = page.locator('section[aria-labelledby="traced-title"] tbody tr');
    assert.equal(await traced.count(), record.units.length);
    assert.ok(record.units.length >= 2, 'the earlier donation is traced');
    assert.match(await traced.first().textContent(), /Quarantined \(held in inventory\)/);
    assert.equal(await traced.first().locator('th, td').first().textContent(), record.units[0].eye_readable);
    const report = page.getByRole('link', { name: /Open the printable report/ });
    assert.equal(await report.getAttribute('href'), `/api/v1/lookback-cases/${caseId}/report?format=html`);
    assert.equal(await report.getAttribute('target'), '_blank');
    await app.screenshot(page, 'chain-lookback.png');

    // A step recorded from the page.
    const form = page.getByRole('form', { name: 'Record a step' });
    await form.getByLabel('Step').selectOption('quarantine');
    await form.getByRole('button', { name: 'Record the step' }).click();
    await page.getByRole('status').filter({ hasText: 'Quarantine of the units in inventory: recorded.' }).waitFor();
    const after = await page.locator('table.deadlines tbody tr').first().locator('td').allTextContents();
    assert.match(after[1], /^\d{4}-\d{2}-\d{2}$/, 'done on');
    assert.match(after[2], /^done /);

    await page.locator('#site-nav').getByRole('link', { name: 'Lookback' }).click();
    await page.getByRole('heading', { name: 'Lookback cases' }).waitFor();
    await page.locator('.list-table tbody tr').first().waitFor(); // the list is fetched after the heading
    assert.equal(await page.locator('.list-table tbody tr').count(), 1);
    assert.match(await page.locator('.list-table tbody tr').textContent(), /HIV/);
    app.assertClean(page);
  });

  test('the reference data is asked of the server once per session, not on every page', async () => {
    const asked = [];
    const count = (request) => {
      if (new URL(request.url()).pathname === '/api/v1/reference') asked.push(request.url());
    };
    page.on('request', count);
    try {
      const visit = async (link, heading) => {
        await page.locator('#site-nav').getByRole('link', { name: link }).click();
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      };
      // Loaded already: moving between the chain's pages asks nothing more.
      await visit('Collections', 'Collections');
      await visit('Inventory', 'Inventory');
      await visit('Release', 'Release queue');
      await visit('New collection', 'Record a collection');
      assert.deepEqual(asked, []);
      // A new page load asks once, then never again.
      await page.reload();
      await page.getByRole('heading', { name: 'Record a collection' }).waitFor();
      await visit('Donors', 'Donors');
      await visit('Collections', 'Collections');
      assert.equal(asked.length, 1, asked.join(' '));
      // The procedures and reactions of the form are the server's.
      await visit('New collection', 'Record a collection');
      const procedures = await page.getByLabel('Procedure').locator('option').allTextContents();
      const reference = (await api('GET', '/api/v1/reference')).json;
      assert.deepEqual(procedures, reference.procedures.map((p) => p.label));
      assert.equal(asked.length, 1, asked.join(' '));
      app.assertClean(page);
    } finally {
      page.off('request', count);
    }
  });
});
