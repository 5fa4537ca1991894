// pages/ledger_reports.js - the reports of the books (docs/reports.md, "Trial
// balance, income statement, balance sheet") as financial tables: the trial
// balance (/trial-balance) and the income statement (/income-statement) of a
// period (?period=2004Q1, 2004-03, 2004) or of from/to dates, the balance
// sheet (/balance-sheet?date=2004-03-31) at a date. Each account leads to its
// journal lines over the same days (the journal filtered by the account),
// whose sums are the figures shown. Without a choice, the quarter of the
// latest entry is shown. A period or date the server refuses is shown under
// its field.

import * as api from '../api.js';
import { h, message, replace } from '../dom.js';
import { field, form } from '../forms.js';
import * as format from '../format.js';
import * as ledger from '../ledger.js';
import { financialTable } from '../statements.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/trial-balance', render: renderTrialBalance, title: 'Trial balance', capability: 'reports',
    nav: { area: 'finance', order: 40, label: 'Trial balance', description: 'Debits, credits and balances by account for a period; each account down to its lines.' } },
  { pattern: '/income-statement', render: renderIncomeStatement, title: 'Income statement', capability: 'reports',
    nav: { area: 'finance', order: 50, label: 'Income statement', description: 'Revenue, costs and net income by account for any period or dates.' } },
  { pattern: '/balance-sheet', render: renderBalanceSheet, title: 'Balance sheet', capability: 'reports',
    nav: { area: 'finance', order: 60, label: 'Balance sheet', description: 'Assets, liabilities and equity by account at a date.' } },
];

/* An account's label, leading to its lines from..to (none for a line that
 * is no account, such as the earnings not yet closed). */
function accountCell(item, from, to) {
  const text = item.code ? `${item.code} ${item.name}` : item.name;
  return item.code ? h('a', { href: ledger.journalHref({ account: item.code, from, to }) }, text) : text;
}

/* The period asked for, or the quarter of the latest entry (written into
 * the URL); null when the journal is empty. */
async function rangeAsked(context, path) {
  const values = { period: context.query.get('period') || '', from: context.query.get('from') || '', to: context.query.get('to') || '' };
  if (values.period || values.from || values.to) return values;
  const latest = await ledger.latestDate();
  if (!latest) return null;
  values.period = ledger.quarterOf(latest);
  history.replaceState(null, '', `${path}${api.query({ period: values.period })}`);
  return values;
}

/* A report page: its heading, the form, then what draw(answer) makes of
 * the server's answer, or the refusal under its field. */
async function reportPage(context, { title, path, endpoint, askedFor, formOf, draw }) {
  replace(context.main, h('h1', null, title), h('p', { class: 'loading' }, 'Loading the report…'));
  const values = await askedFor(context, path);
  if (!context.active()) return;
  if (!values) {
    replace(context.main, h('h1', null, title), formOf(context, {}, null),
      message('info', 'The journal has no entry yet: there is nothing to report.'));
    return;
  }
  let answer;
  try {
    answer = await api.get(endpoint, values);
  } catch (error) {
    if (!context.active()) return;
    if (error.status !== 400) throw error;
    replace(context.main, h('h1', null, title), formOf(context, values, error));
    return;
  }
  if (!context.active()) return;
  replace(context.main, h('h1', null, title), formOf(context, values, null), draw(answer),
    h('div', { class: 'button-row no-print' }, h('button', { type: 'button', class: 'button-secondary', onClick: () => window.print() }, 'Print')));
}

/* A period without postings says so rather than showing $0.00 figures. */
function nothingPosted(from, to, more) {
  return h('p', { class: 'nothing-posted', role: 'status' }, `Nothing is posted from ${ledger.rangeText(from, to)}.${more}`);
}

const rangeFormOf = (path) => (context, values, refused) => ledger.rangeForm({ context, path, values, refused });

/* --- trial balance ------------------------------------------------------------ */

function trialBalanceTable(tb) {
  const rows = tb.items.map((item) => ({
    label: accountCell(item, tb.from, tb.to),
    cells: [ledger.amount(item.debits), ledger.amount(item.credits), ledger.amount(item.debit_balance), ledger.amount(item.credit_balance)],
  }));
  rows.push({
    label: 'Total',
    kind: 'grand',
    cells: [ledger.amount(tb.totals.debits), ledger.amount(tb.totals.credits), ledger.amount(tb.totals.debit_balances), ledger.amount(tb.totals.credit_balances)],
  });
  return financialTable({
    caption: `Trial balance, ${ledger.rangeText(tb.from, tb.to)}`,
    headRows: [
      [{ text: '' }, { text: `${ledger.rangeText(tb.from, tb.to)}`, colspan: '2' }, { text: `Balance at ${format.date(tb.to)}`, colspan: '2' }],
      [{ text: 'Account' }, { text: 'Debits' }, { text: 'Credits' }, { text: 'Debit' }, { text: 'Credit' }],
    ],
    rows,
  });
}

export function renderTrialBalance(context) {
  return reportPage(context, {
    title: 'Trial balance',
    path: '/trial-balance',
    endpoint: '/api/v1/reports/trial-balance',
    askedFor: rangeAsked,
    formOf: rangeFormOf('/trial-balance'),
    draw: (tb) => h('div', null,
      h('p', { class: 'muted' }, 'Debits and credits posted in the period, and each account’s balance at its end (income accounts since January 1). An account leads to its journal lines.'),
      tb.totals.debits === '0.00' ? nothingPosted(tb.from, tb.to, tb.items.length ? ' The balances carried into it are shown.' : '') : null,
      tb.items.length ? trialBalanceTable(tb) : null),
  });
}

