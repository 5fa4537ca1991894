// pages/invoices.js - invoices (docs/billing.md, "Invoices"): the list
// (/invoices), a server list sorted by any column, filtered by status,
// customer and dates, with the total count; a new draft (/invoices/new:
// customer, date, terms); one invoice (/invoices/ID or NUMBER): its facts,
// lines, the credit memos and payments applied to it and what is open, the
// printable invoice as a page or a PDF. A draft takes lines (description,
// quantity, price, revenue account, center or market) and loses them until
// it is issued, which gives it its number; its date and terms are changed
// and it is deleted (asked to confirm) until then; an issued invoice is never
// edited: it is credited (a credit memo), paid, or what is open on it
// written off (asked to confirm), with cash received later recorded as a
// recovery; its write-offs and recoveries are listed. The server checks every
// value and its refusal is shown under the field it names.

import * as api from '../api.js';
import { h, message, replace } from '../dom.js';
import { confirmation, confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as billing from '../billing.js';
import * as ledger from '../ledger.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import { dataTable, apiLoader } from '../data_table.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/invoices', render, title: 'Invoices', capability: 'billing',
    nav: { area: 'finance', order: 100, label: 'Invoices', description: 'Invoices by status, customer and date; draft one, add its lines, issue it, print it.' } },
  { pattern: '/invoices/new', render: renderNew, title: 'New invoice', capability: 'billing.write' },
  { pattern: '/invoices/:id', render: renderOne, title: 'Invoice', capability: 'billing' },
];

const API = '/api/v1/invoices';

const STATUSES = [{ value: 'draft', label: 'Draft' }, { value: 'issued', label: 'Issued' }];

/* --- the list ------------------------------------------------------------------ */

export async function render(context) {
  const list = dataTable({
    caption: 'Invoices',
    csvName: 'invoices.csv',
    empty: 'No invoice matches.',
    noun: 'invoices',
    url: true,
    sort: [{ id: 'date', desc: true }],
    load: apiLoader(API),
    filters: [
      { id: 'status', label: 'Status', type: 'select', all: 'Every status', options: STATUSES },
      { id: 'customer', label: 'Customer', type: 'text', placeholder: 'Code' },
      { id: 'from', label: 'From', type: 'date' },
      { id: 'to', label: 'To', type: 'date' },
    ],
    columns: [
      { id: 'number', label: 'Invoice', value: (i) => billing.invoiceName(i), cell: billing.invoiceLink, header: true },
      { id: 'status', label: 'Status', value: (i) => billing.statusLabel(i.status) },
      { id: 'customer', label: 'Customer', value: (i) => i.customer, cell: (i) => billing.customerLink(i.customer) },
      { id: 'date', label: 'Date', value: (i) => i.date },
      { id: 'due_date', label: 'Due', value: (i) => i.due_date || '', cell: (i) => i.due_date || '—', phone: false },
      { id: 'total', label: 'Total', value: (i) => format.cents(i.total), cell: (i) => billing.amount(i.total), numeric: true, csv: (i) => i.total },
      { id: 'open', label: 'Open', value: (i) => format.cents(i.open), cell: (i) => billing.amount(i.open), numeric: true, csv: (i) => i.open },
    ],
    onError: () => !context.active(),
  });
  const notices = registry.notices();
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Invoices'),
      session.can('billing.write') ? h('a', { class: 'button-primary', href: '/invoices/new' }, 'New invoice') : null),
    notices.element,
    list.element);
  await list.ready;
}

/* --- a new draft ------------------------------------------------------------------ */

