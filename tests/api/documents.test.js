'use strict';
/*
 * documents.test.js - the documents layer's PDFs (src/documents/pdf.c), on
 * the demo company (tools/load-demo.sh): the lookback case report and the
 * quarterly results as PDFs, through the API (?format=pdf) and the command
 * line (--output FILE.pdf). Each PDF is read back (tests/api/lib/pdf_text.js)
 * and must hold every line of the text report, in order, with its page
 * footers; the other formats --output writes are the ones standard output
 * gets. Runs on SQLite and on PostgreSQL like every API suite.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { startServer, assertError, ADMIN_PASSWORD, BINARY, REPO } = require('./lib/server');
const { pdfText, pdfPages } = require('./lib/pdf_text');

let srv;
let admin;
let caseId;
// The demo company's name (tools/load-demo.sh), at the foot of every page.
const COMPANY = 'Demo Blood Services';

async function getBytes(url) {
  const response = await fetch(srv.base + url, {
    headers: { Authorization: `Bearer ${admin.token}`, Connection: 'close' },
  });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

async function getText(url) {
  const r = await srv.api('GET', url, { token: admin.token });
  assert.equal(r.status, 200, `${url}: ${r.text}`);
  return r.text;
}

function cliOk(...args) {
  const r = srv.cli(...args);
  assert.equal(r.status, 0, `bloodops ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/* A PDF answer: its content type, signature and end. */
function assertPdf(r) {
  assert.equal(r.status, 200, r.body.toString());
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.equal(Number(r.headers.get('content-length')), r.body.length);
  assert.equal(r.body.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(r.body.subarray(-6).toString('latin1').includes('%%EOF'));
  return r.body;
}

/* The PDF's lines are the text report's (less its blank lines), each page
 * followed by its footer: the company and the title, then when it was
 * printed (UTC, to the minute) and "page N of M". */
const PAGE_FOOT = /^printed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC - page (\d+) of (\d+)$/;
function assertSameText(pdf, text, title) {
  const pages = pdfPages(pdf);
  const heading = `${COMPANY} - ${title}`;
  const lines = pdfText(pdf).split('\n').filter((line) => line !== '');
  const footers = lines.filter((line, i) => line === heading && PAGE_FOOT.test(lines[i + 1] || ''));
  assert.equal(footers.length, pages, `a footer on every page: ${heading}`);
  const numbers = lines.filter((line) => PAGE_FOOT.test(line)).map((line) => line.replace(/^.* - page/, 'page'));
  assert.deepEqual(numbers, Array.from({ length: pages }, (_, i) => `page ${i + 1} of ${pages}`));
  const printed = lines.find((line) => PAGE_FOOT.test(line)).slice(8, 24);
  assert.ok(Math.abs(Date.parse(`${printed.replace(' ', 'T')}:00Z`) - Date.now()) < 5 * 60 * 1000, `printed now: ${printed}`);
  const body = lines.filter((line, i) => !(line === heading && PAGE_FOOT.test(lines[i + 1] || '')) &&
    !PAGE_FOOT.test(line));
  assert.deepEqual(body, text.split('\n').filter((line) => line.trim() !== ''));
}

before(async () => {
  srv = await startServer();
  const load = spawnSync(path.join(REPO, 'tools', 'load-demo.sh'), [srv.db, BINARY], { cwd: REPO, encoding: 'utf8' });
  assert.equal(load.status, 0, `tools/load-demo.sh: ${load.stderr}`);
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const cases = await srv.api('GET', '/api/v1/lookback-cases?status=open', { token: admin.token });
  caseId = cases.json.items[0].id;
});

after(() => srv.stop());

test('the lookback report as a PDF holds the text report, through the API and --output', async () => {
  const url = `/api/v1/lookback-cases/${caseId}/report`;
  const text = await getText(url);
  assert.match(text, new RegExp(`^LOOKBACK CASE ${caseId}\n`));
  const pdf = assertPdf(await getBytes(`${url}?format=pdf`));
  assert.equal(pdfPages(pdf), 1);
  assertSameText(pdf, text, `Lookback case ${caseId}`);
  assert.match(pdfText(pdf), /W0001 \d{2} \d{6} \[[0-9A-Z*]\]\s+E0500\s+00\s+released\s+quarantined\s+quarantined/);
  assert.match(pdfText(pdf), /HOSPITALS TO NOTIFY: none/);

  // The command line writes the same report, chosen by the extension.
  const file = path.join(srv.dir, 'case.pdf');
  assert.equal(cliOk('lookback', 'report', String(caseId), '--output', file), '');
  assertSameText(fs.readFileSync(file), text, `Lookback case ${caseId}`);
  const html = path.join(srv.dir, 'case.html');
  cliOk('lookback', 'report', String(caseId), '--output', html);
  assert.equal(fs.readFileSync(html, 'utf8'), await getText(`${url}?format=html`));
  assert.equal(cliOk('lookback', 'report', String(caseId)), text);
  const written = path.join(srv.dir, 'case.txt');
  cliOk('lookback', 'report', String(caseId), '--output', written);
  assert.equal(fs.readFileSync(written, 'utf8'), text);

  // Refusals: an unknown format, JSON or CSV to a file, an unknown case.
  assertError(await srv.api('GET', `${url}?format=docx`, { token: admin.token }), 400, 'invalid_input', { field: 'format' });
  const refused = srv.cli('lookback', 'report', String(caseId), '--format', 'json', '--output', path.join(srv.dir, 'x.json'));
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^bloodops: --output: /);
  assert.equal(fs.existsSync(path.join(srv.dir, 'x.json')), false);
  assertError(await srv.api('GET', '/api/v1/lookback-cases/999999/report?format=pdf', { token: admin.token }), 404, 'not_found', { field: 'id' });
});

