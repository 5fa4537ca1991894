// pages/journal.js - the general journal (docs/reports.md, "The ledger"):
// the list of entries (/journal), newest first, filtered by dates, account,
// source and words of the description, entry key or a line's memo; with an
// account (the trial balance's drill-down) each entry shows that account's
// debits and credits and the list their sums over every page, the figures
// the trial balance shows. One entry (/journal/ID): its lines with debits and
// credits, who posted it and when, the entry it reverses or that reverses
// it, and reversing it with a reason. A manual entry (/journal/new): date,
// description, lines (account, center, debit or credit, memo) added and
// removed, the balance shown as it is typed; the server decides whether it
// balances and its refusal is shown under the field it names.

import * as api from '../api.js';
import { h, message, replace, uid } from '../dom.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as ledger from '../ledger.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import { dataTable } from '../data_table.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/journal', render, title: 'Journal', capability: 'reports',
    nav: { area: 'finance', order: 30, label: 'Journal', description: 'Journal entries by date, account and source; post a manual entry, reverse one.' } },
  { pattern: '/journal/new', render: renderNew, title: 'New journal entry', capability: 'ledger.write' },
  { pattern: '/journal/:id', render: renderOne, title: 'Journal entry', capability: 'reports' },
];

const API = '/api/v1/journal';

function reversalText(entry) {
  if (entry.reverses) return h('span', null, 'Reverses ', ledger.entryLink(entry.reverses));
  if (entry.reversed_by) return h('span', null, 'Reversed by ', ledger.entryLink(entry.reversed_by));
  return '';
}

/* --- the list --------------------------------------------------------------- */

/* The columns: with an account, that account's debits and credits in each
 * entry come before the entry's own total. */
function columns(account) {
  const list = [
    { id: 'id', label: 'Entry', value: (e) => e.id, numeric: true, header: true,
      cell: (e) => h('a', { href: `/journal/${e.id}` }, String(e.id)) },
    { id: 'date', label: 'Date', value: (e) => e.date },
    { id: 'description', label: 'Description', value: (e) => e.description },
    { id: 'source', label: 'Source', value: (e) => ledger.sourceLabel(e.source), phone: false },
  ];
  if (account) {
    list.push(
      { id: 'account_debits', label: `Debit ${account}`, value: (e) => e.account_debits, cell: (e) => ledger.amount(e.account_debits), numeric: true, sortable: false },
      { id: 'account_credits', label: `Credit ${account}`, value: (e) => e.account_credits, cell: (e) => ledger.amount(e.account_credits), numeric: true, sortable: false },
    );
  }
  list.push(
    { id: 'total', label: account ? 'Entry total' : 'Total', value: (e) => e.total, cell: (e) => ledger.amount(e.total), numeric: true, phone: !account },
    { id: 'created_by', label: 'Posted by', value: (e) => e.created_by, phone: false },
    { id: 'reversal', label: 'Reversal', value: (e) => (e.reverses ? `reverses ${e.reverses}` : e.reversed_by ? `reversed by ${e.reversed_by}` : ''),
      cell: reversalText, sortable: false, phone: false },
  );
  return list;
}