export async function renderNew(context) {
  const customer = await billing.customerField({ value: context.query.get('customer') || '' });
  if (!context.active()) return;
  const date = field({ name: 'date', label: 'Invoice date', type: 'date', required: true, value: billing.today() });
  const terms = field({ name: 'terms', label: 'Terms (days)', type: 'number', min: '0', step: '1', inputmode: 'numeric',
    hint: 'Empty: the customer\u2019s billing terms. The due date is the invoice date plus the terms, fixed when it is issued.' });
  const draftForm = form({
    fields: [customer, date, terms],
    label: 'New invoice',
    submitLabel: 'Create the draft',
    className: 'form',
    onSubmit: async (values) => {
      const body = registry.filled(values);
      if (body.customer) body.customer = body.customer.toUpperCase();
      if (body.terms !== undefined && /^\d+$/.test(body.terms)) body.terms = Number(body.terms);
      const invoice = await api.post(API, body, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Draft ${invoice.id} for ${invoice.customer} is created: add its lines, then issue it.`);
      context.navigate(`/invoices/${invoice.id}`);
    },
    secondary: [h('a', { class: 'button-secondary', href: '/invoices' }, 'Cancel')],
  });
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/invoices' }, 'Invoices'), ' › ', 'New invoice'),
    h('h1', null, 'New invoice'),
    h('p', { class: 'muted' }, 'A draft first: its lines are added and removed freely; issuing gives it its number and posts it.'),
    draftForm.element);
}

/* --- one invoice --------------------------------------------------------------------- */

function linesTable(invoice, onRemove) {
  const removable = Boolean(onRemove);
  const columns = ['Description', 'Source', 'Account', 'Center', 'Quantity', 'Price', 'Amount', ...(removable ? [''] : [])];
  const numeric = new Set(['Quantity', 'Price', 'Amount']);
  return h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': 'Lines of the invoice' },
    h('table', { class: 'data-table responsive-table invoice-lines' },
      h('caption', { class: 'visually-hidden' }, 'Lines of the invoice'),
      h('thead', null, h('tr', null, columns.map((label) => h('th', { scope: 'col', class: numeric.has(label) ? 'num' : null }, label)))),
      h('tbody', null, invoice.lines.length
        ? invoice.lines.map((line) => h('tr', null,
          h('th', { scope: 'row', 'data-label': 'Description' }, line.description),
          h('td', { 'data-label': 'Source' }, line.source_ref ? `${line.source} ${line.source_ref}` : line.source),
          h('td', { 'data-label': 'Account' }, line.account),
          h('td', { 'data-label': 'Center' }, line.center || '—'),
          h('td', { 'data-label': 'Quantity', class: 'num' }, line.quantity),
          h('td', { 'data-label': 'Price', class: 'num' }, billing.amount(line.price)),
          h('td', { 'data-label': 'Amount', class: 'num' }, billing.amount(line.amount)),
          removable ? h('td', null, h('button', { type: 'button', class: 'button-secondary button-small', 'aria-label': `Remove the line ${line.description}`,
            onClick: () => onRemove(line) }, 'Remove')) : null))
        : h('tr', null, h('td', { colspan: String(columns.length) }, 'No line yet.'))),
      h('tfoot', null, h('tr', { class: 'row-total' },
        h('th', { scope: 'row', colspan: '6' }, 'Total'),
        h('td', { class: 'num invoice-total', 'data-label': 'Total' }, billing.amount(invoice.total)),
        removable ? h('td') : null))));
}

function creditsTable(invoice) {
  if (!invoice.credits.length) return null;
  return h('section', { class: 'panel', 'aria-labelledby': 'credits-title' },
    h('h2', { id: 'credits-title' }, 'Credit memos'),
    dataTable({
      caption: 'Credit memos', captionHidden: true, csvName: `credits-${invoice.number}.csv`, noun: 'credit memos',
      rows: invoice.credits,
      columns: [
        { id: 'id', label: 'Credit', value: (c) => `CM-${c.id}`, header: true },
        { id: 'date', label: 'Date', value: (c) => c.date },
        { id: 'reason', label: 'Reason', value: (c) => c.reason },
        { id: 'account', label: 'Account', value: (c) => c.account, phone: false },
        { id: 'amount', label: 'Amount', value: (c) => format.cents(c.amount), cell: (c) => billing.amount(c.amount), numeric: true, csv: (c) => c.amount },
      ],
    }).element);
}

function applicationsTable(invoice) {
  if (!invoice.applications.length) return null;
  return h('section', { class: 'panel', 'aria-labelledby': 'payments-title' },
    h('h2', { id: 'payments-title' }, 'Payments applied'),
    dataTable({
      caption: 'Payments applied', captionHidden: true, csvName: `payments-${invoice.number}.csv`, noun: 'applications',
      rows: invoice.applications,
      rowClass: (a) => (a.undone_date ? 'row-undone' : null),
      columns: [
        { id: 'payment', label: 'Payment', value: (a) => a.payment, cell: (a) => h('a', { href: `/payments/${a.payment}` }, `Payment ${a.payment}`), header: true },
        { id: 'date', label: 'Date', value: (a) => a.date },
        { id: 'amount', label: 'Amount', value: (a) => format.cents(a.amount), cell: (a) => billing.amount(a.amount), numeric: true, csv: (a) => a.amount },
        { id: 'undone', label: 'Undone', value: (a) => (a.undone_date ? `${a.undone_date}: ${a.undo_reason}` : ''), cell: (a) => (a.undone_date ? `${format.date(a.undone_date)}: ${a.undo_reason}` : '—') },
      ],
    }).element);
}

async function lineForm(context, invoice) {
  const [accounts, centers, markets] = await Promise.all([billing.revenueOptions('Choose a revenue account'),
    api.getAll('/api/v1/centers'), api.getAll('/api/v1/markets')]);
  const centerOptions = [{ value: '', label: 'None' },
    ...centers.map((c) => ({ value: c.code, label: `${c.code} - ${c.name}` })),
    ...markets.map((m) => ({ value: m.code, label: `${m.code} - ${m.name} (market)` }))];
  return form({
    fields: [
      field({ name: 'description', label: 'Description', required: true, autocomplete: 'off' }),
      field({ name: 'quantity', label: 'Quantity', required: true, inputmode: 'decimal', autocomplete: 'off', size: '8', hint: 'More than zero, at most two decimals.' }),
      field({ name: 'price', label: 'Unit price', required: true, inputmode: 'decimal', autocomplete: 'off', size: '10', hint: 'Dollars, at most two decimals.' }),
      field({ name: 'account', label: 'Revenue account', required: true, options: accounts }),
      field({ name: 'center', label: 'Center or market', options: centerOptions }),
    ],
    label: 'Add a line',
    submitLabel: 'Add the line',
    className: 'form form-wide',
    onSubmit: async (values) => {
      const body = registry.filled(values);
      if (body.price) body.price = body.price.replace(/[\s,$]/g, '');
      await api.post(`${API}/${invoice.id}/lines`, body, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`The line ${values.description.trim()} is added.`);
      context.navigate(`/invoices/${invoice.id}`, { replace: true });
    },
  });
}

/* Issue: a button, then its confirmation; a refusal is told in place. */
function issueControl(context, invoice) {
  const holder = h('div');
  const button = h('button', { type: 'button', class: 'button-primary' }, 'Issue…');
  const back = (error) => {
    replace(holder, error ? message('error', error.message) : null);
    button.hidden = false;
    button.focus();
  };
  button.addEventListener('click', () => {
    button.hidden = true;
    replace(holder, confirmation({
      title: `Issue draft ${invoice.id} to ${invoice.customer}?`,
      text: `It takes the next number of ${invoice.date.slice(0, 4)}, its due date and its posting (${billing.amount(invoice.total)} to receivables). An issued invoice is never edited: a correction is a credit memo.`,
      confirmLabel: 'Issue the invoice',
      onCancel: () => back(null),
      onConfirm: async () => {
        let issued;
        try {
          issued = await api.post(`${API}/${invoice.id}/issue`, {}, { idempotencyKey: api.idempotencyKey() });
        } catch (error) {
          back(error);
          return;
        }
        registry.flash(`Invoice ${issued.number} is issued, due ${format.date(issued.due_date)}.`);
        context.navigate(`/invoices/${encodeURIComponent(issued.number)}`);
      },
    }));
  });
  return h('div', null, button, holder);
}

/* A draft's date and terms: only what changed is sent; the due date is
 * fixed when it is issued. */
function draftEditForm(context, invoice) {
  const current = { date: invoice.date, terms: String(invoice.terms_days) };
  return form({
    fields: [
      field({ name: 'date', label: 'Invoice date', type: 'date', required: true, value: current.date,
        hint: 'In an open period: a draft dated in a period closed since is re-dated here.' }),
      field({ name: 'terms', label: 'Terms (days)', type: 'number', min: '0', step: '1', inputmode: 'numeric', required: true, value: current.terms }),
    ],
    label: 'Date and terms of the draft',
    submitLabel: 'Save the date and terms',
    className: 'form draft-edit-form',
    onSubmit: async (values) => {
      const changes = registry.changed(current, values);
      if (!Object.keys(changes).length) throw new Error('Neither the date nor the terms changed.');
      if (changes.terms !== undefined && /^\d+$/.test(changes.terms)) changes.terms = Number(changes.terms);
      const saved = await api.patch(`${API}/${invoice.id}`, changes);
      registry.flash(`Draft ${saved.id} is dated ${format.date(saved.date)} with terms of ${saved.terms_days} days.`);
      context.navigate(`/invoices/${invoice.id}`, { replace: true });
    },
  }).element;
}

/* Deleting a draft, confirmed; the server refuses a draft with lines from
 * operations (shipments, procedures, fees), shown in the form. */
function draftDeleteForm(context, invoice) {
  const lines = invoice.lines.length;
  return confirmedForm({
    fields: [],
    label: 'Delete the draft',
    submitLabel: 'Delete the draft…',
    className: 'form draft-delete-form',
    confirm: () => ({
      title: `Delete draft ${invoice.id} to ${invoice.customer}?`,
      text: `${lines ? `Its ${lines === 1 ? 'line goes' : `${lines} lines go`} with it. ` : ''}Nothing was posted for it; the audit trail keeps it as it was.`,
      confirmLabel: 'Delete the draft',
    }),
    onConfirm: async () => {
      await api.post(`${API}/${invoice.id}/delete`, {}, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Draft ${invoice.id} to ${invoice.customer} is deleted.`);
      context.navigate('/invoices');
    },
  });
}

