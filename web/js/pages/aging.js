// pages/aging.js - the receivables aging (/receivables/aging?date=&by=;
// docs/billing.md, "Aging and its tie to the ledger"): what was open on a
// day, in the buckets current, 1-30, 31-60, 61-90, 91-120 and over 120
// days past due (or since the invoice date), as a bar chart
// (charts.js) with the figures as a table, by customer with each
// customer's documents a click away; and the tie-out: the aging's total
// beside the receivables account of the ledger on the same day, a
// difference shown as a finding, never hidden; after it, the allowance
// the aging requires, with the allowance page (pages/allowance.js) linked.

import * as api from '../api.js';
import { h, message, replace, uid } from '../dom.js';
import * as format from '../format.js';
import * as billing from '../billing.js';
import * as ledger from '../ledger.js';
import { figure, draw, dollars, COLORS } from '../charts.js';
import { dataTable } from '../data_table.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/receivables/aging', render, title: 'Receivables aging', capability: 'billing',
    nav: { area: 'finance', order: 120, label: 'Receivables aging', description: 'What customers owe by age at any date, tied to the receivables account of the ledger.' } },
];

const { BUCKETS } = billing;

function dateForm(context, date, by) {
  const dateInput = h('input', { type: 'date', id: uid('aging-date'), name: 'date', value: date });
  const bySelect = h('select', { id: uid('aging-by'), name: 'by' },
    h('option', { value: 'due' }, 'Due date'), h('option', { value: 'invoice' }, 'Invoice date'));
  bySelect.value = by;
  return h('form', {
    class: 'toolbar-form no-print',
    'aria-label': 'Date of the aging',
    onSubmit: (event) => {
      event.preventDefault();
      context.navigate(`/receivables/aging${api.query({ date: dateInput.value, by: bySelect.value === 'due' ? '' : bySelect.value })}`);
    },
  },
  h('div', { class: 'inline-field' }, h('label', { for: dateInput.id }, 'At'), dateInput),
  h('div', { class: 'inline-field' }, h('label', { for: bySelect.id }, 'Days from'), bySelect),
  h('button', { type: 'submit', class: 'button-secondary' }, 'Show'));
}

/* The tie-out: the aging's total against account 1100 that day. */
function tieOut(aging) {
  const equal = aging.difference === '0.00' && !aging.findings.length;
  return h('section', { class: `findings ${equal ? 'findings-clear' : 'findings-flagged'} aging-tie-out`, 'aria-labelledby': 'tie-title' },
    h('h2', { id: 'tie-title' }, h('span', { 'aria-hidden': 'true' }, equal ? '✓ ' : '⚠ '), 'Tie-out to the ledger'),
    h('dl', { class: 'details' },
      h('dt', null, 'Aging total'), h('dd', { class: 'tie-aging' }, billing.amount(aging.total)),
      h('dt', null, 'Receivables account (1100)'), h('dd', { class: 'tie-ledger' },
        h('a', { href: ledger.journalHref({ account: '1100', to: aging.date }) }, billing.amount(aging.ledger_receivables))),
      h('dt', null, 'Difference'), h('dd', { class: 'tie-difference' }, billing.amount(aging.difference))),
    equal
      ? h('p', null, 'The aging equals the receivables account of the ledger on that day.')
      : h('ul', null, aging.findings.map((finding) => h('li', null, h('strong', { class: 'finding-label' }, 'Finding: '), finding))));
}

function bucketsChart(aging, onCleanup) {
  const rows = BUCKETS.map((b) => ({ ...b, amount: aging.buckets[b.id] }));
  const { element, canvas } = figure({
    title: `Open receivables by age at ${format.date(aging.date)}`,
    summary: `Bar chart of what is open by age at ${aging.date}: ${rows.map((r) => `${r.label} ${billing.amount(r.amount)}`).join('; ')}; total ${billing.amount(aging.total)}.`,
    columns: [
      { label: 'Bucket', value: (r) => r.label, header: true },
      { label: 'Open', value: (r) => billing.amount(r.amount), numeric: true },
    ],
    rows,
    className: 'aging-chart',
  });
  return {
    element,
    draw: () => draw(canvas, {
      labels: rows.map((r) => r.label),
      legend: false,
      valueLabels: true,
      datasets: [{ label: 'Open', data: rows.map((r) => dollars(r.amount)), color: COLORS.bloodServices }],
    }, onCleanup),
  };
}

