'use strict';
/*
 * donor_standing.test.js - a deferred donor looks deferred wherever a donor
 * is chosen, on the demo company with its blood-products chain: the demo's
 * donor with the reactive HCV result (Moreau, Claire) is shown permanently
 * deferred in the donor list (and found by the status filter), her page
 * shows the deferral first and offers no collection while the eligibility
 * check stays, and the collection entry stops at the donor step, whether
 * her number is typed, comes from a link or she is found by name; an
 * eligible donor found by birth date is confirmed with their card and the
 * rest of the form opens. Screenshots in tests/out/web/standing-*.png.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startAsAdmin } = require('./lib/web');

describe('a deferred donor looks deferred wherever a donor is chosen', () => {
  let app;
  let page;
  let admin;
  let deferred; // the demo's permanently deferred donor
  let fresh; // a donor registered here, who may give today
  const collectionPosts = [];

  const api = (method, path, body) => app.srv.api(method, path, { token: admin.token, body });

  before(async () => {
    ({ app, admin, page } = await startAsAdmin('/donors', 'Donors', { demoChain: true }));
    const found = await api('GET', '/api/v1/donors?q=moreau');
    assert.equal(found.status, 200, found.text);
    deferred = found.json.items[0];
    assert.equal(deferred.status, 'deferred_permanent', 'the demo defers her after the reactive result');
    const registered = await api('POST', '/api/v1/donors', { family_name: 'Lindqvist', given_name: 'Sofia', birth_date: '1991-07-14', sex: 'F' });
    assert.equal(registered.status, 201, registered.text);
    fresh = registered.json;
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/collections') collectionPosts.push(request);
    });
  });

  after(async () => {
    if (app) await app.close();
  });

  test('the donor list shows each donor\'s standing; the deferred donor is never "Active"', async () => {
    await page.goto('/donors');
    const row = page.locator('.list-table tbody tr').filter({ hasText: deferred.donor_number });
    await row.waitFor();
    const cells = await row.locator('th, td').allTextContents();
    assert.ok(cells.includes('Permanently deferred · REACTIVE_TEST'), `row: ${cells.join(' | ')}`);
    assert.ok(cells.includes('never'), 'no day she may give');
    const all = await page.locator('.list-table tbody').textContent();
    assert.doesNotMatch(all, /Active/);
    const freshRow = page.locator('.list-table tbody tr').filter({ hasText: fresh.donor_number });
    assert.ok((await freshRow.locator('td').allTextContents()).includes('Eligible'));

    // Filtered to the deferred: only her.
    await page.getByLabel('Status').selectOption('deferred');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/status=deferred/);
    await page.locator('.list-table tbody tr').first().waitFor();
    const numbers = await page.locator('.list-table tbody tr th').allTextContents();
    assert.deepEqual(numbers, [deferred.donor_number]);
    await app.screenshot(page, 'standing-list.png');
    app.assertClean(page);
  });

  test('the deferred donor\'s page shows the deferral first and offers no collection; the check stays', async () => {
    await page.goto(`/donors/${deferred.donor_number}`);
    const panel = page.locator('section.standing-panel');
    await panel.waitFor();
    assert.equal(await panel.getAttribute('role'), 'alert');
    // The standing comes before anything else on the page.
    const first = await page.locator('main section').first().getAttribute('class');
    assert.match(first, /standing-panel/);
    assert.equal(await panel.getByRole('heading').textContent(), 'Deferred: this donor may not give');
    assert.equal(await page.locator('.page-head .standing').textContent(), 'Permanently deferred · REACTIVE_TEST');
    const text = await panel.textContent();
    assert.match(text, /Permanently deferred \(REACTIVE_TEST\): the donor may never give again/);
    assert.match(text, /a test result \(W\d{4} \d{2} \d{6} \[[0-9A-Z*]\]\)/);
    assert.equal(await page.getByRole('link', { name: 'Record a collection for this donor' }).count(), 0);
    assert.equal(await page.getByRole('form', { name: 'Check eligibility' }).count(), 1, 'the eligibility check remains');
    await app.screenshot(page, 'standing-donor-deferred.png');

    // A donor who may give is offered the collection.
    await page.goto(`/donors/${fresh.donor_number}`);
    await page.locator('section.standing-panel').waitFor();
    assert.match(await page.locator('section.standing-panel').textContent(), /may give today/);
    await page.getByRole('link', { name: 'Record a collection for this donor' }).waitFor();
    app.assertClean(page);
  });

  test('the collection entry stops a deferred donor at the donor step, typed or found by name', async () => {
    await page.goto('/collections/new');
    await page.getByRole('heading', { name: 'Record a collection' }).waitFor();
    const step = page.getByRole('form', { name: 'Confirm the donor' });
    const collection = page.getByRole('form', { name: 'Record a collection' });
    await step.getByLabel('Donor number').fill(deferred.donor_number);
    await step.getByLabel('Donor number').press('Enter');
    const card = page.getByRole('group', { name: `Donor ${deferred.donor_number}` });
    await card.waitFor();
    const cardText = await card.textContent();
    assert.match(cardText, /Moreau, Claire/);
    assert.match(cardText, /1986-08-03/);
    assert.match(cardText, /O Pos/);
    assert.match(cardText, /Last donation.*whole blood/);
    assert.match(cardText, /Permanently deferred · REACTIVE_TEST/);
    await page.getByText('Stop: do not collect from this donor.').waitFor();
    const rules = await page.locator('.eligibility[role="alert"] ul.failures > li').allTextContents();
    assert.ok(rules.some((r) => /permanently deferred \(REACTIVE_TEST\)/.test(r)), `rules: ${rules.join(' | ')}`);
    assert.ok(rules.every((r) => !/not measured/.test(r)), 'no measurement is asked for at the donor step');
    assert.equal(await collection.isVisible(), false, 'nothing else of the form is offered');
    await app.screenshot(page, 'standing-collection-stopped.png');

    // Found by name instead: the same stop.
    await page.goto('/collections/new');
    await page.getByRole('button', { name: 'Find the donor by name or birth date' }).click();
    const find = page.getByRole('form', { name: 'Find a donor' });
    await find.getByLabel('Name or birth date').fill('moreau');
    await find.getByRole('button', { name: 'Search' }).click();
    const choose = page.getByRole('button', { name: `Choose donor ${deferred.donor_number} Moreau, Claire` });
    await choose.waitFor();
    assert.match(await page.locator('.donor-search-results').textContent(), /Permanently deferred/);
    await choose.click();
    await page.getByText('Stop: do not collect from this donor.').waitFor();
    assert.equal(await step.getByLabel('Donor number').inputValue(), deferred.donor_number);
    assert.equal(await collection.isVisible(), false);

    // From a link that names her: stopped as well.
    await page.goto(`/collections/new?donor=${deferred.donor_number}`);
    await page.getByText('Stop: do not collect from this donor.').waitFor();
    assert.equal(await collection.isVisible(), false);
    assert.equal(collectionPosts.length, 0, 'no collection was ever sent');
    app.assertClean(page);
  });

  test('an eligible donor found by birth date is confirmed with their card, and the form opens', async () => {
    await page.goto('/collections/new');
    await page.getByRole('button', { name: 'Find the donor by name or birth date' }).click();
    const find = page.getByRole('form', { name: 'Find a donor' });
    await find.getByLabel('Name or birth date').fill('1991-07-14');
    await find.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: `Choose donor ${fresh.donor_number} Lindqvist, Sofia` }).click();
    await page.getByRole('status').filter({ hasText: 'Donor confirmed.' }).waitFor();
    const card = await page.getByRole('group', { name: `Donor ${fresh.donor_number}` }).textContent();
    assert.match(card, /Lindqvist, Sofia/);
    assert.match(card, /1991-07-14/);
    assert.match(card, /not typed/);
    assert.match(card, /none on record/);
    const collection = page.getByRole('form', { name: 'Record a collection' });
    await collection.getByLabel('Volume (mL)').waitFor();
    assert.ok(await collection.getByLabel('Hemoglobin (g/dL)').isVisible());
    // Another number is another donor: the form closes until it is confirmed.
    await page.getByRole('form', { name: 'Confirm the donor' }).getByLabel('Donor number').fill(deferred.donor_number);
    assert.equal(await collection.isVisible(), false);
    await app.screenshot(page, 'standing-collection-confirmed.png');
    app.assertClean(page);
  });
});