/* What was written off the invoice and recovered since, each with its entry. */
function writeOffsTables(writeOffs) {
  if (!writeOffs || !writeOffs.write_offs.length) return null;
  const money = (value) => billing.amount(value);
  return [
    dataTable({
      caption: 'Write-offs', csvName: `write-offs-${writeOffs.invoice}.csv`, noun: 'write-offs',
      rows: writeOffs.write_offs,
      columns: [
        { id: 'date', label: 'Date', value: (w) => w.date, header: true },
        { id: 'amount', label: 'Written off', value: (w) => format.cents(w.amount), cell: (w) => money(w.amount), numeric: true, csv: (w) => w.amount },
        { id: 'recovered', label: 'Recovered', value: (w) => format.cents(w.recovered), cell: (w) => money(w.recovered), numeric: true, csv: (w) => w.recovered },
        { id: 'reason', label: 'Reason', value: (w) => w.reason },
        { id: 'entry', label: 'Entry', value: (w) => w.journal_entry, cell: (w) => ledger.entryLink(w.journal_entry) },
        { id: 'by', label: 'By', value: (w) => w.created_by, phone: false },
      ],
    }).element,
    writeOffs.recoveries.length ? dataTable({
      caption: 'Recoveries', csvName: `recoveries-${writeOffs.invoice}.csv`, noun: 'recoveries',
      rows: writeOffs.recoveries,
      columns: [
        { id: 'date', label: 'Date', value: (r) => r.date, header: true },
        { id: 'amount', label: 'Recovered', value: (r) => format.cents(r.amount), cell: (r) => money(r.amount), numeric: true, csv: (r) => r.amount },
        { id: 'reference', label: 'Reference', value: (r) => r.reference },
        { id: 'entry', label: 'Entry', value: (r) => r.journal_entry, cell: (r) => ledger.entryLink(r.journal_entry) },
        { id: 'by', label: 'By', value: (r) => r.created_by, phone: false },
      ],
    }).element : null,
  ];
}

