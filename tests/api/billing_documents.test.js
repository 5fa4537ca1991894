'use strict';
/*
 * billing_documents.test.js - the printable documents of billing
 * (docs/billing.md, "Documents"), on the demo company
 * (tools/load-demo.sh): an invoice with a payment and a credit memo, and
 * the customer statement at a date with its unapplied cash as a credit and
 * the net balance (and an invoice written off), as text,
 * HTML and PDF through the API (?format=) and the command line
 * (`invoice pdf`, `customer statement`).
 * Each PDF is read back (tests/api/lib/pdf_text.js) and holds the lines of
 * the text document, in order, with the company and the title at its foot.
 * Runs on SQLite and on PostgreSQL like every API suite.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { startServer, assertError, ADMIN_PASSWORD, BINARY, REPO } = require('./lib/server');
const { pdfText } = require('./lib/pdf_text');

const COMPANY = 'Demo Blood Services';
let srv;
let admin;
let executive;
let number;

async function ok(response, status = 200) {
  const r = await response;
  assert.equal(r.status, status, r.text);
  return r;
}
const post = (route, body) => ok(srv.api('POST', route, { token: admin.token, body }), route.endsWith('issue') ? 200 : 201);

async function getBytes(url, session = admin) {
  const response = await fetch(srv.base + url, {
    headers: { Authorization: `Bearer ${session.token}`, Connection: 'close' },
  });
  assert.equal(response.status, 200, url);
  assert.equal(response.headers.get('content-type'), 'application/pdf');
  const body = Buffer.from(await response.arrayBuffer());
  assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
  return body;
}

/* The PDF's lines, footers aside, are the text document's (blank lines
 * aside); every page's foot names the company and `title`. */
function assertSameText(pdf, text, title) {
  const lines = pdfText(pdf).split('\n').filter((line) => line !== '');
  const foot = /^printed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC - page \d+ of \d+$/;
  assert.ok(lines.includes(`${COMPANY} - ${title}`), `the footer names ${COMPANY} and ${title}`);
  const body = lines.filter((line, i) => !foot.test(line) && !foot.test(lines[i + 1] || ''));
  assert.deepEqual(body, text.split('\n').filter((line) => line.trim() !== ''));
}

