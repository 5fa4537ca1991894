// pages/allowance.js - the allowance for doubtful accounts
// (/receivables/allowance?date=&period=; docs/billing.md, "The allowance
// for doubtful accounts", "Write-offs and recoveries", "DSO"): the rate of
// each aging bucket (finance edits them), the allowance the aging of the
// date requires bucket by bucket, what the allowance account holds that
// day, the adjusting entry that closes the gap and its posting under a
// reason; the write-offs of every invoice with what was recovered on them;
// and the days sales outstanding of a period. Executives and auditors see
// the same figures without the forms. Every refusal is the server's, shown
// under the field it names.

import * as api from '../api.js';
import { h, message, replace } from '../dom.js';
import { field, form } from '../forms.js';
import * as format from '../format.js';
import * as billing from '../billing.js';
import * as ledger from '../ledger.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import { dataTable, apiLoader } from '../data_table.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/receivables/allowance', render, title: 'Allowance and write-offs', capability: 'billing',
    nav: { area: 'finance', order: 125, label: 'Allowance and write-offs', description: 'The allowance the aging requires, its adjusting entry, the rates per bucket, the write-offs and DSO.' } },
];

const { BUCKETS } = billing;

const ACCOUNTS = { 6100: 'Bad-debt provision', 1190: 'Allowance for doubtful accounts' };

const centsText = (c) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;

const bucketLabel = (id) => (BUCKETS.find((b) => b.id === id) || { label: id }).label;

function dateForm(context, date, period) {
  const dateField = field({ name: 'date', label: 'At', type: 'date', value: date });
  return h('form', {
    class: 'toolbar-form no-print',
    'aria-label': 'Date of the allowance',
    onSubmit: (event) => {
      event.preventDefault();
      context.navigate(billing.allowanceHref(dateField.value(), period));
    },
  }, h('div', { class: 'inline-field' }, dateField.element), h('button', { type: 'submit', class: 'button-secondary' }, 'Show'));
}

/* The allowance each bucket needs, and the required total. */
function requiredTable(allowance) {
  return dataTable({
    caption: `Required allowance at ${allowance.date}`,
    captionHidden: true,
    csvName: `allowance-${allowance.date}.csv`,
    noun: 'buckets',
    rows: allowance.buckets,
    columns: [
      { id: 'bucket', label: 'Bucket', value: (b) => bucketLabel(b.bucket), header: true },
      { id: 'open', label: 'Open', value: (b) => format.cents(b.open), cell: (b) => billing.amount(b.open), numeric: true, csv: (b) => b.open },
      { id: 'rate', label: 'Rate', value: (b) => Number(b.rate), cell: (b) => (b.rate ? `${b.rate} %` : ''), numeric: true, csv: (b) => b.rate },
      { id: 'allowance', label: 'Allowance', value: (b) => format.cents(b.allowance), cell: (b) => billing.amount(b.allowance), numeric: true, csv: (b) => b.allowance },
    ],
    foot: [{ bucket: 'Required', open: centsText(allowance.buckets.reduce((sum, b) => sum + format.cents(b.open), 0)), rate: '', allowance: allowance.required }],
  }).element;
}

function entryTable(entry) {
  return h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': 'Proposed entry' },
    h('table', { class: 'data-table responsive-table allowance-entry' },
      h('caption', { class: 'visually-hidden' }, entry.description),
      h('thead', null, h('tr', null, ['Account', 'Debit', 'Credit'].map((label, i) => h('th', { scope: 'col', class: i ? 'num' : null }, label)))),
      h('tbody', null, entry.lines.map((line) => h('tr', null,
        h('th', { scope: 'row', 'data-label': 'Account' }, `${line.account} ${ACCOUNTS[line.account] || ''}`.trim()),
        h('td', { class: 'num', 'data-label': 'Debit' }, line.debit === '0.00' ? '—' : billing.amount(line.debit)),
        h('td', { class: 'num', 'data-label': 'Credit' }, line.credit === '0.00' ? '—' : billing.amount(line.credit)))))));
}

/* Posting the proposed entry: the date (chosen above; a refusal such as a
 * closed period is shown under it) and the reason. */