/* Writing off what is open: a date and a reason, then a confirmation. */
function writeOffForm(context, invoice) {
  return confirmedForm({
    fields: [
      field({ name: 'date', label: 'Date', type: 'date', required: true, value: billing.today() }),
      field({ name: 'reason', label: 'Reason', required: true, autocomplete: 'off', hint: 'Why it will not be paid (for example the customer\u2019s insolvency).' }),
    ],
    label: 'Write off the invoice',
    submitLabel: 'Write off…',
    className: 'form write-off-form',
    confirm: (values) => ({
      title: `Write off ${billing.amount(invoice.open)} on invoice ${invoice.number}?`,
      text: `What is open on it is taken off receivables against the allowance for doubtful accounts on ${format.date(values.date)}. It cannot be undone; cash received later is recorded as a recovery.`,
      confirmLabel: 'Write it off',
    }),
    onConfirm: async (values) => {
      const answer = await api.post(`${API}/${encodeURIComponent(invoice.number)}/write-off`, registry.filled(values), { idempotencyKey: api.idempotencyKey() });
      registry.flash(`${billing.amount(answer.written_off)} of invoice ${answer.invoice} is written off.`);
      context.navigate(`/invoices/${encodeURIComponent(invoice.number)}`, { replace: true });
    },
  });
}

