// pages/payments.js - money received and credited (docs/billing.md,
// "Payments", "Credit memos"): the payments (/payments, a server list
// filtered by customer, dates and unapplied cash, kept in the URL) and the
// credit memos (filtered by customer, invoice and dates); payment entry (/payments/new: customer,
// date, amount, reference, method, and the amount applied to each of the
// customer's open invoices, what is open on each shown beside it; what is
// not applied is kept as unapplied cash); one payment (/payments/ID): its
// applications, its unapplied cash applied later, an application undone
// with a reason; a credit memo (/credits/new: against an invoice, up to
// what is open on it, or standalone for a customer, with a reason). The
// server decides: overpaying an invoice or applying more than the payment
// is refused under the field of that invoice.

import * as api from '../api.js';
import { h, message, replace } from '../dom.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as billing from '../billing.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import { dataTable, apiLoader } from '../data_table.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/payments', render, title: 'Payments and credits', capability: 'billing',
    nav: { area: 'finance', order: 105, label: 'Payments and credits', description: 'Payments received with their unapplied cash, and credit memos, by customer and date.' } },
  { pattern: '/payments/new', render: renderNew, title: 'Record a payment', capability: 'billing.write',
    nav: { area: 'finance', order: 110, label: 'Record a payment', description: 'A customer\u2019s payment, applied to its open invoices or kept as unapplied cash.' } },
  { pattern: '/payments/:id', render: renderOne, title: 'Payment', capability: 'billing' },
  { pattern: '/credits/new', render: renderCredit, title: 'Credit memo', capability: 'billing.write' },
];

const API = '/api/v1/payments';

/* A form's amount as the API takes it ("1,500.00" or "$1500" -> "1500.00"
 * as typed less the grouping): the server parses and checks it. */
const typedAmount = (text) => String(text).trim().replace(/[\s,$]/g, '');

/* A form whose submit sends `body(values)` with the applications of
 * `editor`, and shows a refusal of one application under its field. */
function applyingForm({ fields, editor, label, submitLabel, send }) {
  const shown = form({
    fields,
    label,
    submitLabel,
    className: 'form form-wide',
    onSubmit: async (values) => {
      editor.clearErrors();
      try {
        await send(values, editor.applications());
      } catch (error) {
        if (editor.showError(error)) return;
        throw error;
      }
    },
  });
  return shown;
}

/* --- the lists: payments and credit memos ------------------------------------------------ */

const money = (key) => ({ value: (r) => format.cents(r[key]), cell: (r) => billing.amount(r[key]), numeric: true, csv: (r) => r[key] });
const CUSTOMER_FILTER = { id: 'customer', label: 'Customer', type: 'text', placeholder: 'Code' };
const DATE_FILTERS = [{ id: 'from', label: 'From', type: 'date' }, { id: 'to', label: 'To', type: 'date' }];

