// pages/customers.js - the customers billed (docs/billing.md, "Customers"):
// the list (/customers, search; every hospital is one, other customers are
// added by finance), and a customer's page (/customers/CODE): what is open
// and its unapplied cash, its open documents at a date with their aging
// bucket, its statement at that date as a PDF or a page, its invoices, and
// (billing.write) editing a customer that is not a hospital, a new invoice,
// a payment or a standalone credit for it.

import * as api from '../api.js';
import { h, message, replace } from '../dom.js';
import { field } from '../forms.js';
import * as format from '../format.js';
import * as billing from '../billing.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import { dataTable, apiLoader } from '../data_table.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/customers', render, title: 'Customers', capability: 'billing',
    nav: { area: 'finance', order: 90, label: 'Customers', description: 'Hospitals and other customers: what each owes, its open documents and its statement.' } },
  { pattern: '/customers/:code', render: renderOne, title: 'Customer', capability: 'billing' },
];

const API = '/api/v1/customers';

const KIND_LABELS = { hospital: 'Hospital', other: 'Other customer' };

function customerFields(markets, customer = {}) {
  return [
    field({ name: 'name', label: 'Name', required: true, value: customer.name, maxlength: '200' }),
    field({ name: 'market', label: 'Market', value: customer.market || '', options: markets }),
    field({ name: 'billing_address', label: 'Billing address', value: customer.billing_address || '', rows: '3' }),
    field({ name: 'billing_terms_days', label: 'Billing terms (days)', type: 'number', min: '0', step: '1', inputmode: 'numeric',
      value: customer.billing_terms_days === undefined ? '30' : String(customer.billing_terms_days), hint: 'Days the customer has to pay an invoice.' }),
  ];
}

export async function render(context) {
  const notices = registry.notices();
  const list = registry.list({
    context,
    path: API,
    nounPlural: 'customers',
    searchLabel: 'Search customers',
    columns: [
      { id: 'code', label: 'Code', value: (c) => c.code, cell: (c) => billing.customerLink(c.code), header: true },
      { id: 'name', label: 'Name', value: (c) => c.name },
      { id: 'kind', label: 'Kind', value: (c) => KIND_LABELS[c.kind] || c.kind },
      { id: 'market', label: 'Market', value: (c) => c.market || '', cell: (c) => c.market || '—' },
      { label: 'Billing terms', value: (c) => `${c.billing_terms_days} days`, numeric: true },
    ],
  });
  let create = null;
  if (session.can('billing.write')) {
    const markets = await registry.marketOptions('No market');
    if (!context.active()) return;
    create = registry.createForm({
      label: 'Add a customer',
      submitLabel: 'Add the customer',
      path: API,
      noun: 'Customer',
      notices,
      list,
      fields: () => [field({ name: 'code', label: 'Code', required: true, hint: 'For example SPONSOR1. Not a hospital\u2019s code: every hospital already is a customer.',
        autocapitalize: 'characters', size: '12' }), ...customerFields(markets)],
    });
  }
  await registry.showList(context, {
    title: 'Customers',
    create,
    intro: h('p', { class: 'muted' }, 'Every hospital is a customer under its own code; a device sponsor or a hospital that buys services only is added here.'),
    notices,
    list,
  });
}

/* The customer's open documents at `date` from the aging, each in its bucket. */
function openDocuments(entry) {
  if (!entry || !entry.documents.length) return h('p', { class: 'open-documents-none' }, 'Nothing is open on that day.');
  return dataTable({
    caption: 'Open documents',
    captionHidden: true,
    csvName: 'open-documents.csv',
    noun: 'documents',
    rows: entry.documents,
    columns: [
      { id: 'number', label: 'Document', value: (d) => d.number, header: true,
        cell: (d) => (d.type === 'invoice' ? h('a', { href: `/invoices/${encodeURIComponent(d.number)}` }, d.number) : d.number) },
      { id: 'type', label: 'Type', value: (d) => ({ invoice: 'Invoice', credit: 'Credit' }[d.type] || '') },
      { id: 'date', label: 'Date', value: (d) => d.date },
      { id: 'due_date', label: 'Due', value: (d) => d.due_date },
      { id: 'days', label: 'Days past due', value: (d) => d.days, numeric: true },
      { id: 'bucket', label: 'Bucket', value: (d) => d.bucket },
      { id: 'open', label: 'Open', value: (d) => format.cents(d.open), cell: (d) => billing.amount(d.open), numeric: true, csv: (d) => d.open },
    ],
    foot: [{ number: 'Total', type: '', date: '', due_date: '', days: '', bucket: '', open: entry.total }],
  }).element;
}