/* Cash received on a written-off invoice: date, amount, reference. */
function recoveryForm(context, invoice, recoverable) {
  return form({
    fields: [
      field({ name: 'date', label: 'Date', type: 'date', required: true, value: billing.today() }),
      field({ name: 'amount', label: 'Amount', required: true, inputmode: 'decimal', autocomplete: 'off', size: '10',
        hint: `Dollars; at most ${billing.amount(recoverable)}, what was written off and not recovered yet.` }),
      field({ name: 'reference', label: 'Reference', required: true, autocomplete: 'off', hint: 'The check or the transfer.' }),
    ],
    label: 'Record a recovery',
    submitLabel: 'Record the recovery',
    className: 'form recovery-form',
    onSubmit: async (values) => {
      const body = registry.filled(values);
      if (body.amount) body.amount = body.amount.replace(/[\s,$]/g, '');
      const answer = await api.post(`${API}/${encodeURIComponent(invoice.number)}/recover`, body, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`${billing.amount(body.amount)} is recovered on invoice ${answer.invoice}.`);
      context.navigate(`/invoices/${encodeURIComponent(invoice.number)}`, { replace: true });
    },
  }).element;
}

function writeOffsPanel(context, invoice, writeOffs, writes) {
  const tables = writeOffsTables(writeOffs);
  const recoverable = writeOffs ? format.cents(writeOffs.written_off) - format.cents(writeOffs.recovered) : 0;
  const canWriteOff = writes && format.cents(invoice.open) > 0;
  const canRecover = writes && recoverable > 0;
  if (!tables && !canWriteOff) return null;
  return h('section', { class: 'panel invoice-write-offs', 'aria-labelledby': 'write-offs-title' },
    h('h2', { id: 'write-offs-title' }, 'Write-offs and recoveries'),
    tables || h('p', { class: 'muted' }, 'Nothing is written off this invoice.'),
    canWriteOff ? [h('h3', null, 'Write off what is open'), writeOffForm(context, invoice)] : null,
    canRecover ? [h('h3', null, 'Record a recovery'), recoveryForm(context, invoice, recoverable)] : null);
}

const invoiceTitle = (invoice) => (invoice.number ? `Invoice ${invoice.number}` : `Draft invoice ${invoice.id}`);

