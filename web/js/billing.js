// billing.js - what the billing pages (web/js/pages/customers.js,
// invoices.js, payments.js, aging.js, allowance.js) share, over the
// billing API (docs/billing.md): amounts to the cent, the aging's buckets,
// today's date, links to an invoice, a customer and their printable
// documents and to the allowance page, the customers and
// revenue accounts as choices, and the editor of a payment's applications
// (each open invoice of the customer with what is open on it and the amount
// applied to it; the server's refusal of one application shown under that
// invoice's field).

import * as api from './api.js';
import { h, replace, uid } from './dom.js';
import { field } from './forms.js';
import * as format from './format.js';
import * as ledger from './ledger.js';

export const amount = ledger.amount;

/* The aging's buckets, in order, with their labels. */
export const BUCKETS = [
  { id: 'current', label: 'Current' },
  { id: '1-30', label: '1-30 days' },
  { id: '31-60', label: '31-60 days' },
  { id: '61-90', label: '61-90 days' },
  { id: '91-120', label: '91-120 days' },
  { id: 'over-120', label: 'Over 120 days' },
];

/* Today in the browser's calendar, as YYYY-MM-DD. */
export const today = () => format.today();

/* "draft" -> "Draft"; "issued" -> "Issued". */
export function statusLabel(status) {
  return status === 'draft' ? 'Draft' : status === 'issued' ? 'Issued' : status;
}

/* An invoice's name: its number, or "Draft N". */
export function invoiceName(invoice) {
  return invoice.number || `Draft ${invoice.id}`;
}

export function invoiceLink(invoice) {
  return h('a', { href: `/invoices/${encodeURIComponent(invoice.number || invoice.id)}` }, invoiceName(invoice));
}

export function customerLink(code) {
  return h('a', { href: `/customers/${encodeURIComponent(code)}` }, code);
}

/* The printable invoice (format html or pdf) and a customer's statement. */
export function invoiceDocumentHref(invoice, documentFormat) {
  return `/api/v1/invoices/${encodeURIComponent(invoice.number || invoice.id)}/document${api.query({ format: documentFormat })}`;
}

/* The allowance page at a date, with the period of its DSO. */
export function allowanceHref(date, period) {
  return `/receivables/allowance${api.query({ date, period })}`;
}

export function statementHref(code, date, documentFormat) {
  return `/api/v1/customers/${encodeURIComponent(code)}/statement${api.query({ date, format: documentFormat })}`;
}

/* A link that opens a document in a new tab, saying so to a screen reader. */
export function documentLink(href, label) {
  return h('a', { class: 'button-secondary', href, target: '_blank', rel: 'noopener' }, label,
    h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'));
}

/* The customers, for a <datalist> of codes with their names. */
export async function customerList(id) {
  const customers = await api.getAll('/api/v1/customers');
  return h('datalist', { id }, customers.map((c) => h('option', { value: c.code }, `${c.code} - ${c.name}`)));
}

/* A customer field: a code typed or chosen from the customers. */
export async function customerField({ value = '', hint = 'The customer\u2019s code: a hospital\u2019s or another customer\u2019s.' } = {}) {
  const listId = uid('customers');
  const list = await customerList(listId);
  const customer = field({ name: 'customer', label: 'Customer', required: true, value, list: listId, autocomplete: 'off',
    autocapitalize: 'characters', size: '12', hint });
  customer.element.append(list);
  return customer;
}

/* The revenue accounts as choices (what a line or a credit names). */
export async function revenueOptions(empty) {
  const chart = await ledger.accounts();
  return [{ value: '', label: empty },
    ...chart.filter((a) => a.type === 'revenue').map((a) => ({ value: a.code, label: ledger.accountLabel(a) }))];
}

/* The customer's issued invoices with something open, oldest first. */
export async function openInvoices(customer) {
  if (!customer) return [];
  const invoices = await api.getAll('/api/v1/invoices', { customer, status: 'issued' });
  return invoices.filter((i) => format.cents(i.open) > 0).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/*
 * applicationsEditor() -> {element, load(customer), applications(),
 * showError(error) -> handled, total(), refresh()}: one row per open invoice of the
 * customer (its number, date, due date, what is open) with the amount to
 * apply to it. applications() lists the filled rows as the API takes them,
 * in the order sent; a refusal naming applications[N].field is shown under
 * the N-th sent row's amount.
 */
export function applicationsEditor({ onChange = () => {} } = {}) {
  const holder = h('div', { class: 'applications-editor' });
  const summary = h('p', { class: 'applications-total', role: 'status', 'aria-live': 'polite' });
  let rows = [];
  let sent = [];

  function total() {
    let sum = 0;
    for (const row of rows) {
      const text = row.field.value().trim();
      if (!text) continue;
      try {
        sum += format.cents(text.replace(/[\s,$]/g, ''));
      } catch {
        return null;
      }
    }
    return sum;
  }

  function update() {
    const sum = total();
    replace(summary, rows.length ? (sum === null ? 'An amount to apply is not an amount.' : `Applied: ${amount(sum)}.`) : '');
    onChange(sum);
  }

  async function load(customer) {
    rows = [];
    sent = [];
    replace(holder, h('p', { class: 'muted' }, customer ? 'Loading the open invoices…' : 'Choose the customer to see its open invoices.'));
    if (!customer) return;
    let invoices;
    try {
      invoices = await openInvoices(customer);
    } catch (error) {
      replace(holder, h('p', { class: 'muted' }, error.message));
      return;
    }
    if (!invoices.length) {
      replace(holder, h('p', { class: 'muted' }, `No invoice of ${customer} has anything open: the payment is kept as unapplied cash.`));
      update();
      return;
    }
    rows = invoices.map((invoice) => ({
      invoice,
      field: field({ name: 'amount', label: `Apply to ${invoice.number}`, inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00' }),
    }));
    rows.forEach((row) => row.field.input.addEventListener('input', update));
    replace(holder, h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': 'Open invoices' },
      h('table', { class: 'data-table responsive-table applications-table' },
        h('caption', null, `Open invoices of ${customer}`),
        h('thead', null, h('tr', null, ['Invoice', 'Date', 'Due', 'Open', 'Apply'].map((label, i) =>
          h('th', { scope: 'col', class: i === 3 ? 'num' : null }, label)))),
        h('tbody', null, rows.map((row) => h('tr', null,
          h('th', { scope: 'row', 'data-label': 'Invoice' }, invoiceLink(row.invoice)),
          h('td', { 'data-label': 'Date' }, format.date(row.invoice.date)),
          h('td', { 'data-label': 'Due' }, format.date(row.invoice.due_date)),
          h('td', { 'data-label': 'Open', class: 'num invoice-open' }, amount(row.invoice.open)),
          h('td', { 'data-label': 'Apply' }, row.field.element)))))));
    update();
  }

  return {
    element: h('div', null, holder, summary),
    load,
    total,
    refresh: update,
    applications() {
      sent = rows.filter((row) => row.field.value().trim());
      return sent.map((row) => ({ invoice: row.invoice.number, amount: row.field.value().trim().replace(/[\s,$]/g, '') }));
    },
    clearErrors: () => rows.forEach((row) => row.field.clearError()),
    showError(error) {
      const match = /^applications\[(\d+)\]\.(\w+)$/.exec((error && error.field) || '');
      const row = match && sent[Number(match[1])];
      if (!row) return false;
      row.field.setError(error.message);
      row.field.focus();
      return true;
    },
  };
}
