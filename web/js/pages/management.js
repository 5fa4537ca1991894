// pages/management.js - management contracts (docs/contract_services.md):
// the list with what each one accrued (/management-contracts), a new
// contract (contract services), the monthly accrual run (finance), and one
// contract (/management-contracts/ID): its fees, its revenue accrued month
// by month with the lifetime total, and its termination (the last day of
// service and the reason, confirmed).

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dataTable, apiLoader } from '../data_table.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/management-contracts', render, title: 'Management contracts', capability: 'management',
    nav: { area: 'services', order: 60, label: 'Management contracts', description: 'Blood and donor centers the company manages, their fees accrued by month and invoiced in arrears.' } },
  { pattern: '/management-contracts/:id', render: renderOne, title: 'Management contract', capability: 'management' },
];

const API = '/api/v1/management-contracts';

const KINDS = [{ value: 'blood-center', label: 'A hospital\u2019s blood center' }, { value: 'donor-center', label: 'A donor center' }];

function kindText(kind) {
  return kind === 'donor-center' ? 'donor center' : 'blood center';
}

/* "$10,000.00 a month, $12.00 a unit". */
export function feesText(c) {
  const fees = [];
  if (c.monthly_fee !== null) fees.push(`${format.money(c.monthly_fee, { cents: true })} a month`);
  if (c.per_unit !== null) fees.push(`${format.money(c.per_unit, { cents: true })} a unit`);
  if (c.per_procedure !== null) fees.push(`${format.money(c.per_procedure, { cents: true })} a procedure`);
  return fees.join(', ') || '\u2014';
}

function statusText(c) {
  return c.terminated_on ? `terminated, last day ${format.date(c.terminated_on)}` : 'in force';
}

/* The month before today's, "2004-05": the latest month an accrual takes. */
function lastMonth() {
  const [year, month] = format.today().split('-').map(Number);
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  return `${y}-${String(m).padStart(2, '0')}`;
}

export async function render(context) {
  const list = dataTable({
    caption: 'Management contracts', captionHidden: true, csvName: 'management-contracts.csv', noun: 'contracts',
    empty: 'No management contract.', url: true,
    load: apiLoader(API),
    filters: [{ id: 'status', label: 'Contracts', type: 'select', all: 'Every contract',
      options: [{ value: 'active', label: 'In force' }, { value: 'terminated', label: 'Terminated' }] }],
    columns: [
      { id: 'id', label: 'Contract', header: true, value: (c) => c.id, cell: (c) => h('a', { href: `/management-contracts/${c.id}` }, `Contract ${c.id}`) },
      { id: 'customer', label: 'Customer', value: (c) => c.customer, cell: (c) => `${c.customer} ${c.customer_name}`.trim() },
      { id: 'kind', label: 'Manages', value: (c) => kindText(c.kind) },
      { id: 'market', label: 'Market', value: (c) => c.market },
      { id: 'start', label: 'Start', value: (c) => c.start, cell: (c) => format.date(c.start) },
      { id: 'fees', label: 'Fees', sortable: false, phone: false, value: feesText },
      { id: 'terminated_on', label: 'Status', value: (c) => c.terminated_on || '', cell: statusText, csv: statusText },
      { id: 'accrued_total', label: 'Accrued to date', sortable: false, numeric: true, value: (c) => c.accrued_total, cell: (c) => format.money(c.accrued_total, { cents: true }) },
    ],
  });
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Management contracts')),
    registry.notices().element,
    h('p', { class: 'muted' }, 'A contract\u2019s monthly fee accrues for each day of service through its last day, prorated by the days in the month; each month is accrued once it has ended and billed on the customer\u2019s invoice of that month.'),
    list.element,
    session.can('management.write') ? registry.disclosure('New contract', () => newForm(context).element).element : null,
    session.can('billing.write') ? accrueForm(context).element : null);
  await list.ready;
}

