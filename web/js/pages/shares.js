// pages/shares.js - weighted average shares outstanding by quarter (/shares;
// docs/reports.md, "weighted shares"), which the quarterly results divide
// net income by for earnings per share: the list, and setting a quarter's
// basic and diluted shares (ledger.write), a quarter set again replacing
// what it had. The server's refusal is shown under the field it names.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import { dataTable } from '../data_table.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/shares', render, title: 'Weighted shares', capability: 'reports',
    nav: { area: 'finance', order: 80, label: 'Weighted shares', description: 'Weighted average shares by quarter, basic and diluted, for earnings per share.' } },
];

const API = '/api/v1/shares';

function sharesList(items) {
  return dataTable({
    caption: 'Weighted average shares by quarter',
    csvName: 'weighted-shares.csv',
    empty: 'No quarter has its shares set yet.',
    rows: items,
    sort: [{ id: 'period', desc: true }],
    columns: [
      { id: 'period', label: 'Quarter', value: (s) => s.period, cell: (s) => format.quarter(s.period), header: true },
      { id: 'basic', label: 'Basic', value: (s) => s.basic, cell: (s) => format.integer(s.basic), numeric: true },
      { id: 'diluted', label: 'Diluted', value: (s) => s.diluted, cell: (s) => format.integer(s.diluted), numeric: true },
      { id: 'updated_by', label: 'Set by', value: (s) => s.updated_by, phone: false },
      { id: 'updated_at', label: 'Set at', value: (s) => s.updated_at, cell: (s) => format.timestamp(s.updated_at), phone: false },
    ],
  });
}

function setForm(notices, list) {
  const period = field({ name: 'period', label: 'Quarter', required: true, autocomplete: 'off', placeholder: '2004Q1' });
  const basic = field({ name: 'basic', label: 'Basic shares', required: true, inputmode: 'numeric', autocomplete: 'off' });
  const diluted = field({ name: 'diluted', label: 'Diluted shares', required: true, inputmode: 'numeric', autocomplete: 'off',
    hint: 'At least the basic shares.' });
  return form({
    label: 'Set the shares of a quarter',
    submitLabel: 'Save the shares',
    fields: [period, basic, diluted],
    onSubmit: async (values) => {
      // Thousands separators are for reading; the API takes the digits.
      const digits = (text) => text.replace(/[\s,]/g, '');
      const saved = await api.post(API, { period: values.period.trim().toUpperCase(), basic: digits(values.basic), diluted: digits(values.diluted) });
      [period, basic, diluted].forEach((f) => {
        f.input.value = '';
      });
      notices.success(`The shares of ${format.quarter(saved.period)} are saved: ${format.integer(saved.basic)} basic, ${format.integer(saved.diluted)} diluted.`);
      list.setRows((await api.get(API)).items);
    },
  });
}

export async function render(context) {
  const answer = await api.get(API);
  if (!context.active()) return;
  const notices = registry.notices();
  const list = sharesList(answer.items);
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Weighted shares')),
    h('p', { class: 'muted' }, 'The weighted average shares outstanding of each quarter: earnings per share is net income divided by them.'),
    notices.element,
    list.element,
    session.can('ledger.write')
      ? h('section', { class: 'panel', 'aria-labelledby': 'set-title' },
        h('h2', { id: 'set-title' }, 'Set a quarter’s shares'),
        h('p', { class: 'muted' }, 'A quarter already set is replaced.'),
        setForm(notices, list).element)
      : null);
  await list.ready;
}