function postForm(context, allowance, onPosted) {
  const date = field({ name: 'date', label: 'Dated', type: 'date', value: allowance.date, readonly: true,
    hint: 'The allowance\u2019s date: choose another one above.' });
  const reason = field({ name: 'reason', label: 'Reason', required: true, autocomplete: 'off',
    hint: 'Why the allowance is adjusted now (for example the quarter\u2019s close).' });
  return form({
    fields: [date, reason],
    label: 'Post the allowance entry',
    submitLabel: 'Post the entry',
    onSubmit: async (values) => {
      const posted = await api.post('/api/v1/receivables/allowance', { date: values.date, reason: values.reason.trim() },
        { idempotencyKey: api.idempotencyKey() });
      onPosted(posted);
    },
  }).element;
}

// The answer of the post just made: the page is drawn again from the
// server with it shown as posted (set before navigating, read once).
let justPosted = null;

/* The figures at the date, then the entry: proposed (with its post form
 * for finance) or, right after it was posted (`posted`), as posted. */
function allowancePanel(context, allowance, posted) {
  return h('section', { class: 'panel allowance-panel', 'aria-labelledby': 'allowance-title' },
    h('h2', { id: 'allowance-title' }, `Allowance at ${format.date(allowance.date)}`),
    requiredTable(allowance),
    registry.details([
      ['Required', h('span', { class: 'allowance-required' }, billing.amount(allowance.required))],
      ['Allowance account (1190) holds', h('a', { class: 'allowance-balance', href: ledger.journalHref({ account: '1190', to: allowance.date }) }, billing.amount(allowance.balance))],
      ['Adjustment', h('span', { class: 'allowance-adjustment' }, billing.amount(allowance.adjustment))],
    ]),
    posted
      ? h('div', { class: 'allowance-entry-block' },
        h('h3', null, 'Entry posted'),
        entryTable(posted.entry),
        h('div', { class: 'message message-success allowance-posted', role: 'status' },
          `Posted on ${format.date(posted.date)} as `, ledger.entryLink(posted.journal_entry), '.'))
      : h('div', { class: 'allowance-entry-block' },
        h('h3', null, 'Proposed entry'),
        allowance.entry ? entryTable(allowance.entry) : h('p', { class: 'allowance-nothing' }, 'The allowance account holds what the aging requires: there is nothing to post.'),
        allowance.entry && session.can('billing.write')
          ? postForm(context, allowance, (done) => {
            justPosted = done;
            context.navigate(`${location.pathname}${location.search}`, { replace: true });
          })
          : null));
}

/* The rates per bucket: a form for finance, a sentence for the others
 * (the table above shows them too). */
function ratesPanel(context, rates, date) {
  if (!session.can('billing.write')) return null;
  const fields = BUCKETS.map((b) => field({ name: b.id, label: `${b.label} (%)`, value: rates.rates[b.id], inputmode: 'decimal', autocomplete: 'off', size: '6' }));
  return h('section', { class: 'panel', 'aria-labelledby': 'rates-title' },
    h('h2', { id: 'rates-title' }, 'Rates per bucket'),
    h('p', { class: 'muted' }, 'The percentage of what is open in each bucket that the allowance must hold: from 0 to 100, at most two decimals.'),
    form({
      fields,
      label: 'Rates per bucket',
      submitLabel: 'Save the rates',
      className: 'form form-wide rates-form',
      onSubmit: async (values) => {
        const changed = Object.fromEntries(BUCKETS.filter((b) => values[b.id].trim() !== rates.rates[b.id])
          .map((b) => [b.id, values[b.id].trim()]));
        if (!Object.keys(changed).length) throw new Error('No rate is changed.');
        await api.post('/api/v1/receivables/rates', changed, { idempotencyKey: api.idempotencyKey() });
        registry.flash(`The rates are saved: the allowance at ${format.date(date)} is computed with them.`);
        context.navigate(billing.allowanceHref(date, context.query.get('period') || ''), { replace: true });
      },
    }).element);
}