export async function render(context) {
  const chart = await ledger.accounts();
  if (!context.active()) return;
  const names = new Map(chart.map((a) => [a.code, a.name]));
  const accountSelect = h('select', { id: uid('journal-account'), name: 'account' },
    h('option', { value: '' }, 'Every account'),
    chart.map((a) => h('option', { value: a.code }, ledger.accountLabel(a))));
  accountSelect.value = context.query.get('account') || '';
  const summary = h('p', { class: 'account-summary', role: 'status' });
  const holder = h('div');
  let list = null;

  /* The list for the account chosen: its columns depend on it. */
  function build() {
    const account = accountSelect.value;
    replace(summary);
    list = dataTable({
      caption: account ? `Journal entries on account ${account}` : 'Journal entries',
      csvName: account ? `journal-${account}.csv` : 'journal.csv',
      empty: 'No entry matches.',
      url: true,
      sort: [{ id: 'date', desc: true }],
      load: async ({ sort, filters, offset, limit }) => {
        const answer = await api.get(API, { ...filters, account, sort: sort || '', offset, limit });
        const totals = answer.account_totals;
        if (totals && context.active()) {
          const range = filters.from || filters.to
            ? ` from ${filters.from ? format.date(filters.from) : 'the first entry'} to ${filters.to ? format.date(filters.to) : 'the last'}`
            : '';
          replace(summary, `Account ${totals.account} ${names.get(totals.account) || ''}${range}: `,
            h('strong', { class: 'account-debits' }, `debits ${ledger.amount(totals.debits)}`), ', ',
            h('strong', { class: 'account-credits' }, `credits ${ledger.amount(totals.credits)}`),
            ` in ${answer.total === 1 ? '1 entry' : `${format.integer(answer.total)} entries`}.`);
        }
        return { rows: answer.items, total: answer.total ?? answer.items.length };
      },
      filters: [
        { id: 'from', label: 'From', type: 'date' },
        { id: 'to', label: 'To', type: 'date' },
        { id: 'source', label: 'Source', type: 'select', all: 'Every source', options: ledger.SOURCES },
        { id: 'q', label: 'Search', type: 'text', placeholder: 'Description, key or memo' },
      ],
      columns: columns(account),
    });
    replace(holder, list.element);
    return list.ready;
  }

  accountSelect.addEventListener('change', () => {
    // The account is part of the URL like the other filters; a new account
    // starts again at the first page, with its own columns.
    const query = new URLSearchParams(window.location.search);
    if (accountSelect.value) query.set('account', accountSelect.value);
    else query.delete('account');
    query.delete('page');
    if (/^-?account_/.test(query.get('sort') || '')) query.delete('sort');
    const text = query.toString();
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${text ? `?${text}` : ''}`);
    build();
  });

  const notices = registry.notices();
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Journal'),
      session.can('ledger.write') ? h('a', { class: 'button-primary', href: '/journal/new' }, 'New entry') : null),
    notices.element,
    h('div', { class: 'toolbar-form account-filter' },
      h('div', { class: 'inline-field' }, h('label', { for: accountSelect.id }, 'Account'), accountSelect)),
    summary,
    holder);
  await build();
}

/* --- one entry --------------------------------------------------------------- */

function linesTable(entry, names) {
  let debits = 0;
  let credits = 0;
  const rows = entry.lines.map((line, i) => {
    const cents = format.cents(line.amount);
    if (cents > 0) debits += cents;
    else credits -= cents;
    return h('tr', null,
      h('td', { 'data-label': 'Line', class: 'num' }, String(i + 1)),
      h('th', { scope: 'row', 'data-label': 'Account' },
        h('a', { href: ledger.journalHref({ account: line.account }) }, `${line.account} ${names.get(line.account) || ''}`.trim())),
      h('td', { 'data-label': 'Center' }, line.center || '—'),
      h('td', { 'data-label': 'Memo' }, line.memo || '—'),
      h('td', { 'data-label': 'Debit', class: 'num' }, cents > 0 ? ledger.amount(cents) : ''),
      h('td', { 'data-label': 'Credit', class: 'num' }, cents < 0 ? ledger.amount(-cents) : ''));
  });
  const head = h('thead', null, h('tr', null, ['Line', 'Account', 'Center', 'Memo', 'Debit', 'Credit'].map((label, i) =>
    h('th', { scope: 'col', class: i === 0 || i > 3 ? 'num' : null }, label))));
  const foot = h('tfoot', null, h('tr', { class: 'row-total' },
    h('th', { scope: 'row', colspan: '4' }, 'Total'),
    h('td', { class: 'num', 'data-label': 'Debits' }, ledger.amount(debits)),
    h('td', { class: 'num', 'data-label': 'Credits' }, ledger.amount(credits))));
  return h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': 'Lines of the entry' },
    h('table', { class: 'data-table responsive-table entry-lines' },
      h('caption', { class: 'visually-hidden' }, 'Lines of the entry'), head, h('tbody', null, rows), foot));
}

function reverseForm(context, entry) {
  const reason = field({ name: 'reason', label: 'Reason', rows: 3, required: true, hint: 'Why the entry is reversed: kept with the reversal in the audit trail.' });
  const date = field({ name: 'date', label: 'Date of the reversal', type: 'date', hint: `Empty: the entry's own date (${format.date(entry.date)}).` });
  return confirmedForm({
    fields: [reason, date],
    label: 'Reverse the entry',
    submitLabel: 'Reverse…',
    confirm: (values) => ({
      title: `Reverse entry ${entry.id}?`,
      text: `A new entry with the opposite lines is posted${values.date ? ` on ${format.date(values.date)}` : ''}. An entry is reversed once, and entries are never deleted.`,
      confirmLabel: 'Post the reversal',
    }),
    onConfirm: async (values) => {
      const reversal = await api.post(`${API}/${entry.id}/reverse`, registry.filled(values));
      registry.flash(`Entry ${reversal.id} reverses entry ${entry.id}.`);
      context.navigate(`/journal/${reversal.id}`);
    },
  });
}

export async function renderOne(context) {
  const id = context.params.id;
  let entry;
  let chart;
  try {
    [entry, chart] = await Promise.all([api.get(`${API}/${encodeURIComponent(id)}`), ledger.accounts()]);
  } catch (error) {
    if (!context.active()) return;
    if (error.status !== 404 && error.field !== 'id') throw error;
    replace(context.main, h('h1', null, `No journal entry ${id}`), message('error', error.message),
      h('p', null, h('a', { href: '/journal' }, 'Back to the journal')));
    return;
  }
  if (!context.active()) return;
  context.setTitle(`Journal entry ${entry.id}`);
  const names = new Map(chart.map((a) => [a.code, a.name]));
  const notices = registry.notices();
  const link = entry.reverses
    ? h('p', { class: 'reversal-link' }, 'This entry reverses ', ledger.entryLink(entry.reverses), '.')
    : entry.reversed_by
      ? h('p', { class: 'reversal-link' }, 'This entry is reversed by ', ledger.entryLink(entry.reversed_by), '.')
      : null;
  const canReverse = session.can('ledger.write') && !entry.reversed_by;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/journal' }, 'Journal'), ' › ', `Entry ${entry.id}`),
    h('h1', null, `Journal entry ${entry.id}`),
    notices.element,
    h('section', { class: 'panel', 'aria-labelledby': 'entry-title' },
      h('h2', { id: 'entry-title' }, entry.description),
      link,
      registry.details([
        ['Date', format.date(entry.date)],
        ['Source', `${ledger.sourceLabel(entry.source)}${entry.source_ref && entry.source !== 'reversal' ? ` (${entry.source_ref})` : ''}`],
        ['Posted by', entry.created_by],
        ['Posted at', format.timestamp(entry.created_at)],
        ['Total', ledger.amount(entry.total)],
      ]),
      linesTable(entry, names)),
    canReverse
      ? h('section', { class: 'panel', 'aria-labelledby': 'reverse-title' },
        h('h2', { id: 'reverse-title' }, 'Reverse this entry'),
        h('p', { class: 'muted' }, 'Entries are never edited: a mistake is corrected by a reversing entry, then a new one.'),
        reverseForm(context, entry))
      : null);
}

/* --- a manual entry ------------------------------------------------------------ */

/* What a person types as an amount ("1,500", "$1500.5") in cents; null
 * when empty, NaN when it is not an amount. Only for the balance shown
 * while typing: the server parses what is sent. */
function typedCents(text) {
  const cleaned = String(text).replace(/[\s,$]/g, '');
  if (!cleaned) return null;
  try {
    return format.cents(cleaned);
  } catch {
    return NaN;
  }
}

/* Cents as the API's amount text: -150000 -> "-1500.00". */
function centsText(cents) {
  const absolute = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

function lineEditor(number, accountOptions, centerOptions, onChange, onRemove) {
  const account = field({ name: 'account', label: 'Account', options: accountOptions });
  const center = field({ name: 'center', label: 'Center', options: centerOptions });
  const debit = field({ name: 'debit', label: 'Debit', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00' });
  const credit = field({ name: 'credit', label: 'Credit', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00' });
  const memo = field({ name: 'memo', label: 'Memo', autocomplete: 'off' });
  const remove = h('button', { type: 'button', class: 'button-secondary button-small', onClick: () => onRemove(line) }, 'Remove');
  const legend = h('legend', null, `Line ${number}`);
  const element = h('fieldset', { class: 'field-group entry-line' }, legend,
    h('div', { class: 'entry-line-fields' }, account.element, center.element, debit.element, credit.element, memo.element),
    h('div', { class: 'row-actions' }, remove));
  [debit, credit].forEach((f) => f.input.addEventListener('input', onChange));
  const fields = { account, center, amount: debit, debit, credit, memo };
  const line = {
    element,
    fields,
    remove,
    renumber(n) {
      legend.textContent = `Line ${n}`;
      remove.setAttribute('aria-label', `Remove line ${n}`);
    },
    blank: () => !account.value() && !debit.value().trim() && !credit.value().trim() && !memo.value().trim(),
    debitCents: () => typedCents(debit.value()),
    creditCents: () => typedCents(credit.value()),
    clearErrors: () => Object.values(fields).forEach((f) => f.clearError()),
  };
  line.renumber(number);
  return line;
}

export async function renderNew(context) {
  const [chart, centers, markets] = await Promise.all([ledger.accounts(), api.getAll('/api/v1/centers'), api.getAll('/api/v1/markets')]);
  if (!context.active()) return;
  const accountOptions = [{ value: '', label: 'Choose an account' }, ...chart.map((a) => ({ value: a.code, label: ledger.accountLabel(a) }))];
  const centerOptions = [{ value: '', label: 'None' },
    ...centers.map((c) => ({ value: c.code, label: `${c.code} - ${c.name}` })),
    ...markets.map((m) => ({ value: m.code, label: `${m.code} - ${m.name} (market)` }))];

  const date = field({ name: 'date', label: 'Date', type: 'date', required: true });
  const description = field({ name: 'description', label: 'Description', required: true, autocomplete: 'off', hint: 'What the entry is for.' });
  const linesHolder = h('div', { class: 'entry-lines-editor' });
  const balance = h('p', { class: 'entry-balance', role: 'status', 'aria-live': 'polite' });
  const linesErrorId = uid('lines-error');
  const linesError = h('p', { class: 'field-error', id: linesErrorId, hidden: true });
  const lines = [];

  function updateBalance() {
    let debits = 0;
    let credits = 0;
    const unreadable = [];
    lines.forEach((line, i) => {
      const d = line.debitCents();
      const c = line.creditCents();
      if (Number.isNaN(d) || Number.isNaN(c)) unreadable.push(i + 1);
      if (Number.isInteger(d)) debits += d;
      if (Number.isInteger(c)) credits += c;
    });
    const difference = debits - credits;
    balance.className = `entry-balance ${!debits && !credits ? '' : difference === 0 ? 'balance-even' : 'balance-off'}`;
    replace(balance,
      h('span', null, 'Debits ', h('strong', { class: 'balance-debits' }, ledger.amount(debits))), ' ',
      h('span', null, 'Credits ', h('strong', { class: 'balance-credits' }, ledger.amount(credits))), ' ',
      h('span', null, 'Balance (debits - credits) ', h('strong', { class: 'balance-difference' }, ledger.amount(difference))),
      !debits && !credits ? '' : difference === 0 ? ' The entry balances.' : ' The entry does not balance.',
      unreadable.length ? ` Not an amount on line ${unreadable.join(', ')}.` : '');
  }

  function renumber() {
    lines.forEach((line, i) => line.renumber(i + 1));
    lines.forEach((line) => {
      line.remove.disabled = lines.length <= 2;
    });
  }

  function addLine() {
    const line = lineEditor(lines.length + 1, accountOptions, centerOptions, updateBalance, (gone) => {
      lines.splice(lines.indexOf(gone), 1);
      gone.element.remove();
      renumber();
      updateBalance();
      lines[lines.length - 1].fields.account.focus();
    });
    lines.push(line);
    linesHolder.append(line.element);
    renumber();
    return line;
  }
  addLine();
  addLine();
  updateBalance();

  const addButton = h('button', { type: 'button', class: 'button-secondary', onClick: () => {
    addLine().fields.account.focus();
    updateBalance();
  } }, 'Add a line');
  const linesGroup = h('fieldset', { class: 'field-group', 'aria-describedby': linesErrorId },
    h('legend', null, 'Lines'),
    h('p', { class: 'field-hint' }, 'Each line is a debit or a credit; the debits must equal the credits.'),
    linesHolder, h('div', { class: 'button-row' }, addButton), balance, linesError);
  const linesField = {
    name: 'lines',
    element: linesGroup,
    input: linesGroup,
    value: () => '',
    setError(text) {
      linesError.hidden = false;
      replace(linesError, h('span', { class: 'visually-hidden' }, 'Error: '), text);
    },
    clearError() {
      linesError.hidden = true;
      replace(linesError);
      lines.forEach((line) => line.clearErrors());
    },
    focus: () => addButton.focus(),
  };

  /* The lines sent, each with the editor it came from (a server error
   * names lines[N] in the order sent; blank lines are not sent). */
  let sent = [];
  const entryForm = form({
    fields: [date, description, linesField],
    label: 'New journal entry',
    submitLabel: 'Post the entry',
    className: 'form form-wide',
    onSubmit: async (values) => {
      sent = lines.filter((line) => !line.blank());
      const both = sent.find((line) => line.fields.debit.value().trim() && line.fields.credit.value().trim());
      if (both) {
        both.fields.credit.setError('A line is a debit or a credit: put the other amount on a line of its own.');
        both.fields.credit.focus();
        return;
      }
      const body = {
        date: values.date,
        description: values.description,
        lines: sent.map((line) => {
          const credit = line.fields.credit.value().trim();
          const creditCents = line.creditCents();
          const debit = line.fields.debit.value().trim();
          const debitCents = line.debitCents();
          let amountText = '';
          if (credit) amountText = Number.isInteger(creditCents) ? centsText(-creditCents) : `-${credit}`;
          else if (debit) amountText = Number.isInteger(debitCents) ? centsText(debitCents) : debit;
          return {
            account: line.fields.account.value(),
            amount: amountText,
            ...(line.fields.center.value() ? { center: line.fields.center.value() } : {}),
            ...(line.fields.memo.value().trim() ? { memo: line.fields.memo.value().trim() } : {}),
          };
        }),
      };
      let posted;
      try {
        posted = await api.post(API, body);
      } catch (error) {
        // lines[N].field: under that field of the line sent N-th.
        const match = /^lines\[(\d+)\]\.(\w+)$/.exec(error.field || '');
        const line = match && sent[Number(match[1])];
        if (line && line.fields[match[2]]) {
          const target = match[2] === 'amount' && line.fields.credit.value().trim() ? line.fields.credit : line.fields[match[2]];
          target.setError(error.message);
          target.focus();
          return;
        }
        throw error;
      }
      registry.flash(`Entry ${posted.id} is posted.`);
      context.navigate(`/journal/${posted.id}`);
    },
    secondary: [h('a', { class: 'button-secondary', href: '/journal' }, 'Cancel')],
  });

  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/journal' }, 'Journal'), ' › ', 'New entry'),
    h('h1', null, 'New journal entry'),
    h('p', { class: 'muted' }, 'A manual entry, posted as you; entries are never edited afterwards, only reversed.'),
    entryForm.element);
}