function newForm(context) {
  return form({
    label: 'New management contract',
    submitLabel: 'Add the contract',
    className: 'form form-phone',
    fields: [
      field({ name: 'customer', label: 'Customer', required: true, autocapitalize: 'characters', size: '12', hint: 'A customer\u2019s or a hospital\u2019s code.' }),
      field({ name: 'kind', label: 'Manages', options: KINDS, value: 'blood-center' }),
      field({ name: 'market', label: 'Market', required: true, autocapitalize: 'characters', size: '8', hint: 'The market its revenue is reported under.' }),
      field({ name: 'start', label: 'First day of service', type: 'date', required: true, value: format.today() }),
      field({ name: 'term', label: 'Term (months)', inputmode: 'numeric', size: '4', hint: 'Empty: until terminated.' }),
      field({ name: 'monthly_fee', label: 'Monthly fee ($)', inputmode: 'decimal', size: '12', hint: 'Prorated by the days served in a month.' }),
      field({ name: 'per_unit', label: 'Fee per unit ($)', inputmode: 'decimal', size: '10' }),
      field({ name: 'per_procedure', label: 'Fee per procedure ($)', inputmode: 'decimal', size: '10' }),
    ],
    onSubmit: async (values) => {
      const body = registry.filled({ ...values, customer: values.customer.trim().toUpperCase(), market: values.market.trim().toUpperCase() });
      const c = await api.post(API, body, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Management contract ${c.id} of ${c.customer} is added.`);
      context.navigate(`/management-contracts/${c.id}`);
    },
  });
}

/* The accrual run of a month (or a quarter) that has ended. */
function accrueForm(context) {
  return form({
    label: 'Accrue a month',
    submitLabel: 'Accrue and invoice the month',
    fields: [field({ name: 'period', label: 'Month', required: true, value: lastMonth(), size: '8', hint: 'YYYY-MM (or a quarter, 2004Q2), ended and in an open period. A month accrued already is left as it is.' })],
    onSubmit: async (values) => {
      const run = await api.post('/api/v1/management-accruals', { period: values.period.trim() }, { idempotencyKey: api.idempotencyKey() });
      const n = run.accrued.length;
      registry.flash(n ? `${run.period}: ${n} accrual${n === 1 ? '' : 's'}, ${format.money(run.total, { cents: true })}, on the customers\u2019 draft invoices.`
        : `${run.period}: nothing to accrue (every contract\u2019s months are accrued already).`);
      context.navigate('/management-contracts', { replace: true });
    },
  });
}

/* The units and procedures of a month, for the volume fees. */
function volumesForm(context, c) {
  return form({
    label: 'Report a month\u2019s volumes',
    submitLabel: 'Report the volumes',
    fields: [
      field({ name: 'period', label: 'Month', required: true, value: lastMonth(), size: '8', hint: 'YYYY-MM; replaced until the month is accrued.' }),
      c.per_unit !== null ? field({ name: 'units', label: 'Units', inputmode: 'numeric', size: '8' }) : null,
      c.per_procedure !== null ? field({ name: 'procedures', label: 'Procedures', inputmode: 'numeric', size: '8' }) : null,
    ].filter(Boolean),
    onSubmit: async (values) => {
      await api.post(`${API}/${c.id}/volumes`, registry.filled({ ...values, period: values.period.trim() }), { idempotencyKey: api.idempotencyKey() });
      registry.flash(`The volumes of ${values.period.trim()} are reported.`);
      context.navigate(`/management-contracts/${c.id}`, { replace: true });
    },
  });
}

function accrualsTable(c) {
  const volumes = c.per_unit !== null || c.per_procedure !== null;
  return dataTable({
    caption: 'Revenue by month', captionHidden: true, csvName: `management-contract-${c.id}.csv`, noun: 'months',
    empty: 'Nothing accrued yet: a month accrues once it has ended.',
    rows: c.accruals,
    sort: [{ id: 'period', desc: true }],
    columns: [
      { id: 'period', label: 'Month', header: true, value: (a) => a.period },
      { id: 'days_served', label: 'Days served', numeric: true, value: (a) => a.days_served },
      ...(volumes ? [{ id: 'units', label: 'Units', numeric: true, value: (a) => a.units },
        { id: 'procedures', label: 'Procedures', numeric: true, value: (a) => a.procedures }] : []),
      { id: 'amount', label: 'Revenue', numeric: true, value: (a) => a.amount, cell: (a) => format.money(a.amount, { cents: true }) },
      { id: 'journal_entry', label: 'Journal entry', value: (a) => a.journal_entry ?? '', cell: (a) => (a.journal_entry && session.can('reports') ? h('a', { href: `/journal/${a.journal_entry}` }, `Entry ${a.journal_entry}`) : (a.journal_entry ? `Entry ${a.journal_entry}` : '\u2014')) },
      { id: 'invoice', label: 'Invoice', value: (a) => a.invoice ?? '', cell: (a) => (a.invoice && session.can('billing') ? h('a', { href: `/invoices/${a.invoice}` }, a.invoice_number || `Draft ${a.invoice}`) : (a.invoice_number || (a.invoice ? `Draft ${a.invoice}` : '\u2014'))) },
    ],
  });
}

export async function renderOne(context) {
  const c = await registry.loadRecord(context, {
    path: API, noun: 'management contract', param: 'id', keyName: 'id', title: (r) => `Management contract ${r.id}`,
    back: ['/management-contracts', 'Back to the management contracts'],
  });
  if (!c) return;
  const terminate = session.can('management.write') && !c.terminated_on ? confirmedForm({
    label: 'Terminate', submitLabel: 'Terminate the contract\u2026',
    fields: [
      field({ name: 'date', label: 'Last day of service', type: 'date', required: true, value: format.today() }),
      field({ name: 'reason', label: 'Reason', required: true, size: '40' }),
    ],
    confirm: (values) => ({ title: `Terminate contract ${c.id}?`, text: `Its fee accrues through ${format.date(values.date)} and nothing after. A termination is final.`, confirmLabel: 'Terminate it' }),
    onConfirm: async (values) => {
      await api.post(`${API}/${c.id}/terminate`, { date: values.date, reason: values.reason }, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Contract ${c.id} is terminated: its last day of service is ${format.date(values.date)}.`);
      context.navigate(`/management-contracts/${c.id}`, { replace: true });
    },
  }) : null;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/management-contracts' }, 'Management contracts'), ' \u203a ', `Contract ${c.id}`),
    h('h1', null, `Management contract ${c.id}: ${c.customer_name || c.customer}`),
    registry.notices().element,
    h('section', { class: 'panel', 'aria-labelledby': 'management-details' }, h('h2', { id: 'management-details' }, 'Contract'),
      registry.details([['Customer', `${c.customer} ${c.customer_name}`.trim()], ['Manages', kindText(c.kind)], ['Market', c.market],
        ['Start', format.date(c.start)], ['Term', c.term_months ? `${c.term_months} months` : 'until terminated'],
        ['Fees', feesText(c)], ['Status', statusText(c)],
        c.terminated_on ? ['Reason', `${c.termination_reason} (${c.terminated_by})`] : null,
        ['Accrued to date', format.money(c.accrued_total, { cents: true })],
        ['Added', `${format.timestamp(c.created_at)} by ${c.created_by}`]]),
      terminate),
    h('section', { class: 'panel', 'aria-labelledby': 'management-months' }, h('h2', { id: 'management-months' }, 'Revenue by month'),
      accrualsTable(c).element,
      session.can('management.write') && (c.per_unit !== null || c.per_procedure !== null) ? volumesForm(context, c).element : null));
}