function cliOk(...args) {
  const r = srv.cli(...args);
  assert.equal(r.status, 0, `bloodops ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  srv = await startServer();
  const load = spawnSync(path.join(REPO, 'tools', 'load-demo.sh'), [srv.db, BINARY],
    { cwd: REPO, encoding: 'utf8', env: { ...process.env, BLOODOPS_DEMO_CHAIN: 'no' } });
  assert.equal(load.status, 0, `tools/load-demo.sh: ${load.stderr}`);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  await ok(srv.api('POST', '/api/v1/users', { token: admin.token,
    body: { username: 'eve', full_name: 'Eve Executive', roles: 'executive', password: 'exec-password-1' } }), 201);
  executive = await srv.login('eve', 'exec-password-1');
  const draft = (await post('/api/v1/invoices', { customer: 'CEDARS', date: '2004-03-10' })).json;
  await post(`/api/v1/invoices/${draft.id}/lines`, { description: 'Red cells, leukoreduced', quantity: '2.5', price: '10.01', account: '4000' });
  await post(`/api/v1/invoices/${draft.id}/lines`, { description: 'Platelets', quantity: '3', price: '100.00', account: '4000' });
  number = (await post(`/api/v1/invoices/${draft.id}/issue`, {})).json.number;
  await post('/api/v1/payments', { customer: 'CEDARS', date: '2004-03-20', amount: '100.00', reference: 'CHK-1',
    applications: [{ invoice: number, amount: '80.00' }] });
  await post('/api/v1/credits', { invoice: number, date: '2004-03-25', amount: '10.00', reason: 'Price correction' });
});

after(() => srv.stop());

test('an invoice as text, HTML and PDF: its lines, the credit and the payment, what is open', async () => {
  const url = `/api/v1/invoices/${number}/document`;
  const text = (await ok(srv.api('GET', url, { token: executive.token }))).text;
  assert.match(text, new RegExp(`^INVOICE ${number}\n${COMPANY}\n\nBill to +Cedars-Sinai Medical Center \\(CEDARS\\)\n`));
  assert.match(text, /Due date +2004-04-09 \(30 days\)\n/);
  assert.match(text, /Red cells, leukoreduced +4000 +2\.50 +10\.01 +25\.03\n/);
  assert.match(text, /TOTAL +325\.03\n/);
  assert.match(text, /2004-03-25 CM-\d+ +Price correction +10\.00\n/);
  assert.match(text, /PAYMENTS APPLIED\n.*\n2004-03-20 \d+ +80\.00\n/);
  assert.match(text, /\nOPEN +235\.03\n$/);

  const html = (await ok(srv.api('GET', `${url}?format=html`, { token: admin.token })));
  assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(html.text, new RegExp(`<h1>Invoice ${number}</h1>`));
  assert.match(html.text, /<strong>Open: 235\.03<\/strong>/);

  const pdf = await getBytes(`${url}?format=pdf`, executive);
  assertSameText(pdf, text, `Invoice ${number}`);
  // The command line writes the same PDF.
  const file = path.join(srv.dir, 'invoice.pdf');
  assert.equal(cliOk('invoice', 'pdf', number, '--output', file), '');
  assertSameText(fs.readFileSync(file), text, `Invoice ${number}`);

  // An invoice written off says what was written off; nothing is open.
  const small = (await post('/api/v1/invoices', { customer: 'CEDARS', date: '2004-05-01' })).json;
  await post(`/api/v1/invoices/${small.id}/lines`, { description: 'Courier', quantity: '1', price: '50.00', account: '4000' });
  const smallNumber = (await post(`/api/v1/invoices/${small.id}/issue`, {})).json.number;
  await post(`/api/v1/invoices/${smallNumber}/write-off`, { date: '2004-06-30', reason: 'Customer dispute settled' });
  const written = (await ok(srv.api('GET', `/api/v1/invoices/${smallNumber}/document`, { token: admin.token }))).text;
  assert.match(written, /\nWRITTEN OFF +50\.00\nOPEN +0\.00\n$/);

  assertError(await srv.api('GET', `${url}?format=docx`, { token: admin.token }), 400, 'invalid_input', { field: 'format' });
  assertError(await srv.api('GET', '/api/v1/invoices/2004-999999/document', { token: admin.token }), 404, 'not_found');
  const unknown = srv.cli('invoice', 'pdf', '2004-999999', '--output', path.join(srv.dir, 'none.pdf'));
  assert.equal(unknown.status, 1);
  assert.equal(fs.existsSync(path.join(srv.dir, 'none.pdf')), false);
});

test('a customer statement at a date: its open documents and their aging, in every format', async () => {
  const url = '/api/v1/customers/CEDARS/statement?date=2004-06-30';
  const text = (await ok(srv.api('GET', url, { token: executive.token }))).text;
  assert.match(text, new RegExp(`^STATEMENT OF ACCOUNT\n${COMPANY}\n\nCustomer +Cedars-Sinai Medical Center \\(CEDARS\\)\nDate +2004-06-30\nAged by +due date\n`));
  assert.match(text, new RegExp(`invoice ${number} 2004-03-10 2004-04-09 +82 61-90 +235\\.03\n`));
  assert.match(text, /AGING\n.*\n +0\.00 +0\.00 +0\.00 +235\.03 +0\.00 +0\.00 +235\.03\n$/);
  // The 20.00 of the payment not applied is a credit on it, and the balance is net of it.
  assert.match(text, /\nTOTAL +235\.03\n\nUNAPPLIED CASH\n.*\n2004-03-20 \d+ +CHK-1 +-20\.00\nTOTAL +-20\.00\n\nNET BALANCE +215\.03\n\nAGING\n/);
  // Before the payment and the credit, the whole invoice was open and current.
  const early = (await ok(srv.api('GET', '/api/v1/customers/CEDARS/statement?date=2004-03-15&by=invoice', { token: admin.token }))).text;
  assert.match(early, /Aged by +invoice date\n/);
  assert.match(early, /TOTAL +325\.03\n/);

  const pdf = await getBytes(`${url}&format=pdf`);
  assertSameText(pdf, text, 'Statement of CEDARS at 2004-06-30');
  assert.equal(cliOk('customer', 'statement', 'CEDARS', '--date', '2004-06-30'), text);
  const html = path.join(srv.dir, 'statement.html');
  cliOk('customer', 'statement', 'CEDARS', '--date', '2004-06-30', '--output', html);
  assert.equal(fs.readFileSync(html, 'utf8'), (await ok(srv.api('GET', `${url}&format=html`, { token: admin.token }))).text);
  const file = path.join(srv.dir, 'statement.pdf');
  cliOk('customer', 'statement', 'CEDARS', '--date', '2004-06-30', '--format', 'pdf', '--output', file);
  assertSameText(fs.readFileSync(file), text, 'Statement of CEDARS at 2004-06-30');

  // A customer whose only balance is unapplied cash: a credit balance, not "nothing is open".
  await post('/api/v1/customers', { code: 'SPONSOR', name: 'Device Sponsor' });
  await post('/api/v1/payments', { customer: 'SPONSOR', date: '2004-05-02', amount: '50.00', reference: 'WIRE-5' });
  const credit = (await ok(srv.api('GET', '/api/v1/customers/SPONSOR/statement?date=2004-06-30', { token: executive.token }))).text;
  assert.doesNotMatch(credit, /nothing is open/);
  assert.match(credit, /\(no invoice or credit is open\)\n\nUNAPPLIED CASH\n.*\n2004-05-02 \d+ +WIRE-5 +-50\.00\n/);
  assert.match(credit, /\nNET BALANCE +-50\.00\n/);
  assert.match((await ok(srv.api('GET', '/api/v1/customers/SPONSOR/statement?date=2004-06-30&format=html', { token: admin.token }))).text,
    /<strong>Net balance: -50\.00<\/strong>/);
  // Before the payment nothing was open.
  const before = (await ok(srv.api('GET', '/api/v1/customers/SPONSOR/statement?date=2004-05-01', { token: admin.token }))).text;
  assert.match(before, /\(nothing is open\)\n/);
  assert.doesNotMatch(before, /UNAPPLIED/);

  // Refusals name the field: no date, an unknown customer, JSON.
  assertError(await srv.api('GET', '/api/v1/customers/CEDARS/statement', { token: admin.token }), 400, 'invalid_input', { field: 'date' });
  assertError(await srv.api('GET', '/api/v1/customers/NOBODY/statement?date=2004-06-30', { token: admin.token }), 404, 'not_found');
  const json = srv.cli('customer', 'statement', 'CEDARS', '--date', '2004-06-30', '--format', 'json');
  assert.equal(json.status, 1);
  assert.match(json.stderr, /format/);
});