/* --- income statement ---------------------------------------------------------- */

/* A section's accounts (indented, each leading to its lines) and its total. */
function section(label, items, totalLabel, total, from, to) {
  return [
    { label, kind: 'section' },
    ...items.map((item) => ({ label: accountCell(item, from, to), kind: 'indent', cells: [ledger.amount(item.amount)] })),
    { label: totalLabel, kind: 'total', cells: [ledger.amount(total)] },
  ];
}

function incomeStatementTable(s) {
  const { from, to } = s;
  const rows = [
    ...section('Revenue', s.revenue, 'Total revenue', s.total_revenue, from, to),
    ...section('Cost of revenue', s.cost_of_revenue, 'Total cost of revenue', s.total_cost_of_revenue, from, to),
    { label: 'Gross profit', kind: 'total', cells: [ledger.amount(s.gross_profit)] },
    ...section('General and administrative', s.general_administrative, 'Total general and administrative', s.total_general_administrative, from, to),
    { label: 'Operating income', kind: 'total', cells: [ledger.amount(s.operating_income)] },
    ...section('Other expense (income)', s.other, 'Total other expense (income), net', s.total_other, from, to),
    { label: 'Income before income taxes', kind: 'total', cells: [ledger.amount(s.income_before_taxes)] },
    ...section('Income taxes', s.income_taxes, 'Provision for income taxes', s.total_income_taxes, from, to),
    { label: 'Net income', kind: 'grand', cells: [ledger.amount(s.net_income)] },
  ];
  return financialTable({
    caption: `Income statement, ${ledger.rangeText(from, to)}`,
    headRows: [[{ text: 'Income statement' }, { text: ledger.rangeText(from, to) }]],
    rows,
    captionHidden: true,
  });
}

export function renderIncomeStatement(context) {
  return reportPage(context, {
    title: 'Income statement',
    path: '/income-statement',
    endpoint: '/api/v1/reports/income-statement',
    askedFor: rangeAsked,
    formOf: rangeFormOf('/income-statement'),
    draw: (s) => h('div', null,
      h('p', { class: 'muted' }, 'Revenue as credits less debits, costs as debits less credits; an account leads to its journal lines.'),
      ['revenue', 'cost_of_revenue', 'general_administrative', 'other', 'income_taxes'].every((key) => !s[key].length)
        ? nothingPosted(s.from, s.to, '') : incomeStatementTable(s)),
  });
}

/* --- balance sheet --------------------------------------------------------------- */

function balanceSheetTable(b) {
  const to = b.date;
  const part = (label, items, totalLabel, total) => [
    { label, kind: 'section' },
    ...items.map((item) => ({ label: accountCell(item, '', to), kind: 'indent', cells: [ledger.amount(item.amount)] })),
    { label: totalLabel, kind: 'total', cells: [ledger.amount(total)] },
  ];
  const rows = [
    ...part('Current assets', b.assets.current, 'Total current assets', b.assets.total_current),
    ...part('Non-current assets', b.assets.non_current, 'Total non-current assets', b.assets.total_non_current),
    { label: 'Total assets', kind: 'grand', cells: [ledger.amount(b.assets.total)] },
    ...part('Current liabilities', b.liabilities.current, 'Total current liabilities', b.liabilities.total_current),
    ...part('Long-term liabilities', b.liabilities.long_term, 'Total long-term liabilities', b.liabilities.total_long_term),
    { label: 'Total liabilities', kind: 'total', cells: [ledger.amount(b.liabilities.total)] },
    ...part("Shareholders' equity", b.equity.accounts, "Total shareholders' equity", b.equity.total),
    { label: "Total liabilities and shareholders' equity", kind: 'grand', cells: [ledger.amount(b.total_liabilities_and_equity)] },
    { label: 'Working capital (current assets - current liabilities)', cells: [ledger.amount(b.working_capital)] },
  ];
  return financialTable({
    caption: `Balance sheet at ${format.date(to)}`,
    headRows: [[{ text: 'Balance sheet' }, { text: format.date(to) }]],
    rows,
    captionHidden: true,
  });
}

function dateForm(context, values, refused) {
  const date = field({ name: 'date', label: 'Date', type: 'date', required: true, value: values.date || '' });
  const shown = form({
    fields: [date],
    label: 'Date of the balance sheet',
    submitLabel: 'Show',
    className: 'toolbar-form range-form no-print',
    onSubmit: async (typed) => context.navigate(`/balance-sheet${api.query({ date: typed.date })}`),
  });
  if (refused) shown.showError(refused);
  return shown.element;
}

export function renderBalanceSheet(context) {
  return reportPage(context, {
    title: 'Balance sheet',
    path: '/balance-sheet',
    endpoint: '/api/v1/reports/balance-sheet',
    askedFor: async () => {
      if (context.query.get('date')) return { date: context.query.get('date') };
      const latest = await ledger.latestDate();
      if (!latest) return null;
      const date = ledger.quarterEnd(latest);
      history.replaceState(null, '', `/balance-sheet${api.query({ date })}`);
      return { date };
    },
    formOf: dateForm,
    draw: (b) => h('div', null,
      h('p', { class: 'muted' }, 'Every posting up to the end of the day; an account leads to its journal lines up to that day.'),
      balanceSheetTable(b)),
  });
}