function invoicesList(code) {
  return dataTable({
    caption: 'Invoices',
    csvName: `invoices-${code}.csv`,
    empty: 'No invoice yet.',
    noun: 'invoices',
    sort: [{ id: 'date', desc: true }],
    pageSize: 10,
    load: apiLoader('/api/v1/invoices', { customer: code }),
    columns: [
      { id: 'number', label: 'Invoice', value: (i) => billing.invoiceName(i), cell: billing.invoiceLink, header: true },
      { id: 'status', label: 'Status', value: (i) => billing.statusLabel(i.status) },
      { id: 'date', label: 'Date', value: (i) => i.date },
      { id: 'due_date', label: 'Due', value: (i) => i.due_date || '', cell: (i) => i.due_date || '—' },
      { id: 'total', label: 'Total', value: (i) => format.cents(i.total), cell: (i) => billing.amount(i.total), numeric: true, csv: (i) => i.total },
      { id: 'open', label: 'Open', value: (i) => format.cents(i.open), cell: (i) => billing.amount(i.open), numeric: true, csv: (i) => i.open },
    ],
  }).element;
}

/* The date the open documents and the statement are at: ?date=, else today. */
function statementForm(context, code, date) {
  const input = h('input', { type: 'date', id: 'statement-date', name: 'date', value: date });
  return h('form', {
    class: 'toolbar-form no-print',
    'aria-label': 'Date of the statement',
    onSubmit: (event) => {
      event.preventDefault();
      context.navigate(`/customers/${encodeURIComponent(code)}${api.query({ date: input.value })}`);
    },
  },
  h('div', { class: 'inline-field' }, h('label', { for: input.id }, 'At'), input),
  h('button', { type: 'submit', class: 'button-secondary' }, 'Show'));
}

export async function renderOne(context) {
  const customer = await registry.loadRecord(context, { path: API, noun: 'customer', back: ['/customers', 'Back to the customers'] });
  if (!customer) return;
  const date = context.query.get('date') || billing.today();
  let aging = null;
  let agingError = null;
  try {
    aging = await api.get('/api/v1/receivables/aging', { date });
  } catch (error) {
    agingError = error;
  }
  if (!context.active()) return;
  const entry = aging && aging.customers.find((c) => c.code === customer.code);
  const notices = registry.notices();
  const writes = session.can('billing.write');
  let edit = null;
  if (writes && customer.kind !== 'hospital') {
    const markets = await registry.marketOptions('No market');
    if (!context.active()) return;
    edit = registry.editForm({ context, record: customer, path: API, label: 'Edit the customer', fields: customerFields(markets, customer), notices });
  }
  const code = encodeURIComponent(customer.code);
  const actions = writes
    ? h('div', { class: 'button-row no-print' },
      h('a', { class: 'button-primary', href: `/invoices/new?customer=${code}` }, 'New invoice'),
      h('a', { class: 'button-secondary', href: `/payments/new?customer=${code}` }, 'Record a payment'),
      h('a', { class: 'button-secondary', href: `/credits/new?customer=${code}` }, 'Standalone credit'))
    : null;
  registry.showRecord(context, {
    crumb: ['/customers', 'Customers'],
    record: customer,
    notices,
    details: [
      ['Kind', KIND_LABELS[customer.kind] || customer.kind],
      ['Market', customer.market],
      ['Billing address', customer.billing_address],
      ['Billing terms', `${customer.billing_terms_days} days`],
      ['Open today', h('span', { class: 'customer-open' }, billing.amount(customer.open))],
      ['Unapplied cash', h('span', { class: 'customer-unapplied' }, billing.amount(customer.unapplied))],
    ],
    more: [
      customer.kind === 'hospital'
        ? h('p', { class: 'muted' }, 'A hospital\u2019s name, address, market and terms are edited on ', h('a', { href: `/hospitals/${code}` }, 'its hospital page'), '.')
        : null,
      actions,
    ],
    edit,
    editTitle: 'Edit the customer',
    after: [
      h('section', { class: 'panel', 'aria-labelledby': 'open-title' },
        h('div', { class: 'panel-head' }, h('h2', { id: 'open-title' }, `Open documents at ${format.date(date)}`), statementForm(context, customer.code, date)),
        agingError ? message('error', agingError.message) : openDocuments(entry),
        agingError ? null : h('div', { class: 'button-row no-print' },
          billing.documentLink(billing.statementHref(customer.code, date, 'pdf'), 'Statement (PDF)'),
          billing.documentLink(billing.statementHref(customer.code, date, 'html'), 'Statement (page)'))),
      h('section', { class: 'panel', 'aria-labelledby': 'invoices-title' },
        h('h2', { id: 'invoices-title' }, 'Invoices'), invoicesList(customer.code)),
    ],
  });
}