/* Every write-off, newest first: a server list in pages. */
function writeOffsPanel(context) {
  const list = dataTable({
    caption: 'Write-offs',
    captionHidden: true,
    csvName: 'write-offs.csv',
    empty: 'No invoice has been written off.',
    noun: 'write-offs',
    load: apiLoader('/api/v1/receivables/write-offs'),
    sort: [{ id: 'date', desc: true }],
    columns: [
      { id: 'date', label: 'Date', value: (w) => w.date, header: true },
      { id: 'invoice', label: 'Invoice', value: (w) => w.invoice, cell: (w) => h('a', { href: `/invoices/${encodeURIComponent(w.invoice)}` }, w.invoice) },
      { id: 'amount', label: 'Written off', value: (w) => format.cents(w.amount), cell: (w) => billing.amount(w.amount), numeric: true, csv: (w) => w.amount },
      { id: 'recovered', label: 'Recovered', value: (w) => format.cents(w.recovered), cell: (w) => billing.amount(w.recovered), numeric: true, csv: (w) => w.recovered },
      { id: 'reason', label: 'Reason', value: (w) => w.reason, sortable: false },
      { id: 'entry', label: 'Entry', value: (w) => w.journal_entry, cell: (w) => ledger.entryLink(w.journal_entry), phone: false, sortable: false },
      { id: 'by', label: 'By', value: (w) => w.created_by, phone: false, sortable: false },
    ],
    onError: () => !context.active(),
  });
  return {
    element: h('section', { class: 'panel', 'aria-labelledby': 'write-offs-title' },
      h('h2', { id: 'write-offs-title' }, 'Write-offs'),
      h('p', { class: 'muted' }, 'An invoice is written off, and cash received later recovered, from the invoice\u2019s page.'),
      list.element),
    ready: list.ready,
  };
}

/* DSO of a period: (receivables - allowance) at its end / its revenue x its days. */
function dsoPanel(context, date, period, dso, dsoError) {
  const periodField = field({ name: 'period', label: 'Period', value: period, autocomplete: 'off', size: '8',
    hint: 'A year (2004), a quarter (2004Q1) or a month (2004-03).' });
  const periodForm = form({
    fields: [periodField],
    label: 'Period of the DSO',
    submitLabel: 'Show',
    className: 'form dso-form',
    onSubmit: async (values) => context.navigate(billing.allowanceHref(date, values.period.trim())),
  });
  if (dsoError) periodForm.showError({ field: dsoError.field === 'period' ? 'period' : null, message: dsoError.message });
  return h('section', { class: 'panel', 'aria-labelledby': 'dso-title' },
    h('h2', { id: 'dso-title' }, 'Days sales outstanding'),
    periodForm.element,
    dso ? [
      registry.details([
        ['Period', `${dso.period}: ${format.date(dso.first_day)} to ${format.date(dso.last_day)}, ${dso.days} days`],
        ['Receivables', billing.amount(dso.receivables)],
        ['Allowance', billing.amount(dso.allowance)],
        ['Net receivables', billing.amount(dso.net_receivables)],
        ['Revenue', billing.amount(dso.revenue)],
        ['DSO', h('strong', { class: 'dso-days' }, dso.dso_days === null ? 'No revenue in the period' : `${dso.dso_days} days (${dso.dso})`)],
      ]),
      h('p', { class: 'muted' }, 'Net receivables at the period\u2019s last day divided by its revenue, times its days.'),
    ] : null);
}

export async function render(context) {
  const date = context.query.get('date') || billing.today();
  const period = context.query.get('period') || ledger.quarterOf(date);
  const notices = registry.notices();
  const head = h('div', { class: 'page-head' }, h('h1', null, 'Allowance and write-offs'), dateForm(context, date, context.query.get('period') || ''));
  const crumb = h('p', { class: 'breadcrumb' }, h('a', { href: `/receivables/aging${api.query({ date })}` }, 'Receivables aging'), ' › ', 'Allowance');
  replace(context.main, crumb, head, h('p', { class: 'loading' }, 'Loading the allowance…'));
  let allowance;
  let rates;
  try {
    [allowance, rates] = await Promise.all([
      api.get('/api/v1/receivables/allowance', { date }),
      api.get('/api/v1/receivables/rates'),
    ]);
  } catch (error) {
    if (!context.active()) return;
    replace(context.main, crumb, head, message('error', error.field ? `${error.field}: ${error.message}` : error.message));
    return;
  }
  let dso = null;
  let dsoError = null;
  try {
    dso = await api.get('/api/v1/receivables/dso', { period });
  } catch (error) {
    dsoError = error;
  }
  if (!context.active()) return;
  const writeOffs = writeOffsPanel(context);
  const posted = justPosted && justPosted.date === allowance.date ? justPosted : null;
  justPosted = null;
  context.setTitle(`Allowance at ${allowance.date}`);
  replace(context.main,
    crumb,
    head,
    notices.element,
    h('p', { class: 'muted' }, `What the aging by due date at ${format.date(allowance.date)} requires the allowance for doubtful accounts to hold, and the entry that brings it there.`),
    allowancePanel(context, allowance, posted),
    ratesPanel(context, rates, date),
    dsoPanel(context, date, period, dso, dsoError),
    writeOffs.element);
  await writeOffs.ready;
}