export async function render(context) {
  const onError = () => !context.active();
  const payments = dataTable({
    caption: 'Payments',
    captionHidden: true,
    csvName: 'payments.csv',
    empty: 'No payment matches.',
    noun: 'payments',
    url: true,
    sort: [{ id: 'date', desc: true }],
    load: apiLoader(API),
    filters: [CUSTOMER_FILTER, ...DATE_FILTERS,
      { id: 'unapplied', label: 'Unapplied cash', type: 'select', all: 'Every payment', options: [{ value: 'true', label: 'With unapplied cash' }] }],
    columns: [
      { id: 'id', label: 'Payment', value: (p) => p.id, cell: (p) => h('a', { href: `/payments/${p.id}` }, `Payment ${p.id}`), header: true },
      { id: 'customer', label: 'Customer', value: (p) => p.customer, cell: (p) => billing.customerLink(p.customer) },
      { id: 'date', label: 'Date', value: (p) => p.date },
      { id: 'amount', label: 'Amount', ...money('amount') },
      { id: 'unapplied', label: 'Unapplied', ...money('unapplied') },
      { id: 'reference', label: 'Reference', value: (p) => p.reference, phone: false },
      { id: 'method', label: 'Method', value: (p) => p.method, sortable: false, phone: false },
    ],
    onError,
  });
  const credits = dataTable({
    caption: 'Credit memos',
    captionHidden: true,
    csvName: 'credit-memos.csv',
    empty: 'No credit memo matches.',
    noun: 'credit memos',
    sort: [{ id: 'date', desc: true }],
    load: apiLoader('/api/v1/credits'),
    filters: [CUSTOMER_FILTER, { id: 'invoice', label: 'Invoice', type: 'text', placeholder: 'Number' }, ...DATE_FILTERS],
    columns: [
      { id: 'id', label: 'Credit memo', value: (c) => `CM-${c.id}`, header: true },
      { id: 'customer', label: 'Customer', value: (c) => c.customer, cell: (c) => billing.customerLink(c.customer) },
      { id: 'invoice', label: 'Invoice', value: (c) => c.invoice || '',
        cell: (c) => (c.invoice ? h('a', { href: `/invoices/${encodeURIComponent(c.invoice)}` }, c.invoice) : 'Standalone') },
      { id: 'date', label: 'Date', value: (c) => c.date },
      { id: 'amount', label: 'Amount', ...money('amount') },
      { id: 'reason', label: 'Reason', value: (c) => c.reason, sortable: false },
      { id: 'account', label: 'Account', value: (c) => c.account, sortable: false, phone: false },
    ],
    onError,
  });
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Payments and credits'),
      session.can('billing.write') ? h('a', { class: 'button-primary', href: '/payments/new' }, 'Record a payment') : null),
    h('section', { class: 'panel', 'aria-labelledby': 'payments-list-title' }, h('h2', { id: 'payments-list-title' }, 'Payments'), payments.element),
    h('section', { class: 'panel', 'aria-labelledby': 'credits-list-title' }, h('h2', { id: 'credits-list-title' }, 'Credit memos'), credits.element));
  await Promise.all([payments.ready, credits.ready]);
}

/* --- payment entry ------------------------------------------------------------------ */