test('the quarterly results as a PDF hold the text report, through the API and --output', async () => {
  const url = '/api/v1/reports/quarterly?period=2004Q1&compare=2003Q1';
  const text = await getText(`${url}&format=text`);
  const pdf = assertPdf(await getBytes(`${url}&format=pdf`));
  assert.equal(pdfPages(pdf), 2, 'the release table and the detail on two A4 pages');
  assertSameText(pdf, text, 'Quarterly results, Q1 2004');
  const read = pdfText(pdf);
  for (const figure of [/Revenues\s+\$6,736,000\s+\$6,931,000/, /Net income\s+\$246,000\s+\$8,000/,
    /Basic and diluted per share amounts\s+\$0\.03\s+\$0\.00/, /Days sales outstanding\s+47\s+42\s+57/,
    /Total revenue\s+\$6,736,000\s+\$6,931,000\s+\(\$195,000\)\s+-2\.8%/])
    assert.match(read, figure);
  // A table is never cut across pages: each page starts with a caption or the title.
  const pages = read.split(/^printed .* - page \d+ of \d+$/m).filter((page) => page.trim() !== '');
  for (const page of pages)
    assert.match(page.replace(/^\n+/, ''), /^(Quarterly results, Q1 2004|[A-Z][a-z].*\n-+\n)/);

  // The command line: --output FILE.pdf, and the other formats by extension.
  const file = path.join(srv.dir, 'q1.pdf');
  assert.equal(cliOk('report', 'quarterly', '--period', '2004Q1', '--output', file), '');
  assertSameText(fs.readFileSync(file), text, 'Quarterly results, Q1 2004');
  for (const [extension, format] of [['html', 'html'], ['csv', 'csv'], ['json', 'json'], ['txt', 'text']]) {
    const named = path.join(srv.dir, `q1.${extension}`);
    cliOk('report', 'quarterly', '--period', '2004Q1', '--output', named);
    assert.equal(fs.readFileSync(named, 'utf8'), cliOk('report', 'quarterly', '--period', '2004Q1', '--format', format), extension);
  }
  // --format wins over the extension.
  const chosen = path.join(srv.dir, 'chosen.pdf');
  cliOk('report', 'quarterly', '--period', '2004Q1', '--format', 'csv', '--output', chosen);
  assert.match(fs.readFileSync(chosen, 'utf8'), /^section,item,current,prior,change,change_percent,current_date,prior_date\n/);
  // Refused: a format the report does not have; a file that cannot be written.
  assertError(await srv.api('GET', `${url}&format=xls`, { token: admin.token }), 400, 'invalid_input', { field: 'format' });
  const unwritable = srv.cli('report', 'quarterly', '--period', '2004Q1', '--output', path.join(srv.dir, 'missing', 'q.pdf'));
  assert.equal(unwritable.status, 1);
  assert.match(unwritable.stderr, /^bloodops: --output: cannot create /);
});