/* One customer's documents, shown under its row when asked. */
function documentsOf(customer) {
  return dataTable({
    caption: `Open documents of ${customer.code}`,
    csvName: `aging-${customer.code}.csv`,
    noun: 'documents',
    rows: customer.documents,
    columns: [
      { id: 'number', label: 'Document', value: (d) => d.number, header: true,
        cell: (d) => (d.type === 'invoice' ? h('a', { href: `/invoices/${encodeURIComponent(d.number)}` }, d.number) : d.number) },
      { id: 'type', label: 'Type', value: (d) => (d.type === 'credit' ? 'Credit' : 'Invoice') },
      { id: 'date', label: 'Date', value: (d) => d.date },
      { id: 'due_date', label: 'Due', value: (d) => d.due_date },
      { id: 'days', label: 'Days', value: (d) => d.days, numeric: true },
      { id: 'bucket', label: 'Bucket', value: (d) => d.bucket },
      { id: 'open', label: 'Open', value: (d) => format.cents(d.open), cell: (d) => billing.amount(d.open), numeric: true, csv: (d) => d.open },
    ],
  }).element;
}

function customersTable(aging) {
  const money = (value) => billing.amount(value);
  return dataTable({
    caption: 'By customer',
    csvName: `aging-${aging.date}.csv`,
    empty: 'Nothing is open on that day.',
    noun: 'customers',
    rows: aging.customers,
    columns: [
      { id: 'code', label: 'Customer', value: (c) => c.code, header: true,
        cell: (c) => (c.foot ? 'Total' : h('span', null, billing.customerLink(c.code), ' ', c.name)) },
      ...BUCKETS.map((b) => ({ id: b.id, label: b.label, value: (c) => format.cents(c.buckets[b.id]), cell: (c) => money(c.buckets[b.id]), numeric: true, csv: (c) => c.buckets[b.id], phone: false })),
      { id: 'total', label: 'Total', value: (c) => format.cents(c.total), cell: (c) => money(c.total), numeric: true, csv: (c) => c.total },
    ],
    foot: [{ foot: true, code: 'Total', name: '', buckets: aging.buckets, total: aging.total }],
  }).element;
}

function drillDown(aging) {
  if (!aging.customers.length) return null;
  return h('section', { class: 'panel', 'aria-labelledby': 'documents-title' },
    h('h2', { id: 'documents-title' }, 'Documents by customer'),
    aging.customers.map((c) => h('details', { class: 'aging-customer' },
      h('summary', null, `${c.code} ${c.name}: ${billing.amount(c.total)} in ${c.documents.length} ${c.documents.length === 1 ? 'document' : 'documents'}`),
      documentsOf(c))));
}

/* The allowance for doubtful accounts, computed from the buckets by due
 * date: what it requires, what its account holds and the adjustment, with
 * the allowance page (rates, entry, write-offs, DSO) a click away. */
function allowanceSection(aging, allowance) {
  if (!allowance) return null;
  return h('section', { class: 'panel aging-allowance', 'aria-labelledby': 'allowance-title' },
    h('h2', { id: 'allowance-title' }, 'Allowance for doubtful accounts'),
    h('dl', { class: 'details' },
      h('dt', null, 'Required by the aging by due date'), h('dd', { class: 'aging-allowance-required' }, billing.amount(allowance.required)),
      h('dt', null, 'Allowance account (1190)'), h('dd', null, billing.amount(allowance.balance)),
      h('dt', null, 'Adjustment'), h('dd', null, billing.amount(allowance.adjustment))),
    h('p', null, h('a', { href: billing.allowanceHref(aging.date) },
      allowance.entry ? 'The proposed entry, the rates, the write-offs and DSO' : 'The rates, the write-offs and DSO')));
}

export async function render(context) {
  const date = context.query.get('date') || billing.today();
  const by = context.query.get('by') || 'due';
  const head = h('div', { class: 'page-head' }, h('h1', null, 'Receivables aging'), dateForm(context, date, by));
  replace(context.main, head, h('p', { class: 'loading' }, 'Loading the aging…'));
  let aging;
  let allowance;
  try {
    [aging, allowance] = await Promise.all([
      api.get('/api/v1/receivables/aging', { date, by }),
      // The allowance is shown beside the aging; without it the aging stands alone.
      api.get('/api/v1/receivables/allowance', { date }).catch(() => null),
    ]);
  } catch (error) {
    if (!context.active()) return;
    replace(context.main, head, message('error', error.field ? `${error.field}: ${error.message}` : error.message));
    return;
  }
  if (!context.active()) return;
  context.setTitle(`Receivables aging at ${aging.date}`);
  const chart = bucketsChart(aging, context.onCleanup);
  replace(context.main,
    head,
    h('p', { class: 'muted' }, `What was open on ${format.date(aging.date)}, by days past ${aging.by === 'invoice' ? 'the invoice date' : 'the due date'}.`),
    tieOut(aging),
    allowanceSection(aging, allowance),
    h('section', { class: 'charts', 'aria-label': 'Chart' }, chart.element),
    h('section', { class: 'panel', 'aria-labelledby': 'customers-title' },
      h('h2', { id: 'customers-title' }, 'By customer'), customersTable(aging)),
    drillDown(aging));
  chart.draw();
}