export async function renderNew(context) {
  const customer = await billing.customerField({ value: context.query.get('customer') || '' });
  if (!context.active()) return;
  const date = field({ name: 'date', label: 'Date received', type: 'date', required: true, value: billing.today() });
  const amount = field({ name: 'amount', label: 'Amount', required: true, inputmode: 'decimal', autocomplete: 'off', size: '12', hint: 'Dollars received, at most two decimals.' });
  const reference = field({ name: 'reference', label: 'Reference', required: true, autocomplete: 'off', hint: 'Check number or transfer reference.' });
  const method = field({ name: 'method', label: 'Method', options: [{ value: '', label: 'Not said' },
    ...['check', 'wire', 'ACH', 'card', 'cash'].map((m) => ({ value: m, label: m }))] });
  const unapplied = h('p', { class: 'payment-unapplied', role: 'status', 'aria-live': 'polite' });
  const editor = billing.applicationsEditor({
    onChange: (applied) => {
      let received = null;
      try {
        received = amount.value().trim() ? format.cents(typedAmount(amount.value())) : null;
      } catch {
        received = null;
      }
      replace(unapplied, received === null || applied === null ? ''
        : `Kept as unapplied cash: ${billing.amount(received - applied)}.`);
    },
  });
  const applicationsField = {
    name: 'applications',
    element: h('fieldset', { class: 'field-group' }, h('legend', null, 'Applied to'),
      h('p', { class: 'field-hint' }, 'What is left blank is not applied: it is kept as the customer\u2019s unapplied cash, to apply later.'),
      editor.element, unapplied),
    input: editor.element,
    value: () => '',
    setError: () => {},
    clearError: () => editor.clearErrors(),
    focus: () => customer.focus(),
  };
  let loaded = null;
  const loadFor = () => {
    const code = customer.value().trim().toUpperCase();
    if (code === loaded) return;
    loaded = code;
    editor.load(code);
  };
  customer.input.addEventListener('change', loadFor);
  amount.input.addEventListener('input', editor.refresh);
  loadFor();

  const paymentForm = applyingForm({
    fields: [customer, date, amount, reference, method, applicationsField],
    editor,
    label: 'Record a payment',
    submitLabel: 'Record the payment',
    send: async (values, applications) => {
      const body = { ...registry.filled(values), customer: values.customer.trim().toUpperCase(), amount: typedAmount(values.amount) };
      delete body.applications;
      if (applications.length) body.applications = applications;
      const payment = await api.post(API, body, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Payment ${payment.id} of ${billing.amount(payment.amount)} is recorded; unapplied cash ${billing.amount(payment.unapplied)}.`);
      context.navigate(`/payments/${payment.id}`);
    },
  });
  replace(context.main,
    h('h1', null, 'Record a payment'),
    h('p', { class: 'muted' }, 'The cash received, applied to the customer\u2019s invoices in part or in full.'),
    paymentForm.element);
}

/* --- one payment ------------------------------------------------------------------------ */

function undoForm(context, payment, application) {
  return confirmedForm({
    fields: [
      field({ name: 'reason', label: 'Reason', required: true, rows: 2 }),
      field({ name: 'date', label: 'Date', type: 'date', required: true, value: billing.today() }),
    ],
    label: `Undo the application to ${application.invoice}`,
    submitLabel: 'Undo…',
    className: 'form',
    confirm: () => ({
      title: `Undo ${billing.amount(application.amount)} applied to ${application.invoice}?`,
      text: 'The money goes back to the payment\u2019s unapplied cash; the application is kept, marked undone.',
      confirmLabel: 'Undo the application',
    }),
    onConfirm: async (values) => {
      await api.post(`/api/v1/applications/${application.id}/undo`, values, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`The application to ${application.invoice} is undone.`);
      context.navigate(`/payments/${payment.id}`, { replace: true });
    },
  });
}

function applicationsList(context, payment) {
  const writes = session.can('billing.write');
  return dataTable({
    caption: 'Applications', captionHidden: true, csvName: `payment-${payment.id}.csv`, noun: 'applications',
    empty: 'Nothing is applied yet.',
    rows: payment.applications,
    rowClass: (a) => (a.undone_date ? 'row-undone' : null),
    columns: [
      { id: 'invoice', label: 'Invoice', value: (a) => a.invoice, cell: (a) => h('a', { href: `/invoices/${encodeURIComponent(a.invoice)}` }, a.invoice), header: true },
      { id: 'date', label: 'Date', value: (a) => a.date },
      { id: 'amount', label: 'Amount', value: (a) => format.cents(a.amount), cell: (a) => billing.amount(a.amount), numeric: true, csv: (a) => a.amount },
      { id: 'undone', label: 'Undone', value: (a) => (a.undone_date ? `${a.undone_date}: ${a.undo_reason}` : ''),
        cell: (a) => (a.undone_date ? `${format.date(a.undone_date)}: ${a.undo_reason}`
          : writes ? registry.disclosure(`Undo ${a.invoice}`, () => undoForm(context, payment, a)).element : '—'),
        csv: (a) => (a.undone_date ? `${a.undone_date}: ${a.undo_reason}` : '') },
    ],
  }).element;
}

export async function renderOne(context) {
  const payment = await registry.loadRecord(context, { path: API, noun: 'payment', param: 'id', keyName: 'id',
    title: (p) => `Payment ${p.id}`, back: ['/payments', 'Back to the payments'] });
  if (!payment) return;
  const notices = registry.notices();
  let applyPanel = null;
  if (session.can('billing.write') && format.cents(payment.unapplied) > 0) {
    const editor = billing.applicationsEditor();
    const date = field({ name: 'date', label: 'Date applied', type: 'date', required: true, value: billing.today() });
    const applyForm = applyingForm({
      fields: [date, { name: 'applications', element: editor.element, input: editor.element, value: () => '', setError: () => {}, clearError: () => editor.clearErrors(), focus: () => date.focus() }],
      editor,
      label: 'Apply unapplied cash',
      submitLabel: 'Apply',
      send: async (values, applications) => {
        await api.post(`${API}/${payment.id}/apply`, { date: values.date, applications }, { idempotencyKey: api.idempotencyKey() });
        registry.flash('The unapplied cash is applied.');
        context.navigate(`/payments/${payment.id}`, { replace: true });
      },
    });
    editor.load(payment.customer);
    applyPanel = h('section', { class: 'panel', 'aria-labelledby': 'apply-title' },
      h('h2', { id: 'apply-title' }, 'Apply unapplied cash'), applyForm.element);
  }
  replace(context.main,
    h('p', { class: 'breadcrumb' }, billing.customerLink(payment.customer), ' › ', `Payment ${payment.id}`),
    h('h1', null, `Payment ${payment.id}`),
    notices.element,
    h('section', { class: 'panel', 'aria-labelledby': 'payment-title' },
      h('h2', { id: 'payment-title' }, 'Details'),
      registry.details([
        ['Customer', billing.customerLink(payment.customer)],
        ['Date', format.date(payment.date)],
        ['Amount', billing.amount(payment.amount)],
        ['Method', payment.method],
        ['Reference', payment.reference],
        ['Unapplied cash', h('span', { class: 'payment-unapplied' }, billing.amount(payment.unapplied))],
        ['Posted', h('a', { href: `/journal/${payment.journal_entry}` }, `Entry ${payment.journal_entry}`)],
        ['Recorded by', `${payment.created_by}, ${format.timestamp(payment.created_at)}`],
      ])),
    h('section', { class: 'panel', 'aria-labelledby': 'applications-title' },
      h('h2', { id: 'applications-title' }, 'Applied to'), applicationsList(context, payment)),
    applyPanel);
}

/* --- a credit memo ----------------------------------------------------------------------- */

export async function renderCredit(context) {
  const number = context.query.get('invoice') || '';
  let invoice = null;
  if (number) {
    try {
      invoice = await api.get(`/api/v1/invoices/${encodeURIComponent(number)}`);
    } catch (error) {
      if (!context.active()) return;
      replace(context.main, h('h1', null, 'Credit memo'), message('error', error.message));
      return;
    }
  }
  const accounts = await billing.revenueOptions(invoice ? 'The invoice\u2019s first line\u2019s' : 'Choose a revenue account');
  const customer = invoice ? null : await billing.customerField({ value: context.query.get('customer') || '' });
  if (!context.active()) return;
  const fields = [
    customer,
    field({ name: 'date', label: 'Date', type: 'date', required: true, value: billing.today() }),
    field({ name: 'amount', label: 'Amount', required: true, inputmode: 'decimal', autocomplete: 'off', size: '12',
      hint: invoice ? `At most what is open on ${invoice.number}: ${billing.amount(invoice.open)}.` : 'Dollars credited to the customer.' }),
    field({ name: 'reason', label: 'Reason', required: true, rows: 2, hint: 'A return, a price correction, a write-down agreed with the customer.' }),
    field({ name: 'account', label: 'Revenue account reversed', options: accounts, required: !invoice }),
  ].filter(Boolean);
  const creditForm = form({
    fields,
    label: 'Credit memo',
    submitLabel: 'Record the credit',
    onSubmit: async (values) => {
      const body = { ...registry.filled(values), amount: typedAmount(values.amount) };
      if (invoice) body.invoice = invoice.number;
      else body.customer = values.customer.trim().toUpperCase();
      const credit = await api.post('/api/v1/credits', body, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Credit memo CM-${credit.id} of ${billing.amount(credit.amount)} is recorded.`);
      context.navigate(invoice ? `/invoices/${encodeURIComponent(invoice.number)}` : `/customers/${encodeURIComponent(credit.customer)}`);
    },
    secondary: [h('a', { class: 'button-secondary', href: invoice ? `/invoices/${encodeURIComponent(invoice.number)}` : '/customers' }, 'Cancel')],
  });
  replace(context.main,
    invoice ? h('p', { class: 'breadcrumb' }, h('a', { href: '/invoices' }, 'Invoices'), ' › ', billing.invoiceLink(invoice), ' › ', 'Credit memo') : null,
    h('h1', null, invoice ? `Credit memo on ${invoice.number}` : 'Standalone credit memo'),
    invoice ? h('p', null, `${invoice.customer}: total ${billing.amount(invoice.total)}, open ${billing.amount(invoice.open)}.`)
      : h('p', { class: 'muted' }, 'A credit not tied to an invoice: shown as a credit of the customer in the aging and its statement.'),
    creditForm.element);
}
