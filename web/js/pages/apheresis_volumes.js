// pages/apheresis_volumes.js - the volumes of therapeutic apheresis
// (docs/apheresis.md, "Volumes"): /apheresis-volumes?period=2026Q4, the
// signed procedures of a year, a quarter or a month by market and procedure
// type, with the aborted ones, the revenue and the average price, and the
// period's total. Read with `reports` (finance, executive, auditor, admin):
// prices and counts, no patient. Every figure is the server's.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dataTable } from '../data_table.js';
import { field, form } from '../forms.js';
import * as format from '../format.js';

export const pages = [
  { pattern: '/apheresis-volumes', render, title: 'Apheresis volumes', capability: 'reports',
    nav: { area: 'finance', order: 25, label: 'Apheresis volumes', description: 'Therapeutic apheresis procedures by market and type for a period, with the average price.' } },
];

/* This quarter where the browser is: "2026Q4". */
function currentQuarter() {
  const today = format.today();
  return `${today.slice(0, 4)}Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
}

const href = (period) => `/apheresis-volumes?period=${encodeURIComponent(period)}`;
const label = (type) => type.replace(/_/g, ' ');

function volumesTable(v) {
  return dataTable({
    caption: `Apheresis volumes ${v.period}`, captionHidden: true, csvName: `apheresis-volumes-${v.period}.csv`, noun: 'lines',
    empty: 'No signed procedure in this period.', rows: v.items, sort: [{ id: 'market', desc: false }],
    columns: [
      { id: 'market', label: 'Market', header: true, value: (r) => r.market },
      { id: 'procedure_type', label: 'Procedure', value: (r) => r.procedure_type, cell: (r) => label(r.procedure_type) },
      { id: 'procedures', label: 'Procedures', numeric: true, value: (r) => r.procedures },
      { id: 'aborted', label: 'Of which aborted', numeric: true, value: (r) => r.aborted },
      { id: 'revenue', label: 'Revenue', numeric: true, value: (r) => r.revenue, cell: (r) => format.money(r.revenue, { cents: true }) },
      { id: 'average_price', label: 'Average price', numeric: true, value: (r) => r.average_price,
        cell: (r) => format.money(r.average_price, { cents: true }) },
    ],
    foot: v.items.length ? [{ market: 'Total', procedure_type: '', procedures: v.total.procedures,
      aborted: v.items.reduce((n, r) => n + r.aborted, 0), revenue: v.total.revenue, average_price: v.total.average_price }] : [],
  });
}

export async function render(context) {
  const period = (context.query.get('period') || currentQuarter()).trim().toUpperCase();
  const chooser = form({
    label: 'Choose the period', submitLabel: 'Show', className: 'form',
    fields: [field({ name: 'period', label: 'Period', required: true, value: period, autocomplete: 'off',
      hint: 'A year (2026), a quarter (2026Q4) or a month (2026-12).' })],
    onSubmit: async (values) => {
      const wanted = values.period.trim().toUpperCase();
      await api.get('/api/v1/apheresis-volumes', { period: wanted }); // a period refused is said under the field
      context.navigate(href(wanted));
    },
  });
  const head = [h('h1', null, 'Apheresis volumes'), chooser.element];
  let v;
  try {
    v = await api.get('/api/v1/apheresis-volumes', { period });
  } catch (error) {
    if (error.status === 401 || !context.active()) throw error;
    replace(context.main, ...head, h('p', { class: 'form-error', role: 'alert' }, error.message));
    return;
  }
  if (!context.active()) return;
  const table = volumesTable(v);
  replace(context.main, ...head,
    h('section', { class: 'panel', 'aria-labelledby': 'volumes-period' },
      h('h2', { id: 'volumes-period' }, `${v.period}: ${format.date(v.first_day)} to ${format.date(v.last_day)}`),
      h('p', { class: 'muted' }, 'Signed procedures by the day they were performed at the hospital; an aborted procedure counts at the price it was billed.'),
      h('p', { id: 'volumes-total' }, `${v.total.procedures} procedure${v.total.procedures === 1 ? '' : 's'}, `
        + `${format.money(v.total.revenue, { cents: true })} in all, on average ${format.money(v.total.average_price, { cents: true })}.`),
      table.element));
  await table.ready;
}
