'use strict';
/*
 * web.js - what the browser tests share: a real server (tests/api/lib/
 * server.js) loaded with the demo company (tools/load-demo.sh), headless
 * Chromium through playwright-core, pages that record every console error,
 * uncaught exception and Content-Security-Policy violation, and logging in
 * through the login form.
 *
 *   const app = await startApp();
 *   after(() => app.close());
 *   const page = await app.newPage();             // desktop, 1280x900
 *   await app.login(page, 'admin', ADMIN_PASSWORD, '/dashboard');
 *   ...
 *   app.assertClean(page);                        // no console error, no CSP violation
 *
 *   // or, for a file that works as the administrator on one page:
 *   ({ app, admin, page } = await startAsAdmin('/centers', 'Donor centers'));
 *   // with the demo's donors, collections and units too:
 *   ({ app, admin, page } = await startAsAdmin('/donors', 'Donors', { demoChain: true }));
 *   // a row of a report's table: ['$6,736,000', ...]
 *   await financialRow(page, 'Revenue by segment', 'Total revenue');
 *
 * API answers the application expects and handles (a 401 from /api/v1/me
 * before login, a 400 naming a field) are logged by Chromium as "Failed to
 * load resource" errors; those are kept apart (page.apiFailures), every
 * other console error fails assertClean.
 */
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { ADMIN_PASSWORD, BINARY, REPO, startServer } = require('../../api/lib/server');

const CHROMIUM = process.env.BLOODOPS_CHROMIUM || '/usr/bin/chromium';
const OUT_DIR = path.join(REPO, 'tests', 'out', 'web');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

async function startApp({ demoChain = false } = {}) {
  const srv = await startServer();
  // The demo company, by default without its blood-products chain: the
  // chain's pages are tested on the donors and units their tests make
  // (tests/api/demo.test.js checks the demo chain itself); a test of what a
  // user sees of the demo's donors asks for it.
  const load = spawnSync(path.join(REPO, 'tools', 'load-demo.sh'), [srv.db, BINARY], {
    cwd: REPO, encoding: 'utf8', env: { ...process.env, BLOODOPS_DEMO_CHAIN: demoChain ? 'yes' : 'no' },
  });
  if (load.status !== 0) {
    await srv.stop();
    throw new Error(`tools/load-demo.sh failed (${load.status}): ${load.stderr}`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const pages = [];

  /* A page in a context of its own (its own cookies), watched for errors. */
  async function newPage({ viewport = DESKTOP } = {}) {
    // The browser's clock where the demo's and the tests' centers are, as their staff's are.
    const context = await browser.newContext({
      viewport, acceptDownloads: true, baseURL: srv.base, timezoneId: 'America/Los_Angeles',
    });
    const page = await context.newPage();
    page.problems = [];
    page.apiFailures = [];
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location().url || '';
      if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text()) && new URL(where, srv.base).pathname.startsWith('/api/v1/')) {
        page.apiFailures.push(`${message.text()} ${where}`);
        return;
      }
      page.problems.push(`console error: ${message.text()} (${where})`);
    });
    page.on('pageerror', (error) => page.problems.push(`uncaught: ${error.message}`));
    await page.exposeBinding('__bloodopsCspViolation', (_source, text) => page.problems.push(`CSP violation: ${text}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__bloodopsCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`);
      });
    });
    pages.push(page);
    return page;
  }

  /* Logs in through the form. With `start`, opens that page first (and
   * expects to come back to it); otherwise opens /login. */
  async function login(page, username, password, start = null) {
    await page.goto(start || '/login');
    await page.getByRole('heading', { name: 'Log in to bloodops' }).waitFor();
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#topbar').waitFor({ state: 'visible' });
  }

  /* No console error, uncaught exception or policy violation so far. */
  function assertClean(page) {
    assert.deepEqual(page.problems, [], `the page had problems:\n${page.problems.join('\n')}`);
  }

  /* A user made through the API as admin; returns the password. options:
   * {centers: "LA-01"} the donor centers they work at (lib/server.js). */
  async function addUser(username, roles, options = {}) {
    const admin = await srv.login('admin', ADMIN_PASSWORD);
    return srv.addUser(admin, username, roles, undefined, options);
  }

  async function screenshot(page, name) {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const file = path.join(OUT_DIR, name);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  async function close() {
    await browser.close().catch(() => {});
    await srv.stop();
  }

  return { srv, browser, base: srv.base, newPage, login, assertClean, addUser, screenshot, close };
}

/* startApp(options), the administrator's API session (admin.token) and a
 * desktop page logged in as admin at `start`, once its heading `heading`
 * shows.
 * The app is closed again if any of that fails. */
async function startAsAdmin(start, heading, options = {}) {
  const app = await startApp(options);
  try {
    const admin = await app.srv.login('admin', ADMIN_PASSWORD);
    const page = await app.newPage();
    await app.login(page, 'admin', ADMIN_PASSWORD, start);
    await page.getByRole('heading', { name: heading }).waitFor();
    return { app, admin, page };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/* The clock of `zone` at a UTC time, {date, time, zoneName}: "2026-12-05",
 * "22:30", "PST". */
function clock(iso, zone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23', timeZoneName: 'short',
  }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}`, zoneName: parts.timeZoneName };
}

/* How the application shows a UTC time of a center in `zone`, the zone
 * named: "2026-12-05 22:30 PST". */
function shownAt(iso, zone) {
  const c = clock(iso, zone);
  return `${c.date} ${c.time} ${c.zoneName}`;
}

/* The cells of the row whose header is `label` in the financial table
 * captioned `caption` (the quarterly results, the ledger's statements);
 * asserts there is exactly one such row. */
async function financialRow(page, caption, label) {
  const table = page.locator('table.financial').filter({ has: page.locator('caption', { hasText: caption }) });
  const tr = table.locator('tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^${label.replace(/[()$]/g, '\\$&')}$`) }) });
  assert.equal(await tr.count(), 1, `one row "${label}" in "${caption}"`);
  return tr.locator('td').allTextContents();
}

module.exports = { ADMIN_PASSWORD, DESKTOP, PHONE, OUT_DIR, startApp, startAsAdmin, clock, shownAt, financialRow };
