// pages/periods.js - closed periods (/periods; docs/reports.md, "Closed
// periods"): the periods closed, with who signed, when and why, and closing
// one (ledger.write) under an electronic signature: the signer is the user
// of the session, who types the password again; the meaning of the
// signature is shown before signing. Every refusal (a period already
// closed, a wrong password, a period that is not one) is the server's and
// is shown under the field it names; a wrong password closes nothing.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import { dataTable } from '../data_table.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/periods', render, title: 'Closed periods', capability: 'reports',
    nav: { area: 'finance', order: 70, label: 'Periods', description: 'The closed periods and who signed them; close a period with an electronic signature.' } },
];

const API = '/api/v1/periods';
const MEANING = 'period closed: no further postings';

function periodsList(items) {
  return dataTable({
    caption: 'Closed periods',
    csvName: 'closed-periods.csv',
    empty: 'No period is closed yet: every date is open to postings.',
    rows: items,
    sort: [{ id: 'first_day', desc: true }],
    columns: [
      { id: 'period', label: 'Period', value: (p) => p.period, header: true },
      { id: 'first_day', label: 'From', value: (p) => p.first_day, cell: (p) => format.date(p.first_day) },
      { id: 'last_day', label: 'To', value: (p) => p.last_day, cell: (p) => format.date(p.last_day) },
      { id: 'signed_by', label: 'Signed by', value: (p) => p.signed_by },
      { id: 'signed_at', label: 'Signed at', value: (p) => p.signed_at, cell: (p) => format.timestamp(p.signed_at) },
      { id: 'signature_meaning', label: 'Meaning', value: (p) => p.signature_meaning, phone: false },
      { id: 'reason', label: 'Reason', value: (p) => p.reason || '', phone: false },
    ],
  });
}

function closeForm(context, notices, list) {
  // A period to close may come in the address: the worklist links here with ?period=.
  const period = field({ name: 'period', label: 'Period', required: true, autocomplete: 'off', placeholder: '2004Q1',
    value: context.query.get('period') || '', hint: 'A year (2004), a quarter (2004Q1) or a month (2004-03).' });
  const reason = field({ name: 'reason', label: 'Reason', rows: 2, hint: 'Optional: kept with the signature.' });
  const password = field({ name: 'password', label: 'Your password', type: 'password', required: true, autocomplete: 'off',
    hint: `You sign as ${session.current().username}.` });
  return form({
    label: 'Close a period',
    submitLabel: 'Sign and close',
    fields: [period, reason, password],
    onSubmit: async (values) => {
      let closed;
      try {
        // A wrong password is a 401 about the signature, not the session:
        // it must not log the user out.
        closed = await api.post(`${API}/close`, registry.filled({ period: values.period, reason: values.reason, password: values.password }), { quiet401: true });
      } finally {
        password.input.value = '';
      }
      if (!context.active()) return;
      period.input.value = '';
      reason.input.value = '';
      notices.success(`${closed.period} is closed (${format.date(closed.first_day)} to ${format.date(closed.last_day)}), signed by ${closed.signed_by} at ${format.timestamp(closed.signed_at)}.`);
      list.setRows((await api.get(API)).items);
    },
  });
}

export async function render(context) {
  const answer = await api.get(API);
  if (!context.active()) return;
  const notices = registry.notices();
  const list = periodsList(answer.items);
  const canClose = session.can('ledger.write');
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Closed periods')),
    h('p', { class: 'muted' }, 'A closed period refuses every posting, import line and reversal dated inside it. Closing is not undone.'),
    notices.element,
    list.element,
    canClose
      ? h('section', { class: 'panel signature-panel', 'aria-labelledby': 'close-title' },
        h('h2', { id: 'close-title' }, 'Close a period'),
        h('p', null, 'Meaning of the signature: ', h('strong', { class: 'signature-meaning' }, MEANING), '.'),
        h('p', { class: 'muted' }, 'Type your password again: it is your electronic signature on the close.'),
        closeForm(context, notices, list).element)
      : h('p', { class: 'muted' }, 'Closing a period needs the finance or administrator role.'));
  await list.ready;
}