export async function renderOne(context) {
  const invoice = await registry.loadRecord(context, { path: API, noun: 'invoice', param: 'id', keyName: 'id or number',
    title: invoiceTitle, back: ['/invoices', 'Back to the invoices'] });
  if (!invoice) return;
  const name = invoiceTitle(invoice);
  const notices = registry.notices();
  let writeOffs = null;
  if (invoice.status === 'issued') {
    try {
      writeOffs = await api.get(`${API}/${encodeURIComponent(invoice.number)}/write-offs`);
    } catch (error) {
      notices.error(`The write-offs could not be read: ${error.message}`);
    }
    if (!context.active()) return;
  }
  const writes = session.can('billing.write');
  const draft = invoice.status === 'draft';
  let draftPanel = null;
  if (writes && draft) {
    const lines = await lineForm(context, invoice);
    if (!context.active()) return;
    draftPanel = [
      h('section', { class: 'panel', 'aria-labelledby': 'line-title' }, h('h2', { id: 'line-title' }, 'Add a line'), lines.element),
      invoice.lines.length
        ? h('section', { class: 'panel', 'aria-labelledby': 'issue-title' }, h('h2', { id: 'issue-title' }, 'Issue'), issueControl(context, invoice))
        : null,
      h('section', { class: 'panel', 'aria-labelledby': 'draft-edit-title' }, h('h2', { id: 'draft-edit-title' }, 'Date and terms'), draftEditForm(context, invoice)),
      h('section', { class: 'panel', 'aria-labelledby': 'draft-delete-title' }, h('h2', { id: 'draft-delete-title' }, 'Delete the draft'), draftDeleteForm(context, invoice)),
    ];
  }
  const removeLine = writes && draft
    ? async (line) => {
      try {
        await api.post(`${API}/${invoice.id}/lines/${line.id}/remove`, {}, { idempotencyKey: api.idempotencyKey() });
      } catch (error) {
        notices.error(error.message);
        return;
      }
      registry.flash(`The line ${line.description} is removed.`);
      context.navigate(`/invoices/${invoice.id}`, { replace: true });
    }
    : null;
  const open = format.cents(invoice.open);
  const actions = h('div', { class: 'button-row no-print' },
    billing.documentLink(billing.invoiceDocumentHref(invoice, 'pdf'), 'Invoice (PDF)'),
    billing.documentLink(billing.invoiceDocumentHref(invoice, 'html'), 'Print'),
    writes && !draft && open > 0 ? h('a', { class: 'button-secondary', href: `/payments/new?customer=${encodeURIComponent(invoice.customer)}` }, 'Record a payment') : null,
    writes && !draft && open > 0 ? h('a', { class: 'button-secondary', href: `/credits/new?invoice=${encodeURIComponent(invoice.number)}` }, 'Credit memo') : null);
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/invoices' }, 'Invoices'), ' › ', billing.invoiceName(invoice)),
    h('h1', null, name),
    notices.element,
    h('section', { class: 'panel', 'aria-labelledby': 'invoice-title' },
      h('h2', { id: 'invoice-title' }, 'Details'),
      registry.details([
        ['Status', h('span', { class: 'invoice-status' }, billing.statusLabel(invoice.status))],
        ['Number', invoice.number ? h('span', { class: 'invoice-number' }, invoice.number) : 'Given when it is issued'],
        ['Customer', billing.customerLink(invoice.customer)],
        ['Invoice date', format.date(invoice.date)],
        ['Terms', `${invoice.terms_days} days`],
        ['Due date', invoice.due_date ? format.date(invoice.due_date) : 'Fixed when it is issued'],
        ['Total', billing.amount(invoice.total)],
        ['Open', h('span', { class: 'invoice-open' }, billing.amount(invoice.open))],
        invoice.journal_entry ? ['Posted', h('a', { href: `/journal/${invoice.journal_entry}` }, `Entry ${invoice.journal_entry}`)] : null,
        invoice.issued_by ? ['Issued by', `${invoice.issued_by}, ${format.timestamp(invoice.issued_at)}`] : null,
      ]),
      actions),
    h('section', { class: 'panel', 'aria-labelledby': 'lines-title' }, h('h2', { id: 'lines-title' }, 'Lines'), linesTable(invoice, removeLine)),
    draftPanel,
    creditsTable(invoice),
    applicationsTable(invoice),
    invoice.status === 'issued' ? writeOffsPanel(context, invoice, writeOffs, writes) : null);
}
