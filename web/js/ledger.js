// ledger.js - what the finance pages (web/js/pages/journal.js, ledger_reports.js,
// periods.js, shares.js) share, over the ledger API (docs/reports.md):
// amounts to the cent as the books keep them ($1,500.00, negatives in
// parentheses), the chart of accounts as choices, an entry's source in
// words, the link from an account to its journal lines over some dates, the
// latest quarter with postings (what a report shows first), and the form
// that asks for a period or from/to dates and shows the server's refusal
// next to the field it names.

import * as api from './api.js';
import { h } from './dom.js';
import { field, form } from './forms.js';
import * as format from './format.js';

/* "-1500.00" -> "($1,500.00)": ledger amounts keep their cents. */
export const amount = (value) => format.money(value, { cents: true });

/* The chart of accounts, in code order. */
export async function accounts() {
  return (await api.get('/api/v1/accounts')).items;
}

export const accountLabel = (account) => `${account.code} ${account.name}`;

/* The sources of entries the journal filters by. */
export const SOURCES = [
  { value: 'manual', label: 'Manual' },
  { value: 'import', label: 'Imported' },
  { value: 'reversal', label: 'Reversal' },
];

export function sourceLabel(source) {
  const known = SOURCES.find((s) => s.value === source);
  return known ? known.label : source;
}

/* The journal lines of an account between two dates (either may be open). */
export function journalHref({ account, from, to }) {
  return `/journal${api.query({ account, from, to })}`;
}

export function entryLink(id) {
  return h('a', { href: `/journal/${id}` }, `Entry ${id}`);
}

/* "2004-02-15" -> "2004Q1"; and that quarter's last day. */
export function quarterOf(date) {
  return `${date.slice(0, 4)}Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`;
}

export function quarterEnd(date) {
  const year = Number(date.slice(0, 4));
  const lastMonth = Math.ceil(Number(date.slice(5, 7)) / 3) * 3;
  const day = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  return `${year}-${String(lastMonth).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/* The date of the newest entry, or null on an empty journal. */
export async function latestDate() {
  const answer = await api.get('/api/v1/journal', { sort: '-date', limit: 1 });
  return answer.items.length ? answer.items[0].date : null;
}

/* The days a report covers, as the server answered them. */
export function rangeText(from, to) {
  return `${format.date(from)} to ${format.date(to)}`;
}

/*
 * rangeForm({context, path, values: {period, from, to}, refused}) -> the
 * form of a report over a period ("2004", "2004Q1", "2004-03") or from/to
 * dates; Show goes to path?period=... or path?from=...&to=... The server
 * checks what was typed: its refusal (`refused`, an ApiError) is shown
 * under the field it names.
 */
export function rangeForm({ context, path, values = {}, refused = null }) {
  const period = field({ name: 'period', label: 'Period', value: values.period || '', placeholder: '2004Q1',
    autocomplete: 'off', size: '8', hint: 'A year (2004), a quarter (2004Q1) or a month (2004-03); or leave it empty and give the dates.' });
  const from = field({ name: 'from', label: 'From', type: 'date', value: values.from || '' });
  const to = field({ name: 'to', label: 'To', type: 'date', value: values.to || '' });
  const shown = form({
    fields: [period, from, to],
    label: 'Period of the report',
    submitLabel: 'Show',
    className: 'toolbar-form range-form no-print',
    onSubmit: async (typed) => {
      const text = typed.period.trim().toUpperCase();
      const query = text ? { period: text } : { from: typed.from, to: typed.to };
      context.navigate(`${path}${api.query(query)}`);
    },
  });
  if (refused) shown.showError(refused);
  return shown.element;
}
