'use strict';
/*
 * audit.test.js - the audit trail page (/audit) as an auditor and an
 * administrator use it, on the demo company: newest first with the total,
 * filtered by the kind and id of a record, by who acted, by the action and
 * by the days (kept in the URL; a range backwards said), a record opened to its before and after side by side with the
 * changed field marked in words, "Verify the chain" saying the trail is
 * intact with the number of records checked, and then, after someone
 * altered a record in the database itself, where the chain breaks. On a
 * phone the list reads as cards without sideways scrolling.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, ADMIN_PASSWORD, PHONE } = require('./lib/web');

describe('the audit trail page', () => {
  let app;
  let admin;
  let page; // the auditor's
  const rows = () => page.locator('.list-table tbody tr');

  const api = async (path) => {
    const answer = await app.srv.api('GET', path, { token: admin.token });
    assert.equal(answer.status, 200, answer.text);
    return answer.json;
  };

  before(async () => {
    app = await startApp();
    admin = await app.srv.login('admin', ADMIN_PASSWORD);
    // Something the administrator did, with a before and an after.
    await app.addUser('temp.clerk', 'distribution');
    const disabled = await app.srv.api('POST', '/api/v1/users/temp.clerk/disable', { token: admin.token, body: { reason: 'contract ended' } });
    assert.equal(disabled.status, 200, disabled.text);
    // More than a page of records: a few more users, each one created.
    for (let i = 1; i <= 6; i++) await app.addUser(`clerk${i}`, 'distribution');
    const password = await app.addUser('audrey', 'auditor');
    page = await app.newPage();
    await app.login(page, 'audrey', password, '/audit');
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
  });

  after(async () => {
    if (app) await app.close();
  });

  test('the trail comes newest first, with its total', async () => {
    await rows().first().waitFor();
    const all = await api('/api/v1/audit?sort=-seq&limit=25');
    assert.ok(all.total > 25, `more than a page of records (${all.total})`);
    await page.getByText(`Showing 1–25 of ${all.total.toLocaleString('en-US')}.`).waitFor();
    const header = page.getByRole('columnheader', { name: /Record/ });
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    const numbers = await page.locator('.list-table tbody th').allTextContents();
    assert.deepEqual(numbers.map((text) => Number(text.replace(/\D/g, ''))), all.items.map((r) => r.seq));
    // Sorted no more: the trail's own order, the oldest first, still counted.
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('.list-table tbody th')?.textContent.replace(/\D/g, '') === '1');
    await page.getByText(`Showing 1–25 of ${all.total.toLocaleString('en-US')}.`).waitFor();
    // Then ascending, then descending again.
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('th[aria-sort="ascending"]'));
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.waitForFunction((last) => document.querySelector('.list-table tbody th')?.textContent.replace(/\D/g, '') === String(last), all.items[0].seq);
    app.assertClean(page);
  });

  test('filtered by the kind and id of a record, and by who acted; the filters stay in the URL', async () => {
    await page.getByLabel('Kind of record').fill('center');
    await page.getByLabel('Record id').fill('la-01');
    await page.waitForURL(/entity=center.*entity_id=la-01/);
    const la = await api('/api/v1/audit?entity=center&entity_id=LA-01&sort=-seq');
    assert.ok(la.total >= 1);
    await page.getByText(`Showing 1–${la.total} of ${la.total}.`).waitFor();
    assert.deepEqual(await page.locator('.list-table tbody td[data-label="Id"]').allTextContents(), la.items.map(() => 'LA-01'));

    // Who acted: the administrator's changes, not the command line's.
    await page.getByLabel('Kind of record').fill('');
    await page.getByLabel('Record id').fill('');
    await page.getByLabel('Who').fill('admin');
    await page.waitForURL((url) => url.searchParams.get('actor') === 'admin' && !url.searchParams.has('entity'));
    const byAdmin = await api('/api/v1/audit?actor=admin&sort=-seq');
    await page.getByText(new RegExp(`of ${byAdmin.total.toLocaleString('en-US')}\\.$`)).waitFor();
    const actors = await page.locator('.list-table tbody td[data-label="Who"]').allTextContents();
    assert.ok(actors.length > 0 && actors.every((a) => a === 'admin'), actors.join(','));
    const actions = await page.locator('.list-table tbody td[data-label="Action"]').allTextContents();
    assert.ok(actions.includes('disable'), 'the disabling is the administrator\'s');

    // The same link shows the same list.
    await page.reload();
    await page.getByText(new RegExp(`of ${byAdmin.total.toLocaleString('en-US')}\\.$`)).waitFor();
    assert.equal(await page.getByLabel('Who').inputValue(), 'admin');

    // An id without its kind is refused, and the page says why.
    await page.goto('/audit?entity_id=LA-01');
    await page.getByText(/Kind of record: give the kind of record/).waitFor();
    app.assertClean(page);
  });

  test('filtered by the action and the days (UTC), kept in the URL; a range backwards is said', async () => {
    await page.goto('/audit');
    await rows().first().waitFor();
    const disables = await api('/api/v1/audit?action=disable&sort=-seq');
    assert.ok(disables.total >= 1, 'the administrator disabled a user');
    await page.getByLabel('Action').fill('disable');
    await page.waitForURL((url) => url.searchParams.get('action') === 'disable');
    await page.getByText(`Showing 1–${disables.total} of ${disables.total}.`).waitFor();
    assert.deepEqual(await page.locator('.list-table tbody td[data-label="Action"]').allTextContents(), disables.items.map(() => 'disable'));
    assert.deepEqual(await page.locator('.list-table tbody th').allTextContents(), disables.items.map((r) => `Open record ${r.seq}`));

    // The days, as the trail keeps them (UTC): today's, then none from tomorrow.
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
    const todays = await api(`/api/v1/audit?action=disable&from=${today}&to=${today}&sort=-seq`);
    assert.equal(todays.total, disables.total, 'disabled today');
    await page.getByLabel('From', { exact: true }).fill(today);
    await page.getByLabel('To', { exact: true }).fill(today);
    await page.waitForURL((url) => url.searchParams.get('from') === today && url.searchParams.get('to') === today);
    await page.getByText(`Showing 1–${todays.total} of ${todays.total}.`).waitFor();
    await page.getByLabel('From', { exact: true }).fill(tomorrow);
    await page.getByText(`To: must not be before from (${tomorrow})`).waitFor();
    await page.getByLabel('To', { exact: true }).fill('');
    await page.getByText('No record matches these filters.').waitFor();
    // The same link shows the same list.
    await page.reload();
    await page.getByText('No record matches these filters.').waitFor();
    assert.deepEqual([await page.getByLabel('Action').inputValue(), await page.getByLabel('From', { exact: true }).inputValue()], ['disable', tomorrow]);
    app.assertClean(page);
  });

  test('a record opens to its before and after side by side, the changed field marked in words', async () => {
    await page.goto('/audit?entity=user&entity_id=temp.clerk');
    const [record] = (await api('/api/v1/audit?entity=user&entity_id=temp.clerk&action=disable&sort=-seq')).items;
    await page.getByRole('button', { name: `Open record ${record.seq}` }).click();
    const panel = page.locator('section.audit-record');
    const heading = panel.getByRole('heading', { name: `Record ${record.seq}: user temp.clerk, disable` });
    await heading.waitFor();
    assert.ok(await heading.evaluate((node) => node === document.activeElement), 'the record takes the focus');
    await panel.getByText('contract ended').waitFor();
    const headers = await panel.locator('.diff-table thead th').allTextContents();
    assert.deepEqual(headers.map((t) => t.trim()), ['Field', 'Before', 'After']);

    const row = (name) => panel.locator('.diff-table tbody tr', { has: page.locator('code', { hasText: new RegExp(`^${name}$`) }) });
    const disabledRow = await row('disabled').locator('th, td').allTextContents();
    assert.deepEqual(disabledRow, ['disabledchanged', 'false', 'true'], 'disabled: false before, true after, marked "changed"');
    const nameRow = await row('full_name').locator('th, td').allTextContents();
    assert.deepEqual(nameRow, ['full_name', 'Test temp.clerk', 'Test temp.clerk'], 'an unchanged field is not marked');
    await panel.getByText('1 of').waitFor();
    await app.screenshot(page, 'audit-record.png');

    // Its whole history is one link away.
    await panel.getByRole('link', { name: 'its whole history' }).click();
    await page.waitForURL(/entity=user&entity_id=temp\.clerk/);
    await page.getByRole('button', { name: `Open record ${record.seq}` }).waitFor();
    app.assertClean(page);
  });

  test('"Verify the chain" says the trail is intact, with the records checked', async () => {
    await page.goto('/audit');
    await rows().first().waitFor();
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const verified = await api('/api/v1/audit/verify');
    assert.equal(verified.intact, true);
    await page.getByText(`The audit trail is intact: ${verified.records_checked.toLocaleString('en-US')} records checked`).waitFor();
    app.assertClean(page);
  });

  test('the administrator finds the page in the menu, and on a phone the trail reads as cards', async () => {
    const phone = await app.newPage({ viewport: PHONE });
    await app.login(phone, 'admin', ADMIN_PASSWORD, '/audit');
    await phone.locator('.list-table tbody tr').first().waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the trail fits a phone (${overflow}px too wide)`);
    const card = phone.locator('.list-table tbody tr').first();
    assert.ok(await card.locator('td[data-label="Action"]').isVisible());
    assert.ok(!(await card.locator('td[data-label="Reason"]').isVisible()), 'the reason is left out on a phone');
    await phone.getByRole('button', { name: 'Menu' }).click();
    await phone.getByRole('link', { name: 'Audit trail' }).waitFor();
    app.assertClean(phone);
    await phone.context().close();
  });

  test('after a record was altered in the database, "Verify the chain" names where it breaks', async () => {
    const [record] = (await api('/api/v1/audit?entity=user&entity_id=temp.clerk&action=disable&sort=-seq')).items;
    const drop = app.srv.backend === 'postgres' ? 'DROP TRIGGER audit_log_no_update ON audit_log' : 'DROP TRIGGER audit_log_no_update';
    let r = app.srv.sql(drop);
    assert.equal(r.status, 0, r.stderr);
    r = app.srv.sql(`UPDATE audit_log SET reason = 'nothing to see' WHERE seq = ${record.seq}`);
    assert.equal(r.status, 0, r.stderr);
    await page.goto('/audit');
    await rows().first().waitFor();
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const message = page.getByText(`The chain is broken at record ${record.seq}:`);
    await message.waitFor();
    assert.match(await message.textContent(), new RegExp(`record ${record.seq} \\(user temp\\.clerk disable\\) was altered`));
    await app.screenshot(page, 'audit-broken.png');
    app.assertClean(page);
  });
});
